// The module decoder: binary format (spec 5) to Module.
#pragma once

#include <cstdint>
#include <span>

#include "base/error.h"
#include "wasm/module.h"

namespace runw::wasm {

/// Decodes every section of a binary module. Function bodies are only delimited
/// here; their instructions are decoded and validated by ValidateModule.
/// Errors are malformed-module errors with the byte offset where they were found.
Result<Module> DecodeModule(std::span<const uint8_t> bytes);

}  // namespace runw::wasm
