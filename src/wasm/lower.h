// Lowering of validated function bodies to the interpreter's code (interp.h).
#pragma once

#include "base/error.h"
#include "wasm/runtime.h"

namespace runw::wasm {

/// Validates `module` and lowers every function body, in one pass per body.
Result<std::shared_ptr<const CompiledModule>> CompileModule(Module module);

}  // namespace runw::wasm
