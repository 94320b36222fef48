// Shared by the files of the WASI layer: witx constants, guest memory access and
// the host-function bodies each file defines. Names, values and struct layouts
// follow legacy/preview1/witx/typenames.witx and wasi_snapshot_preview1.witx.
#pragma once

#include <sys/stat.h>
#include <sys/uio.h>

#include <cstdint>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "wasi/wasi.h"
#include "wasm/memory.h"
#include "wasm/runtime.h"

namespace runw::wasi::internal {

using wasm::Slot;

// witx `errno` (u16). Only the values returned by name are listed; MapErrno covers
// the rest.
inline constexpr uint16_t kSuccess = 0;
inline constexpr uint16_t kAcces = 2;
inline constexpr uint16_t kBadf = 8;
inline constexpr uint16_t kExist = 20;
inline constexpr uint16_t kFault = 21;
inline constexpr uint16_t kFbig = 22;
inline constexpr uint16_t kInval = 28;
inline constexpr uint16_t kIo = 29;
inline constexpr uint16_t kIsdir = 31;
inline constexpr uint16_t kLoop = 32;
inline constexpr uint16_t kNametoolong = 37;
inline constexpr uint16_t kNoent = 44;
inline constexpr uint16_t kNosys = 52;
inline constexpr uint16_t kNotdir = 54;
inline constexpr uint16_t kNotsock = 57;
inline constexpr uint16_t kNotsup = 58;
inline constexpr uint16_t kOverflow = 61;
inline constexpr uint16_t kPerm = 63;
inline constexpr uint16_t kSpipe = 70;
inline constexpr uint16_t kNotcapable = 76;

/// Host errno -> witx `errno`; anything without a witx name becomes `io`.
uint16_t MapErrno(int e);
/// During path resolution the kernel reports a RESOLVE_BENEATH violation as EXDEV:
/// to the guest that is a missing capability, not a cross-device link.
inline uint16_t MapResolveErrno(int e) {
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
uint8_t FileTypeOf(mode_t m);
/// The filetype of an open host fd (sockets told apart by SO_TYPE).
uint8_t FileTypeOfFd(int fd, const struct stat& st);

// witx `rights`, one bit each.
inline constexpr uint64_t kRightFdDatasync = 1ull << 0;
inline constexpr uint64_t kRightFdRead = 1ull << 1;
inline constexpr uint64_t kRightFdSeek = 1ull << 2;
inline constexpr uint64_t kRightFdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t kRightFdSync = 1ull << 4;
inline constexpr uint64_t kRightFdTell = 1ull << 5;
inline constexpr uint64_t kRightFdWrite = 1ull << 6;
inline constexpr uint64_t kRightFdAdvise = 1ull << 7;
inline constexpr uint64_t kRightFdAllocate = 1ull << 8;
inline constexpr uint64_t kRightPathCreateDirectory = 1ull << 9;
inline constexpr uint64_t kRightPathCreateFile = 1ull << 10;
inline constexpr uint64_t kRightPathLinkSource = 1ull << 11;
inline constexpr uint64_t kRightPathLinkTarget = 1ull << 12;
inline constexpr uint64_t kRightPathOpen = 1ull << 13;
inline constexpr uint64_t kRightFdReaddir = 1ull << 14;
inline constexpr uint64_t kRightPathReadlink = 1ull << 15;
inline constexpr uint64_t kRightPathRenameSource = 1ull << 16;
inline constexpr uint64_t kRightPathRenameTarget = 1ull << 17;
inline constexpr uint64_t kRightPathFilestatGet = 1ull << 18;
inline constexpr uint64_t kRightPathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t kRightPathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t kRightFdFilestatGet = 1ull << 21;
inline constexpr uint64_t kRightFdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t kRightFdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t kRightPathSymlink = 1ull << 24;
inline constexpr uint64_t kRightPathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t kRightPathUnlinkFile = 1ull << 26;
inline constexpr uint64_t kRightPollFdReadwrite = 1ull << 27;
inline constexpr uint64_t kRightSockShutdown = 1ull << 28;
inline constexpr uint64_t kRightSockAccept = 1ull << 29;
inline constexpr uint64_t kAllRights = (1ull << 30) - 1;

// The rights that make sense for each kind of fd (as uvwasi and wasmtime group
// them). A directory's inheriting rights cover both what its subdirectories and
// what its files may get.
inline constexpr uint64_t kRegularFileRights =
    kRightFdDatasync | kRightFdRead | kRightFdSeek | kRightFdFdstatSetFlags | kRightFdSync |
    kRightFdTell | kRightFdWrite | kRightFdAdvise | kRightFdAllocate | kRightFdFilestatGet |
    kRightFdFilestatSetSize | kRightFdFilestatSetTimes | kRightPollFdReadwrite;
inline constexpr uint64_t kDirectoryRights =
    kRightFdFdstatSetFlags | kRightFdSync | kRightFdAdvise | kRightPathCreateDirectory |
    kRightPathCreateFile | kRightPathLinkSource | kRightPathLinkTarget | kRightPathOpen |
    kRightFdReaddir | kRightPathReadlink | kRightPathRenameSource | kRightPathRenameTarget |
    kRightPathFilestatGet | kRightPathFilestatSetSize | kRightPathFilestatSetTimes |
    kRightFdFilestatGet | kRightFdFilestatSetTimes | kRightPathSymlink | kRightPathRemoveDirectory |
    kRightPathUnlinkFile | kRightPollFdReadwrite;
inline constexpr uint64_t kDirectoryInheriting = kDirectoryRights | kRegularFileRights;
// A terminal or pipe: no seek/tell, which is how wasi-libc's isatty() recognises a
// character device that is a tty.
inline constexpr uint64_t kStreamRights = kRightFdRead | kRightFdFdstatSetFlags | kRightFdWrite |
                                          kRightFdFilestatGet | kRightPollFdReadwrite |
                                          kRightFdDatasync | kRightFdSync | kRightFdAdvise;
inline constexpr uint64_t kSocketRights = kRightFdRead | kRightFdFdstatSetFlags | kRightFdWrite |
                                          kRightFdFilestatGet | kRightPollFdReadwrite |
                                          kRightSockShutdown;
inline constexpr uint64_t kListenSocketRights = kSocketRights | kRightSockAccept;

/// The base rights an fd of this kind can hold, given its host fd.
uint64_t RightsForType(uint8_t filetype, int host_fd);

// witx `fdflags`.
inline constexpr uint16_t kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4,
                          kFdflagRsync = 8, kFdflagSync = 16;
// witx `oflags`.
inline constexpr uint16_t kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4, kOflagTrunc = 8;
// witx `lookupflags`.
inline constexpr uint32_t kLookupSymlinkFollow = 1;
// witx `fstflags`.
inline constexpr uint16_t kFstAtim = 1, kFstAtimNow = 2, kFstMtim = 4, kFstMtimNow = 8;

/// The calling instance's memory 0, with bounds-checked access. Every guest
/// pointer goes through Ok() first; a bad one is `fault`, never a host crash.
class Mem {
 public:
  explicit Mem(wasm::HostCall& call) {
    wasm::ModuleInstance* inst = call.caller;
    if (inst != nullptr && !inst->memories.empty()) mem_ = inst->memories[0]->memory.get();
  }
  bool Ok(uint64_t addr, uint64_t len) const {
    return mem_ != nullptr && mem_->InBounds(addr, len);
  }
  uint8_t* At(uint64_t addr) const { return mem_->base() + addr; }
  bool Store16(uint32_t addr, uint16_t v) { return Put(addr, &v, 2); }
  bool Store32(uint32_t addr, uint32_t v) { return Put(addr, &v, 4); }
  bool Store64(uint32_t addr, uint64_t v) { return Put(addr, &v, 8); }
  // Loads assume the caller checked the range.
  uint16_t Load16(uint32_t addr) const { return Get<uint16_t>(addr); }
  uint32_t Load32(uint32_t addr) const { return Get<uint32_t>(addr); }
  uint64_t Load64(uint32_t addr) const { return Get<uint64_t>(addr); }

 private:
  bool Put(uint32_t addr, const void* v, size_t n) {
    if (!Ok(addr, n)) return false;
    std::memcpy(At(addr), v, n);
    return true;
  }
  template <typename T>
  T Get(uint32_t addr) const {
    T v;
    std::memcpy(&v, At(addr), sizeof v);
    return v;
  }
  wasm::LinearMemory* mem_ = nullptr;
};

/// Argument `i` as a guest address or u32.
inline uint32_t A32(const Slot* s, int i) {
  return static_cast<uint32_t>(s[i]);
}

/// Reads an array of witx `iovec`/`ciovec` ({u32 buf, u32 buf_len}, 8 bytes) and
/// turns it into host iovecs, checking every buffer.
uint16_t ReadIovecs(Mem& m, uint32_t iovs, uint32_t n, std::vector<iovec>& out);

/// The fd `fd` if it is open (`badf` otherwise) and holds every right in `need`
/// (`notcapable` otherwise).
uint16_t Lookup(WasiContext& c, uint32_t fd, uint64_t need, FdEntry** out);

uint64_t ToNs(const timespec& t);
/// witx `clockid` -> host clock; false for an unknown id.
bool HostClock(uint32_t id, clockid_t* out);
/// witx `filestat` (64 bytes) at `p`.
void EncodeFilestat(uint8_t* p, const struct stat& st);
/// The two timespecs of utimensat/futimens from witx timestamps and `fstflags`;
/// `inval` for contradictory or unknown flags.
uint16_t TimesFromFlags(uint64_t atim, uint64_t mtim, uint32_t flags, timespec out[2]);

// --- Host-function bodies -------------------------------------------------------------
// Each takes the context, the caller's memory and the argument slots, and returns
// the witx errno that becomes the function's i32 result.
using Impl = uint16_t (*)(WasiContext&, Mem&, const Slot*);

// wasi-fd.cc
uint16_t FdAdvise(WasiContext&, Mem&, const Slot*);
uint16_t FdAllocate(WasiContext&, Mem&, const Slot*);
uint16_t FdClose(WasiContext&, Mem&, const Slot*);
uint16_t FdDatasync(WasiContext&, Mem&, const Slot*);
uint16_t FdFdstatGet(WasiContext&, Mem&, const Slot*);
uint16_t FdFdstatSetFlags(WasiContext&, Mem&, const Slot*);
uint16_t FdFdstatSetRights(WasiContext&, Mem&, const Slot*);
uint16_t FdFilestatGet(WasiContext&, Mem&, const Slot*);
uint16_t FdFilestatSetSize(WasiContext&, Mem&, const Slot*);
uint16_t FdFilestatSetTimes(WasiContext&, Mem&, const Slot*);
uint16_t FdPread(WasiContext&, Mem&, const Slot*);
uint16_t FdPrestatGet(WasiContext&, Mem&, const Slot*);
uint16_t FdPrestatDirName(WasiContext&, Mem&, const Slot*);
uint16_t FdPwrite(WasiContext&, Mem&, const Slot*);
uint16_t FdRead(WasiContext&, Mem&, const Slot*);
uint16_t FdReaddir(WasiContext&, Mem&, const Slot*);
uint16_t FdRenumber(WasiContext&, Mem&, const Slot*);
uint16_t FdSeek(WasiContext&, Mem&, const Slot*);
uint16_t FdSync(WasiContext&, Mem&, const Slot*);
uint16_t FdTell(WasiContext&, Mem&, const Slot*);
uint16_t FdWrite(WasiContext&, Mem&, const Slot*);

// wasi-path.cc
uint16_t PathCreateDirectory(WasiContext&, Mem&, const Slot*);
uint16_t PathFilestatGet(WasiContext&, Mem&, const Slot*);
uint16_t PathFilestatSetTimes(WasiContext&, Mem&, const Slot*);
uint16_t PathLink(WasiContext&, Mem&, const Slot*);
uint16_t PathOpen(WasiContext&, Mem&, const Slot*);
uint16_t PathReadlink(WasiContext&, Mem&, const Slot*);
uint16_t PathRemoveDirectory(WasiContext&, Mem&, const Slot*);
uint16_t PathRename(WasiContext&, Mem&, const Slot*);
uint16_t PathSymlink(WasiContext&, Mem&, const Slot*);
uint16_t PathUnlinkFile(WasiContext&, Mem&, const Slot*);

// wasi-poll.cc
uint16_t PollOneoff(WasiContext&, Mem&, const Slot*);

// wasi-sock.cc
uint16_t SockAccept(WasiContext&, Mem&, const Slot*);
uint16_t SockRecv(WasiContext&, Mem&, const Slot*);
uint16_t SockSend(WasiContext&, Mem&, const Slot*);
uint16_t SockShutdown(WasiContext&, Mem&, const Slot*);

}  // namespace runw::wasi::internal
