// WASI preview 1 host functions. Names, errno values, flags and struct layouts
// follow legacy/preview1/witx/typenames.witx and wasi_snapshot_preview1.witx.
#include "wasi/wasi.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace runw::wasi {
namespace {

using wasm::HostCall;
using wasm::Slot;
using wasm::TrapCode;
using wasm::ValType;

// witx `errno` (u16). Only the values this file returns by name are listed.
constexpr uint16_t kSuccess = 0;
constexpr uint16_t kBadf = 8;
constexpr uint16_t kFault = 21;
constexpr uint16_t kInval = 28;
constexpr uint16_t kIo = 29;
constexpr uint16_t kIsdir = 31;
constexpr uint16_t kNametoolong = 37;
constexpr uint16_t kNoent = 44;
constexpr uint16_t kNosys = 52;
constexpr uint16_t kNotdir = 54;
constexpr uint16_t kNotsup = 58;
constexpr uint16_t kOverflow = 61;
constexpr uint16_t kNotcapable = 76;

// Host errno -> witx `errno`. The witx names are the POSIX ones, so each row is
// a straight rename; anything unlisted becomes `io`.
uint16_t MapErrno(int e) {
  switch (e) {
    case 0:
      return kSuccess;
    case E2BIG:
      return 1;
    case EACCES:
      return 2;
    case EADDRINUSE:
      return 3;
    case EADDRNOTAVAIL:
      return 4;
    case EAFNOSUPPORT:
      return 5;
    case EAGAIN:
      return 6;
    case EALREADY:
      return 7;
    case EBADF:
      return 8;
    case EBADMSG:
      return 9;
    case EBUSY:
      return 10;
    case ECANCELED:
      return 11;
    case ECHILD:
      return 12;
    case ECONNABORTED:
      return 13;
    case ECONNREFUSED:
      return 14;
    case ECONNRESET:
      return 15;
    case EDEADLK:
      return 16;
    case EDESTADDRREQ:
      return 17;
    case EDOM:
      return 18;
    case EDQUOT:
      return 19;
    case EEXIST:
      return 20;
    case EFAULT:
      return 21;
    case EFBIG:
      return 22;
    case EHOSTUNREACH:
      return 23;
    case EIDRM:
      return 24;
    case EILSEQ:
      return 25;
    case EINPROGRESS:
      return 26;
    case EINTR:
      return 27;
    case EINVAL:
      return 28;
    case EIO:
      return 29;
    case EISCONN:
      return 30;
    case EISDIR:
      return 31;
    case ELOOP:
      return 32;
    case EMFILE:
      return 33;
    case EMLINK:
      return 34;
    case EMSGSIZE:
      return 35;
    case EMULTIHOP:
      return 36;
    case ENAMETOOLONG:
      return 37;
    case ENETDOWN:
      return 38;
    case ENETRESET:
      return 39;
    case ENETUNREACH:
      return 40;
    case ENFILE:
      return 41;
    case ENOBUFS:
      return 42;
    case ENODEV:
      return 43;
    case ENOENT:
      return 44;
    case ENOEXEC:
      return 45;
    case ENOLCK:
      return 46;
    case ENOLINK:
      return 47;
    case ENOMEM:
      return 48;
    case ENOMSG:
      return 49;
    case ENOPROTOOPT:
      return 50;
    case ENOSPC:
      return 51;
    case ENOSYS:
      return 52;
    case ENOTCONN:
      return 53;
    case ENOTDIR:
      return 54;
    case ENOTEMPTY:
      return 55;
    case ENOTRECOVERABLE:
      return 56;
    case ENOTSOCK:
      return 57;
    case ENOTSUP:
      return 58;  // == EOPNOTSUPP on Linux
    case ENOTTY:
      return 59;
    case ENXIO:
      return 60;
    case EOVERFLOW:
      return 61;
    case EOWNERDEAD:
      return 62;
    case EPERM:
      return 63;
    case EPIPE:
      return 64;
    case EPROTO:
      return 65;
    case EPROTONOSUPPORT:
      return 66;
    case EPROTOTYPE:
      return 67;
    case ERANGE:
      return 68;
    case EROFS:
      return 69;
    case ESPIPE:
      return 70;
    case ESRCH:
      return 71;
    case ESTALE:
      return 72;
    case ETIMEDOUT:
      return 73;
    case ETXTBSY:
      return 74;
    case EXDEV:
      return 75;
    default:
      return kIo;
  }
}

// During path resolution the kernel reports a RESOLVE_BENEATH violation as EXDEV:
// to the guest that is a missing capability, not a cross-device link.
uint16_t MapResolveErrno(int e) {
  return e == EXDEV ? kNotcapable : MapErrno(e);
}

// witx `filetype`.
enum FileType : uint8_t {
  kUnknown = 0,
  kBlockDevice = 1,
  kCharacterDevice = 2,
  kDirectory = 3,
  kRegularFile = 4,
  kSocketDgram = 5,
  kSocketStream = 6,
  kSymbolicLink = 7,
};

uint8_t FileTypeOf(mode_t m) {
  if (S_ISDIR(m)) return kDirectory;
  if (S_ISREG(m)) return kRegularFile;
  if (S_ISLNK(m)) return kSymbolicLink;
  if (S_ISCHR(m)) return kCharacterDevice;
  if (S_ISBLK(m)) return kBlockDevice;
  if (S_ISSOCK(m)) return kSocketStream;  // preview 1 cannot tell stream from dgram here
  return kUnknown;
}

uint8_t FileTypeOfDirent(unsigned char t) {
  switch (t) {
    case DT_DIR:
      return kDirectory;
    case DT_REG:
      return kRegularFile;
    case DT_LNK:
      return kSymbolicLink;
    case DT_CHR:
      return kCharacterDevice;
    case DT_BLK:
      return kBlockDevice;
    case DT_SOCK:
      return kSocketStream;
    default:
      return kUnknown;
  }
}

// witx `rights`: 30 bits. This slice does not restrict rights, so an fd reports all
// of them, except that a non-seekable fd lacks fd_seek (bit 2) and fd_tell (bit 5):
// wasi-libc's isatty() looks for exactly that on a character device.
constexpr uint64_t kAllRights = (uint64_t{1} << 30) - 1;
constexpr uint64_t kRightFdSeek = 1u << 2;
constexpr uint64_t kRightFdTell = 1u << 5;
constexpr uint64_t kRightFdRead = 1u << 1;
constexpr uint64_t kRightFdWrite = 1u << 6;
constexpr uint64_t kRightFdAllocate = 1u << 8;
constexpr uint64_t kRightFdReaddir = 1u << 14;
constexpr uint64_t kRightFdFilestatSetSize = 1u << 22;

// witx `fdflags`.
constexpr uint16_t kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4, kFdflagRsync = 8,
                   kFdflagSync = 16;
// witx `oflags`.
constexpr uint16_t kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4, kOflagTrunc = 8;
// witx `lookupflags`.
constexpr uint32_t kLookupSymlinkFollow = 1;

/// The calling instance's memory 0, with bounds-checked access. Every guest
/// pointer goes through Ok() first; a bad one is `fault`, never a host crash.
class Mem {
 public:
  explicit Mem(HostCall& call) {
    wasm::ModuleInstance* inst = call.caller;
    if (inst != nullptr && !inst->memories.empty()) mem_ = inst->memories[0]->memory.get();
  }
  bool Ok(uint64_t addr, uint64_t len) const {
    return mem_ != nullptr && mem_->InBounds(addr, len);
  }
  uint8_t* At(uint64_t addr) const { return mem_->base() + addr; }
  bool Store32(uint32_t addr, uint32_t v) {
    if (!Ok(addr, 4)) return false;
    std::memcpy(At(addr), &v, 4);
    return true;
  }
  bool Store64(uint32_t addr, uint64_t v) {
    if (!Ok(addr, 8)) return false;
    std::memcpy(At(addr), &v, 8);
    return true;
  }
  uint32_t Load32(uint32_t addr) const {
    uint32_t v;
    std::memcpy(&v, At(addr), 4);
    return v;
  }
  uint64_t Load64(uint32_t addr) const {
    uint64_t v;
    std::memcpy(&v, At(addr), 8);
    return v;
  }

 private:
  wasm::LinearMemory* mem_ = nullptr;
};

uint32_t A32(const Slot* s, int i) {
  return static_cast<uint32_t>(s[i]);
}

/// Reads an array of witx `iovec`/`ciovec` ({u32 buf, u32 buf_len}, 8 bytes) and
/// turns it into host iovecs, checking every buffer.
uint16_t ReadIovecs(Mem& m, uint32_t iovs, uint32_t n, std::vector<iovec>& out) {
  if (n > IOV_MAX) return kInval;
  if (!m.Ok(iovs, uint64_t{n} * 8)) return kFault;
  out.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t buf = m.Load32(iovs + i * 8);
    uint32_t len = m.Load32(iovs + i * 8 + 4);
    if (!m.Ok(buf, len)) return kFault;
    out[i].iov_base = m.At(buf);
    out[i].iov_len = len;
  }
  return kSuccess;
}

/// A guest path read from memory, with leading slashes dropped: absolute paths
/// are relative to the preopen.
uint16_t ReadPath(Mem& m, uint32_t ptr, uint32_t len, std::string& out) {
  if (!m.Ok(ptr, len)) return kFault;
  out.assign(reinterpret_cast<const char*>(m.At(ptr)), len);
  if (out.find('\0') != std::string::npos) return kInval;
  size_t i = out.find_first_not_of('/');
  if (i == std::string::npos) {
    out = out.empty() ? "" : ".";
  } else {
    out.erase(0, i);
  }
  if (out.empty()) return kNoent;
  return kSuccess;
}

/// openat2 beneath `dirfd`: the only way this file resolves a guest path.
int OpenBeneath(int dirfd, const std::string& path, uint64_t flags, uint64_t mode) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long r;
  // EAGAIN means a concurrent rename or mount raced the RESOLVE_BENEATH walk
  // (openat2(2)); retry a bounded number of times, then report it.
  int attempts = 0;
  do {
    r = syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
  } while (r < 0 && errno == EAGAIN && ++attempts < 16);
  return static_cast<int>(r);
}

/// A directory fd plus a final component, for the *at() calls that act on a name
/// without following it (unlink, mkdir, rename, symlink, readlink). The parent is
/// opened beneath the preopen; the final component is a single name so the *at()
/// call cannot leave that parent.
struct Parent {
  int fd = -1;
  std::string name;
  ~Parent() {
    if (fd >= 0) close(fd);
  }
};

uint16_t OpenParent(const FdEntry& dir, const std::string& path, Parent& out) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/')
    p.pop_back();
  size_t slash = p.rfind('/');
  std::string parent = slash == std::string::npos ? "." : p.substr(0, slash);
  out.name = slash == std::string::npos ? p : p.substr(slash + 1);
  if (parent.empty()) parent = ".";
  if (out.name == "..") {
    // "a/.." names a directory above `a`: check that it is still beneath.
    int probe = OpenBeneath(dir.host, p, O_PATH | O_DIRECTORY, 0);
    if (probe < 0) return MapResolveErrno(errno);
    close(probe);
  }
  out.fd = OpenBeneath(dir.host, parent, O_PATH | O_DIRECTORY, 0);
  if (out.fd < 0) return MapResolveErrno(errno);
  return kSuccess;
}

void EncodeFilestat(uint8_t* p, const struct stat& st) {
  // witx `filestat`: dev u64 @0, ino u64 @8, filetype u8 @16, nlink u64 @24,
  // size u64 @32, atim @40, mtim @48, ctim @56 (timestamps in ns); 64 bytes.
  std::memset(p, 0, 64);
  auto put64 = [p](size_t off, uint64_t v) { std::memcpy(p + off, &v, 8); };
  auto ns = [](const timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
  };
  put64(0, st.st_dev);
  put64(8, st.st_ino);
  p[16] = FileTypeOf(st.st_mode);
  put64(24, st.st_nlink);
  put64(32, static_cast<uint64_t>(st.st_size));
  put64(40, ns(st.st_atim));
  put64(48, ns(st.st_mtim));
  put64(56, ns(st.st_ctim));
}

// --- Function bodies -----------------------------------------------------------
// Each takes the context, the caller's memory and the argument slots, and returns
// the witx errno that becomes the function's i32 result.
using Impl = uint16_t (*)(WasiContext&, Mem&, const Slot*);

uint16_t StringsSizes(const std::vector<std::string>& v, Mem& m, const Slot* s) {
  uint64_t bytes = 0;
  for (const auto& a : v)
    bytes += a.size() + 1;
  if (bytes > UINT32_MAX) return kOverflow;
  if (!m.Store32(A32(s, 0), static_cast<uint32_t>(v.size()))) return kFault;
  if (!m.Store32(A32(s, 1), static_cast<uint32_t>(bytes))) return kFault;
  return kSuccess;
}

// args_get / environ_get: an array of pointers into a buffer of NUL-terminated
// strings, both allocated by the guest with the sizes from *_sizes_get.
uint16_t StringsGet(const std::vector<std::string>& v, Mem& m, const Slot* s) {
  uint32_t ptrs = A32(s, 0);
  uint32_t buf = A32(s, 1);
  if (!m.Ok(ptrs, uint64_t{v.size()} * 4)) return kFault;
  uint64_t off = buf;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!m.Ok(off, v[i].size() + 1)) return kFault;
    std::memcpy(m.At(off), v[i].c_str(), v[i].size() + 1);
    m.Store32(ptrs + static_cast<uint32_t>(i) * 4, static_cast<uint32_t>(off));
    off += v[i].size() + 1;
  }
  return kSuccess;
}

uint16_t ArgsGet(WasiContext& c, Mem& m, const Slot* s) {
  return StringsGet(c.args(), m, s);
}
uint16_t ArgsSizesGet(WasiContext& c, Mem& m, const Slot* s) {
  return StringsSizes(c.args(), m, s);
}
uint16_t EnvironGet(WasiContext& c, Mem& m, const Slot* s) {
  return StringsGet(c.env(), m, s);
}
uint16_t EnvironSizesGet(WasiContext& c, Mem& m, const Slot* s) {
  return StringsSizes(c.env(), m, s);
}

// witx `clockid`: realtime 0, monotonic 1, process_cputime_id 2, thread_cputime_id 3.
bool HostClock(uint32_t id, clockid_t* out) {
  static constexpr clockid_t kClocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                          CLOCK_THREAD_CPUTIME_ID};
  if (id >= 4) return false;
  *out = kClocks[id];
  return true;
}

uint64_t ToNs(const timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}

uint16_t ClockResGet(WasiContext&, Mem& m, const Slot* s) {
  clockid_t id;
  if (!HostClock(A32(s, 0), &id)) return kInval;
  timespec ts;
  if (clock_getres(id, &ts) != 0) return MapErrno(errno);
  return m.Store64(A32(s, 1), ToNs(ts)) ? kSuccess : kFault;
}

uint16_t ClockTimeGet(WasiContext&, Mem& m, const Slot* s) {
  clockid_t id;
  if (!HostClock(A32(s, 0), &id)) return kInval;
  timespec ts;  // s[1] is the precision hint, which the host clocks cannot use
  if (clock_gettime(id, &ts) != 0) return MapErrno(errno);
  return m.Store64(A32(s, 2), ToNs(ts)) ? kSuccess : kFault;
}

uint16_t RandomGet(WasiContext&, Mem& m, const Slot* s) {
  uint32_t buf = A32(s, 0), len = A32(s, 1);
  if (!m.Ok(buf, len)) return kFault;
  uint32_t done = 0;
  while (done < len) {
    ssize_t r = getrandom(m.At(buf + done), len - done, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return MapErrno(errno);
    }
    done += static_cast<uint32_t>(r);
  }
  return kSuccess;
}

uint16_t FdWrite(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  if (e->is_dir) return kIsdir;
  std::vector<iovec> iov;
  if (uint16_t r = ReadIovecs(m, A32(s, 1), A32(s, 2), iov)) return r;
  if (!m.Ok(A32(s, 3), 4)) return kFault;
  ssize_t n = writev(e->host, iov.data(), static_cast<int>(iov.size()));
  if (n < 0) return MapErrno(errno);
  m.Store32(A32(s, 3), static_cast<uint32_t>(n));
  return kSuccess;
}

uint16_t FdRead(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  if (e->is_dir) return kIsdir;
  std::vector<iovec> iov;
  if (uint16_t r = ReadIovecs(m, A32(s, 1), A32(s, 2), iov)) return r;
  if (!m.Ok(A32(s, 3), 4)) return kFault;
  ssize_t n = readv(e->host, iov.data(), static_cast<int>(iov.size()));
  if (n < 0) return MapErrno(errno);
  m.Store32(A32(s, 3), static_cast<uint32_t>(n));
  return kSuccess;
}

// fd_pread / fd_pwrite: (fd, iovs, iovs_len, offset: filesize, result ptr).
uint16_t FdPread(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  if (e->is_dir) return kIsdir;
  std::vector<iovec> iov;
  if (uint16_t r = ReadIovecs(m, A32(s, 1), A32(s, 2), iov)) return r;
  if (!m.Ok(A32(s, 4), 4)) return kFault;
  if (s[3] > INT64_MAX) return kInval;
  ssize_t n = preadv(e->host, iov.data(), static_cast<int>(iov.size()), static_cast<off_t>(s[3]));
  if (n < 0) return MapErrno(errno);
  m.Store32(A32(s, 4), static_cast<uint32_t>(n));
  return kSuccess;
}

uint16_t FdPwrite(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  if (e->is_dir) return kIsdir;
  std::vector<iovec> iov;
  if (uint16_t r = ReadIovecs(m, A32(s, 1), A32(s, 2), iov)) return r;
  if (!m.Ok(A32(s, 4), 4)) return kFault;
  if (s[3] > INT64_MAX) return kInval;
  ssize_t n = pwritev(e->host, iov.data(), static_cast<int>(iov.size()), static_cast<off_t>(s[3]));
  if (n < 0) return MapErrno(errno);
  m.Store32(A32(s, 4), static_cast<uint32_t>(n));
  return kSuccess;
}

uint16_t FdClose(WasiContext& c, Mem&, const Slot* s) {
  return c.Close(A32(s, 0)) ? kSuccess : kBadf;
}

// fd_seek(fd, offset: filedelta, whence, result ptr); witx `whence`: set 0, cur 1, end 2.
uint16_t FdSeek(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  if (e->is_dir) return kBadf;
  static constexpr int kWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  uint32_t w = A32(s, 2);
  if (w > 2) return kInval;
  if (!m.Ok(A32(s, 3), 8)) return kFault;
  off_t r = lseek(e->host, static_cast<off_t>(static_cast<int64_t>(s[1])), kWhence[w]);
  if (r < 0) return MapErrno(errno);
  m.Store64(A32(s, 3), static_cast<uint64_t>(r));
  return kSuccess;
}

uint16_t FdTell(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  if (e->is_dir) return kBadf;
  if (!m.Ok(A32(s, 1), 8)) return kFault;
  off_t r = lseek(e->host, 0, SEEK_CUR);
  if (r < 0) return MapErrno(errno);
  m.Store64(A32(s, 1), static_cast<uint64_t>(r));
  return kSuccess;
}

uint16_t FdFdstatGet(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  uint32_t out = A32(s, 1);
  if (!m.Ok(out, 24)) return kFault;
  struct stat st;
  if (fstat(e->host, &st) != 0) return MapErrno(errno);
  int fl = fcntl(e->host, F_GETFL);
  if (fl < 0) return MapErrno(errno);
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= kFdflagAppend;
  if (fl & O_NONBLOCK) flags |= kFdflagNonblock;
  if ((fl & O_SYNC) == O_SYNC) {
    flags |= kFdflagSync;
  } else if (fl & O_DSYNC) {
    flags |= kFdflagDsync;
  }
  uint64_t rights = kAllRights;
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISBLK(st.st_mode))
    rights &= ~(kRightFdSeek | kRightFdTell);
  // witx `fdstat`: fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8,
  // fs_rights_inheriting u64 @16; 24 bytes.
  uint8_t* p = m.At(out);
  std::memset(p, 0, 24);
  p[0] = FileTypeOf(st.st_mode);
  std::memcpy(p + 2, &flags, 2);
  std::memcpy(p + 8, &rights, 8);
  std::memcpy(p + 16, &kAllRights, 8);
  return kSuccess;
}

// fd_fdstat_set_flags: Linux can change append and nonblock on an open file; the
// sync flags can only be chosen at open time, so asking for them is `notsup`.
uint16_t FdFdstatSetFlags(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
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

uint16_t FdFilestatGet(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  if (!m.Ok(A32(s, 1), 64)) return kFault;
  struct stat st;
  if (fstat(e->host, &st) != 0) return MapErrno(errno);
  EncodeFilestat(m.At(A32(s, 1)), st);
  return kSuccess;
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
// followed by its name. The cookie is the index of the next entry; the listing is
// reread on every call so cookies stay valid without per-fd state. When the buffer
// fills, the last entry is cut short and bufused == buf_len tells the guest to ask
// again from that entry's cookie.
uint16_t FdReaddir(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  if (!e->is_dir) return kNotdir;
  uint32_t buf = A32(s, 1), len = A32(s, 2);
  uint64_t cookie = s[3];
  uint32_t used_ptr = A32(s, 4);
  if (!m.Ok(buf, len) || !m.Ok(used_ptr, 4)) return kFault;
  int dfd = openat(e->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return MapErrno(errno);
  DIR* d = fdopendir(dfd);
  if (d == nullptr) {
    int err = errno;
    close(dfd);
    return MapErrno(err);
  }
  std::vector<uint8_t> out;
  uint64_t index = 0;
  errno = 0;
  while (out.size() < len) {
    dirent* de = readdir(d);
    if (de == nullptr) break;
    if (index++ < cookie) continue;
    uint8_t type = FileTypeOfDirent(de->d_type);
    if (type == kUnknown) {
      struct stat st;
      if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) type = FileTypeOf(st.st_mode);
    }
    uint8_t hdr[24] = {};
    uint64_t next = index;
    uint64_t ino = de->d_ino;
    uint32_t namlen = static_cast<uint32_t>(std::strlen(de->d_name));
    std::memcpy(hdr, &next, 8);
    std::memcpy(hdr + 8, &ino, 8);
    std::memcpy(hdr + 16, &namlen, 4);
    hdr[20] = type;
    out.insert(out.end(), hdr, hdr + 24);
    out.insert(out.end(), de->d_name, de->d_name + namlen);
  }
  closedir(d);
  uint32_t used = static_cast<uint32_t>(std::min<size_t>(out.size(), len));
  std::memcpy(m.At(buf), out.data(), used);
  m.Store32(used_ptr, used);
  return kSuccess;
}

uint16_t FdSync(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  return fsync(e->host) == 0 ? kSuccess : MapErrno(errno);
}

uint16_t FdDatasync(WasiContext& c, Mem&, const Slot* s) {
  FdEntry* e = c.Get(A32(s, 0));
  if (e == nullptr) return kBadf;
  return fdatasync(e->host) == 0 ? kSuccess : MapErrno(errno);
}

/// The directory fd a path_* call starts from: an open directory.
uint16_t DirFd(WasiContext& c, uint32_t fd, FdEntry** out) {
  *out = c.Get(fd);
  if (*out == nullptr) return kBadf;
  if (!(*out)->is_dir) return kNotdir;
  return kSuccess;
}

// path_open(fd, dirflags: lookupflags, path, path_len, oflags, fs_rights_base,
//           fs_rights_inheriting, fdflags, result ptr)
uint16_t PathOpen(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 0), &dir)) return r;
  uint32_t lookup = A32(s, 1);
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 2), A32(s, 3), path)) return r;
  uint32_t oflags = A32(s, 4);
  uint64_t rights = s[5];
  uint32_t fdflags = A32(s, 7);
  uint32_t out = A32(s, 8);
  if (!m.Ok(out, 4)) return kFault;
  if (oflags & ~uint32_t{0xf}) return kInval;
  if (fdflags & ~uint32_t{0x1f}) return kInval;

  uint64_t flags = 0;
  // The access mode follows the rights asked for, as wasi-libc derives them from
  // O_RDONLY / O_WRONLY / O_RDWR.
  bool want_write = (rights & (kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize)) != 0;
  bool want_read = (rights & (kRightFdRead | kRightFdReaddir)) != 0;
  if (oflags & kOflagDirectory) {
    flags |= O_DIRECTORY | O_RDONLY;
  } else if (want_write) {
    flags |= want_read ? O_RDWR : O_WRONLY;
  } else {
    flags |= O_RDONLY;
  }
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (!(lookup & kLookupSymlinkFollow)) flags |= O_NOFOLLOW;

  int fd = OpenBeneath(dir->host, path, flags, 0666);
  if (fd < 0 && errno == EISDIR && !(oflags & kOflagDirectory) && want_write && want_read) {
    // wasi-libc asks for read+write rights by default for some opens of
    // directories; a directory can only be opened read-only.
    fd = OpenBeneath(dir->host, path, (flags & ~uint64_t{O_ACCMODE}) | O_RDONLY, 0);
  }
  if (fd < 0) return MapResolveErrno(errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return MapErrno(err);
  }
  FdEntry e;
  e.host = fd;
  e.is_dir = S_ISDIR(st.st_mode);
  m.Store32(out, c.Insert(std::move(e)));
  return kSuccess;
}

uint16_t PathCreateDirectory(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 0), &dir)) return r;
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 1), A32(s, 2), path)) return r;
  Parent p;
  if (uint16_t r = OpenParent(*dir, path, p)) return r;
  return mkdirat(p.fd, p.name.c_str(), 0777) == 0 ? kSuccess : MapErrno(errno);
}

uint16_t PathRemoveDirectory(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 0), &dir)) return r;
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 1), A32(s, 2), path)) return r;
  Parent p;
  if (uint16_t r = OpenParent(*dir, path, p)) return r;
  return unlinkat(p.fd, p.name.c_str(), AT_REMOVEDIR) == 0 ? kSuccess : MapErrno(errno);
}

uint16_t PathUnlinkFile(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 0), &dir)) return r;
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 1), A32(s, 2), path)) return r;
  if (path.back() == '/') return kNotdir;
  Parent p;
  if (uint16_t r = OpenParent(*dir, path, p)) return r;
  return unlinkat(p.fd, p.name.c_str(), 0) == 0 ? kSuccess : MapErrno(errno);
}

// path_rename(fd, old_path, old_len, new_fd, new_path, new_len)
uint16_t PathRename(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry *odir, *ndir;
  if (uint16_t r = DirFd(c, A32(s, 0), &odir)) return r;
  if (uint16_t r = DirFd(c, A32(s, 3), &ndir)) return r;
  std::string opath, npath;
  if (uint16_t r = ReadPath(m, A32(s, 1), A32(s, 2), opath)) return r;
  if (uint16_t r = ReadPath(m, A32(s, 4), A32(s, 5), npath)) return r;
  Parent op, np;
  if (uint16_t r = OpenParent(*odir, opath, op)) return r;
  if (uint16_t r = OpenParent(*ndir, npath, np)) return r;
  return renameat(op.fd, op.name.c_str(), np.fd, np.name.c_str()) == 0 ? kSuccess : MapErrno(errno);
}

// path_filestat_get(fd, flags: lookupflags, path, path_len, result ptr)
uint16_t PathFilestatGet(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 0), &dir)) return r;
  uint32_t lookup = A32(s, 1);
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 2), A32(s, 3), path)) return r;
  uint32_t out = A32(s, 4);
  if (!m.Ok(out, 64)) return kFault;
  // O_PATH | O_NOFOLLOW opens a final symlink itself, so fstat describes the link.
  int fd =
      OpenBeneath(dir->host, path, O_PATH | ((lookup & kLookupSymlinkFollow) ? 0 : O_NOFOLLOW), 0);
  if (fd < 0) return MapResolveErrno(errno);
  struct stat st;
  int rc = fstat(fd, &st);
  int err = errno;
  close(fd);
  if (rc != 0) return MapErrno(err);
  EncodeFilestat(m.At(out), st);
  return kSuccess;
}

// path_readlink(fd, path, path_len, buf, buf_len, result ptr): the link's contents,
// truncated to buf_len, not NUL-terminated.
uint16_t PathReadlink(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 0), &dir)) return r;
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 1), A32(s, 2), path)) return r;
  uint32_t buf = A32(s, 3), len = A32(s, 4), out = A32(s, 5);
  if (!m.Ok(buf, len) || !m.Ok(out, 4)) return kFault;
  Parent p;
  if (uint16_t r = OpenParent(*dir, path, p)) return r;
  std::vector<char> tmp(PATH_MAX);
  ssize_t n = readlinkat(p.fd, p.name.c_str(), tmp.data(), tmp.size());
  if (n < 0) return MapErrno(errno);
  uint32_t copy = static_cast<uint32_t>(std::min<ssize_t>(n, len));
  std::memcpy(m.At(buf), tmp.data(), copy);
  m.Store32(out, copy);
  return kSuccess;
}

// path_symlink(old_path, old_len, fd, new_path, new_len): the link's text is stored
// as given; following it later goes through openat2 like every other path, so a
// target outside the preopen can be written but never reached.
uint16_t PathSymlink(WasiContext& c, Mem& m, const Slot* s) {
  uint32_t optr = A32(s, 0), olen = A32(s, 1);
  if (!m.Ok(optr, olen)) return kFault;
  std::string target(reinterpret_cast<const char*>(m.At(optr)), olen);
  if (target.empty()) return kNoent;
  if (target.find('\0') != std::string::npos) return kInval;
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 2), &dir)) return r;
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 3), A32(s, 4), path)) return r;
  Parent p;
  if (uint16_t r = OpenParent(*dir, path, p)) return r;
  return symlinkat(target.c_str(), p.fd, p.name.c_str()) == 0 ? kSuccess : MapErrno(errno);
}

uint16_t SchedYield(WasiContext&, Mem&, const Slot*) {
  sched_yield();
  return kSuccess;
}

// poll_oneoff(in, out, nsubscriptions, result ptr).
// witx `subscription` (48 bytes): userdata u64 @0, tag u8 @8 (eventtype: clock 0,
// fd_read 1, fd_write 2), then @16 either `subscription_clock` (id u32 @16,
// timeout u64 @24, precision u64 @32, flags u16 @40; abstime = 1) or
// `subscription_fd_readwrite` (file_descriptor u32 @16).
// witx `event` (32 bytes): userdata u64 @0, error u16 @8, type u8 @10,
// fd_readwrite { nbytes u64 @16, flags u16 @24 (hangup = 1) }.
/// Bytes ready to read on `fd`, for an fd_read event's nbytes.
bool ReadableBytes(int fd, int* avail) {
  return ioctl(fd, FIONREAD, avail) == 0;
}

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
      uint16_t flags;
      std::memcpy(&flags, m.At(p + 40), 2);
      clockid_t cid;
      if (!HostClock(id, &cid)) {
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
      FdEntry* e = c.Get(m.Load32(p + 16));
      if (e == nullptr) {
        sub.error = kBadf;
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
    break;
  }
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  uint64_t cur = ToNs(t);
  uint32_t nout = 0;
  for (const Sub& sub : subs) {
    bool fire = sub.error != 0;
    uint64_t nbytes = 0;
    uint16_t evflags = 0;
    if (!fire && sub.tag == 0) fire = cur >= sub.deadline_ns;
    if (!fire && sub.pollfd_index >= 0) {
      const pollfd& pf = pfds[static_cast<size_t>(sub.pollfd_index)];
      if (pf.revents != 0) {
        fire = true;
        if (pf.revents & POLLHUP) evflags |= 1;  // eventrwflags.fd_readwrite_hangup
        if (sub.tag == 1) {
          int avail = 0;
          if (ReadableBytes(pf.fd, &avail)) nbytes = static_cast<uint64_t>(avail);
        }
      }
    }
    if (!fire) continue;
    uint8_t ev[32] = {};
    std::memcpy(ev, &sub.userdata, 8);
    std::memcpy(ev + 8, &sub.error, 2);
    ev[10] = sub.tag;
    std::memcpy(ev + 16, &nbytes, 8);
    std::memcpy(ev + 24, &evflags, 2);
    std::memcpy(m.At(out + nout * 32), ev, 32);
    ++nout;
  }
  m.Store32(nout_ptr, nout);
  return kSuccess;
}

// --- Binding ---------------------------------------------------------------------

template <Impl F>
TrapCode Call(void* data, HostCall& call, Slot* slots) {
  Mem m(call);
  uint16_t r = F(*static_cast<WasiContext*>(data), m, slots);
  slots[0] = r;
  return TrapCode::kOk;
}

// proc_exit(rval: exitcode): ends the program; the embedder reads the code from the
// thread.
TrapCode ProcExit(void*, HostCall& call, Slot* slots) {
  call.thread.set_exit_code(static_cast<int>(static_cast<uint32_t>(slots[0])));
  return TrapCode::kExit;
}

TrapCode NotImplemented(void*, HostCall&, Slot* slots) {
  slots[0] = kNosys;
  return TrapCode::kOk;
}

struct Def {
  const char* name;
  const char* params;  // 'i' = i32, 'I' = i64
  const char* results;
  wasm::HostFn fn;  // null: importable but answers `nosys`
};

// Every function of wasi_snapshot_preview1.witx with its core wasm signature.
constexpr Def kFunctions[] = {
    {"args_get", "ii", "i", Call<ArgsGet>},
    {"args_sizes_get", "ii", "i", Call<ArgsSizesGet>},
    {"environ_get", "ii", "i", Call<EnvironGet>},
    {"environ_sizes_get", "ii", "i", Call<EnvironSizesGet>},
    {"clock_res_get", "ii", "i", Call<ClockResGet>},
    {"clock_time_get", "iIi", "i", Call<ClockTimeGet>},
    {"fd_advise", "iIIi", "i", nullptr},
    {"fd_allocate", "iII", "i", nullptr},
    {"fd_close", "i", "i", Call<FdClose>},
    {"fd_datasync", "i", "i", Call<FdDatasync>},
    {"fd_fdstat_get", "ii", "i", Call<FdFdstatGet>},
    {"fd_fdstat_set_flags", "ii", "i", Call<FdFdstatSetFlags>},
    {"fd_fdstat_set_rights", "iII", "i", nullptr},
    {"fd_filestat_get", "ii", "i", Call<FdFilestatGet>},
    {"fd_filestat_set_size", "iI", "i", nullptr},
    {"fd_filestat_set_times", "iIIi", "i", nullptr},
    {"fd_pread", "iiiIi", "i", Call<FdPread>},
    {"fd_prestat_get", "ii", "i", Call<FdPrestatGet>},
    {"fd_prestat_dir_name", "iii", "i", Call<FdPrestatDirName>},
    {"fd_pwrite", "iiiIi", "i", Call<FdPwrite>},
    {"fd_read", "iiii", "i", Call<FdRead>},
    {"fd_readdir", "iiiIi", "i", Call<FdReaddir>},
    {"fd_renumber", "ii", "i", nullptr},
    {"fd_seek", "iIii", "i", Call<FdSeek>},
    {"fd_sync", "i", "i", Call<FdSync>},
    {"fd_tell", "ii", "i", Call<FdTell>},
    {"fd_write", "iiii", "i", Call<FdWrite>},
    {"path_create_directory", "iii", "i", Call<PathCreateDirectory>},
    {"path_filestat_get", "iiiii", "i", Call<PathFilestatGet>},
    {"path_filestat_set_times", "iiiiIIi", "i", nullptr},
    {"path_link", "iiiiiii", "i", nullptr},
    {"path_open", "iiiiiIIii", "i", Call<PathOpen>},
    {"path_readlink", "iiiiii", "i", Call<PathReadlink>},
    {"path_remove_directory", "iii", "i", Call<PathRemoveDirectory>},
    {"path_rename", "iiiiii", "i", Call<PathRename>},
    {"path_symlink", "iiiii", "i", Call<PathSymlink>},
    {"path_unlink_file", "iii", "i", Call<PathUnlinkFile>},
    {"poll_oneoff", "iiii", "i", Call<PollOneoff>},
    {"proc_exit", "i", "", ProcExit},
    {"proc_raise", "i", "i", nullptr},
    {"sched_yield", "", "i", Call<SchedYield>},
    {"random_get", "ii", "i", Call<RandomGet>},
    {"sock_accept", "iii", "i", nullptr},
    {"sock_recv", "iiiiii", "i", nullptr},
    {"sock_send", "iiiii", "i", nullptr},
    {"sock_shutdown", "ii", "i", nullptr},
};

std::vector<ValType> TypesOf(const char* sig) {
  std::vector<ValType> v;
  for (const char* p = sig; *p; ++p)
    v.push_back(*p == 'I' ? ValType::kI64 : ValType::kI32);
  return v;
}

}  // namespace

WasiContext::WasiContext(std::vector<std::string> args, std::vector<std::string> env)
    : args_(std::move(args)), env_(std::move(env)) {
  for (int fd = 0; fd < 3; ++fd) {
    FdEntry e;
    e.host = fd;
    e.owns_host = false;
    fds_.emplace_back(std::move(e));
  }
}

WasiContext::~WasiContext() {
  for (auto& e : fds_)
    if (e && e->owns_host) close(e->host);
}

bool WasiContext::AddPreopen(const std::string& host_path, const std::string& guest_path,
                             std::string* error) {
  int fd = open(host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open directory `" + host_path + "`: " + std::strerror(errno);
    return false;
  }
  FdEntry e;
  e.host = fd;
  e.is_dir = true;
  e.preopen = true;
  e.preopen_name = guest_path;
  Insert(std::move(e));
  return true;
}

FdEntry* WasiContext::Get(uint32_t fd) {
  if (fd >= fds_.size() || !fds_[fd]) return nullptr;
  return &*fds_[fd];
}

uint32_t WasiContext::Insert(FdEntry e) {
  for (size_t i = 3; i < fds_.size(); ++i) {
    if (!fds_[i]) {
      fds_[i] = std::move(e);
      return static_cast<uint32_t>(i);
    }
  }
  fds_.emplace_back(std::move(e));
  return static_cast<uint32_t>(fds_.size() - 1);
}

bool WasiContext::Close(uint32_t fd) {
  FdEntry* e = Get(fd);
  if (e == nullptr) return false;
  if (e->owns_host) close(e->host);
  fds_[fd].reset();
  return true;
}

std::vector<wasm::ExternVal> ResolveImports(wasm::Store& store, WasiContext& ctx,
                                            const wasm::Module& module, std::string* error) {
  std::vector<wasm::ExternVal> out;
  for (const wasm::Import& im : module.imports) {
    const std::string where = "`" + im.module + "`.`" + im.name + "`";
    if (im.module != "wasi_snapshot_preview1") {
      *error = "unknown import " + where + ": runw provides only wasi_snapshot_preview1";
      return {};
    }
    const Def* def = nullptr;
    for (const Def& d : kFunctions)
      if (im.name == d.name) def = &d;
    if (def == nullptr) {
      *error = "unknown import " + where + ": no such WASI preview 1 function";
      return {};
    }
    wasm::FuncType type{TypesOf(def->params), TypesOf(def->results)};
    if (im.kind != wasm::ExternKind::kFunc || im.type_index >= module.types.size() ||
        module.types[im.type_index] != type) {
      *error = "incompatible import type for " + where + ": not the witx signature";
      return {};
    }
    wasm::FuncInst* f = store.NewHostFunc(type, def->fn ? def->fn : NotImplemented, &ctx,
                                          im.module + "." + im.name);
    out.push_back({wasm::ExternKind::kFunc, f});
  }
  return out;
}

std::vector<std::string> UnimplementedFunctions() {
  std::vector<std::string> v;
  for (const Def& d : kFunctions)
    if (d.fn == nullptr) v.push_back(d.name);
  return v;
}

}  // namespace runw::wasi
