// WASI preview 1: sock_accept, sock_recv, sock_send and sock_shutdown, on sockets
// the embedder handed to the guest (WasiContext::AddSocket, `--tcplisten`) and the
// connections accepted from them. Preview 1 cannot create or connect sockets.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/wasi-internal.h"

namespace runw::wasi::internal {
namespace {

bool IsSocket(const FdEntry& e) {
  return e.filetype == kSocketStream || e.filetype == kSocketDgram;
}

/// A socket fd holding `need`: `badf` if not open, `notsock` if not a socket (as
/// the host reports it), `notcapable` without the right.
uint16_t SocketFd(WasiContext& c, uint32_t fd, uint64_t need, FdEntry** out) {
  FdEntry* e = c.Get(fd);
  if (e == nullptr) return kBadf;
  if (!IsSocket(*e)) return kNotsock;
  return Lookup(c, fd, need, out);
}

}  // namespace

// sock_accept(fd, flags: fdflags, result fd): only `nonblock` may be asked for.
uint16_t SockAccept(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = SocketFd(c, A32(s, 0), kRightSockAccept, &e)) return r;
  uint32_t flags = A32(s, 1);
  if (flags & ~uint32_t{kFdflagNonblock}) return kInval;
  if (!m.Ok(A32(s, 2), 4)) return kFault;
  int fd;
  do {
    fd = accept4(e->host, nullptr, nullptr,
                 SOCK_CLOEXEC | ((flags & kFdflagNonblock) ? SOCK_NONBLOCK : 0));
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return MapErrno(errno);
  FdEntry conn;
  conn.host = fd;
  conn.filetype = kSocketStream;
  conn.rights_base = kSocketRights;
  m.Store32(A32(s, 2), c.Insert(std::move(conn)));
  return kSuccess;
}

// sock_recv(fd, ri_data: iovec array, ri_data_len, ri_flags: riflags,
//           result ro_datalen u32, result ro_flags: roflags u16).
// riflags: recv_peek 1, recv_waitall 2; roflags: recv_data_truncated 1.
uint16_t SockRecv(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = SocketFd(c, A32(s, 0), kRightFdRead, &e)) return r;
  std::vector<iovec> iov;
  if (uint16_t r = ReadIovecs(m, A32(s, 1), A32(s, 2), iov)) return r;
  uint32_t riflags = A32(s, 3);
  if (riflags & ~uint32_t{3}) return kInval;
  if (!m.Ok(A32(s, 4), 4) || !m.Ok(A32(s, 5), 2)) return kFault;
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  int flags = ((riflags & 1) ? MSG_PEEK : 0) | ((riflags & 2) ? MSG_WAITALL : 0);
  ssize_t n;
  do {
    n = recvmsg(e->host, &msg, flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return MapErrno(errno);
  m.Store32(A32(s, 4), static_cast<uint32_t>(n));
  m.Store16(A32(s, 5), (msg.msg_flags & MSG_TRUNC) ? 1 : 0);
  return kSuccess;
}

// sock_send(fd, si_data: ciovec array, si_data_len, si_flags: siflags (none
// defined), result so_datalen u32). A peer that has gone is `pipe`, never SIGPIPE.
uint16_t SockSend(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = SocketFd(c, A32(s, 0), kRightFdWrite, &e)) return r;
  std::vector<iovec> iov;
  if (uint16_t r = ReadIovecs(m, A32(s, 1), A32(s, 2), iov)) return r;
  if (A32(s, 3) != 0) return kInval;
  if (!m.Ok(A32(s, 4), 4)) return kFault;
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  ssize_t n;
  do {
    n = sendmsg(e->host, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return MapErrno(errno);
  m.Store32(A32(s, 4), static_cast<uint32_t>(n));
  return kSuccess;
}

// sock_shutdown(fd, how: sdflags): rd 1, wr 2, or both.
uint16_t SockShutdown(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = SocketFd(c, A32(s, 0), kRightSockShutdown, &e)) return r;
  uint32_t how = A32(s, 1);
  if (how == 0 || (how & ~uint32_t{3})) return kInval;
  int h = how == 1 ? SHUT_RD : how == 2 ? SHUT_WR : SHUT_RDWR;
  return shutdown(e->host, h) == 0 ? kSuccess : MapErrno(errno);
}

}  // namespace runw::wasi::internal
