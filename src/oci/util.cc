// Shared OCI helpers (see util.h).
#include "oci/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>

#include "oci/state.h"

namespace runw::oci {

std::string ErrnoText(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string SysError(std::string_view what) {
  int err = errno;
  return std::string(what) + ": " + ErrnoText(err);
}

std::optional<int> ParseSignal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    if (number <= 0 || number >= NSIG) return std::nullopt;
    return number;
  }
  std::string name(text);
  for (char& c : name)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name.starts_with("SIG")) name.erase(0, 3);
  static constexpr std::pair<std::string_view, int> kNames[] = {
      {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
      {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
      {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
      {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
      {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
      {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
      {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
      {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
      {"SYS", SIGSYS},
  };
  for (const auto& [n, v] : kNames) {
    if (name == n) return v;
  }
  // RTMIN, RTMIN+n, RTMAX, RTMAX-n.
  auto offset = [](std::string_view rest, int sign) -> std::optional<int> {
    if (rest.empty()) return 0;
    if (rest[0] != (sign > 0 ? '+' : '-')) return std::nullopt;
    int n = 0;
    auto [p, e] = std::from_chars(rest.data() + 1, rest.data() + rest.size(), n);
    if (e != std::errc() || p != rest.data() + rest.size()) return std::nullopt;
    return sign * n;
  };
  std::string_view v = name;
  std::optional<int> sig;
  if (v.starts_with("RTMIN")) {
    if (auto o = offset(v.substr(5), +1)) sig = SIGRTMIN + *o;
  } else if (v.starts_with("RTMAX")) {
    if (auto o = offset(v.substr(5), -1)) sig = SIGRTMAX + *o;
  }
  if (sig && *sig >= SIGRTMIN && *sig <= SIGRTMAX) return sig;
  return std::nullopt;
}

void CloexecFrom(int first, int keep) {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) {
    // Without /proc, walk the whole range the rlimit allows.
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = first; fd < max; ++fd) {
      if (fd != keep) fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    return;
  }
  int self = dirfd(d);
  while (dirent* e = readdir(d)) {
    int fd = 0;
    auto [p, ec] = std::from_chars(e->d_name, e->d_name + std::strlen(e->d_name), fd);
    if (ec != std::errc() || fd < first || fd == self || fd == keep) continue;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  closedir(d);
}

bool WaitForExit(pid_t pid, int timeout_ms) {
  for (int waited = 0;; waited += 10) {
    std::optional<ProcStat> st = ReadProcStat(pid);
    if (!st || st->state == 'Z' || st->state == 'X') return true;
    if (waited >= timeout_ms) return false;
    timespec ts{0, 10 * 1000 * 1000};
    nanosleep(&ts, nullptr);
  }
}

bool SendMessage(int fd, char type, std::string_view payload) {
  std::string buf(1, type);
  buf.append(payload);
  ssize_t n;
  do {
    n = send(fd, buf.data(), buf.size(), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(buf.size());
}

std::optional<std::pair<char, std::string>> ReceiveMessage(int fd) {
  std::string buf(1 << 16, '\0');
  ssize_t n;
  do {
    n = recv(fd, buf.data(), buf.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return std::nullopt;
  return std::pair<char, std::string>(buf[0], buf.substr(1, static_cast<size_t>(n) - 1));
}

int CloneFlag(NamespaceType type) {
  switch (type) {
    case NamespaceType::kPid:
      return CLONE_NEWPID;
    case NamespaceType::kNetwork:
      return CLONE_NEWNET;
    case NamespaceType::kMount:
      return CLONE_NEWNS;
    case NamespaceType::kIpc:
      return CLONE_NEWIPC;
    case NamespaceType::kUts:
      return CLONE_NEWUTS;
    case NamespaceType::kUser:
      return CLONE_NEWUSER;
    case NamespaceType::kCgroup:
      return CLONE_NEWCGROUP;
    case NamespaceType::kTime:
      return 0x80;  // CLONE_NEWTIME, absent from older headers
  }
  return 0;
}

int WriteOnce(const std::string& path, std::string_view value, int extra_flags) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC | extra_flags);
  if (fd < 0) return errno;
  ssize_t n;
  do {
    n = write(fd, value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : n != static_cast<ssize_t>(value.size()) ? EIO : 0;
  close(fd);
  return err;
}

std::string AbsolutePath(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

namespace {
volatile sig_atomic_t g_forward_pid = 0;
void ForwardSignal(int sig) {
  if (g_forward_pid > 0) kill(g_forward_pid, sig);
}
}  // namespace

void ForwardSignalsTo(pid_t pid) {
  g_forward_pid = pid;
  struct sigaction sa = {};
  sa.sa_handler = ForwardSignal;
  sa.sa_flags = SA_RESTART;
  for (int sig : kForwardedSignals)
    sigaction(sig, &sa, nullptr);
}

void SendErrorAndExit(int fd, const std::string& message) {
  SendMessage(fd, kErrorMessage, message);
  _exit(1);
}

std::vector<char*> CStringArray(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace runw::oci
