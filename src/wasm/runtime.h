// Runtime structures (spec 4.2): the store, module instances and their entities,
// and the thread that executes code.
//
// Values live in 64-bit slots: i32/i64/f32/f64 and references take one, v128 takes
// two. A reference slot holds 0 for null, a FuncInst* for funcref, and for
// externref an embedder-chosen non-zero token.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "wasm/memory.h"
#include "wasm/module.h"

namespace runw::wasm {

enum class TrapCode : uint8_t {
  kOk = 0,
#define RUNW_TRAP(name, message) k##name,
#include "wasm/traps.def"
#undef RUNW_TRAP
};
/// The spec testsuite's message for a trap.
std::string_view TrapMessage(TrapCode code);

using Slot = uint64_t;
using Ref = uint64_t;

inline uint32_t SlotsOf(ValType t) {
  return t == ValType::kV128 ? 2 : 1;
}
uint32_t SlotsOf(std::span<const ValType> types);

struct ModuleInstance;
struct CompiledFunc;
class Thread;
struct FuncInst;

/// What a host function sees of its call.
struct HostCall {
  Thread& thread;
  const FuncInst& func;
  /// The instance whose code made the call; null when the embedder invoked the
  /// host function directly.
  ModuleInstance* caller = nullptr;
};

/// A host function reads its arguments from `slots` and writes its results there,
/// in slot layout. It returns kOk, or a trap code (kExit for a requested exit).
using HostFn = TrapCode (*)(void* data, HostCall& call, Slot* slots);

struct FuncInst {
  const FuncType* type = nullptr;
  uint32_t type_id = 0;  // canonical signature id, equal ids mean equal types
  uint32_t param_slots = 0;
  uint32_t result_slots = 0;
  ModuleInstance* module = nullptr;  // null for host functions
  const CompiledFunc* code = nullptr;
  uint32_t func_index = 0;  // in its module's index space, for backtraces
  HostFn host = nullptr;
  void* host_data = nullptr;
  std::string debug_name;  // "module.export" for host functions
};

struct TableInst {
  ValType elem = ValType::kFuncRef;
  uint32_t max = UINT32_MAX;
  std::vector<Ref> elems;
  /// table.grow: the old size, or -1 (as u32) when refused.
  uint32_t Grow(uint32_t delta, Ref init);
};

struct MemoryInst {
  std::unique_ptr<LinearMemory> memory;
};

struct GlobalInst {
  GlobalType type;
  alignas(16) Slot value[2] = {0, 0};
};

/// An external value (spec 4.2.11): what an import is bound to and an export names.
struct ExternVal {
  ExternKind kind = ExternKind::kFunc;
  void* ptr = nullptr;  // FuncInst*, TableInst*, MemoryInst* or GlobalInst*
  FuncInst* func() const { return static_cast<FuncInst*>(ptr); }
  TableInst* table() const { return static_cast<TableInst*>(ptr); }
  MemoryInst* memory() const { return static_cast<MemoryInst*>(ptr); }
  GlobalInst* global() const { return static_cast<GlobalInst*>(ptr); }
};

/// Lowered code of one function (see interp.h for its format).
struct CompiledFunc {
  std::vector<uint8_t> code;
  uint32_t frame_slots = 0;  // params + locals + operand temporaries
  uint32_t param_slots = 0;
  uint32_t local_slots = 0;  // declared locals, zeroed on entry
  uint32_t result_slots = 0;
  uint32_t func_index = 0;
};

/// A validated module with its lowered code, shareable by several instances.
struct CompiledModule {
  Module module;
  std::vector<CompiledFunc> funcs;  // one per defined function
};

struct ModuleInstance {
  std::shared_ptr<const CompiledModule> compiled;
  const Module& module() const { return compiled->module; }
  std::vector<uint32_t> type_ids;  // canonical id of each type of the module
  std::vector<FuncInst*> funcs;
  std::vector<TableInst*> tables;
  std::vector<MemoryInst*> memories;
  std::vector<GlobalInst*> globals;
  std::vector<std::vector<Ref>> elems;          // element segments; emptied by elem.drop
  std::vector<std::span<const uint8_t>> datas;  // data segments; emptied by data.drop
  std::unordered_map<std::string, ExternVal> exports;
  uint8_t* memory_base = nullptr;  // memory 0's base, cached for the interpreter
};

/// Limits an embedder sets on what guests may use.
struct EngineLimits {
  uint32_t max_memory_pages = 65536;  // caps memory.grow on top of the module's maximum
  uint32_t max_call_depth = 20000;
  uint32_t value_stack_slots = 1u << 22;  // 32 MiB of operand and local slots
};

/// Owns every instance and entity; entities are never freed before the store.
class Store {
 public:
  explicit Store(EngineLimits limits = {}) : limits_(limits) {}

  const EngineLimits& limits() const { return limits_; }
  uint32_t InternType(const FuncType& type);

  FuncInst* NewFunc() { return Own(funcs_); }
  TableInst* NewTable() { return Own(tables_); }
  MemoryInst* NewMemory() { return Own(memories_); }
  GlobalInst* NewGlobal() { return Own(globals_); }
  ModuleInstance* NewInstance() { return Own(instances_); }

  /// A host function of type `type` (copied into the store).
  FuncInst* NewHostFunc(const FuncType& type, HostFn fn, void* data, std::string debug_name);

 private:
  template <typename T>
  static T* Own(std::vector<std::unique_ptr<T>>& v) {
    v.push_back(std::make_unique<T>());
    return v.back().get();
  }

  EngineLimits limits_;
  std::vector<std::unique_ptr<FuncType>> types_;
  std::unordered_map<std::string, uint32_t> type_ids_;
  std::vector<std::unique_ptr<FuncInst>> funcs_;
  std::vector<std::unique_ptr<TableInst>> tables_;
  std::vector<std::unique_ptr<MemoryInst>> memories_;
  std::vector<std::unique_ptr<GlobalInst>> globals_;
  std::vector<std::unique_ptr<ModuleInstance>> instances_;
};

/// Why instantiation failed, when it did not trap.
struct LinkError {
  std::string message;  // "unknown import", "incompatible import type", …
};

/// The value stack and call state of one thread of execution.
class Thread {
 public:
  explicit Thread(Store& store);
  ~Thread();
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;

  Store& store() { return store_; }
  /// Set from any thread or a signal handler; running code stops with kInterrupted
  /// at the next loop back-edge or call.
  void Interrupt() { interrupt_.store(true, std::memory_order_relaxed); }
  void ClearInterrupt() { interrupt_.store(false, std::memory_order_relaxed); }
  const std::atomic<bool>& interrupt_flag() const { return interrupt_; }

  /// Calls `func` with `args` in slot layout; on success `results` (slot layout)
  /// holds its results.
  TrapCode Invoke(const FuncInst& func, std::span<const Slot> args, std::span<Slot> results);

  /// The wasm functions active when the last trap happened, innermost first.
  const std::vector<const FuncInst*>& trap_backtrace() const { return backtrace_; }
  /// The trap's message with its detail, as the spec testsuite words it
  /// ("uninitialized element 2").
  std::string TrapText(TrapCode code) const;
  /// Detail of the last element trap: the table index that was called.
  uint32_t trap_index = 0;

  /// Exit code stored by a host function that returned kExit.
  int exit_code() const { return exit_code_; }
  void set_exit_code(int code) { exit_code_ = code; }

  // For the interpreter: the call stack. A frame records where to return to and
  // which function is running; the entry frame of an Invoke has no return address.
  struct CallFrame {
    const uint8_t* ret_pc;
    Slot* fp;
    ModuleInstance* inst;
    const FuncInst* func;
  };
  Slot* stack_begin() { return stack_; }
  Slot* stack_end() { return stack_ + stack_slots_; }
  CallFrame* frames = nullptr;  // max_call_depth + 1 entries
  uint32_t max_frames = 0;
  uint32_t depth = 0;         // frames in use
  Slot* stack_top = nullptr;  // first free slot for a nested Invoke
  std::vector<const FuncInst*> backtrace_;

 private:
  Store& store_;
  // Both stacks are mapped lazily: a thread costs no memory until code runs deep.
  Slot* stack_ = nullptr;
  size_t stack_slots_ = 0;
  void* mapping_ = nullptr;
  size_t mapping_size_ = 0;
  std::atomic<bool> interrupt_{false};
  int exit_code_ = 0;
};

}  // namespace runw::wasm
