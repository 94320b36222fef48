// Entry points of the CLI's subcommands. Each returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace runw::cli {

/// Exit status of `runw wasm run` when the module traps (128 + SIGABRT, as a
/// process killed by abort() would report, and as wasmtime does).
inline constexpr int kTrapExitCode = 134;

/// `runw wasm validate FILE`
int WasmValidate(const std::string& path);

/// `runw wasm spec-test FILE.json`
int WasmSpecTest(const std::string& json_path, bool verbose);

struct WasmRunOptions {
  std::string module_path;
  std::string invoke;  // empty: run `_start`
  std::vector<std::string> args;
};

/// `runw wasm run [--invoke NAME] FILE [ARGS...]`
int WasmRun(const WasmRunOptions& opts);

}  // namespace runw::cli
