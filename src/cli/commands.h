// Entry points of the CLI's subcommands. Each returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace runw::cli {

/// `runw wasm validate FILE`
int WasmValidate(const std::string& path);

/// `runw wasm spec-test FILE.json`
int WasmSpecTest(const std::string& json_path, bool verbose);

}  // namespace runw::cli
