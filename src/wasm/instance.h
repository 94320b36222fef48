// Instantiation (spec 4.5.4) and the import and export plumbing around it.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "wasm/runtime.h"

namespace runw::wasm {

/// The outcome of instantiation: an instance, or why there is none. A link error
/// means the imports do not fit; a trap happened while initializing segments or
/// running the start function (spec: the module is "uninstantiable").
struct InstantiateResult {
  ModuleInstance* instance = nullptr;
  std::optional<std::string> link_error;
  TrapCode trap = TrapCode::kOk;
};

/// Instantiates `compiled` with `imports` given in the order of the module's import
/// section. Traps during initialization leave earlier segment writes to imported
/// tables and memories in place, as the spec requires.
InstantiateResult Instantiate(Thread& thread, std::shared_ptr<const CompiledModule> compiled,
                              std::span<const ExternVal> imports);

/// Whether `actual` may be imported where `expected` is declared (spec 4.5.3).
bool ExternMatches(const Store& store, const ExternVal& actual, const Import& expected,
                   const Module& module);

/// Evaluates a validated constant expression (spec 3.3.10) in `inst`'s context.
void EvalConstExpr(const ModuleInstance& inst, const ConstExpr& expr, Slot out[2]);

}  // namespace runw::wasm
