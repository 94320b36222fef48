// OCI lifecycle hooks (see hooks.h).
#include "oci/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "oci/util.h"

namespace runw::oci {
namespace {

int64_t NowMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Expected<void> RunHook(std::string_view kind, const Hook& hook, const std::string& state_json) {
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0) return Fail(SysError("pipe"));
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return Fail(SysError("pipe"));
  }
  std::vector<char*> argv;
  for (const std::string& a : hook.args)
    argv.push_back(const_cast<char*>(a.c_str()));
  if (argv.empty()) argv.push_back(const_cast<char*>(hook.path.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : hook.env)
    envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) return Fail(SysError("fork hook"));
  if (pid == 0) {
    // The hook's stdin is the state, stdout and stderr are captured together;
    // every other fd is closed at exec.
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    CloexecFrom(3);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(hook.path.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  // The state is small (well under a pipe's buffer), so this write won't block
  // even if the hook never reads it; a hook that exits early gives EPIPE, which
  // is not the hook failing.
  struct sigaction ignore = {};
  struct sigaction old = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  (void)!write(in[1], state_json.data(), state_json.size());
  sigaction(SIGPIPE, &old, nullptr);
  close(in[1]);

  std::string output;
  const int64_t deadline = hook.timeout ? NowMs() + int64_t{*hook.timeout} * 1000 : -1;
  bool timed_out = false;
  for (;;) {
    int wait_ms = -1;
    if (deadline >= 0) {
      wait_ms = static_cast<int>(std::max<int64_t>(0, deadline - NowMs()));
    }
    pollfd p{out[0], POLLIN, 0};
    int r = poll(&p, 1, wait_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      timed_out = true;
      break;
    }
    char buf[4096];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (output.size() < 65536) output.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r'))
    output.pop_back();
  std::string what = std::string(kind) + " hook `" + hook.path + "`";
  if (timed_out) {
    return Fail(what + ": hook ran past specified timeout of " + std::to_string(*hook.timeout) +
                "s");
  }
  std::string suffix = output.empty() ? "" : ": " + output;
  if (WIFSIGNALED(status)) {
    return Fail(what + " killed by signal " + std::to_string(WTERMSIG(status)) + suffix);
  }
  if (WEXITSTATUS(status) == 127 && output.empty()) {
    return Fail(what + ": cannot execute it (missing, or not executable)");
  }
  if (WEXITSTATUS(status) != 0) {
    return Fail(what + " exited with status " + std::to_string(WEXITSTATUS(status)) + suffix);
  }
  return {};
}

}  // namespace

Expected<void> RunHooks(std::string_view kind, const std::vector<Hook>& hooks,
                        const std::string& state_json) {
  for (const Hook& hook : hooks)
    RUNW_OCI_CHECK(RunHook(kind, hook, state_json));
  return {};
}

}  // namespace runw::oci
