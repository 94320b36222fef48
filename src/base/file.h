// Whole-file reads for the CLI and the test runners.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"

namespace runw {

/// Reads the file at `path` into memory. On failure the error code says whether it
/// could not be opened or read, and its index holds the errno value.
Result<std::vector<uint8_t>> ReadFile(const std::string& path);

}  // namespace runw
