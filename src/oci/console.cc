// The container's terminal (see console.h).
#include "oci/console.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "oci/util.h"

namespace runw::oci {

Expected<int> ConnectConsoleSocket(const std::string& path) {
  sockaddr_un addr{};
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    return Fail("console socket path `" + path + "` is empty or too long");
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(SysError("socket"));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string msg = SysError("connect to console socket `" + path + "`");
    close(fd);
    return Fail(msg);
  }
  return fd;
}

Expected<void> SetupConsole(int socket_fd, const std::optional<ConsoleSize>& size) {
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return Fail(SysError("open /dev/ptmx"));
  char name[128];
  if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof name) != 0) {
    std::string msg = SysError("set up the pty");
    close(master);
    return Fail(msg);
  }
  int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    std::string msg = SysError(std::string("open ") + name);
    close(master);
    return Fail(msg);
  }
  if (size && size->height > 0 && size->width > 0) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(size->height);
    ws.ws_col = static_cast<unsigned short>(size->width);
    ioctl(slave, TIOCSWINSZ, &ws);
  }

  // One message: the slave's name as data, the master as the only fd.
  iovec iov{name, std::strlen(name)};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &master, sizeof(int));
  ssize_t sent;
  do {
    sent = sendmsg(socket_fd, &msg, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  int send_errno = errno;
  close(master);
  close(socket_fd);
  if (sent < 0) {
    close(slave);
    return Fail("send the pty master over the console socket: " + ErrnoText(send_errno));
  }

  // This process leads its own session (the init called setsid), so the slave
  // can become its controlling terminal.
  if (ioctl(slave, TIOCSCTTY, 0) != 0) {
    std::string m = SysError("make the pty the controlling terminal");
    close(slave);
    return Fail(m);
  }
  for (int fd = 0; fd <= 2; ++fd) {
    if (dup2(slave, fd) < 0) {
      std::string m = SysError("dup2 the pty");
      close(slave);
      return Fail(m);
    }
  }
  if (slave > 2) close(slave);
  return {};
}

}  // namespace runw::oci
