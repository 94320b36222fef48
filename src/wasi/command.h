// Running a WASI command module (one that exports `_start`): the path shared by
// `runw wasm run` and the OCI runtime's wasm handler.
//
// It is split in two so that the OCI runtime can do the slow, fallible part
// (read, decode, validate, compile) while `create` still runs, where errors are
// reported to the caller, and the rest after `start`.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "wasi/wasi.h"
#include "wasm/runtime.h"

namespace runw::wasi {

/// Exit status when the module traps: 128 + SIGABRT, what a process killed by
/// abort() reports, and what wasmtime uses.
inline constexpr int kTrapExitCode = 134;
/// Exit status when the module cannot start (a missing import, no `_start`, a
/// trap during instantiation is still kTrapExitCode).
inline constexpr int kStartFailureExitCode = 1;

/// Reads, decodes, validates and compiles the module at `path`. Errors are one
/// line: `open <path>: no such file or directory`, or `<path>:0xOFFSET: message`
/// for a malformed or invalid module.
std::expected<std::shared_ptr<const wasm::CompiledModule>, std::string> LoadModuleFile(
    const std::string& path);

/// Instantiates `module` against `ctx`'s WASI imports under `limits` and runs
/// `_start`. Returns the process exit status: the guest's proc_exit code, 0 when
/// `_start` returns, kTrapExitCode after a trap (its message and wasm backtrace
/// printed on stderr as `runw: trap: <message>`), kStartFailureExitCode when it
/// cannot start (message on stderr). `thread_out`, when given, receives the
/// thread while it runs, so that a signal handler can interrupt it.
int RunCommand(std::shared_ptr<const wasm::CompiledModule> module, WasiContext& ctx,
               const wasm::EngineLimits& limits, wasm::Thread** thread_out = nullptr);

/// Prints `runw: trap: <message>` and the wasm backtrace (function names from the
/// name section) on stderr.
void PrintTrap(const wasm::Thread& thread, wasm::TrapCode trap);

}  // namespace runw::wasi
