// WASI preview 1: the path_* functions and the sandboxed path resolution they share.
//
// A guest path is always relative to a directory fd and is resolved in one of two
// ways, both beneath that directory:
//  - openat2(2) of the whole path with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (open,
//    stat, set times, readlink, link with symlink_follow). The kernel refuses `..`
//    above the directory, absolute symlinks and magic links, and retries (EAGAIN)
//    when a rename races the walk.
//  - openat2 of the parent as above, then an *at() call on the final name, which
//    never follows it (mkdir, unlink, rmdir, rename, symlink, link). A trailing
//    slash is passed on to the *at() call, which gives it POSIX meaning.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

#include "wasi/wasi-internal.h"

namespace runw::wasi::internal {
namespace {

/// A guest path from memory. Absolute paths name nothing a directory fd can
/// reach: wasi-libc turns them into a preopen and a relative path before calling,
/// so one arriving here is `notcapable`.
uint16_t ReadPath(Mem& m, uint32_t ptr, uint32_t len, std::string& out) {
  if (!m.Ok(ptr, len)) return kFault;
  out.assign(reinterpret_cast<const char*>(m.At(ptr)), len);
  if (out.find('\0') != std::string::npos) return kInval;
  if (out.empty()) return kNoent;
  if (out.front() == '/') return kNotcapable;
  if (out.size() >= PATH_MAX) return kNametoolong;
  return kSuccess;
}

/// openat2 beneath `dirfd`: the only way this file resolves a guest path.
int OpenBeneath(int dirfd, const std::string& path, uint64_t flags, uint64_t mode) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.mode = (flags & O_CREAT) ? mode : 0;  // openat2 refuses a mode otherwise
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long r;
  // EAGAIN means a concurrent rename or mount raced the RESOLVE_BENEATH walk
  // (openat2(2)); retry a bounded number of times, then report it.
  int attempts = 0;
  do {
    r = syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
  } while (r < 0 && errno == EAGAIN && ++attempts < 64);
  return static_cast<int>(r);
}

/// An fd that closes itself.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

/// The directory a path_* call starts from, holding `need`: `badf` if not open,
/// `notdir` if not a directory, `notcapable` without the rights.
uint16_t DirFd(WasiContext& c, uint32_t fd, uint64_t need, FdEntry** out) {
  FdEntry* e = c.Get(fd);
  if (e == nullptr) return kBadf;
  if (e->filetype != kDirectory) return kNotdir;
  return Lookup(c, fd, need, out);
}

/// A directory fd plus a final component for the *at() calls.
struct Parent {
  int fd = -1;
  std::string name;  // one component, with the path's trailing slashes if any
  ~Parent() {
    if (fd >= 0) close(fd);
  }
};

uint16_t OpenParent(const FdEntry& dir, const std::string& path, Parent& out) {
  size_t end = path.find_last_not_of('/');  // the path is relative, so not all slashes
  std::string core = path.substr(0, end + 1);
  size_t slash = core.rfind('/');
  std::string parent = slash == std::string::npos ? "." : core.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? core : core.substr(slash + 1);
  if (name == "..") {
    // "a/.." names a directory above `a`: check that it is still beneath.
    int probe = OpenBeneath(dir.host, core, O_PATH | O_DIRECTORY, 0);
    if (probe < 0) return MapResolveErrno(errno);
    close(probe);
  }
  out.fd = OpenBeneath(dir.host, parent, O_PATH | O_DIRECTORY, 0);
  if (out.fd < 0) return MapResolveErrno(errno);
  out.name = name + path.substr(end + 1);
  return kSuccess;
}

/// The directory fd in slot `fd_slot` (which must hold `right`) and the guest
/// path in the two slots after it, opened as a parent directory and final name.
uint16_t ParentAt(WasiContext& c, Mem& m, const Slot* s, int fd_slot, uint64_t right, Parent& p) {
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, fd_slot), right, &dir)) return r;
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, fd_slot + 1), A32(s, fd_slot + 2), path)) return r;
  return OpenParent(*dir, path, p);
}

uint16_t AtResult(int rc) {
  return rc == 0 ? kSuccess : MapErrno(errno);
}

}  // namespace

// path_open(fd, dirflags: lookupflags, path, path_len, oflags, fs_rights_base,
//           fs_rights_inheriting, fdflags, result ptr)
uint16_t PathOpen(WasiContext& c, Mem& m, const Slot* s) {
  uint32_t oflags = A32(s, 4);
  uint64_t need = kRightPathOpen;
  if (oflags & kOflagCreat) need |= kRightPathCreateFile;
  if (oflags & kOflagTrunc) need |= kRightPathFilestatSetSize;
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 0), need, &dir)) return r;
  uint32_t lookup = A32(s, 1);
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 2), A32(s, 3), path)) return r;
  // The new fd gets at most what its directory may hand down.
  uint64_t base = s[5] & dir->rights_inheriting;
  uint64_t inheriting = s[6] & dir->rights_inheriting;
  uint32_t fdflags = A32(s, 7);
  uint32_t out = A32(s, 8);
  if (!m.Ok(out, 4)) return kFault;
  if (oflags & ~uint32_t{0xf}) return kInval;
  if (fdflags & ~uint32_t{0x1f}) return kInval;

  uint64_t flags = 0;
  // The access mode follows the rights asked for, as wasi-libc derives them from
  // O_RDONLY / O_WRONLY / O_RDWR; a directory asked for with write rights is
  // refused by the kernel (`isdir`), as open(2) would.
  bool want_write =
      (base & (kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize | kRightFdDatasync)) != 0;
  bool want_read = (base & (kRightFdRead | kRightFdReaddir)) != 0;
  if (want_write) {
    flags |= want_read ? O_RDWR : O_WRONLY;
  } else {
    flags |= O_RDONLY;
  }
  if (oflags & kOflagDirectory) flags |= O_DIRECTORY;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & (kFdflagSync | kFdflagRsync)) flags |= O_SYNC;
  if (!(lookup & kLookupSymlinkFollow)) flags |= O_NOFOLLOW;

  int fd = OpenBeneath(dir->host, path, flags, 0666);
  if (fd < 0) return MapResolveErrno(errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return MapErrno(err);
  }
  FdEntry e;
  e.host = fd;
  e.filetype = FileTypeOfFd(fd, st);
  e.rights_base = base & RightsForType(e.filetype, fd);
  e.rights_inheriting = e.filetype == kDirectory ? inheriting : 0;
  m.Store32(out, c.Insert(std::move(e)));
  return kSuccess;
}

uint16_t PathCreateDirectory(WasiContext& c, Mem& m, const Slot* s) {
  Parent p;
  if (uint16_t r = ParentAt(c, m, s, 0, kRightPathCreateDirectory, p)) return r;
  return AtResult(mkdirat(p.fd, p.name.c_str(), 0777));
}

uint16_t PathRemoveDirectory(WasiContext& c, Mem& m, const Slot* s) {
  Parent p;
  if (uint16_t r = ParentAt(c, m, s, 0, kRightPathRemoveDirectory, p)) return r;
  return AtResult(unlinkat(p.fd, p.name.c_str(), AT_REMOVEDIR));
}

uint16_t PathUnlinkFile(WasiContext& c, Mem& m, const Slot* s) {
  Parent p;
  if (uint16_t r = ParentAt(c, m, s, 0, kRightPathUnlinkFile, p)) return r;
  return AtResult(unlinkat(p.fd, p.name.c_str(), 0));
}

// path_rename(fd, old_path, old_len, new_fd, new_path, new_len)
uint16_t PathRename(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry *odir, *ndir;
  if (uint16_t r = DirFd(c, A32(s, 0), kRightPathRenameSource, &odir)) return r;
  if (uint16_t r = DirFd(c, A32(s, 3), kRightPathRenameTarget, &ndir)) return r;
  std::string opath, npath;
  if (uint16_t r = ReadPath(m, A32(s, 1), A32(s, 2), opath)) return r;
  if (uint16_t r = ReadPath(m, A32(s, 4), A32(s, 5), npath)) return r;
  Parent op, np;
  if (uint16_t r = OpenParent(*odir, opath, op)) return r;
  if (uint16_t r = OpenParent(*ndir, npath, np)) return r;
  return AtResult(renameat(op.fd, op.name.c_str(), np.fd, np.name.c_str()));
}

// path_link(old_fd, old_flags: lookupflags, old_path, old_len, new_fd, new_path,
//           new_len). With symlink_follow the source is resolved beneath like an
// open, and the link made from that fd.
uint16_t PathLink(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry *odir, *ndir;
  if (uint16_t r = DirFd(c, A32(s, 0), kRightPathLinkSource, &odir)) return r;
  if (uint16_t r = DirFd(c, A32(s, 4), kRightPathLinkTarget, &ndir)) return r;
  uint32_t lookup = A32(s, 1);
  std::string opath, npath;
  if (uint16_t r = ReadPath(m, A32(s, 2), A32(s, 3), opath)) return r;
  if (uint16_t r = ReadPath(m, A32(s, 5), A32(s, 6), npath)) return r;
  Parent np;
  if (uint16_t r = OpenParent(*ndir, npath, np)) return r;
  if (lookup & kLookupSymlinkFollow) {
    Fd src(OpenBeneath(odir->host, opath, O_PATH, 0));
    if (src.fd < 0) return MapResolveErrno(errno);
    if (linkat(src.fd, "", np.fd, np.name.c_str(), AT_EMPTY_PATH) == 0) return kSuccess;
    if (errno != ENOENT && errno != EPERM) return MapErrno(errno);
    // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH on older kernels; the fd's magic
    // link does the same for its owner (the link target is the resolved fd, not a
    // guest path).
    std::string proc = "/proc/self/fd/" + std::to_string(src.fd);
    return AtResult(linkat(AT_FDCWD, proc.c_str(), np.fd, np.name.c_str(), AT_SYMLINK_FOLLOW));
  }
  Parent op;
  if (uint16_t r = OpenParent(*odir, opath, op)) return r;
  return AtResult(linkat(op.fd, op.name.c_str(), np.fd, np.name.c_str(), 0));
}

// path_filestat_get(fd, flags: lookupflags, path, path_len, result ptr)
uint16_t PathFilestatGet(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 0), kRightPathFilestatGet, &dir)) return r;
  uint32_t lookup = A32(s, 1);
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 2), A32(s, 3), path)) return r;
  uint32_t out = A32(s, 4);
  if (!m.Ok(out, 64)) return kFault;
  // O_PATH | O_NOFOLLOW opens a final symlink itself, so fstat describes the link.
  Fd fd(
      OpenBeneath(dir->host, path, O_PATH | ((lookup & kLookupSymlinkFollow) ? 0 : O_NOFOLLOW), 0));
  if (fd.fd < 0) return MapResolveErrno(errno);
  struct stat st;
  if (fstat(fd.fd, &st) != 0) return MapErrno(errno);
  EncodeFilestat(m.At(out), st);
  return kSuccess;
}

// path_filestat_set_times(fd, flags: lookupflags, path, path_len, atim, mtim,
//                         fst_flags)
uint16_t PathFilestatSetTimes(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 0), kRightPathFilestatSetTimes, &dir)) return r;
  uint32_t lookup = A32(s, 1);
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 2), A32(s, 3), path)) return r;
  timespec ts[2];
  if (uint16_t r = TimesFromFlags(s[4], s[5], A32(s, 6), ts)) return r;
  bool follow = lookup & kLookupSymlinkFollow;
  Fd fd(OpenBeneath(dir->host, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0));
  if (fd.fd < 0) return MapResolveErrno(errno);
  // The empty path names the fd's own object, a symlink itself included.
  return AtResult(utimensat(fd.fd, "", ts, AT_EMPTY_PATH | (follow ? 0 : AT_SYMLINK_NOFOLLOW)));
}

// path_readlink(fd, path, path_len, buf, buf_len, result ptr): the link's contents,
// truncated to buf_len, not NUL-terminated.
uint16_t PathReadlink(WasiContext& c, Mem& m, const Slot* s) {
  FdEntry* dir;
  if (uint16_t r = DirFd(c, A32(s, 0), kRightPathReadlink, &dir)) return r;
  std::string path;
  if (uint16_t r = ReadPath(m, A32(s, 1), A32(s, 2), path)) return r;
  uint32_t buf = A32(s, 3), len = A32(s, 4), out = A32(s, 5);
  if (!m.Ok(buf, len) || !m.Ok(out, 4)) return kFault;
  Fd fd(OpenBeneath(dir->host, path, O_PATH | O_NOFOLLOW, 0));
  if (fd.fd < 0) return MapResolveErrno(errno);
  struct stat st;
  if (fstat(fd.fd, &st) != 0) return MapErrno(errno);
  if (!S_ISLNK(st.st_mode)) return kInval;
  std::vector<char> tmp(PATH_MAX);
  ssize_t n = readlinkat(fd.fd, "", tmp.data(), tmp.size());
  if (n < 0) return MapErrno(errno);
  uint32_t copy = static_cast<uint32_t>(std::min<ssize_t>(n, len));
  std::memcpy(m.At(buf), tmp.data(), copy);
  m.Store32(out, copy);
  return kSuccess;
}

// path_symlink(old_path, old_len, fd, new_path, new_len): the link's text is stored
// as given; following it later goes through openat2 like every other path, so a
// relative target outside the preopen can be written but never reached. An
// absolute target could never be followed at all, so it is refused at once.
uint16_t PathSymlink(WasiContext& c, Mem& m, const Slot* s) {
  Parent p;
  if (uint16_t r = ParentAt(c, m, s, 2, kRightPathSymlink, p)) return r;
  std::string target;
  if (uint16_t r = ReadPath(m, A32(s, 0), A32(s, 1), target)) return r;
  return AtResult(symlinkat(target.c_str(), p.fd, p.name.c_str()));
}

}  // namespace runw::wasi::internal
