// Lowering of validated function bodies to the interpreter's code (interp.h).
#pragma once

#include "base/error.h"
#include "wasm/runtime.h"

namespace runw::wasm {

/// Choices of the lowering that do not change what the code computes.
struct LowerOptions {
  /// Form the fused instructions (interp.h). Off, every wasm instruction keeps
  /// its own handler apart from literal operands and compare-and-branch: the
  /// plain form that the differential tests compare the fused code against.
  bool fuse = true;
};

/// Validates `module` and lowers every function body, in one pass per body.
Result<std::shared_ptr<const CompiledModule>> CompileModule(Module module,
                                                            const LowerOptions& options = {});

}  // namespace runw::wasm
