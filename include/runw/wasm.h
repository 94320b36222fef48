// The public embedding API of the runw WebAssembly engine.
//
// A program that runs wasm through runw needs only this header:
//
//   auto module = runw::Module::Load(bytes);            // decode + validate + compile
//   runw::Engine engine(runw::Limits{.max_memory_pages = 256});
//   runw::Imports imports;
//   imports.AddFunction("env", "log", {{runw::ValueType::kI32}, {}}, log_fn);
//   auto instance = engine.Instantiate(*module, imports);
//   auto results = instance->Call("run", {runw::Value::I32(7)});
//
// Design. A Module is compiled code that any number of engines may instantiate; it is
// immutable and cheap to copy. An Engine owns everything that instantiation creates
// (memories, tables, globals, functions) and the one thread of execution that runs
// them, so its lifetime bounds every Instance made from it. An Instance is a handle:
// copies refer to the same instance. Everything except Engine::Interrupt() must be
// used from one thread at a time per engine.
//
// Failures are values, never exceptions: loading returns a LoadError (malformed or
// invalid, with the byte offset), instantiation an InstantiateError (the imports do
// not fit, or the start function trapped), and a call a Trap. A call with arguments
// of the wrong number or types is rejected before any code runs.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <expected>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace runw {

namespace wasm {
struct CompiledModule;
struct ModuleInstance;
}  // namespace wasm

namespace detail {
// Defined in src/wasm/embed.cc; they carry the engine's internals behind this API.
struct EngineState;
struct HostDef;
struct ModuleData;
struct EmbedAccess;
}  // namespace detail

/// The type of a WebAssembly value (spec 2.3).
enum class ValueType : uint8_t { kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef };

/// The type's name as the text format spells it: "i32", "v128", "funcref", …
std::string_view ValueTypeName(ValueType type);

/// One WebAssembly value: a number, a 128-bit vector or a reference.
///
/// Values are made by the named constructors and read by the accessor of their type;
/// reading one through another type's accessor yields its bits reinterpreted.
class Value {
 public:
  /// The i32 zero, so that arrays and vectors of values can be sized up front.
  Value() = default;

  /// An i32 (wasm integers have no sign; this is the two's complement bit pattern).
  static Value I32(int32_t v) { return Value(ValueType::kI32, static_cast<uint32_t>(v)); }
  /// An i64.
  static Value I64(int64_t v) { return Value(ValueType::kI64, static_cast<uint64_t>(v)); }
  /// An f32; NaN payloads are kept bit for bit.
  static Value F32(float v) { return Value(ValueType::kF32, std::bit_cast<uint32_t>(v)); }
  /// An f64; NaN payloads are kept bit for bit.
  static Value F64(double v) { return Value(ValueType::kF64, std::bit_cast<uint64_t>(v)); }
  /// A v128 from its 16 bytes in memory order (byte 0 is the low byte of lane 0).
  static Value V128(const std::array<uint8_t, 16>& bytes);
  /// The null funcref. Non-null funcrefs only come out of an engine (call results and
  /// globals) and may only go back into the same engine.
  static Value NullFuncRef() { return Value(ValueType::kFuncRef, 0); }
  /// An externref carrying an embedder-chosen token; token 0 is the null externref.
  static Value ExternRef(uint64_t token) { return Value(ValueType::kExternRef, token); }
  /// The default value of `type` (spec 4.2.1): zero, or null for references.
  static Value Zero(ValueType type) { return Value(type, 0); }

  /// The value's type.
  ValueType type() const { return type_; }
  /// The value as an i32.
  int32_t i32() const { return static_cast<int32_t>(static_cast<uint32_t>(lo_)); }
  /// The value as an i64.
  int64_t i64() const { return static_cast<int64_t>(lo_); }
  /// The value as an f32.
  float f32() const { return std::bit_cast<float>(static_cast<uint32_t>(lo_)); }
  /// The value as an f64.
  double f64() const { return std::bit_cast<double>(lo_); }
  /// The value as a v128's 16 bytes in memory order.
  std::array<uint8_t, 16> v128() const;
  /// For a reference: whether it is null.
  bool is_null() const { return lo_ == 0; }
  /// For an externref: its token (0 when null).
  uint64_t externref() const { return lo_; }

  /// Bitwise equality of type and contents: NaNs with equal bits are equal, and
  /// funcrefs are equal when they name the same function.
  bool operator==(const Value&) const = default;

 private:
  friend struct detail::EmbedAccess;
  Value(ValueType type, uint64_t lo) : type_(type), lo_(lo) {}

  ValueType type_ = ValueType::kI32;
  uint64_t lo_ = 0;  // numbers, the low half of a v128, a reference's bits
  uint64_t hi_ = 0;  // the high half of a v128
  // For a non-null funcref, the engine that owns the function: the bits are a pointer
  // into that engine and mean nothing, or worse, anywhere else.
  const detail::EngineState* owner_ = nullptr;
};

/// A function signature (spec 2.3.5).
struct FuncType {
  /// Parameter types, in order.
  std::vector<ValueType> params;
  /// Result types, in order; several with multi-value.
  std::vector<ValueType> results;
  /// Whether both signatures are the same.
  bool operator==(const FuncType&) const = default;
};

/// A table's type: element type and size limits in elements.
struct TableType {
  /// kFuncRef or kExternRef.
  ValueType elem = ValueType::kFuncRef;
  /// Initial size.
  uint32_t min = 0;
  /// Maximum size, if bounded.
  std::optional<uint32_t> max;
  /// Whether both types are the same.
  bool operator==(const TableType&) const = default;
};

/// A memory's type: size limits in 64 KiB pages.
struct MemoryType {
  /// Initial size in pages.
  uint32_t min = 0;
  /// Maximum size in pages, if declared.
  std::optional<uint32_t> max;
  /// Whether both types are the same.
  bool operator==(const MemoryType&) const = default;
};

/// A global's type.
struct GlobalType {
  /// The value type.
  ValueType type = ValueType::kI32;
  /// Whether wasm (and SetGlobal) may change it.
  bool is_mutable = false;
  /// Whether both types are the same.
  bool operator==(const GlobalType&) const = default;
};

/// The type of an import or export: which kind of entity, and its type.
using ExternType = std::variant<FuncType, TableType, MemoryType, GlobalType>;

/// One import a module declares.
struct ImportType {
  /// The module name it is imported from.
  std::string module;
  /// The field name.
  std::string name;
  /// What it must be.
  ExternType type;
};

/// One export a module declares.
struct ExportType {
  /// The export name.
  std::string name;
  /// What it is.
  ExternType type;
};

/// Limits an embedder puts on what guest code may use. The defaults are the engine's.
struct Limits {
  /// Caps every memory the engine creates, on top of the module's own maximum:
  /// memory.grow past it returns -1, and a module whose initial size exceeds it does
  /// not instantiate.
  uint32_t max_memory_pages = 65536;
  /// Nested wasm calls allowed before a call traps with "call stack exhausted".
  uint32_t max_call_depth = 20000;
  /// 64-bit slots of value stack (locals and operands of all active calls); running
  /// out also traps with "call stack exhausted". Mapped lazily, so a large value
  /// costs address space, not memory.
  uint32_t value_stack_slots = 1u << 22;
};

/// Why a module did not load.
struct LoadError {
  /// Malformed: the bytes are not a binary module (spec 5). Invalid: they are, but
  /// the module does not validate (spec 3).
  enum class Kind : uint8_t { kMalformed, kInvalid };
  /// Which of the two.
  Kind kind = Kind::kMalformed;
  /// Byte offset in the input where the problem was found.
  uint32_t offset = 0;
  /// The spec testsuite's wording: "unexpected end", "type mismatch", "unknown global 3".
  std::string message;
};

/// Why a call, or the start function during instantiation, did not complete.
struct Trap {
  /// What stopped the call.
  enum class Kind : uint8_t {
    kGuest,        // the wasm code trapped (including "call stack exhausted")
    kInterrupted,  // Engine::Interrupt() stopped it
    kHost,         // a host function reported failure
    kBadCall,      // nothing ran: no such exported function, or wrong arguments
  };
  /// Which of the above.
  Kind kind = Kind::kGuest;
  /// The spec testsuite's wording for wasm traps ("integer divide by zero"),
  /// "host function failed: <what the host function said>" for kHost, and a
  /// description of the problem for kBadCall.
  std::string message;
  /// The functions active when it happened, innermost first: a function's name from
  /// the module's name section, else "func[<index>]"; a failing host function first,
  /// as "<module>.<name>".
  std::vector<std::string> backtrace;
};

/// Why Engine::Instantiate failed.
struct InstantiateError {
  /// Link: the imports do not fit the module (nothing ran). Trap: initialization
  /// trapped (a segment out of bounds, or the start function).
  enum class Kind : uint8_t { kLink, kTrap };
  /// Which of the two.
  Kind kind = Kind::kLink;
  /// What went wrong: "unknown import `env`.`f`", or the trap's message.
  std::string message;
  /// For kTrap, the trap in full.
  Trap trap;
};

/// What a host function may reach of the wasm code that called it.
class CallContext {
 public:
  /// The calling instance's memory (its memory 0), or an empty span when it has none.
  /// Valid until the host function returns; memory.grow never moves it.
  std::span<uint8_t> memory() const;
  /// Copies `out.size()` bytes at `addr` of the caller's memory into `out`; false,
  /// copying nothing, when the range is not inside the memory.
  bool ReadMemory(uint64_t addr, std::span<uint8_t> out) const;
  /// Copies `data` to `addr` in the caller's memory; false, writing nothing, when the
  /// range is not inside the memory.
  bool WriteMemory(uint64_t addr, std::span<const uint8_t> data) const;

 private:
  friend struct detail::EmbedAccess;
  explicit CallContext(wasm::ModuleInstance* caller) : caller_(caller) {}
  wasm::ModuleInstance* caller_;
};

/// A function the embedder provides to wasm. It reads `args` (of the declared
/// parameter types) and writes `results`, which arrive holding zeros of the declared
/// result types. It returns nullopt on success; a string makes the call trap with
/// "host function failed: <string>". Writing a result of the wrong type, or throwing,
/// is reported the same way.
using HostFunction = std::function<std::optional<std::string>(
    CallContext& context, std::span<const Value> args, std::span<Value> results)>;

/// A live instance of a module in an Engine. A cheap handle: copies refer to the same
/// instance, which lives as long as its engine; using it after that is undefined.
class Instance {
 public:
  /// Calls the exported function `name`. The arguments must match its parameters in
  /// number and types, or the call fails with a kBadCall trap before anything runs.
  std::expected<std::vector<Value>, Trap> Call(std::string_view name, std::span<const Value> args);
  /// Call() with the arguments written in place: Call("add", {Value::I32(1), …}).
  std::expected<std::vector<Value>, Trap> Call(std::string_view name,
                                               std::initializer_list<Value> args = {}) {
    return Call(name, std::span<const Value>(args.begin(), args.size()));
  }

  /// The size in bytes of the instance's memory (its memory 0, exported or not, owned
  /// or imported); 0 when it has none. Pages are 65536 bytes.
  uint64_t MemorySize() const;
  /// Copies `out.size()` bytes at `addr` of the memory into `out`; false, copying
  /// nothing, when the range is not inside the memory.
  bool ReadMemory(uint64_t addr, std::span<uint8_t> out) const;
  /// Copies `data` to `addr` in the memory; false, writing nothing, when the range is
  /// not inside the memory.
  bool WriteMemory(uint64_t addr, std::span<const uint8_t> data);

  /// The value of the exported global `name`; nullopt when there is no such global.
  std::optional<Value> GetGlobal(std::string_view name) const;
  /// Sets the exported global `name`; false, changing nothing, when there is no such
  /// global, it is immutable, or `value` has another type (or is a funcref of
  /// another engine).
  bool SetGlobal(std::string_view name, const Value& value);

 private:
  friend struct detail::EmbedAccess;
  Instance(detail::EngineState* engine, wasm::ModuleInstance* instance)
      : engine_(engine), instance_(instance) {}

  detail::EngineState* engine_;
  wasm::ModuleInstance* instance_;
};

/// What a module's imports are bound to at instantiation: host functions and the
/// exports of other instances. When several definitions provide the same
/// module and name, the one added last wins.
class Imports {
 public:
  /// Defines `module`.`name` as the host function `fn` of type `type`. An import of
  /// that name links only if it declares exactly this type.
  Imports& AddFunction(std::string module, std::string name, FuncType type, HostFunction fn);
  /// Makes every export of `instance` importable as `module`.<export name>: functions,
  /// memories, tables and globals, shared rather than copied. The instance must
  /// belong to the engine that instantiates with these imports.
  Imports& AddInstance(std::string module, const Instance& instance);

 private:
  friend struct detail::EmbedAccess;
  struct Entry {
    std::string module;
    std::string name;                             // for a host function
    std::shared_ptr<const detail::HostDef> func;  // a host function, or
    std::optional<Instance> instance;             // every export of an instance
  };
  std::vector<Entry> entries_;
};

/// A decoded, validated and compiled module. Immutable; copies share the code, and
/// any number of engines may instantiate it.
class Module {
 public:
  /// Decodes, validates and compiles a binary module. The bytes are copied.
  static std::expected<Module, LoadError> Load(std::span<const uint8_t> bytes);
  /// Decodes and validates without compiling: the same verdict as Load, cheaper.
  static std::expected<void, LoadError> Validate(std::span<const uint8_t> bytes);

  /// The imports the module declares, in order.
  const std::vector<ImportType>& imports() const;
  /// The exports the module declares, in order.
  const std::vector<ExportType>& exports() const;

 private:
  friend struct detail::EmbedAccess;
  explicit Module(std::shared_ptr<const detail::ModuleData> data) : data_(std::move(data)) {}
  std::shared_ptr<const detail::ModuleData> data_;
};

/// The owner of instances and the thread of execution that runs their code.
class Engine {
 public:
  /// An engine whose guests are held to `limits`.
  explicit Engine(Limits limits = {});
  ~Engine();
  /// Moving keeps every Instance valid: they refer to the engine's state, which moves
  /// as a whole. A moved-from engine may only be destroyed or assigned to.
  Engine(Engine&&) noexcept;
  /// See the move constructor; the engine assigned to is destroyed first.
  Engine& operator=(Engine&&) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// The limits the engine was made with.
  const Limits& limits() const;

  /// Instantiates `module` (spec 4.5.4): binds its imports by module and name from
  /// `imports`, allocates its entities, initializes segments and runs its start
  /// function. Host functions stay alive in the engine after `imports` is gone.
  std::expected<Instance, InstantiateError> Instantiate(const Module& module,
                                                        const Imports& imports = {});

  /// Asks running wasm code to stop: it traps with "interrupted" (Trap::kInterrupted)
  /// at its next loop iteration or call. Safe to call from any thread and from a
  /// signal handler, but not concurrently with moving or destroying the engine.
  /// The request stays set until wasm code observes it, so one made while nothing
  /// runs stops the next call at its start. It is cleared when the outermost call
  /// returns, if that call or one nested in it (through a host function) observed it;
  /// until then every wasm function still running stops at its next loop iteration
  /// or call, even when a host function ignores a nested call's trap.
  void Interrupt() noexcept;

 private:
  friend struct detail::EmbedAccess;
  std::unique_ptr<detail::EngineState> state_;
};

}  // namespace runw
