// Entry points of the CLI's subcommands. Each returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace runw::cli {

/// `runw wasm validate FILE`
int WasmValidate(const std::string& path);

/// `runw wasm spec-test FILE.json`
int WasmSpecTest(const std::string& json_path, bool verbose);

struct WasmRunOptions {
  std::string module_path;
  std::string invoke;  // empty: run `_start`
  std::vector<std::string> args;
  std::vector<std::string> dirs;       // --dir HOST[::GUEST]
  std::vector<std::string> env;        // --env KEY=VALUE
  std::vector<std::string> tcplisten;  // --tcplisten HOST:PORT
  bool inherit_env = false;            // --inherit-env
};

/// `runw wasm run [--invoke NAME] [--dir HOST[::GUEST]]... [--env KEY=VALUE]...
/// [--inherit-env] FILE [ARGS...]`
int WasmRun(const WasmRunOptions& opts);

/// The runc-compatible OCI runtime commands (create, start, state, kill, delete,
/// run, list, features, spec, ...): everything but `runw wasm`.
int RuncMain(int argc, char** argv);

}  // namespace runw::cli
