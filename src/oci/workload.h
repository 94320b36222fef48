// Choosing and running a container's workload: a WASI module run by runw's own
// engine in the init process, or a native program exec'd after the same setup.
//
// The choice (contract §9.3, crun's conventions):
//   - the CRI sandbox ("pause") container is never wasm;
//   - `run.oci.handler: wasm` or `module.wasm.image/variant: compat` force wasm;
//     their `-smart` variants mean wasm when args[0] ends in `.wasm`;
//   - otherwise the resolved args[0] decides: a file starting with `\0asm` is wasm.
// args[0] resolves as runc resolves it (absolute; relative to cwd when it holds
// a `/`; else through the PATH of process.env) and, for wasm only, falls back to
// `cwd/<name>` so that an image whose CMD is `["app.wasm"]` runs.
#pragma once

#include <memory>
#include <string>

#include "oci/config.h"
#include "wasm/runtime.h"

namespace runw::oci {

struct Workload {
  bool wasm = false;
  std::string path;                                    // resolved, as seen inside the container
  std::shared_ptr<const wasm::CompiledModule> module;  // wasm: loaded and validated
};

/// Resolves and checks the workload of `process` from inside the container
/// (after pivot_root). Errors use the phrases podman maps to exit codes:
/// `exec: "x": executable file not found in $PATH`, `open /x: no such file or
/// directory`, `/x: permission denied`.
Expected<Workload> PrepareWorkload(const Process& process,
                                   const std::map<std::string, std::string>& annotations);

/// The wasm engine limits for a container: linear memory capped at the
/// container's memory limit (when set) so that `memory.grow` fails instead of
/// the kernel's OOM killer ending the container.
wasm::EngineLimits WasmLimitsFor(const Spec& spec);

/// Runs the workload: execve for a native one (returning only when that fails,
/// with 127 or 126), or the module's `_start` under `limits`, returning the exit
/// status the process must end with. The `passed_fds` fds from 3 on (socket
/// activation, --preserve-fds) stay open for a native program; a module gets the
/// sockets among them as its first guest fds (from 3, before the `/` preopen),
/// as wasmtime hands over --tcplisten sockets.
int RunWorkload(const Workload& workload, const Process& process, const wasm::EngineLimits& limits,
                int passed_fds = 0);

/// Installs the init's handlers for the terminating signals: the init is PID 1
/// of its pid namespace, which ignores signals it has no handler for, and a wasm
/// module cannot install any. Each handler ends the process with 128+signal, as
/// the default action would have. Native workloads get default dispositions
/// back at execve.
void InstallTerminationHandlers();

}  // namespace runw::oci
