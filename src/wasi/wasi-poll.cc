// WASI preview 1: poll_oneoff, over clocks and fds (stdin and sockets included).
#include <poll.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "wasi/wasi-internal.h"

namespace runw::wasi::internal {

// poll_oneoff(in, out, nsubscriptions, result ptr).
// witx `subscription` (48 bytes): userdata u64 @0, tag u8 @8 (eventtype: clock 0,
// fd_read 1, fd_write 2), then @16 either `subscription_clock` (id u32 @16,
// timeout u64 @24, precision u64 @32, flags u16 @40; abstime = 1) or
// `subscription_fd_readwrite` (file_descriptor u32 @16).
// witx `event` (32 bytes): userdata u64 @0, error u16 @8, type u8 @10,
// fd_readwrite { nbytes u64 @16, flags u16 @24 (hangup = 1) }.
uint16_t PollOneoff(WasiContext& c, Mem& m, const Slot* s) {
  uint32_t in = A32(s, 0), out = A32(s, 1), n = A32(s, 2), nout_ptr = A32(s, 3);
  if (n == 0) return kInval;
  if (!m.Ok(in, uint64_t{n} * 48) || !m.Ok(out, uint64_t{n} * 32) || !m.Ok(nout_ptr, 4))
    return kFault;
  struct Sub {
    uint64_t userdata;
    uint8_t tag;
    uint64_t deadline_ns = 0;  // clock: monotonic deadline
    int pollfd_index = -1;
    uint16_t error = 0;
  };
  std::vector<Sub> subs(n);
  std::vector<pollfd> pfds;
  timespec now_mono;
  clock_gettime(CLOCK_MONOTONIC, &now_mono);
  uint64_t mono = ToNs(now_mono);
  bool have_clock = false;
  uint64_t earliest = UINT64_MAX;
  bool immediate = false;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t p = in + i * 48;
    Sub& sub = subs[i];
    sub.userdata = m.Load64(p);
    sub.tag = *m.At(p + 8);
    if (sub.tag == 0) {
      uint32_t id = m.Load32(p + 16);
      uint64_t timeout = m.Load64(p + 24);
      uint16_t flags = m.Load16(p + 40);
      clockid_t cid;
      if (!HostClock(id, &cid) || (flags & ~1u)) {
        sub.error = kInval;
        immediate = true;
        continue;
      }
      uint64_t rel = timeout;
      if (flags & 1) {  // subscription_clock_abstime: convert to a relative wait
        timespec t;
        clock_gettime(cid, &t);
        uint64_t cur = ToNs(t);
        rel = timeout > cur ? timeout - cur : 0;
      }
      sub.deadline_ns = rel > UINT64_MAX - mono ? UINT64_MAX : mono + rel;
      have_clock = true;
      earliest = std::min(earliest, sub.deadline_ns);
    } else if (sub.tag == 1 || sub.tag == 2) {
      FdEntry* e;
      if (uint16_t r = Lookup(c, m.Load32(p + 16), kRightPollFdReadwrite, &e)) {
        sub.error = r;
        immediate = true;
        continue;
      }
      sub.pollfd_index = static_cast<int>(pfds.size());
      pfds.push_back({e->host, static_cast<short>(sub.tag == 1 ? POLLIN : POLLOUT), 0});
    } else {
      return kInval;
    }
  }
  // Wait until an fd is ready or the earliest clock expires (clocks are measured
  // on the monotonic clock once converted to relative timeouts).
  for (;;) {
    timespec ts;
    timespec* tsp = nullptr;
    if (immediate) {
      ts = {0, 0};
      tsp = &ts;
    } else if (have_clock) {
      timespec t;
      clock_gettime(CLOCK_MONOTONIC, &t);
      uint64_t cur = ToNs(t);
      uint64_t wait = earliest > cur ? earliest - cur : 0;
      ts.tv_sec = static_cast<time_t>(wait / 1000000000u);
      ts.tv_nsec = static_cast<long>(wait % 1000000000u);
      tsp = &ts;
    }
    int r = ppoll(pfds.data(), pfds.size(), tsp, nullptr);
    if (r < 0) {
      if (errno == EINTR) continue;
      return MapErrno(errno);
    }
    // ppoll may wake a little before the deadline it was given (timer slack is
    // the other way, but a clock subscription must never fire early).
    if (r == 0 && !immediate && have_clock) {
      timespec t;
      clock_gettime(CLOCK_MONOTONIC, &t);
      if (ToNs(t) < earliest) continue;
    }
    break;
  }
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  uint64_t cur = ToNs(t);
  uint32_t nout = 0;
  for (const Sub& sub : subs) {
    bool fire = sub.error != 0;
    uint16_t error = sub.error;
    uint64_t nbytes = 0;
    uint16_t evflags = 0;
    if (!fire && sub.tag == 0) fire = cur >= sub.deadline_ns;
    if (!fire && sub.pollfd_index >= 0) {
      const pollfd& pf = pfds[static_cast<size_t>(sub.pollfd_index)];
      if (pf.revents != 0) {
        fire = true;
        if (pf.revents & POLLNVAL) error = kBadf;
        if (pf.revents & POLLHUP) evflags |= 1;  // eventrwflags.fd_readwrite_hangup
        if (sub.tag == 1) {
          int avail = 0;  // FIONREAD: pipes, sockets, ttys and regular files
          if (ioctl(pf.fd, FIONREAD, &avail) == 0 && avail > 0)
            nbytes = static_cast<uint64_t>(avail);
        }
      }
    }
    if (!fire) continue;
    uint8_t ev[32] = {};
    std::memcpy(ev, &sub.userdata, 8);
    std::memcpy(ev + 8, &error, 2);
    ev[10] = sub.tag;
    std::memcpy(ev + 16, &nbytes, 8);
    std::memcpy(ev + 24, &evflags, 2);
    std::memcpy(m.At(out + nout * 32), ev, 32);
    ++nout;
  }
  m.Store32(nout_ptr, nout);
  return kSuccess;
}

}  // namespace runw::wasi::internal
