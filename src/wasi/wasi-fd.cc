// WASI preview 1: the fd_* functions, on an open guest fd.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "wasi/wasi-internal.h"

namespace runw::wasi::internal {
namespace {

/// Lookup for the calls that need a file position: an fd whose type has none (a
/// pipe, socket or terminal) is `spipe`, as on the host, before its rights are
/// looked at; a directory lacks the rights and is `notcapable`.
uint16_t LookupPositioned(WasiContext& c, uint32_t fd, uint64_t need, FdEntry** out) {
  uint16_t r = Lookup(c, fd, need, out);
  if (r != kNotcapable) return r;
  FdEntry* e = c.Get(fd);
  if (e->filetype != kDirectory && !(RightsForType(e->filetype, e->host) & kRightFdSeek))
    return kSpipe;
  return r;
}

/// The u32 result of a read or write: the count returned, or the host errno.
uint16_t StoreCount(Mem& m, uint32_t ptr, ssize_t n) {
  if (n < 0) return MapErrno(errno);
  m.Store32(ptr, static_cast<uint32_t>(n));
  return kSuccess;
}

}  // namespace

uint16_t FdWrite(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdWrite, &e)) return r;
  std::vector<iovec> iov;
  if (uint16_t r = ReadIovecs(m, A32(s, 1), A32(s, 2), iov)) return r;
  if (!m.Ok(A32(s, 3), 4)) return kFault;
  ssize_t n;
  do {
    n = writev(e->host, iov.data(), static_cast<int>(iov.size()));
  } while (n < 0 && errno == EINTR);
  return StoreCount(m, A32(s, 3), n);
}

uint16_t FdRead(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdRead, &e)) return r;
  std::vector<iovec> iov;
  if (uint16_t r = ReadIovecs(m, A32(s, 1), A32(s, 2), iov)) return r;
  if (!m.Ok(A32(s, 3), 4)) return kFault;
  ssize_t n;
  do {
    n = readv(e->host, iov.data(), static_cast<int>(iov.size()));
  } while (n < 0 && errno == EINTR);
  return StoreCount(m, A32(s, 3), n);
}

// fd_pread / fd_pwrite: (fd, iovs, iovs_len, offset: filesize, result ptr).
uint16_t FdPread(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = LookupPositioned(c, A32(s, 0), kRightFdRead | kRightFdSeek, &e)) return r;
  std::vector<iovec> iov;
  if (uint16_t r = ReadIovecs(m, A32(s, 1), A32(s, 2), iov)) return r;
  if (!m.Ok(A32(s, 4), 4)) return kFault;
  if (s[3] > INT64_MAX) return kInval;
  ssize_t n = preadv(e->host, iov.data(), static_cast<int>(iov.size()), static_cast<off_t>(s[3]));
  return StoreCount(m, A32(s, 4), n);
}

// On Linux a pwrite to an O_APPEND file appends whatever the offset; preview 1
// leaves that to the host, and wasi-testsuite accepts both answers.
uint16_t FdPwrite(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = LookupPositioned(c, A32(s, 0), kRightFdWrite | kRightFdSeek, &e)) return r;
  std::vector<iovec> iov;
  if (uint16_t r = ReadIovecs(m, A32(s, 1), A32(s, 2), iov)) return r;
  if (!m.Ok(A32(s, 4), 4)) return kFault;
  if (s[3] > INT64_MAX) return kInval;
  ssize_t n = pwritev(e->host, iov.data(), static_cast<int>(iov.size()), static_cast<off_t>(s[3]));
  return StoreCount(m, A32(s, 4), n);
}

uint16_t FdClose(WasiContext& c, Mem&, const Slot* s) {
  return c.Close(A32(s, 0)) ? kSuccess : kBadf;
}

uint16_t FdRenumber(WasiContext& c, Mem&, const Slot* s) {
  return c.Renumber(A32(s, 0), A32(s, 1)) ? kSuccess : kBadf;
}

// fd_seek(fd, offset: filedelta, whence, result ptr); witx `whence`: set 0, cur 1,
// end 2. Asking for the position only (0 from cur) needs fd_tell alone.
uint16_t FdSeek(WasiContext& c, Mem& m, const Slot* s) {
  int64_t offset = static_cast<int64_t>(s[1]);
  uint32_t w = A32(s, 2);
  uint64_t need = (offset == 0 && w == 1) ? kRightFdTell : kRightFdSeek;
  FdEntry* e;
  if (uint16_t r = LookupPositioned(c, A32(s, 0), need, &e)) return r;
  static constexpr int kWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (w > 2) return kInval;
  if (!m.Ok(A32(s, 3), 8)) return kFault;
  off_t r = lseek(e->host, static_cast<off_t>(offset), kWhence[w]);
  if (r < 0) return MapErrno(errno);
  m.Store64(A32(s, 3), static_cast<uint64_t>(r));
  return kSuccess;
}

uint16_t FdTell(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = LookupPositioned(c, A32(s, 0), kRightFdTell, &e)) return r;
  if (!m.Ok(A32(s, 1), 8)) return kFault;
  off_t r = lseek(e->host, 0, SEEK_CUR);
  if (r < 0) return MapErrno(errno);
  m.Store64(A32(s, 1), static_cast<uint64_t>(r));
  return kSuccess;
}

// fd_advise(fd, offset, len, advice); witx `advice`: normal 0, sequential 1,
// random 2, willneed 3, dontneed 4, noreuse 5 (the POSIX_FADV_* order).
uint16_t FdAdvise(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdAdvise, &e)) return r;
  static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  uint32_t advice = A32(s, 3);
  if (advice >= std::size(kAdvice) || s[1] > INT64_MAX || s[2] > INT64_MAX) return kInval;
  if (e->filetype == kDirectory) return kSuccess;  // advice about no data: nothing to do
  int r =
      posix_fadvise(e->host, static_cast<off_t>(s[1]), static_cast<off_t>(s[2]), kAdvice[advice]);
  return r == 0 ? kSuccess : MapErrno(r);
}

// fd_allocate(fd, offset, len): reserves the range, growing the file if it ends
// past the end (posix_fallocate, not FALLOC_FL_KEEP_SIZE).
uint16_t FdAllocate(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdAllocate, &e)) return r;
  if (s[1] > INT64_MAX || s[2] > INT64_MAX) return kInval;
  if (s[1] + s[2] > INT64_MAX) return kFbig;
  int r = posix_fallocate(e->host, static_cast<off_t>(s[1]), static_cast<off_t>(s[2]));
  return r == 0 ? kSuccess : MapErrno(r);
}

uint16_t FdFdstatGet(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  uint32_t out = A32(s, 1);
  if (!m.Ok(out, 24)) return kFault;
  int fl = fcntl(e->host, F_GETFL);
  if (fl < 0) return MapErrno(errno);
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= kFdflagAppend;
  if (fl & O_NONBLOCK) flags |= kFdflagNonblock;
  if ((fl & O_SYNC) == O_SYNC) {
    flags |= kFdflagSync | kFdflagRsync;  // Linux: O_RSYNC == O_SYNC
  } else if (fl & O_DSYNC) {
    flags |= kFdflagDsync;
  }
  // witx `fdstat`: fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8,
  // fs_rights_inheriting u64 @16; 24 bytes.
  uint8_t* p = m.At(out);
  std::memset(p, 0, 24);
  p[0] = e->filetype;
  std::memcpy(p + 2, &flags, 2);
  std::memcpy(p + 8, &e->rights_base, 8);
  std::memcpy(p + 16, &e->rights_inheriting, 8);
  return kSuccess;
}

// fd_fdstat_set_flags: Linux can change append and nonblock on an open file; the
// sync flags can only be chosen at open time, so asking for them is `notsup`.
uint16_t FdFdstatSetFlags(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdFdstatSetFlags, &e)) return r;
  uint32_t f = A32(s, 1);
  if (f & ~uint32_t{0x1f}) return kInval;
  if (f & (kFdflagDsync | kFdflagRsync | kFdflagSync)) return kNotsup;
  int fl = fcntl(e->host, F_GETFL);
  if (fl < 0) return MapErrno(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (f & kFdflagAppend) fl |= O_APPEND;
  if (f & kFdflagNonblock) fl |= O_NONBLOCK;
  if (fcntl(e->host, F_SETFL, fl) != 0) return MapErrno(errno);
  return kSuccess;
}

// fd_fdstat_set_rights(fd, base, inheriting): rights can only be dropped.
uint16_t FdFdstatSetRights(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  uint64_t base = s[1], inheriting = s[2];
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting)) return kNotcapable;
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return kSuccess;
}

uint16_t FdFilestatGet(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdFilestatGet, &e)) return r;
  if (!m.Ok(A32(s, 1), 64)) return kFault;
  struct stat st;
  if (fstat(e->host, &st) != 0) return MapErrno(errno);
  EncodeFilestat(m.At(A32(s, 1)), st);
  if (e->filetype == kSocketDgram) m.At(A32(s, 1))[16] = kSocketDgram;
  return kSuccess;
}

uint16_t FdFilestatSetSize(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdFilestatSetSize, &e)) return r;
  if (s[1] > INT64_MAX) return kInval;
  return ftruncate(e->host, static_cast<off_t>(s[1])) == 0 ? kSuccess : MapErrno(errno);
}

// fd_filestat_set_times(fd, atim, mtim, fst_flags)
uint16_t FdFilestatSetTimes(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdFilestatSetTimes, &e)) return r;
  timespec ts[2];
  if (uint16_t r = TimesFromFlags(s[1], s[2], A32(s, 3), ts)) return r;
  return futimens(e->host, ts) == 0 ? kSuccess : MapErrno(errno);
}

// fd_prestat_get: witx `prestat` is a union tagged by `preopentype` (dir = 0) whose
// `prestat_dir` holds pr_name_len u32 @4; 8 bytes. Non-preopens are `badf`, which is
// how wasi-libc finds the end of the preopen list.
uint16_t FdPrestatGet(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr || !e->preopen) return kBadf;
  uint32_t out = A32(s, 1);
  if (!m.Ok(out, 8)) return kFault;
  std::memset(m.At(out), 0, 8);
  m.Store32(out + 4, static_cast<uint32_t>(e->preopen_name.size()));
  return kSuccess;
}

uint16_t FdPrestatDirName(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr || !e->preopen) return kBadf;
  uint32_t buf = A32(s, 1), len = A32(s, 2);
  if (!m.Ok(buf, len)) return kFault;
  if (len < e->preopen_name.size()) return kNametoolong;
  std::memcpy(m.At(buf), e->preopen_name.data(), e->preopen_name.size());
  return kSuccess;
}

// fd_readdir(fd, buf, buf_len, cookie, result ptr): a sequence of witx `dirent`
// (d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20; 24 bytes) each
// followed by its name. A cookie is the host's own directory offset (getdents64's
// d_off, the position after an entry), so each call seeks there and reads only
// what it returns: a listing costs O(entries) in all, with no per-fd state. When
// the buffer fills, the last entry is cut short and bufused == buf_len tells the
// guest to ask again from the previous entry's d_next.
uint16_t FdReaddir(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdReaddir, &e)) return r;
  if (e->filetype != kDirectory) return kNotdir;
  uint32_t buf = A32(s, 1), len = A32(s, 2);
  uint64_t cookie = s[3];
  uint32_t used_ptr = A32(s, 4);
  if (!m.Ok(buf, len) || !m.Ok(used_ptr, 4)) return kFault;
  if (cookie > INT64_MAX) return kInval;
  if (lseek(e->host, static_cast<off_t>(cookie), SEEK_SET) < 0) return MapErrno(errno);
  alignas(dirent64) char chunk[8192];
  uint32_t used = 0;
  while (used < len) {
    ssize_t n = getdents64(e->host, chunk, sizeof chunk);
    if (n < 0) return MapErrno(errno);
    if (n == 0) break;
    for (ssize_t off = 0; off < n && used < len;) {
      const auto* de = reinterpret_cast<const dirent64*>(chunk + off);
      off += de->d_reclen;
      uint8_t type = kUnknown;
      switch (de->d_type) {
        case DT_DIR:
          type = kDirectory;
          break;
        case DT_REG:
          type = kRegularFile;
          break;
        case DT_LNK:
          type = kSymbolicLink;
          break;
        case DT_CHR:
          type = kCharacterDevice;
          break;
        case DT_BLK:
          type = kBlockDevice;
          break;
        case DT_SOCK:
          type = kSocketStream;
          break;
        case DT_UNKNOWN: {
          struct stat st;  // a single name: it cannot leave the directory
          if (fstatat(e->host, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            type = FileTypeOf(st.st_mode);
          break;
        }
        default:
          break;
      }
      uint8_t hdr[24] = {};
      uint64_t next = static_cast<uint64_t>(de->d_off);
      uint64_t ino = de->d_ino;
      uint32_t namlen = static_cast<uint32_t>(std::strlen(de->d_name));
      std::memcpy(hdr, &next, 8);
      std::memcpy(hdr + 8, &ino, 8);
      std::memcpy(hdr + 16, &namlen, 4);
      hdr[20] = type;
      uint32_t take = std::min<uint32_t>(24, len - used);
      std::memcpy(m.At(buf + used), hdr, take);
      used += take;
      take = std::min<uint32_t>(namlen, len - used);
      std::memcpy(m.At(buf + used), de->d_name, take);
      used += take;
    }
  }
  m.Store32(used_ptr, used);
  return kSuccess;
}

uint16_t FdSync(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdSync, &e)) return r;
  return fsync(e->host) == 0 ? kSuccess : MapErrno(errno);
}

uint16_t FdDatasync(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e;
  if (uint16_t r = Lookup(c, A32(s, 0), kRightFdDatasync, &e)) return r;
  return fdatasync(e->host) == 0 ? kSuccess : MapErrno(errno);
}

}  // namespace runw::wasi::internal
