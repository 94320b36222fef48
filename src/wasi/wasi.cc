// WASI preview 1: the fd table, the binding of imports, and the functions that are
// not about files (args, environment, clocks, random, process).
#include "wasi/wasi.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "wasi/wasi-internal.h"

namespace runw::wasi {
namespace internal {

uint16_t MapErrno(int e) {
  // kHostErrno[i] is the host errno named by witx errno i + 1: the witx names are
  // the POSIX ones in alphabetical order.
  static constexpr int kHostErrno[] = {
      E2BIG,        EACCES,          EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN,
      EALREADY,     EBADF,           EBADMSG,    EBUSY,         ECANCELED,    ECHILD,
      ECONNABORTED, ECONNREFUSED,    ECONNRESET, EDEADLK,       EDESTADDRREQ, EDOM,
      EDQUOT,       EEXIST,          EFAULT,     EFBIG,         EHOSTUNREACH, EIDRM,
      EILSEQ,       EINPROGRESS,     EINTR,      EINVAL,        EIO,          EISCONN,
      EISDIR,       ELOOP,           EMFILE,     EMLINK,        EMSGSIZE,     EMULTIHOP,
      ENAMETOOLONG, ENETDOWN,        ENETRESET,  ENETUNREACH,   ENFILE,       ENOBUFS,
      ENODEV,       ENOENT,          ENOEXEC,    ENOLCK,        ENOLINK,      ENOMEM,
      ENOMSG,       ENOPROTOOPT,     ENOSPC,     ENOSYS,        ENOTCONN,     ENOTDIR,
      ENOTEMPTY,    ENOTRECOVERABLE, ENOTSOCK,   ENOTSUP,       ENOTTY,       ENXIO,
      EOVERFLOW,    EOWNERDEAD,      EPERM,      EPIPE,         EPROTO,       EPROTONOSUPPORT,
      EPROTOTYPE,   ERANGE,          EROFS,      ESPIPE,        ESRCH,        ESTALE,
      ETIMEDOUT,    ETXTBSY,         EXDEV,
  };
  if (e == 0) return kSuccess;
  for (size_t i = 0; i < std::size(kHostErrno); ++i)
    if (kHostErrno[i] == e) return static_cast<uint16_t>(i + 1);
  return kIo;
}

uint8_t FileTypeOf(mode_t m) {
  if (S_ISDIR(m)) return kDirectory;
  if (S_ISREG(m)) return kRegularFile;
  if (S_ISLNK(m)) return kSymbolicLink;
  if (S_ISCHR(m)) return kCharacterDevice;
  if (S_ISBLK(m)) return kBlockDevice;
  if (S_ISSOCK(m)) return kSocketStream;  // a path cannot tell stream from dgram
  return kUnknown;                        // FIFOs have no witx filetype
}

uint8_t FileTypeOfFd(int fd, const struct stat& st) {
  if (!S_ISSOCK(st.st_mode)) return FileTypeOf(st.st_mode);
  int type = 0;
  socklen_t len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM)
    return kSocketDgram;
  return kSocketStream;
}

uint64_t RightsForType(uint8_t filetype, int host_fd) {
  switch (filetype) {
    case kDirectory:
      return kDirectoryRights;
    case kRegularFile:
    case kBlockDevice:
      return kRegularFileRights;
    case kCharacterDevice:
      return isatty(host_fd) ? kStreamRights : kRegularFileRights;
    case kSocketStream:
    case kSocketDgram: {
      int listening = 0;
      socklen_t len = sizeof listening;
      if (getsockopt(host_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening)
        return kListenSocketRights;
      return kSocketRights;
    }
    default:
      return kStreamRights;
  }
}

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

uint16_t Lookup(WasiContext& c, uint32_t fd, uint64_t need, FdEntry** out) {
  FdEntry* e = c.Get(fd);
  if (e == nullptr) return kBadf;
  if ((e->rights_base & need) != need) return kNotcapable;
  *out = e;
  return kSuccess;
}

uint64_t ToNs(const timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}

// witx `clockid`: realtime 0, monotonic 1, process_cputime_id 2, thread_cputime_id 3.
bool HostClock(uint32_t id, clockid_t* out) {
  static constexpr clockid_t kClocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                          CLOCK_THREAD_CPUTIME_ID};
  if (id >= 4) return false;
  *out = kClocks[id];
  return true;
}

void EncodeFilestat(uint8_t* p, const struct stat& st) {
  // witx `filestat`: dev u64 @0, ino u64 @8, filetype u8 @16, nlink u64 @24,
  // size u64 @32, atim @40, mtim @48, ctim @56 (timestamps in ns); 64 bytes.
  std::memset(p, 0, 64);
  auto put64 = [p](size_t off, uint64_t v) { std::memcpy(p + off, &v, 8); };
  put64(0, st.st_dev);
  put64(8, st.st_ino);
  p[16] = FileTypeOf(st.st_mode);
  put64(24, st.st_nlink);
  put64(32, static_cast<uint64_t>(st.st_size));
  put64(40, ToNs(st.st_atim));
  put64(48, ToNs(st.st_mtim));
  put64(56, ToNs(st.st_ctim));
}

uint16_t TimesFromFlags(uint64_t atim, uint64_t mtim, uint32_t flags, timespec out[2]) {
  if (flags & ~uint32_t{0xf}) return kInval;
  if ((flags & kFstAtim) && (flags & kFstAtimNow)) return kInval;
  if ((flags & kFstMtim) && (flags & kFstMtimNow)) return kInval;
  auto one = [](uint64_t ns, bool set, bool now, timespec* t) {
    if (now) {
      *t = {0, UTIME_NOW};
    } else if (set) {
      t->tv_sec = static_cast<time_t>(ns / 1000000000u);
      t->tv_nsec = static_cast<long>(ns % 1000000000u);
    } else {
      *t = {0, UTIME_OMIT};
    }
  };
  one(atim, flags & kFstAtim, flags & kFstAtimNow, &out[0]);
  one(mtim, flags & kFstMtim, flags & kFstMtimNow, &out[1]);
  return kSuccess;
}

}  // namespace internal

namespace {

using namespace internal;  // NOLINT(build/namespaces): the layer's own internals
using wasm::HostCall;
using wasm::TrapCode;
using wasm::ValType;

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

uint16_t SchedYield(WasiContext&, Mem&, const Slot*) {
  sched_yield();
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

// proc_raise(sig: signal): the signal's default action, as if the host had
// delivered it to a native process, without touching runw's own signal state.
// Signals that terminate end the guest with exit status 128 + the host signal
// number (what a shell reports); those ignored by default do nothing; the stop
// signals stop the whole process until SIGCONT, as they would a native one.
TrapCode ProcRaise(void*, HostCall& call, Slot* slots) {
  // witx `signal` numbering: hup 1 ... sys 30 (no stkflt, so it departs from
  // Linux's numbering after usr2).
  static constexpr int kHostSignal[] = {
      0,       SIGHUP,    SIGINT,  SIGQUIT,  SIGILL,  SIGTRAP, SIGABRT, SIGBUS,
      SIGFPE,  SIGKILL,   SIGUSR1, SIGSEGV,  SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,
      SIGCHLD, SIGCONT,   SIGSTOP, SIGTSTP,  SIGTTIN, SIGTTOU, SIGURG,  SIGXCPU,
      SIGXFSZ, SIGVTALRM, SIGPROF, SIGWINCH, SIGPOLL, SIGPWR,  SIGSYS};
  uint32_t sig = static_cast<uint32_t>(slots[0]);
  if (sig == 0 || sig >= std::size(kHostSignal)) {
    slots[0] = kInval;
    return TrapCode::kOk;
  }
  int host = kHostSignal[sig];
  switch (host) {
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
      break;
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
      kill(getpid(), SIGSTOP);
      break;
    default:
      call.thread.set_exit_code(128 + host);
      return TrapCode::kExit;
  }
  slots[0] = kSuccess;
  return TrapCode::kOk;
}

struct Def {
  const char* name;
  const char* params;  // 'i' = i32, 'I' = i64
  const char* results;
  wasm::HostFn fn;
};

// Every function of wasi_snapshot_preview1.witx with its core wasm signature.
constexpr Def kFunctions[] = {
    {"args_get", "ii", "i", Call<ArgsGet>},
    {"args_sizes_get", "ii", "i", Call<ArgsSizesGet>},
    {"environ_get", "ii", "i", Call<EnvironGet>},
    {"environ_sizes_get", "ii", "i", Call<EnvironSizesGet>},
    {"clock_res_get", "ii", "i", Call<ClockResGet>},
    {"clock_time_get", "iIi", "i", Call<ClockTimeGet>},
    {"fd_advise", "iIIi", "i", Call<FdAdvise>},
    {"fd_allocate", "iII", "i", Call<FdAllocate>},
    {"fd_close", "i", "i", Call<FdClose>},
    {"fd_datasync", "i", "i", Call<FdDatasync>},
    {"fd_fdstat_get", "ii", "i", Call<FdFdstatGet>},
    {"fd_fdstat_set_flags", "ii", "i", Call<FdFdstatSetFlags>},
    {"fd_fdstat_set_rights", "iII", "i", Call<FdFdstatSetRights>},
    {"fd_filestat_get", "ii", "i", Call<FdFilestatGet>},
    {"fd_filestat_set_size", "iI", "i", Call<FdFilestatSetSize>},
    {"fd_filestat_set_times", "iIIi", "i", Call<FdFilestatSetTimes>},
    {"fd_pread", "iiiIi", "i", Call<FdPread>},
    {"fd_prestat_get", "ii", "i", Call<FdPrestatGet>},
    {"fd_prestat_dir_name", "iii", "i", Call<FdPrestatDirName>},
    {"fd_pwrite", "iiiIi", "i", Call<FdPwrite>},
    {"fd_read", "iiii", "i", Call<FdRead>},
    {"fd_readdir", "iiiIi", "i", Call<FdReaddir>},
    {"fd_renumber", "ii", "i", Call<FdRenumber>},
    {"fd_seek", "iIii", "i", Call<FdSeek>},
    {"fd_sync", "i", "i", Call<FdSync>},
    {"fd_tell", "ii", "i", Call<FdTell>},
    {"fd_write", "iiii", "i", Call<FdWrite>},
    {"path_create_directory", "iii", "i", Call<PathCreateDirectory>},
    {"path_filestat_get", "iiiii", "i", Call<PathFilestatGet>},
    {"path_filestat_set_times", "iiiiIIi", "i", Call<PathFilestatSetTimes>},
    {"path_link", "iiiiiii", "i", Call<PathLink>},
    {"path_open", "iiiiiIIii", "i", Call<PathOpen>},
    {"path_readlink", "iiiiii", "i", Call<PathReadlink>},
    {"path_remove_directory", "iii", "i", Call<PathRemoveDirectory>},
    {"path_rename", "iiiiii", "i", Call<PathRename>},
    {"path_symlink", "iiiii", "i", Call<PathSymlink>},
    {"path_unlink_file", "iii", "i", Call<PathUnlinkFile>},
    {"poll_oneoff", "iiii", "i", Call<PollOneoff>},
    {"proc_exit", "i", "", ProcExit},
    {"proc_raise", "i", "i", ProcRaise},
    {"sched_yield", "", "i", Call<SchedYield>},
    {"random_get", "ii", "i", Call<RandomGet>},
    {"sock_accept", "iii", "i", Call<SockAccept>},
    {"sock_recv", "iiiiii", "i", Call<SockRecv>},
    {"sock_send", "iiiii", "i", Call<SockSend>},
    {"sock_shutdown", "ii", "i", Call<SockShutdown>},
};

std::vector<ValType> TypesOf(const char* sig) {
  std::vector<ValType> v;
  for (const char* p = sig; *p; ++p)
    v.push_back(*p == 'I' ? ValType::kI64 : ValType::kI32);
  return v;
}

/// An entry for host fd `fd` with the rights its type allows.
FdEntry EntryFor(int fd, bool owns) {
  FdEntry e;
  e.host = fd;
  e.owns_host = owns;
  struct stat st;
  if (fstat(fd, &st) == 0) {
    e.filetype = FileTypeOfFd(fd, st);
    e.rights_base = RightsForType(e.filetype, fd);
    e.rights_inheriting = e.filetype == kDirectory ? kDirectoryInheriting : 0;
  }
  return e;
}

}  // namespace

WasiContext::WasiContext(std::vector<std::string> args, std::vector<std::string> env)
    : args_(std::move(args)), env_(std::move(env)) {
  // A closed host stdio fd stays a guest fd whose calls fail with `badf` from the
  // host, rather than a gap that a later open would fill.
  for (int fd = 0; fd < 3; ++fd)
    fds_.emplace_back(EntryFor(fd, false));
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
  FdEntry e = EntryFor(fd, true);
  e.preopen = true;
  e.preopen_name = guest_path;
  Insert(std::move(e));
  return true;
}

std::optional<uint32_t> WasiContext::AddSocket(int host_fd, std::string* error) {
  struct stat st;
  if (fstat(host_fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
    *error = "fd " + std::to_string(host_fd) + " is not a socket";
    return std::nullopt;
  }
  return Insert(EntryFor(host_fd, true));
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

bool WasiContext::Renumber(uint32_t from, uint32_t to) {
  if (Get(from) == nullptr || Get(to) == nullptr) return false;
  if (from == to) return true;
  Close(to);
  fds_[to] = std::move(fds_[from]);
  fds_[from].reset();
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
    wasm::FuncInst* f = store.NewHostFunc(type, def->fn, &ctx, im.module + "." + im.name);
    out.push_back({wasm::ExternKind::kFunc, f});
  }
  return out;
}

}  // namespace runw::wasi
