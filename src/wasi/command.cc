// Running a WASI command module (see command.h).
#include "wasi/command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/file.h"
#include "wasm/decoder.h"
#include "wasm/instance.h"
#include "wasm/lower.h"

namespace runw::wasi {
namespace {

std::string FuncName(const wasm::FuncInst& f) {
  if (f.module == nullptr) return f.debug_name;
  const wasm::Module& m = f.module->module();
  auto it = m.func_names.find(f.func_index);
  if (it != m.func_names.end()) return it->second;
  return "func[" + std::to_string(f.func_index) + "]";
}

// strerror's text in the lowercase form Go (and so runc and podman's matching)
// uses: "no such file or directory".
std::string LowerErrno(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// When the module failed after memory.grow was refused by the embedder's cap (a
// container's memory limit), says so: otherwise the trap or exit status would not
// point at the limit.
void ExplainMemoryCap(const wasm::ModuleInstance& inst) {
  for (const wasm::MemoryInst* mem : inst.memories) {
    uint32_t wanted = mem->memory->refused_by_cap();
    if (wanted == 0) continue;
    const uint64_t page = 65536;
    std::fprintf(stderr,
                 "runw: memory.grow to %u pages (%llu MiB) was refused: the memory limit allows "
                 "%u pages (%llu MiB) of linear memory\n",
                 wanted, static_cast<unsigned long long>(wanted * page >> 20),
                 mem->memory->max_pages(),
                 static_cast<unsigned long long>(mem->memory->max_pages() * page >> 20));
  }
}

}  // namespace

void PrintTrap(const wasm::Thread& thread, wasm::TrapCode trap) {
  std::fprintf(stderr, "runw: trap: %s\n", thread.TrapText(trap).c_str());
  const auto& frames = thread.trap_backtrace();
  for (size_t i = 0; i < frames.size(); ++i)
    std::fprintf(stderr, "  %zu: %s\n", i, FuncName(*frames[i]).c_str());
}

std::expected<std::shared_ptr<const wasm::CompiledModule>, std::string> LoadModuleFile(
    const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes) {
    const Error& e = bytes.error();
    int err = e.has_index() ? static_cast<int>(e.index()) : EIO;
    return std::unexpected("open " + path + ": " + LowerErrno(err));
  }
  auto module = wasm::DecodeModule(*bytes);
  if (!module) {
    char where[32];
    std::snprintf(where, sizeof where, ":0x%x: ", module.error().offset());
    return std::unexpected(path + where + module.error().Message());
  }
  auto compiled = wasm::CompileModule(std::move(*module));
  if (!compiled) {
    char where[32];
    std::snprintf(where, sizeof where, ":0x%x: ", compiled.error().offset());
    return std::unexpected(path + where + compiled.error().Message());
  }
  return *std::move(compiled);
}

int RunCommand(std::shared_ptr<const wasm::CompiledModule> module, WasiContext& ctx,
               const wasm::EngineLimits& limits, wasm::Thread** thread_out) {
  wasm::Store store(limits);
  wasm::Thread thread(store);
  if (thread_out != nullptr) *thread_out = &thread;
  struct Reset {
    wasm::Thread** out;
    ~Reset() {
      if (out != nullptr) *out = nullptr;
    }
  } reset{thread_out};

  std::string import_error;
  std::vector<wasm::ExternVal> imports = ResolveImports(store, ctx, module->module, &import_error);
  if (!import_error.empty()) {
    std::fprintf(stderr, "runw: %s\n", import_error.c_str());
    return kStartFailureExitCode;
  }
  auto inst = wasm::Instantiate(thread, module, imports);
  if (inst.link_error) {
    std::fprintf(stderr, "runw: %s\n", inst.link_error->c_str());
    return kStartFailureExitCode;
  }
  if (inst.trap == wasm::TrapCode::kExit) return thread.exit_code();
  if (inst.trap != wasm::TrapCode::kOk) {
    PrintTrap(thread, inst.trap);
    return kTrapExitCode;
  }
  auto it = inst.instance->exports.find("_start");
  if (it == inst.instance->exports.end() || it->second.kind != wasm::ExternKind::kFunc) {
    std::fprintf(stderr, "runw: the module exports no function `_start`\n");
    return kStartFailureExitCode;
  }
  const wasm::FuncInst& f = *it->second.func();
  if (!f.type->params.empty()) {
    std::fprintf(stderr, "runw: `_start` must take no parameters\n");
    return kStartFailureExitCode;
  }
  std::vector<wasm::Slot> results(f.result_slots);
  wasm::TrapCode trap = thread.Invoke(f, {}, results);
  if (trap == wasm::TrapCode::kExit) {
    if (thread.exit_code() != 0) ExplainMemoryCap(*inst.instance);
    return thread.exit_code();
  }
  if (trap != wasm::TrapCode::kOk) {
    PrintTrap(thread, trap);
    ExplainMemoryCap(*inst.instance);
    return kTrapExitCode;
  }
  return 0;
}

}  // namespace runw::wasi
