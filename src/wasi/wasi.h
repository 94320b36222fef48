// WASI preview 1 (`wasi_snapshot_preview1`, legacy/preview1/witx in the WASI repo):
// the host functions a command module imports, bound to one WasiContext.
//
// Sandbox: a guest reaches the host file system only through preopened
// directories. Every path is resolved by openat2(2) beneath the preopen's
// directory fd with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so `..`, absolute
// symlinks and symlinks that leave the directory fail (errno `notcapable`).
// Absolute guest paths are taken relative to the preopen.
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
  bool is_dir = false;
  bool owns_host = true;     // false for the inherited stdio fds 0-2
  std::string preopen_name;  // guest path of a preopened directory
  bool preopen = false;
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

  const std::vector<std::string>& args() const { return args_; }
  const std::vector<std::string>& env() const { return env_; }

  /// The entry of guest fd `fd`, or null when it is not open.
  FdEntry* Get(uint32_t fd);
  /// Installs `e` at the lowest free guest fd and returns that fd.
  uint32_t Insert(FdEntry e);
  /// Closes guest fd `fd`; false when it was not open.
  bool Close(uint32_t fd);

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

/// The preview-1 functions that are importable but answer `nosys` in this slice.
std::vector<std::string> UnimplementedFunctions();

}  // namespace runw::wasi
