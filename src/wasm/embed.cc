// The public embedding API (include/runw/wasm.h) over the engine's internals.
//
// The public types hide every internal one: a Module wraps a CompiledModule, an
// Engine a Store and its one Thread, an Instance a ModuleInstance. Values cross the
// boundary in the internal slot layout (runtime.h): one 64-bit slot per value, two
// for a v128.
//
// Host functions. The internal HostFn is a plain function pointer with a data
// pointer; every host function of the public API is the one trampoline below, whose
// data is a HostBinding owned by the engine. The binding keeps the embedder's
// std::function alive for as long as the engine, however short-lived the Imports
// that supplied it.
//
// Errors cross the boundary as values. A host function's failure message cannot
// travel through the interpreter, which only carries a TrapCode, so the trampoline
// parks it in the engine and the API call that receives kHostError picks it up.
#include <cstring>
#include <exception>
#include <iterator>
#include <unordered_map>

#include "runw/wasm.h"
#include "wasm/decoder.h"
#include "wasm/instance.h"
#include "wasm/lower.h"
#include "wasm/runtime.h"
#include "wasm/validator.h"

namespace runw {
namespace detail {

// The public defaults must be the engine's, or a default Limits would silently change
// behaviour.
static_assert(Limits{}.max_memory_pages == wasm::EngineLimits{}.max_memory_pages);
static_assert(Limits{}.max_call_depth == wasm::EngineLimits{}.max_call_depth);
static_assert(Limits{}.value_stack_slots == wasm::EngineLimits{}.value_stack_slots);

/// A host function as Imports::AddFunction defined it.
struct HostDef {
  FuncType type;
  wasm::FuncType wasm_type;
  HostFunction fn;
  std::string debug_name;  // "module.name", for backtraces
};

/// The data pointer of a host function's FuncInst.
struct HostBinding {
  EngineState* engine;
  std::shared_ptr<const HostDef> def;
};

/// A host function's failure, waiting for the API call that receives its trap.
struct HostFailure {
  std::string message;
  std::string func_name;
};

struct EngineState {
  explicit EngineState(const Limits& l)
      : limits(l),
        store(wasm::EngineLimits{.max_memory_pages = l.max_memory_pages,
                                 .max_call_depth = l.max_call_depth,
                                 .value_stack_slots = l.value_stack_slots}),
        thread(store) {}

  Limits limits;
  wasm::Store store;
  wasm::Thread thread;  // after `store`, which it refers to
  // One FuncInst per host definition, so a function imported twice is one function.
  std::unordered_map<const HostDef*, wasm::FuncInst*> host_funcs;
  std::vector<std::unique_ptr<HostBinding>> bindings;
  std::optional<HostFailure> host_failure;
  // API calls (Call, Instantiate) in progress; more than one when a host function
  // calls back into wasm. An interrupt request is consumed only when the outermost
  // call returns, and only if some call observed it: a host function that swallows a
  // nested call's "interrupted" trap must not let the computation run on.
  uint32_t api_depth = 0;
  bool interrupt_seen = false;
  // Set while Instance::Call runs a host function directly (not from wasm): that
  // call's caller is the instance it was called on, and it runs at this depth.
  wasm::ModuleInstance* direct_caller = nullptr;
  uint32_t direct_depth = UINT32_MAX;
};

struct ModuleData {
  std::shared_ptr<const wasm::CompiledModule> compiled;
  std::vector<ImportType> imports;
  std::vector<ExportType> exports;
};

namespace {

wasm::ValType ToValType(ValueType t) {
  switch (t) {
    case ValueType::kI32:
      return wasm::ValType::kI32;
    case ValueType::kI64:
      return wasm::ValType::kI64;
    case ValueType::kF32:
      return wasm::ValType::kF32;
    case ValueType::kF64:
      return wasm::ValType::kF64;
    case ValueType::kV128:
      return wasm::ValType::kV128;
    case ValueType::kFuncRef:
      return wasm::ValType::kFuncRef;
    case ValueType::kExternRef:
      return wasm::ValType::kExternRef;
  }
  return wasm::ValType::kI32;
}

ValueType FromValType(wasm::ValType t) {
  switch (t) {
    case wasm::ValType::kI32:
      return ValueType::kI32;
    case wasm::ValType::kI64:
      return ValueType::kI64;
    case wasm::ValType::kF32:
      return ValueType::kF32;
    case wasm::ValType::kF64:
      return ValueType::kF64;
    case wasm::ValType::kV128:
      return ValueType::kV128;
    case wasm::ValType::kFuncRef:
      return ValueType::kFuncRef;
    case wasm::ValType::kExternRef:
      return ValueType::kExternRef;
  }
  return ValueType::kI32;
}

std::vector<ValueType> FromValTypes(const std::vector<wasm::ValType>& types) {
  std::vector<ValueType> out;
  out.reserve(types.size());
  for (wasm::ValType t : types)
    out.push_back(FromValType(t));
  return out;
}

FuncType FromFuncType(const wasm::FuncType& t) {
  return FuncType{FromValTypes(t.params), FromValTypes(t.results)};
}

TableType FromTableType(const wasm::TableType& t) {
  return TableType{FromValType(t.elem), t.limits.min, t.limits.max};
}

MemoryType FromMemoryType(const wasm::MemoryType& t) {
  return MemoryType{t.limits.min, t.limits.max};
}

GlobalType FromGlobalType(const wasm::GlobalType& t) {
  return GlobalType{FromValType(t.type), t.is_mutable};
}

LoadError ToLoadError(const Error& e) {
  return LoadError{
      e.phase() == ErrorPhase::kValidate ? LoadError::Kind::kInvalid : LoadError::Kind::kMalformed,
      e.offset(), e.Message()};
}

std::string FuncName(const wasm::FuncInst& f) {
  if (f.module == nullptr) return f.debug_name;
  const auto& names = f.module->module().func_names;
  auto it = names.find(f.func_index);
  if (it != names.end()) return it->second;
  return "func[" + std::to_string(f.func_index) + "]";
}

wasm::LinearMemory* MemoryOf(const wasm::ModuleInstance* inst) {
  if (inst == nullptr || inst->memories.empty()) return nullptr;
  return inst->memories[0]->memory.get();
}

bool ReadFrom(const wasm::LinearMemory* mem, uint64_t addr, std::span<uint8_t> out) {
  if (mem == nullptr || !mem->InBounds(addr, out.size())) return false;
  if (!out.empty()) std::memcpy(out.data(), mem->base() + addr, out.size());
  return true;
}

bool WriteTo(wasm::LinearMemory* mem, uint64_t addr, std::span<const uint8_t> data) {
  if (mem == nullptr || !mem->InBounds(addr, data.size())) return false;
  if (!data.empty()) std::memcpy(mem->base() + addr, data.data(), data.size());
  return true;
}

std::string Quoted(std::string_view module, std::string_view name) {
  return "`" + std::string(module) + "`.`" + std::string(name) + "`";
}

// Counts an API call for as long as it runs (see EngineState::api_depth).
class ApiCall {
 public:
  explicit ApiCall(EngineState& s) : s_(s) { ++s_.api_depth; }
  ~ApiCall() {
    if (--s_.api_depth == 0 && s_.interrupt_seen) {
      s_.thread.ClearInterrupt();
      s_.interrupt_seen = false;
    }
  }
  ApiCall(const ApiCall&) = delete;
  ApiCall& operator=(const ApiCall&) = delete;

 private:
  EngineState& s_;
};

}  // namespace

struct EmbedAccess {
  /// Whether `v` may enter engine `s` where a value of type `t` is expected: same
  /// type, and a non-null funcref must be one of this engine's functions.
  static bool Fits(const Value& v, ValueType t, const EngineState& s) {
    if (v.type_ != t) return false;
    return t != ValueType::kFuncRef || v.lo_ == 0 || v.owner_ == &s;
  }

  /// Why `v` does not fit (see Fits), for messages: "has type i64, expected i32".
  static std::string Misfit(const Value& v, ValueType t) {
    if (v.type_ != t) {
      return "has type " + std::string(ValueTypeName(v.type_)) + ", expected " +
             std::string(ValueTypeName(t));
    }
    return "is a funcref of another engine";
  }

  static wasm::Slot* ToSlots(const Value& v, wasm::Slot* out) {
    *out++ = v.lo_;
    if (v.type_ == ValueType::kV128) *out++ = v.hi_;
    return out;
  }

  static const wasm::Slot* FromSlots(wasm::ValType t, const wasm::Slot* in, EngineState& s,
                                     Value& out) {
    out = Value(FromValType(t), *in++);
    switch (t) {
      case wasm::ValType::kI32:
      case wasm::ValType::kF32:
        // The interpreter need not clear the upper half of a 32-bit value's slot.
        out.lo_ = static_cast<uint32_t>(out.lo_);
        break;
      case wasm::ValType::kV128:
        out.hi_ = *in++;
        break;
      case wasm::ValType::kFuncRef:
        if (out.lo_ != 0) out.owner_ = &s;
        break;
      default:
        break;
    }
    return in;
  }

  static Trap MakeTrap(EngineState& s, wasm::TrapCode code, bool with_frames) {
    Trap trap;
    switch (code) {
      case wasm::TrapCode::kInterrupted:
        trap.kind = Trap::Kind::kInterrupted;
        break;
      case wasm::TrapCode::kHostError:
        trap.kind = Trap::Kind::kHost;
        break;
      default:
        trap.kind = Trap::Kind::kGuest;
        break;
    }
    if (code == wasm::TrapCode::kHostError && s.host_failure) {
      trap.message = "host function failed: " + s.host_failure->message;
      trap.backtrace.push_back(std::move(s.host_failure->func_name));
    } else {
      trap.message = s.thread.TrapText(code);
    }
    s.host_failure.reset();
    if (with_frames) {
      for (const wasm::FuncInst* f : s.thread.trap_backtrace())
        trap.backtrace.push_back(FuncName(*f));
    }
    if (code == wasm::TrapCode::kInterrupted) s.interrupt_seen = true;
    return trap;
  }

  static Trap BadCall(std::string message) {
    return Trap{Trap::Kind::kBadCall, std::move(message), {}};
  }

  // The HostFn of every host function made through Imports.
  static wasm::TrapCode Trampoline(void* data, wasm::HostCall& call, wasm::Slot* slots) {
    auto& binding = *static_cast<HostBinding*>(data);
    EngineState& s = *binding.engine;
    const HostDef& def = *binding.def;
    wasm::Thread& t = call.thread;

    // The caller: the instance whose code called; called directly through
    // Instance::Call, that instance.
    wasm::ModuleInstance* caller = call.caller;
    if (caller == nullptr && s.direct_caller != nullptr && t.depth == s.direct_depth) {
      caller = s.direct_caller;
    }

    std::optional<std::string> failure;
    // An exception must not unwind through the interpreter, which would leave the
    // thread's call stack inconsistent; it becomes a failure like any other.
    try {
      const size_t np = def.type.params.size();
      const size_t nr = def.type.results.size();
      // Most host functions have a handful of values: keep them off the heap.
      Value small[16];
      std::vector<Value> large;
      std::span<Value> values;
      if (np + nr <= std::size(small)) {
        values = std::span<Value>(small, np + nr);
      } else {
        large.resize(np + nr);
        values = large;
      }
      std::span<Value> args = values.first(np);
      std::span<Value> results = values.subspan(np);
      const wasm::Slot* in = slots;
      for (size_t i = 0; i < np; ++i)
        in = FromSlots(def.wasm_type.params[i], in, s, args[i]);
      for (size_t i = 0; i < nr; ++i)
        results[i] = Value::Zero(def.type.results[i]);

      CallContext context(caller);
      failure = def.fn(context, args, results);
      if (!failure) {
        for (size_t i = 0; i < nr; ++i) {
          if (!Fits(results[i], def.type.results[i], s)) {
            failure = "result " + std::to_string(i) + " " + Misfit(results[i], def.type.results[i]);
            break;
          }
        }
      }
      if (!failure) {
        wasm::Slot* out = slots;
        for (const Value& v : results)
          out = ToSlots(v, out);
      }
    } catch (const std::exception& e) {
      failure = std::string("uncaught exception: ") + e.what();
    } catch (...) {
      failure = "uncaught exception";
    }
    if (!failure) return wasm::TrapCode::kOk;
    s.host_failure = HostFailure{std::move(*failure), def.debug_name};
    return wasm::TrapCode::kHostError;
  }

  static wasm::FuncInst* HostFunc(EngineState& s, const std::shared_ptr<const HostDef>& def) {
    auto [it, inserted] = s.host_funcs.emplace(def.get(), nullptr);
    if (inserted) {
      s.bindings.push_back(std::make_unique<HostBinding>(HostBinding{&s, def}));
      it->second = s.store.NewHostFunc(def->wasm_type, &Trampoline, s.bindings.back().get(),
                                       def->debug_name);
    }
    return it->second;
  }

  static std::expected<wasm::ExternVal, std::string> Resolve(EngineState& s, const Imports& imports,
                                                             const wasm::Import& im) {
    for (auto e = imports.entries_.rbegin(); e != imports.entries_.rend(); ++e) {
      if (e->module != im.module) continue;
      if (e->func) {
        if (e->name == im.name)
          return wasm::ExternVal{wasm::ExternKind::kFunc, HostFunc(s, e->func)};
        continue;
      }
      const Instance& other = *e->instance;
      auto it = other.instance_->exports.find(im.name);
      if (it == other.instance_->exports.end()) continue;
      // Entities of another engine's store would run on the wrong thread and compare
      // signatures by another store's type ids.
      if (other.engine_ != &s)
        return std::unexpected("import " + Quoted(im.module, im.name) +
                               " comes from an instance of another engine");
      return it->second;
    }
    return std::unexpected("unknown import " + Quoted(im.module, im.name));
  }

  static std::expected<Instance, InstantiateError> Instantiate(EngineState& s, const Module& module,
                                                               const Imports& imports) {
    const wasm::CompiledModule& compiled = *module.data_->compiled;
    const wasm::Module& m = compiled.module;
    std::vector<wasm::ExternVal> externs;
    externs.reserve(m.imports.size());
    for (const wasm::Import& im : m.imports) {
      auto v = Resolve(s, imports, im);
      if (!v)
        return std::unexpected(InstantiateError{InstantiateError::Kind::kLink, v.error(), {}});
      if (!wasm::ExternMatches(s.store, *v, im, m)) {
        return std::unexpected(
            InstantiateError{InstantiateError::Kind::kLink,
                             "incompatible import type for " + Quoted(im.module, im.name),
                             {}});
      }
      externs.push_back(*v);
    }
    ApiCall api(s);
    s.thread.backtrace_.clear();
    wasm::InstantiateResult r = wasm::Instantiate(s.thread, module.data_->compiled, externs);
    if (r.link_error)
      return std::unexpected(InstantiateError{InstantiateError::Kind::kLink, *r.link_error, {}});
    if (r.trap != wasm::TrapCode::kOk) {
      // As in Call: a host start function leaves no frames of its own.
      const bool host_start = m.start && r.instance->funcs[*m.start]->host != nullptr;
      Trap trap = MakeTrap(s, r.trap, /*with_frames=*/!host_start);
      std::string message = trap.message;
      return std::unexpected(
          InstantiateError{InstantiateError::Kind::kTrap, std::move(message), std::move(trap)});
    }
    return Instance(&s, r.instance);
  }

  static std::expected<std::vector<Value>, Trap> Call(Instance& self, std::string_view name,
                                                      std::span<const Value> args) {
    EngineState& s = *self.engine_;
    auto it = self.instance_->exports.find(std::string(name));
    if (it == self.instance_->exports.end())
      return std::unexpected(BadCall("unknown export `" + std::string(name) + "`"));
    if (it->second.kind != wasm::ExternKind::kFunc)
      return std::unexpected(BadCall("export `" + std::string(name) + "` is not a function"));
    const wasm::FuncInst& f = *it->second.func();
    const wasm::FuncType& type = *f.type;
    if (args.size() != type.params.size()) {
      return std::unexpected(BadCall("`" + std::string(name) + "` takes " +
                                     std::to_string(type.params.size()) + " arguments, " +
                                     std::to_string(args.size()) + " given"));
    }
    std::vector<wasm::Slot> arg_slots(f.param_slots);
    wasm::Slot* out = arg_slots.data();
    for (size_t i = 0; i < args.size(); ++i) {
      const ValueType want = FromValType(type.params[i]);
      if (!Fits(args[i], want, s)) {
        return std::unexpected(
            BadCall("argument " + std::to_string(i) + " " + Misfit(args[i], want)));
      }
      out = ToSlots(args[i], out);
    }

    std::vector<wasm::Slot> result_slots(f.result_slots);
    ApiCall api(s);
    // Cleared so that a trap raised before any wasm frame exists (a host function, or
    // exhaustion on entry) does not report the frames of an earlier trap.
    s.thread.backtrace_.clear();
    wasm::ModuleInstance* const saved_caller = s.direct_caller;
    const uint32_t saved_depth = s.direct_depth;
    if (f.host != nullptr) {
      s.direct_caller = self.instance_;
      s.direct_depth = s.thread.depth;
    }
    const wasm::TrapCode code = s.thread.Invoke(f, arg_slots, result_slots);
    s.direct_caller = saved_caller;
    s.direct_depth = saved_depth;
    if (code != wasm::TrapCode::kOk) {
      // A host function called directly leaves no frames of its own; whatever the
      // thread recorded then came from calls nested inside it.
      return std::unexpected(MakeTrap(s, code, /*with_frames=*/f.host == nullptr));
    }

    std::vector<Value> results(type.results.size());
    const wasm::Slot* in = result_slots.data();
    for (size_t i = 0; i < results.size(); ++i)
      in = FromSlots(type.results[i], in, s, results[i]);
    return results;
  }

  static wasm::GlobalInst* FindGlobal(const Instance& self, std::string_view name) {
    auto it = self.instance_->exports.find(std::string(name));
    if (it == self.instance_->exports.end() || it->second.kind != wasm::ExternKind::kGlobal)
      return nullptr;
    return it->second.global();
  }

  static std::optional<Value> GetGlobal(const Instance& self, std::string_view name) {
    const wasm::GlobalInst* g = FindGlobal(self, name);
    if (g == nullptr) return std::nullopt;
    Value v;
    FromSlots(g->type.type, g->value, *self.engine_, v);
    return v;
  }

  static bool SetGlobal(Instance& self, std::string_view name, const Value& value) {
    wasm::GlobalInst* g = FindGlobal(self, name);
    if (g == nullptr || !g->type.is_mutable ||
        !Fits(value, FromValType(g->type.type), *self.engine_))
      return false;
    wasm::Slot slots[2] = {0, 0};
    ToSlots(value, slots);
    g->value[0] = slots[0];
    g->value[1] = slots[1];
    return true;
  }
};

}  // namespace detail

using detail::EmbedAccess;

std::string_view ValueTypeName(ValueType type) {
  return wasm::ValTypeName(detail::ToValType(type));
}

// Slots hold a v128 as two little-endian halves, lane 0 lowest, which is also its
// memory order on the little-endian hosts runw supports.
static_assert(std::endian::native == std::endian::little);

Value Value::V128(const std::array<uint8_t, 16>& bytes) {
  Value v(ValueType::kV128, 0);
  std::memcpy(&v.lo_, bytes.data(), 8);
  std::memcpy(&v.hi_, bytes.data() + 8, 8);
  return v;
}

std::array<uint8_t, 16> Value::v128() const {
  std::array<uint8_t, 16> bytes;
  std::memcpy(bytes.data(), &lo_, 8);
  std::memcpy(bytes.data() + 8, &hi_, 8);
  return bytes;
}

std::span<uint8_t> CallContext::memory() const {
  wasm::LinearMemory* mem = detail::MemoryOf(caller_);
  if (mem == nullptr) return {};
  return {mem->base(), static_cast<size_t>(mem->size_bytes())};
}

bool CallContext::ReadMemory(uint64_t addr, std::span<uint8_t> out) const {
  return detail::ReadFrom(detail::MemoryOf(caller_), addr, out);
}

bool CallContext::WriteMemory(uint64_t addr, std::span<const uint8_t> data) const {
  return detail::WriteTo(detail::MemoryOf(caller_), addr, data);
}

std::expected<std::vector<Value>, Trap> Instance::Call(std::string_view name,
                                                       std::span<const Value> args) {
  return EmbedAccess::Call(*this, name, args);
}

uint64_t Instance::MemorySize() const {
  const wasm::LinearMemory* mem = detail::MemoryOf(instance_);
  return mem == nullptr ? 0 : mem->size_bytes();
}

bool Instance::ReadMemory(uint64_t addr, std::span<uint8_t> out) const {
  return detail::ReadFrom(detail::MemoryOf(instance_), addr, out);
}

bool Instance::WriteMemory(uint64_t addr, std::span<const uint8_t> data) {
  return detail::WriteTo(detail::MemoryOf(instance_), addr, data);
}

std::optional<Value> Instance::GetGlobal(std::string_view name) const {
  return EmbedAccess::GetGlobal(*this, name);
}

bool Instance::SetGlobal(std::string_view name, const Value& value) {
  return EmbedAccess::SetGlobal(*this, name, value);
}

Imports& Imports::AddFunction(std::string module, std::string name, FuncType type,
                              HostFunction fn) {
  auto def = std::make_shared<detail::HostDef>();
  def->wasm_type.params.reserve(type.params.size());
  for (ValueType t : type.params)
    def->wasm_type.params.push_back(detail::ToValType(t));
  for (ValueType t : type.results)
    def->wasm_type.results.push_back(detail::ToValType(t));
  def->type = std::move(type);
  def->fn = std::move(fn);
  def->debug_name = module + "." + name;
  Entry& e = entries_.emplace_back();
  e.module = std::move(module);
  e.name = std::move(name);
  e.func = std::move(def);
  return *this;
}

Imports& Imports::AddInstance(std::string module, const Instance& instance) {
  Entry& e = entries_.emplace_back();
  e.module = std::move(module);
  e.instance = instance;
  return *this;
}

std::expected<Module, LoadError> Module::Load(std::span<const uint8_t> bytes) {
  auto decoded = wasm::DecodeModule(bytes);
  if (!decoded) return std::unexpected(detail::ToLoadError(decoded.error()));
  auto compiled = wasm::CompileModule(std::move(*decoded));
  if (!compiled) return std::unexpected(detail::ToLoadError(compiled.error()));

  auto data = std::make_shared<detail::ModuleData>();
  data->compiled = std::move(*compiled);
  const wasm::Module& m = data->compiled->module;
  for (const wasm::Import& im : m.imports) {
    ExternType type;
    switch (im.kind) {
      case wasm::ExternKind::kFunc:
        type = detail::FromFuncType(m.types[im.type_index]);
        break;
      case wasm::ExternKind::kTable:
        type = detail::FromTableType(im.table);
        break;
      case wasm::ExternKind::kMemory:
        type = detail::FromMemoryType(im.memory);
        break;
      case wasm::ExternKind::kGlobal:
        type = detail::FromGlobalType(im.global);
        break;
    }
    data->imports.push_back(ImportType{im.module, im.name, std::move(type)});
  }
  for (const wasm::Export& ex : m.exports) {
    ExternType type;
    switch (ex.kind) {
      case wasm::ExternKind::kFunc:
        type = detail::FromFuncType(m.func_type(ex.index));
        break;
      case wasm::ExternKind::kTable:
        type = detail::FromTableType(m.tables[ex.index]);
        break;
      case wasm::ExternKind::kMemory:
        type = detail::FromMemoryType(m.memories[ex.index]);
        break;
      case wasm::ExternKind::kGlobal:
        type = detail::FromGlobalType(m.globals[ex.index].type);
        break;
    }
    data->exports.push_back(ExportType{ex.name, std::move(type)});
  }
  return Module(std::move(data));
}

std::expected<void, LoadError> Module::Validate(std::span<const uint8_t> bytes) {
  auto loaded = wasm::LoadModule(bytes);
  if (!loaded) return std::unexpected(detail::ToLoadError(loaded.error()));
  return {};
}

const std::vector<ImportType>& Module::imports() const {
  return data_->imports;
}

const std::vector<ExportType>& Module::exports() const {
  return data_->exports;
}

Engine::Engine(Limits limits) : state_(std::make_unique<detail::EngineState>(limits)) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const Limits& Engine::limits() const {
  return state_->limits;
}

std::expected<Instance, InstantiateError> Engine::Instantiate(const Module& module,
                                                              const Imports& imports) {
  return EmbedAccess::Instantiate(*state_, module, imports);
}

void Engine::Interrupt() noexcept {
  if (state_) state_->thread.Interrupt();
}

}  // namespace runw
