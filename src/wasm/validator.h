// Module validation (spec 3.4).
#pragma once

#include "base/error.h"
#include "wasm/module.h"

namespace runw::wasm {

/// Validates a decoded module: its types, imports, definitions, exports, segments
/// and every function body. A malformed function body (which only this pass reads)
/// is reported as such, before any validation error, as the spec's testsuite
/// expects.
Result<void> ValidateModule(const Module& module);

/// The module-level part of ValidateModule: everything but the function bodies.
Result<void> ValidateModuleDeclarations(const Module& module);

/// C.refs (spec 3.4.10): which functions `ref.func` may name inside function bodies.
std::vector<bool> DeclaredFuncRefs(const Module& module);

/// Decodes and validates in one call.
Result<Module> LoadModule(std::span<const uint8_t> bytes);

}  // namespace runw::wasm
