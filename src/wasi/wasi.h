// WASI preview 1 (`wasi_snapshot_preview1`, legacy/preview1/witx in the WASI repo):
// the host functions a command module imports, bound to one WasiContext.
//
// Sandbox: a guest reaches the host file system only through preopened
// directories. Every path is resolved by openat2(2) beneath the preopen's
// directory fd with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so `..`, absolute
// paths, absolute symlinks, magic links and symlinks that leave the directory fail
// (errno `notcapable`, or `loop` for a symlink loop).
//
// Rights: every guest fd carries the witx `rights` it was opened with (base and
// inheriting), narrowed to what its file type supports. A function that needs a
// right the fd lacks answers `notcapable`; fd_fdstat_set_rights can only drop
// rights; path_open gives the new fd at most its directory's inheriting rights.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wasm/runtime.h"

namespace runw::wasi {

/// One open guest file descriptor.
struct FdEntry {
  int host = -1;
  uint8_t filetype = 0;  // witx `filetype`
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  bool owns_host = true;     // false for the inherited stdio fds 0-2
  bool preopen = false;      // a preopened directory, reported by fd_prestat_get
  std::string preopen_name;  // its guest path
};

class WasiContext {
 public:
  /// `args[0]` is the program name the guest sees; `env` holds KEY=VALUE strings.
  /// Guest fds 0-2 are the host's stdin, stdout and stderr.
  WasiContext(std::vector<std::string> args, std::vector<std::string> env);
  ~WasiContext();
  WasiContext(const WasiContext&) = delete;
  WasiContext& operator=(const WasiContext&) = delete;

  /// Opens host directory `host_path` and gives it to the guest as the preopen
  /// `guest_path`. False with `*error` set when the directory cannot be opened.
  bool AddPreopen(const std::string& host_path, const std::string& guest_path, std::string* error);

  /// Gives the guest an already open host socket (a listening socket for
  /// sock_accept, or a connected one), taking ownership of `host_fd`. Returns the
  /// guest fd, or nullopt with `*error` set when `host_fd` is not a socket.
  std::optional<uint32_t> AddSocket(int host_fd, std::string* error);

  const std::vector<std::string>& args() const { return args_; }
  const std::vector<std::string>& env() const { return env_; }

  /// The entry of guest fd `fd`, or null when it is not open.
  FdEntry* Get(uint32_t fd);
  /// Installs `e` at the lowest free guest fd and returns that fd.
  uint32_t Insert(FdEntry e);
  /// Closes guest fd `fd`; false when it was not open.
  bool Close(uint32_t fd);
  /// fd_renumber: moves `from` onto `to`, closing what `to` held. Both must be
  /// open; false otherwise.
  bool Renumber(uint32_t from, uint32_t to);

 private:
  std::vector<std::string> args_;
  std::vector<std::string> env_;
  std::vector<std::optional<FdEntry>> fds_;
};

/// Binds every import of `module` in import-section order. Each import must be a
/// function of `wasi_snapshot_preview1` with the witx signature; anything else is
/// an error naming the import (empty vector and `*error` set).
std::vector<wasm::ExternVal> ResolveImports(wasm::Store& store, WasiContext& ctx,
                                            const wasm::Module& module, std::string* error);

}  // namespace runw::wasi
