// The terminal runw serves itself (see terminal-relay.h).
//
// The relay is one poll(2) loop over: runw's stdin, the pty master, a pipe
// that SIGWINCH writes to, and a pidfd of the process (readable once it has
// exited). Nothing is read from stdin while input for the master is still
// pending, and the master is non-blocking, so a container that stops reading
// its terminal never stops runw from copying its output (which could otherwise
// deadlock both). Output to runw's stdout is written in full, blocking: a
// caller that stops reading holds the container up, as with any terminal.
#include "oci/terminal-relay.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "oci/util.h"

namespace runw::oci {
namespace {

// The write end of the SIGWINCH pipe while a relay runs, else -1.
volatile sig_atomic_t g_winch_fd = -1;

void OnWinch(int) {
  int saved = errno;
  if (g_winch_fd >= 0) (void)!write(g_winch_fd, "w", 1);
  errno = saved;
}

// While it lives: stdin in raw mode (when it is a terminal), SIGWINCH noted in
// a pipe instead of forwarded (the kernel signals the pty's foreground group
// itself once the size is set, and a forwarded signal could arrive before the
// new size), SIGPIPE ignored (a closed stdout must end the copying, not runw
// with the terminal left raw). Everything is put back by the destructor, which
// runs on every way out of RelayTerminal.
class RelayScope {
 public:
  RelayScope() {
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_termios_) == 0) {
      termios raw = saved_termios_;
      cfmakeraw(&raw);
      raw_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    if (pipe2(winch_pipe_, O_CLOEXEC | O_NONBLOCK) == 0) {
      g_winch_fd = winch_pipe_[1];
      struct sigaction sa = {};
      sa.sa_handler = OnWinch;
      sa.sa_flags = SA_RESTART;
      sigaction(SIGWINCH, &sa, &saved_winch_);
    } else {
      winch_pipe_[0] = winch_pipe_[1] = -1;
    }
    struct sigaction ign = {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &saved_pipe_);
  }
  ~RelayScope() {
    sigaction(SIGPIPE, &saved_pipe_, nullptr);
    if (winch_pipe_[0] >= 0) {
      sigaction(SIGWINCH, &saved_winch_, nullptr);
      g_winch_fd = -1;
      close(winch_pipe_[0]);
      close(winch_pipe_[1]);
    }
    if (raw_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios_);
  }
  RelayScope(const RelayScope&) = delete;
  RelayScope& operator=(const RelayScope&) = delete;

  int winch_fd() const { return winch_pipe_[0]; }

 private:
  termios saved_termios_ = {};
  bool raw_ = false;
  int winch_pipe_[2] = {-1, -1};
  struct sigaction saved_winch_ = {};
  struct sigaction saved_pipe_ = {};
};

// Writes all of `data` to `fd`, waiting when it is non-blocking and full.
// False when `fd` is gone (EPIPE and the like).
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n > 0) {
      data += n;
      size -= static_cast<size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      pollfd p = {fd, POLLOUT, 0};
      poll(&p, 1, -1);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return false;
    }
  }
  return true;
}

// Reads what the master has and copies it to stdout. False once the master
// has nothing more to give (EIO: every slave fd is closed; or end of file).
bool CopyOutput(int master, bool& stdout_ok) {
  char buf[16 * 1024];
  ssize_t n = read(master, buf, sizeof buf);
  if (n > 0) {
    // With stdout gone, output is still read (and dropped), so that the
    // container is not blocked on a full pty.
    if (stdout_ok) stdout_ok = WriteAll(STDOUT_FILENO, buf, static_cast<size_t>(n));
    return true;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  return false;
}

// What a process writes just before it exits can still be on its way through
// the tty layer (the flip buffers are pushed to the master by a worker). The
// master says EIO once the last slave fd is closed and everything is read; a
// slave still held elsewhere (a background process of an exec'd shell) gives
// no EIO, so a quiet spell ends the wait instead.
void DrainOutput(int master, bool& stdout_ok) {
  constexpr int kQuietMs = 200;
  for (;;) {
    pollfd p = {master, POLLIN, 0};
    int ready = poll(&p, 1, kQuietMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;
    if (!CopyOutput(master, stdout_ok)) return;
  }
}

}  // namespace

Expected<LocalConsoleSocket> MakeLocalConsoleSocket() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return Fail(SysError("socketpair for the terminal"));
  }
  return LocalConsoleSocket{sv[0], sv[1]};
}

Expected<std::optional<int>> ReceiveConsoleMaster(int socket_fd, bool wait) {
  char name[128];
  iovec iov{name, sizeof name};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC | (wait ? 0 : MSG_DONTWAIT));
  } while (n < 0 && errno == EINTR);
  if (n < 0 && !wait && (errno == EAGAIN || errno == EWOULDBLOCK)) return std::nullopt;
  if (n < 0) return Fail(SysError("receive the pty master"));
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
        c->cmsg_len == CMSG_LEN(sizeof(int))) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      return fd;
    }
  }
  if (n == 0) return std::nullopt;
  return Fail("receive the pty master: the message carries no file descriptor");
}

std::optional<ConsoleSize> OuterTerminalSize() {
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    winsize ws = {};
    if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
      return ConsoleSize{ws.ws_row, ws.ws_col};
    }
  }
  return std::nullopt;
}

void CopyWindowSize(int master) {
  if (std::optional<ConsoleSize> size = OuterTerminalSize()) {
    winsize ws = {};
    ws.ws_row = static_cast<unsigned short>(size->height);
    ws.ws_col = static_cast<unsigned short>(size->width);
    ioctl(master, TIOCSWINSZ, &ws);
  }
}

Expected<void> RelayTerminal(int master, pid_t pid) {
  int flags = fcntl(master, F_GETFL);
  if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) != 0) {
    return Fail(SysError("make the pty master non-blocking"));
  }
  // Without pidfds (Linux < 5.3) the loop wakes up every 100ms to look.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  struct ClosePidfd {
    int fd;
    ~ClosePidfd() {
      if (fd >= 0) close(fd);
    }
  } close_pidfd{pidfd};

  RelayScope scope;
  CopyWindowSize(master);

  bool stdin_open = true;
  bool master_open = true;  // false once every slave fd is closed
  bool stdout_ok = true;
  std::string to_master;  // read from stdin, not yet accepted by the master
  char last_sent = '\n';
  for (;;) {
    pollfd fds[4];
    nfds_t count = 0;
    int stdin_at = -1, master_at = -1, winch_at = -1, pid_at = -1;
    if (stdin_open && to_master.empty()) {
      stdin_at = static_cast<int>(count);
      fds[count++] = {STDIN_FILENO, POLLIN, 0};
    }
    if (master_open) {
      master_at = static_cast<int>(count);
      fds[count++] = {master, static_cast<short>(POLLIN | (to_master.empty() ? 0 : POLLOUT)), 0};
    }
    if (scope.winch_fd() >= 0) {
      winch_at = static_cast<int>(count);
      fds[count++] = {scope.winch_fd(), POLLIN, 0};
    }
    if (pidfd >= 0) {
      pid_at = static_cast<int>(count);
      fds[count++] = {pidfd, POLLIN, 0};
    }
    int ready = poll(fds, count, pidfd >= 0 ? -1 : 100);
    if (ready < 0 && errno != EINTR) return Fail(SysError("poll the terminal"));
    if (ready < 0) continue;

    if (winch_at >= 0 && fds[winch_at].revents != 0) {
      char drain[64];
      while (read(scope.winch_fd(), drain, sizeof drain) > 0) {
      }
      CopyWindowSize(master);
    }
    if (master_at >= 0 && (fds[master_at].revents & (POLLIN | POLLHUP | POLLERR))) {
      if (!CopyOutput(master, stdout_ok)) {
        master_open = false;
        to_master.clear();  // nobody is left to read it
      }
    }
    if (master_at >= 0 && master_open && !to_master.empty() && (fds[master_at].revents & POLLOUT)) {
      ssize_t n = write(master, to_master.data(), to_master.size());
      if (n > 0) {
        to_master.erase(0, static_cast<size_t>(n));
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        to_master.clear();
      }
    }
    if (stdin_at >= 0 && fds[stdin_at].revents != 0) {
      char buf[4096];
      ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
      if (n > 0) {
        to_master.append(buf, static_cast<size_t>(n));
        last_sent = buf[n - 1];
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        stdin_open = false;
        // In canonical mode VEOF ends a read with what the line holds so far:
        // one ends the pending partial line, the next reads as end of file.
        termios t = {};
        if (master_open && tcgetattr(master, &t) == 0 && (t.c_lflag & ICANON)) {
          to_master.append(last_sent == '\n' ? 1 : 2, static_cast<char>(t.c_cc[VEOF]));
        }
      }
    }

    bool exited = pidfd >= 0 ? (pid_at >= 0 && fds[pid_at].revents != 0) : WaitForExit(pid, 0);
    if (exited) {
      if (master_open) DrainOutput(master, stdout_ok);
      return {};
    }
  }
}

}  // namespace runw::oci
