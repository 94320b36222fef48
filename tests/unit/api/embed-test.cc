// Tests of the public embedding API (include/runw/wasm.h), through that header only.
//
// Modules are the .wat files of fixtures/, assembled with names (wat2wasm
// --debug-names) at build time into RUNW_API_FIXTURE_DIR; load errors use bytes
// written out here, so that their offsets can be counted by hand.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "runw/wasm.h"

namespace runw {

// Found by argument-dependent lookup, so that gtest prints values readably.
void PrintTo(const Value& v, std::ostream* os) {
  *os << ValueTypeName(v.type()) << ":";
  switch (v.type()) {
    case ValueType::kI32:
      *os << v.i32();
      break;
    case ValueType::kI64:
      *os << v.i64();
      break;
    case ValueType::kF32:
      *os << v.f32();
      break;
    case ValueType::kF64:
      *os << v.f64();
      break;
    case ValueType::kV128:
      for (uint8_t b : v.v128())
        *os << ' ' << static_cast<int>(b);
      break;
    case ValueType::kFuncRef:
    case ValueType::kExternRef:
      *os << (v.is_null() ? "null" : "ref ") << v.externref();
      break;
  }
}

namespace {

using std::chrono_literals::operator""ms;

std::string Describe(const Trap& t) {
  std::string s = "trap kind " + std::to_string(static_cast<int>(t.kind)) + ": " + t.message;
  for (const std::string& f : t.backtrace)
    s += "\n  at " + f;
  return s;
}

std::vector<uint8_t> FixtureBytes(std::string_view name) {
  std::ifstream in(std::string(RUNW_API_FIXTURE_DIR) + "/" + std::string(name) + ".wasm",
                   std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::expected<Module, std::string> LoadFixture(std::string_view name) {
  std::vector<uint8_t> bytes = FixtureBytes(name);
  if (bytes.empty()) return std::unexpected("fixture `" + std::string(name) + "` is missing");
  auto m = Module::Load(bytes);
  if (!m) return std::unexpected("load: " + m.error().message);
  return *m;
}

std::expected<Instance, std::string> InstantiateFixture(Engine& engine, std::string_view name,
                                                        const Imports& imports = {}) {
  auto m = LoadFixture(name);
  if (!m) return std::unexpected(m.error());
  auto inst = engine.Instantiate(*m, imports);
  if (!inst) return std::unexpected("instantiate: " + inst.error().message);
  return *inst;
}

// Calls `name` and returns its single result; a failure becomes a test failure and
// the i32 -1 (which no call below expects).
Value CallOne(Instance& inst, std::string_view name, std::initializer_list<Value> args) {
  auto r = inst.Call(name, args);
  if (!r) {
    ADD_FAILURE() << name << ": " << Describe(r.error());
    return Value::I32(-1);
  }
  if (r->size() != 1) {
    ADD_FAILURE() << name << ": " << r->size() << " results";
    return Value::I32(-1);
  }
  return (*r)[0];
}

constexpr std::array<uint8_t, 16> kBytes16 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

// A binary module: the header (magic, version 1), then `sections`.
std::vector<uint8_t> WithHeader(std::initializer_list<uint8_t> sections) {
  std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  // One byte at a time: g++ 12 at -O3 misreports vector::insert here (-Warray-bounds).
  for (uint8_t b : sections)
    bytes.push_back(b);
  return bytes;
}

// A function declared to return an i32 whose body is just `end`: invalid, with the
// error at that `end`, offset 24.
std::vector<uint8_t> TypeMismatchModule() {
  return WithHeader({
      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,  // type 0: [] -> [i32]     (8..14)
      0x03, 0x02, 0x01, 0x00,                    // func 0: type 0          (15..18)
      0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,        // body: no locals, `end`  (19..24)
  });
}

// --- Loading --------------------------------------------------------------------------

TEST(EmbedTest, Load_BadMagicIsMalformedAtOffset0) {
  const uint8_t bytes[] = {0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00};
  auto m = Module::Load(bytes);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, LoadError::Kind::kMalformed);
  EXPECT_EQ(m.error().offset, 0u);
  EXPECT_EQ(m.error().message, "magic header not detected");
}

TEST(EmbedTest, Load_UnknownVersionIsMalformedAtOffset4) {
  const uint8_t bytes[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  auto m = Module::Load(bytes);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, LoadError::Kind::kMalformed);
  EXPECT_EQ(m.error().offset, 4u);
  EXPECT_EQ(m.error().message, "unknown binary version");
}

TEST(EmbedTest, Load_BodyTypeMismatchIsInvalidAtItsEnd) {
  const std::vector<uint8_t> bytes = TypeMismatchModule();
  auto m = Module::Load(bytes);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, LoadError::Kind::kInvalid);
  EXPECT_EQ(m.error().offset, 24u);  // the `end` that finds no i32 on the stack
  EXPECT_EQ(m.error().message, "type mismatch");
}

TEST(EmbedTest, Load_IllegalOpcodeInBodyIsMalformed) {
  // Bodies are only read by validation; a malformed one is still reported as such.
  const std::vector<uint8_t> bytes = WithHeader({
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,        // type 0: [] -> []         (8..13)
      0x03, 0x02, 0x01, 0x00,                    // func 0: type 0           (14..17)
      0x0a, 0x05, 0x01, 0x03, 0x00, 0x06, 0x0b,  // body: 0x06 at 23, `end`  (18..24)
  });
  auto m = Module::Load(bytes);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, LoadError::Kind::kMalformed);
  EXPECT_EQ(m.error().offset, 23u);
  EXPECT_EQ(m.error().message, "illegal opcode");
}

TEST(EmbedTest, Validate_GivesLoadsVerdict) {
  const std::vector<uint8_t> invalid = TypeMismatchModule();
  auto bad = Module::Validate(invalid);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, LoadError::Kind::kInvalid);
  EXPECT_EQ(bad.error().offset, 24u);
  EXPECT_EQ(bad.error().message, "type mismatch");

  const std::vector<uint8_t> good = FixtureBytes("values");
  ASSERT_FALSE(good.empty());
  EXPECT_TRUE(Module::Validate(good));
  EXPECT_TRUE(Module::Validate(WithHeader({})));
}

TEST(EmbedTest, Module_ListsImportsAndExportsWithTypes) {
  auto m = LoadFixture("consumer");
  ASSERT_TRUE(m) << m.error();
  const std::vector<ImportType>& im = m->imports();
  ASSERT_EQ(im.size(), 4u);
  EXPECT_EQ(im[0].module, "provider");
  EXPECT_EQ(im[0].name, "triple");
  EXPECT_EQ(std::get<FuncType>(im[0].type), (FuncType{{ValueType::kI32}, {ValueType::kI32}}));
  EXPECT_EQ(im[1].name, "mem");
  EXPECT_EQ(std::get<MemoryType>(im[1].type), (MemoryType{1, std::nullopt}));
  EXPECT_EQ(im[2].name, "tab");
  EXPECT_EQ(std::get<TableType>(im[2].type), (TableType{ValueType::kFuncRef, 2, std::nullopt}));
  EXPECT_EQ(im[3].name, "counter");
  EXPECT_EQ(std::get<GlobalType>(im[3].type), (GlobalType{ValueType::kI32, true}));

  const std::vector<ExportType>& ex = m->exports();
  ASSERT_EQ(ex.size(), 4u);
  EXPECT_EQ(ex[2].name, "call_table");
  EXPECT_EQ(std::get<FuncType>(ex[2].type),
            (FuncType{{ValueType::kI32, ValueType::kI32}, {ValueType::kI32}}));

  auto g = LoadFixture("globals");
  ASSERT_TRUE(g) << g.error();
  ASSERT_GE(g->exports().size(), 3u);
  EXPECT_EQ(g->exports()[1].name, "g_f64");
  EXPECT_EQ(std::get<GlobalType>(g->exports()[1].type), (GlobalType{ValueType::kF64, false}));
  EXPECT_EQ(std::get<GlobalType>(g->exports()[2].type), (GlobalType{ValueType::kV128, true}));
}

// --- Calling exports --------------------------------------------------------------------

TEST(EmbedTest, Call_ScalarTypesRoundTripExactly) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "values");
  ASSERT_TRUE(inst) << inst.error();
  EXPECT_EQ(CallOne(*inst, "id_i32", {Value::I32(INT32_MIN)}).i32(), INT32_MIN);
  EXPECT_EQ(CallOne(*inst, "id_i64", {Value::I64(INT64_MIN + 5)}).i64(), INT64_MIN + 5);
  EXPECT_EQ(CallOne(*inst, "id_f32", {Value::F32(-1.5f)}).f32(), -1.5f);
  EXPECT_EQ(CallOne(*inst, "id_f64", {Value::F64(1e300)}).f64(), 1e300);
  // A NaN's payload survives the trip in both directions.
  const float nan_f32 = std::bit_cast<float>(0x7fa00001u);
  EXPECT_EQ(std::bit_cast<uint32_t>(CallOne(*inst, "id_f32", {Value::F32(nan_f32)}).f32()),
            0x7fa00001u);
  const double nan_f64 = std::bit_cast<double>(0xfff0000000000123ull);
  EXPECT_EQ(std::bit_cast<uint64_t>(CallOne(*inst, "id_f64", {Value::F64(nan_f64)}).f64()),
            0xfff0000000000123ull);

  EXPECT_EQ(CallOne(*inst, "add", {Value::I32(-7), Value::I32(3)}), Value::I32(-4));
  EXPECT_EQ(CallOne(*inst, "sub_i64", {Value::I64(1), Value::I64(int64_t{1} << 40)}),
            Value::I64(1 - (int64_t{1} << 40)));
  EXPECT_EQ(CallOne(*inst, "mul_f32", {Value::F32(2.5f), Value::F32(-4.0f)}), Value::F32(-10.0f));
  EXPECT_EQ(CallOne(*inst, "div_f64", {Value::F64(1.0), Value::F64(8.0)}), Value::F64(0.125));

  auto none = inst->Call("nothing");
  ASSERT_TRUE(none) << Describe(none.error());
  EXPECT_TRUE(none->empty());
}

TEST(EmbedTest, Call_V128ArgumentsAndResults) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "values");
  ASSERT_TRUE(inst) << inst.error();
  const Value v = CallOne(*inst, "id_v128", {Value::V128(kBytes16)});
  EXPECT_EQ(v.type(), ValueType::kV128);
  EXPECT_EQ(v.v128(), kBytes16);

  // Lanes (1, 2, 3, 0xffffffff) + (10, 20, 30, 1) = (11, 22, 33, 0): lane order and
  // wrap-around both show.
  const std::array<uint8_t, 16> a = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
  const std::array<uint8_t, 16> b = {10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0};
  const std::array<uint8_t, 16> sum = {11, 0, 0, 0, 22, 0, 0, 0, 33, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(CallOne(*inst, "i32x4_add", {Value::V128(a), Value::V128(b)}).v128(), sum);

  // A v128 between scalars: two slots, neither more nor fewer. Lane 1 of the i64x2
  // is bytes 8..15: 0x0f0e0d0c0b0a0908.
  EXPECT_EQ(CallOne(*inst, "mixed", {Value::I32(1), Value::V128(kBytes16), Value::I64(100)}).i64(),
            int64_t{0x0f0e0d0c0b0a0908} + 101);
}

TEST(EmbedTest, Call_MultiValueResultsComeInOrder) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "values");
  ASSERT_TRUE(inst) << inst.error();
  auto r = inst->Call("reverse", {Value::I32(-1), Value::I64(int64_t{1} << 50), Value::F32(0.5f),
                                  Value::F64(-2.25), Value::V128(kBytes16)});
  ASSERT_TRUE(r) << Describe(r.error());
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0], Value::V128(kBytes16));
  EXPECT_EQ((*r)[1], Value::F64(-2.25));
  EXPECT_EQ((*r)[2], Value::F32(0.5f));
  EXPECT_EQ((*r)[3], Value::I64(int64_t{1} << 50));
  EXPECT_EQ((*r)[4], Value::I32(-1));
}

TEST(EmbedTest, Call_ReferencesRoundTrip) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "values");
  ASSERT_TRUE(inst) << inst.error();
  EXPECT_EQ(CallOne(*inst, "id_externref", {Value::ExternRef(0xabcdef)}).externref(), 0xabcdefu);
  EXPECT_TRUE(CallOne(*inst, "id_externref", {Value::ExternRef(0)}).is_null());

  const Value f = CallOne(*inst, "get_double", {});
  EXPECT_EQ(f.type(), ValueType::kFuncRef);
  EXPECT_FALSE(f.is_null());
  EXPECT_EQ(CallOne(*inst, "is_null_func", {f}), Value::I32(0));
  EXPECT_EQ(CallOne(*inst, "is_null_func", {Value::NullFuncRef()}), Value::I32(1));
  // The funcref goes back in and is called: $double of 21.
  EXPECT_EQ(CallOne(*inst, "call_funcref", {f, Value::I32(21)}), Value::I32(42));
  EXPECT_EQ(CallOne(*inst, "get_double", {}), f);
}

TEST(EmbedTest, Call_WrongArgumentCountIsBadCall) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "values");
  ASSERT_TRUE(inst) << inst.error();
  auto r = inst->Call("add", {Value::I32(1)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kBadCall);
  EXPECT_EQ(r.error().message, "`add` takes 2 arguments, 1 given");
  EXPECT_TRUE(r.error().backtrace.empty());

  auto none = inst->Call("nothing", {Value::I32(1)});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "`nothing` takes 0 arguments, 1 given");
}

TEST(EmbedTest, Call_WrongArgumentTypeIsBadCall) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "values");
  ASSERT_TRUE(inst) << inst.error();
  auto r = inst->Call("add", {Value::I32(1), Value::I64(2)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kBadCall);
  EXPECT_EQ(r.error().message, "argument 1 has type i64, expected i32");

  auto v = inst->Call("id_v128", {Value::F64(1.0)});
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message, "argument 0 has type f64, expected v128");
  auto ref = inst->Call("is_null_func", {Value::ExternRef(0)});
  ASSERT_FALSE(ref);
  EXPECT_EQ(ref.error().message, "argument 0 has type externref, expected funcref");
}

TEST(EmbedTest, Call_UnknownOrNonFunctionExportIsBadCall) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "values");
  ASSERT_TRUE(inst) << inst.error();
  auto missing = inst->Call("no_such_export");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, Trap::Kind::kBadCall);
  EXPECT_EQ(missing.error().message, "unknown export `no_such_export`");
  auto global = inst->Call("a_global");
  ASSERT_FALSE(global);
  EXPECT_EQ(global.error().kind, Trap::Kind::kBadCall);
  EXPECT_EQ(global.error().message, "export `a_global` is not a function");
}

TEST(EmbedTest, Call_FuncRefOfAnotherEngineIsRejected) {
  Engine first;
  Engine second;
  auto a = InstantiateFixture(first, "values");
  auto b = InstantiateFixture(second, "values");
  ASSERT_TRUE(a) << a.error();
  ASSERT_TRUE(b) << b.error();
  const Value f = CallOne(*a, "get_double", {});
  ASSERT_FALSE(f.is_null());
  // The function lives in `first`'s store; `second` must not call it.
  auto r = b->Call("call_funcref", {f, Value::I32(1)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kBadCall);
  EXPECT_EQ(r.error().message, "argument 0 is a funcref of another engine");
  EXPECT_EQ(CallOne(*a, "call_funcref", {f, Value::I32(5)}), Value::I32(10));
}

// --- Host functions ----------------------------------------------------------------------

// Imports for host.wat; `add_calls` records the arguments of every call of env.add.
struct HostEnv {
  std::vector<std::pair<int32_t, int32_t>> add_calls;
  std::string fail_message = "disk on fire";
  Imports imports;

  HostEnv() {
    const FuncType ii_i{{ValueType::kI32, ValueType::kI32}, {ValueType::kI32}};
    imports.AddFunction("env", "add", ii_i,
                        [this](CallContext&, std::span<const Value> args,
                               std::span<Value> results) -> std::optional<std::string> {
                          add_calls.emplace_back(args[0].i32(), args[1].i32());
                          results[0] = Value::I32(args[0].i32() + args[1].i32());
                          return std::nullopt;
                        });
    imports.AddFunction("env", "fail", {}, [this](CallContext&, auto, auto) {
      return std::optional<std::string>(fail_message);
    });
    imports.AddFunction(
        "env", "greet", {{ValueType::kI32}, {ValueType::kI32}},
        [](CallContext& ctx, std::span<const Value> args,
           std::span<Value> results) -> std::optional<std::string> {
          static constexpr std::string_view kText = "hi there";
          const auto* p = reinterpret_cast<const uint8_t*>(kText.data());
          if (!ctx.WriteMemory(static_cast<uint32_t>(args[0].i32()), {p, kText.size()}))
            return "pointer out of bounds";
          results[0] = Value::I32(static_cast<int32_t>(kText.size()));
          return std::nullopt;
        });
    imports.AddFunction("env", "swap",
                        {{ValueType::kV128, ValueType::kI64}, {ValueType::kI64, ValueType::kV128}},
                        [](CallContext&, std::span<const Value> args,
                           std::span<Value> results) -> std::optional<std::string> {
                          results[0] = args[1];
                          results[1] = args[0];
                          return std::nullopt;
                        });
  }
};

TEST(EmbedTest, HostFunction_ReceivesArgumentsAndReturnsResults) {
  Engine engine;
  HostEnv env;
  auto inst = InstantiateFixture(engine, "host", env.imports);
  ASSERT_TRUE(inst) << inst.error();
  EXPECT_EQ(CallOne(*inst, "call_add", {Value::I32(40), Value::I32(2)}), Value::I32(42));
  EXPECT_EQ(CallOne(*inst, "call_add", {Value::I32(-5), Value::I32(3)}), Value::I32(-2));
  ASSERT_EQ(env.add_calls.size(), 2u);
  EXPECT_EQ(env.add_calls[0], std::make_pair(40, 2));
  EXPECT_EQ(env.add_calls[1], std::make_pair(-5, 3));

  auto r = inst->Call("call_swap", {Value::V128(kBytes16), Value::I64(-9)});
  ASSERT_TRUE(r) << Describe(r.error());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], Value::I64(-9));
  EXPECT_EQ((*r)[1], Value::V128(kBytes16));
}

TEST(EmbedTest, HostFunction_ManyArgumentsAndResults) {
  Engine engine;
  Imports imports;
  // Result i is the sum of arguments i..i+3.
  imports.AddFunction(
      "env", "spread",
      {std::vector<ValueType>(10, ValueType::kI32), std::vector<ValueType>(7, ValueType::kI64)},
      [](CallContext&, std::span<const Value> args,
         std::span<Value> results) -> std::optional<std::string> {
        for (size_t i = 0; i < results.size(); ++i) {
          int64_t sum = 0;
          for (size_t j = i; j < i + 4; ++j)
            sum += args[j].i32();
          results[i] = Value::I64(sum);
        }
        return std::nullopt;
      });
  auto inst = InstantiateFixture(engine, "many-values", imports);
  ASSERT_TRUE(inst) << inst.error();
  std::vector<Value> args;
  for (int32_t i = 1; i <= 10; ++i)
    args.push_back(Value::I32(i * i));
  auto r = inst->Call("spread", args);
  ASSERT_TRUE(r) << Describe(r.error());
  // 1+4+9+16, 4+9+16+25, …, 49+64+81+100.
  const std::vector<Value> want = {Value::I64(30),  Value::I64(54),  Value::I64(86),
                                   Value::I64(126), Value::I64(174), Value::I64(230),
                                   Value::I64(294)};
  EXPECT_EQ(*r, want);
}

TEST(EmbedTest, HostFunction_WritesCallersMemory) {
  Engine engine;
  HostEnv env;
  auto inst = InstantiateFixture(engine, "host", env.imports);
  ASSERT_TRUE(inst) << inst.error();
  EXPECT_EQ(CallOne(*inst, "greet_at", {Value::I32(100)}), Value::I32(8));
  std::array<uint8_t, 8> got{};
  ASSERT_TRUE(inst->ReadMemory(100, got));
  EXPECT_EQ(std::string(got.begin(), got.end()), "hi there");

  // Past the end of the one page: the host function reports failure.
  auto r = inst->Call("greet_at", {Value::I32(65535)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "host function failed: pointer out of bounds");

  // Called directly, as a re-exported import, it sees the instance it was called on.
  EXPECT_EQ(CallOne(*inst, "greet", {Value::I32(200)}), Value::I32(8));
  ASSERT_TRUE(inst->ReadMemory(200, got));
  EXPECT_EQ(std::string(got.begin(), got.end()), "hi there");
}

TEST(EmbedTest, HostFunction_FailureTrapsWithMessageAndBacktrace) {
  Engine engine;
  HostEnv env;
  auto inst = InstantiateFixture(engine, "host", env.imports);
  ASSERT_TRUE(inst) << inst.error();
  auto r = inst->Call("call_fail_nested");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kHost);
  EXPECT_EQ(r.error().message, "host function failed: disk on fire");
  EXPECT_EQ(r.error().backtrace,
            (std::vector<std::string>{"env.fail", "call_fail", "call_fail_twice_removed"}));

  env.fail_message = "second";
  auto direct = inst->Call("fail");
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().kind, Trap::Kind::kHost);
  EXPECT_EQ(direct.error().message, "host function failed: second");
  EXPECT_EQ(direct.error().backtrace, std::vector<std::string>{"env.fail"});

  // The engine is usable after a host failure.
  EXPECT_EQ(CallOne(*inst, "call_add", {Value::I32(1), Value::I32(1)}), Value::I32(2));
}

TEST(EmbedTest, HostFunction_WrongResultTypeOrExceptionTraps) {
  Engine engine;
  Imports imports;
  imports.AddFunction("env", "add", {{ValueType::kI32, ValueType::kI32}, {ValueType::kI32}},
                      [](CallContext&, auto, std::span<Value> results) {
                        results[0] = Value::I64(1);  // declared i32
                        return std::optional<std::string>();
                      });
  imports.AddFunction("env", "fail", {},
                      [](CallContext&, auto, auto) -> std::optional<std::string> {
                        throw std::runtime_error("thrown");
                      });
  imports.AddFunction("env", "greet", {{ValueType::kI32}, {ValueType::kI32}},
                      [](CallContext&, auto, auto) { return std::optional<std::string>(); });
  imports.AddFunction("env", "swap",
                      {{ValueType::kV128, ValueType::kI64}, {ValueType::kI64, ValueType::kV128}},
                      [](CallContext&, auto, auto) { return std::optional<std::string>(); });
  auto inst = InstantiateFixture(engine, "host", imports);
  ASSERT_TRUE(inst) << inst.error();

  auto bad = inst->Call("call_add", {Value::I32(1), Value::I32(2)});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, Trap::Kind::kHost);
  EXPECT_EQ(bad.error().message, "host function failed: result 0 has type i64, expected i32");
  EXPECT_EQ(bad.error().backtrace, (std::vector<std::string>{"env.add", "call_add"}));

  auto thrown = inst->Call("call_fail");
  ASSERT_FALSE(thrown);
  EXPECT_EQ(thrown.error().message, "host function failed: uncaught exception: thrown");

  // Results the host function leaves alone are the zeros of their types.
  auto zeros = inst->Call("call_swap", {Value::V128(kBytes16), Value::I64(3)});
  ASSERT_TRUE(zeros) << Describe(zeros.error());
  ASSERT_EQ(zeros->size(), 2u);
  EXPECT_EQ((*zeros)[0], Value::I64(0));
  EXPECT_EQ((*zeros)[1], Value::Zero(ValueType::kV128));
}

TEST(EmbedTest, HostFunction_CanCallBackIntoWasm) {
  Engine engine;
  auto traps = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(traps) << traps.error();
  Instance divider = *traps;
  HostEnv env;
  // env.add divides through another instance; env.fail reports that instance's trap.
  env.imports.AddFunction("env", "add", {{ValueType::kI32, ValueType::kI32}, {ValueType::kI32}},
                          [&divider](CallContext&, std::span<const Value> args,
                                     std::span<Value> results) -> std::optional<std::string> {
                            auto r = divider.Call("div", {args[0], args[1]});
                            if (!r) return r.error().message;
                            results[0] = (*r)[0];
                            return std::nullopt;
                          });
  env.imports.AddFunction("env", "fail", {}, [&divider](CallContext&, auto, auto) {
    auto r = divider.Call("div", {Value::I32(1), Value::I32(0)});
    return std::optional<std::string>("inner " + (r ? "ok" : r.error().message));
  });
  auto inst = InstantiateFixture(engine, "host", env.imports);
  ASSERT_TRUE(inst) << inst.error();

  EXPECT_EQ(CallOne(*inst, "call_add", {Value::I32(9), Value::I32(3)}), Value::I32(3));
  auto nested = inst->Call("call_add", {Value::I32(9), Value::I32(0)});
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().message, "host function failed: integer divide by zero");
  EXPECT_EQ(nested.error().backtrace, (std::vector<std::string>{"env.add", "call_add"}));

  // The inner trap's frames ("div") belong to the inner call, not to this one.
  auto direct = inst->Call("fail");
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().message, "host function failed: inner integer divide by zero");
  EXPECT_EQ(direct.error().backtrace, std::vector<std::string>{"env.fail"});
  // Writing to the caller's memory still reaches the right instance after nesting.
  EXPECT_EQ(CallOne(*inst, "greet_at", {Value::I32(32)}), Value::I32(8));
  std::array<uint8_t, 8> got{};
  ASSERT_TRUE(inst->ReadMemory(32, got));
  EXPECT_EQ(std::string(got.begin(), got.end()), "hi there");
}

// --- Traps --------------------------------------------------------------------------------

TEST(EmbedTest, Trap_UnreachableWithNamedBacktrace) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(inst) << inst.error();
  auto r = inst->Call("unreachable");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kGuest);
  EXPECT_EQ(r.error().message, "unreachable");
  EXPECT_EQ(r.error().backtrace, (std::vector<std::string>{"inner", "outer"}));
}

TEST(EmbedTest, Trap_UnnamedFunctionIsNamedByIndex) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(inst) << inst.error();
  auto r = inst->Call("unnamed_trap");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "unreachable");
  EXPECT_EQ(r.error().backtrace, std::vector<std::string>{"func[8]"});
}

TEST(EmbedTest, Trap_IntegerDivideByZero) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(inst) << inst.error();
  EXPECT_EQ(CallOne(*inst, "div", {Value::I32(-9), Value::I32(2)}), Value::I32(-4));
  auto r = inst->Call("div", {Value::I32(1), Value::I32(0)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kGuest);
  EXPECT_EQ(r.error().message, "integer divide by zero");
  EXPECT_EQ(r.error().backtrace, std::vector<std::string>{"div"});
}

TEST(EmbedTest, Trap_GuardPageFaultIsOutOfBoundsAccess) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(inst) << inst.error();
  EXPECT_EQ(CallOne(*inst, "load", {Value::I32(65532)}), Value::I32(0));  // last word
  for (int32_t addr : {65533, 65536, 1 << 20, -1}) {
    auto r = inst->Call("load", {Value::I32(addr)});
    ASSERT_FALSE(r) << addr;
    EXPECT_EQ(r.error().kind, Trap::Kind::kGuest);
    EXPECT_EQ(r.error().message, "out of bounds memory access");
    EXPECT_EQ(r.error().backtrace, std::vector<std::string>{"load"});
  }
  // The fault left the engine in a state to run more code.
  EXPECT_EQ(CallOne(*inst, "div", {Value::I32(8), Value::I32(2)}), Value::I32(4));
}

TEST(EmbedTest, Trap_InfiniteRecursionExhaustsCallStack) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(inst) << inst.error();
  auto r = inst->Call("recurse");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kGuest);
  EXPECT_EQ(r.error().message, "call stack exhausted");
  EXPECT_EQ(r.error().backtrace.size(), Limits{}.max_call_depth);
  EXPECT_EQ(r.error().backtrace.front(), "recurse");
}

TEST(EmbedTest, Trap_CallDepthFollowsLimits) {
  Engine engine(Limits{.max_call_depth = 50});
  auto inst = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(inst) << inst.error();
  auto r = inst->Call("recurse");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "call stack exhausted");
  EXPECT_EQ(r.error().backtrace, std::vector<std::string>(50, "recurse"));
}

TEST(EmbedTest, Trap_ExhaustionOnEntryReportsNoStaleFrames) {
  Engine engine(Limits{.max_call_depth = 2});
  auto traps = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(traps) << traps.error();
  // env.add calls call_add again, which calls env.add, … until a call cannot start.
  std::optional<Instance> self;
  std::optional<Trap> innermost;
  HostEnv env;
  env.imports.AddFunction("env", "add", {{ValueType::kI32, ValueType::kI32}, {ValueType::kI32}},
                          [&](CallContext&, std::span<const Value> args,
                              std::span<Value> results) -> std::optional<std::string> {
                            auto r = self->Call("call_add", {args[0], args[1]});
                            if (!r) {
                              if (!innermost) innermost = r.error();
                              return r.error().message;
                            }
                            results[0] = (*r)[0];
                            return std::nullopt;
                          });
  auto inst = InstantiateFixture(engine, "host", env.imports);
  ASSERT_TRUE(inst) << inst.error();
  self = *inst;
  ASSERT_FALSE(traps->Call("unreachable"));  // leaves frames "inner", "outer" behind
  auto r = self->Call("call_add", {Value::I32(1), Value::I32(2)});
  ASSERT_FALSE(r);
  // Two call_add frames fit; the third call fails before running anything.
  ASSERT_TRUE(innermost);
  EXPECT_EQ(innermost->message, "call stack exhausted");
  EXPECT_TRUE(innermost->backtrace.empty());
  EXPECT_EQ(r.error().message, "host function failed: host function failed: call stack exhausted");
  EXPECT_EQ(r.error().backtrace, (std::vector<std::string>{"env.add", "call_add"}));
}

TEST(EmbedTest, Trap_IndirectCallTypeMismatch) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(inst) << inst.error();
  auto r = inst->Call("indirect_mismatch");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kGuest);
  EXPECT_EQ(r.error().message, "indirect call type mismatch");
  EXPECT_EQ(r.error().backtrace, std::vector<std::string>{"bad_indirect"});
}

TEST(EmbedTest, Instantiate_StartFunctionTrapIsTrapError) {
  Engine engine;
  auto m = LoadFixture("start-trap");
  ASSERT_TRUE(m) << m.error();
  auto inst = engine.Instantiate(*m);
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().kind, InstantiateError::Kind::kTrap);
  EXPECT_EQ(inst.error().message, "unreachable");
  EXPECT_EQ(inst.error().trap.kind, Trap::Kind::kGuest);
  EXPECT_EQ(inst.error().trap.backtrace, std::vector<std::string>{"start"});
}

// --- Memory ---------------------------------------------------------------------------------

TEST(EmbedTest, Memory_ReadAndWriteWithinBounds) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "memory");
  ASSERT_TRUE(inst) << inst.error();
  EXPECT_EQ(inst->MemorySize(), 65536u);
  std::array<uint8_t, 5> hello{};
  ASSERT_TRUE(inst->ReadMemory(16, hello));  // the data segment
  EXPECT_EQ(std::string(hello.begin(), hello.end()), "hello");

  const uint8_t bytes[] = {0xde, 0xad};
  ASSERT_TRUE(inst->WriteMemory(65534, bytes));  // the last two bytes
  EXPECT_EQ(CallOne(*inst, "load8", {Value::I32(65534)}), Value::I32(0xde));
  EXPECT_EQ(CallOne(*inst, "load8", {Value::I32(65535)}), Value::I32(0xad));
  ASSERT_TRUE(inst->Call("store8", {Value::I32(7), Value::I32(0x5a)}));
  std::array<uint8_t, 1> one{};
  ASSERT_TRUE(inst->ReadMemory(7, one));
  EXPECT_EQ(one[0], 0x5a);
  EXPECT_TRUE(inst->ReadMemory(65536, std::span<uint8_t>()));  // empty, at the end
}

TEST(EmbedTest, Memory_OutOfBoundsAccessChangesNothing) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "memory");
  ASSERT_TRUE(inst) << inst.error();
  std::array<uint8_t, 4> buf = {1, 2, 3, 4};
  EXPECT_FALSE(inst->WriteMemory(65533, buf));  // straddles the end
  EXPECT_EQ(CallOne(*inst, "load8", {Value::I32(65533)}), Value::I32(0));
  EXPECT_FALSE(inst->WriteMemory(65537, std::span<const uint8_t>()));
  EXPECT_FALSE(inst->ReadMemory(65533, buf));
  EXPECT_EQ(buf, (std::array<uint8_t, 4>{1, 2, 3, 4}));  // untouched
  // addr + size would wrap around in 64 bits.
  EXPECT_FALSE(inst->ReadMemory(std::numeric_limits<uint64_t>::max() - 1, buf));

  // An instance without memory has none to read.
  auto values = InstantiateFixture(engine, "values");
  ASSERT_TRUE(values) << values.error();
  EXPECT_EQ(values->MemorySize(), 0u);
  EXPECT_FALSE(values->ReadMemory(0, buf));
}

TEST(EmbedTest, Memory_GrowthStopsAtLimitsMaxMemoryPages) {
  Engine engine(Limits{.max_memory_pages = 3});
  auto inst = InstantiateFixture(engine, "memory");
  ASSERT_TRUE(inst) << inst.error();
  EXPECT_EQ(CallOne(*inst, "grow", {Value::I32(1)}), Value::I32(1));
  EXPECT_EQ(CallOne(*inst, "grow", {Value::I32(2)}), Value::I32(-1));  // 4 > 3
  EXPECT_EQ(CallOne(*inst, "grow", {Value::I32(1)}), Value::I32(2));
  EXPECT_EQ(CallOne(*inst, "grow", {Value::I32(1)}), Value::I32(-1));
  EXPECT_EQ(CallOne(*inst, "size", {}), Value::I32(3));
  EXPECT_EQ(inst->MemorySize(), 3u * 65536);
  // The grown pages are usable from the host.
  const uint8_t b[] = {9};
  EXPECT_TRUE(inst->WriteMemory(3 * 65536 - 1, b));
  EXPECT_EQ(CallOne(*inst, "load8", {Value::I32(3 * 65536 - 1)}), Value::I32(9));
}

TEST(EmbedTest, Instantiate_MemoryAboveLimitsIsLinkError) {
  Engine engine(Limits{.max_memory_pages = 3});
  auto m = LoadFixture("big-memory");
  ASSERT_TRUE(m) << m.error();
  auto inst = engine.Instantiate(*m);
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().kind, InstantiateError::Kind::kLink);
  EXPECT_EQ(inst.error().message,
            "memory limit exceeded: the module needs more pages than allowed");
  Engine roomy(Limits{.max_memory_pages = 4});
  EXPECT_TRUE(roomy.Instantiate(*m));
}

// --- Interruption ---------------------------------------------------------------------------

TEST(EmbedTest, Interrupt_FromAnotherThreadStopsInfiniteLoop) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(inst) << inst.error();
  std::thread stopper([&engine] {
    std::this_thread::sleep_for(50ms);
    engine.Interrupt();
  });
  const auto start = std::chrono::steady_clock::now();
  auto r = inst->Call("loop_forever");
  stopper.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kInterrupted);
  EXPECT_EQ(r.error().message, "interrupted");
  EXPECT_EQ(r.error().backtrace, std::vector<std::string>{"spin"});
  EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
  // The request was consumed: the next call runs normally.
  EXPECT_EQ(CallOne(*inst, "div", {Value::I32(6), Value::I32(3)}), Value::I32(2));
}

TEST(EmbedTest, Interrupt_StopsLoopsOfASingleInstruction) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "tight-loops");
  ASSERT_TRUE(inst) << inst.error();
  for (const char* name : {"cmp_branch", "add_cmp_branch", "add_jump", "jump"}) {
    std::thread stopper([&engine] {
      std::this_thread::sleep_for(20ms);
      engine.Interrupt();
    });
    // 1 is odd, which keeps add_cmp_branch going; cmp_branch needs 0.
    const int32_t arg = std::string_view(name) == "cmp_branch" ? 0 : 1;
    auto r = inst->Call(name, {Value::I32(arg)});
    stopper.join();
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().kind, Trap::Kind::kInterrupted) << name;
  }
}

TEST(EmbedTest, Interrupt_WhileIdleStopsTheNextCallOnly) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(inst) << inst.error();
  engine.Interrupt();
  auto r = inst->Call("div", {Value::I32(6), Value::I32(3)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kInterrupted);
  EXPECT_EQ(CallOne(*inst, "div", {Value::I32(6), Value::I32(3)}), Value::I32(2));
}

TEST(EmbedTest, Interrupt_SwallowedByHostStillStopsOuterCall) {
  Engine engine;
  auto traps = InstantiateFixture(engine, "traps");
  ASSERT_TRUE(traps) << traps.error();
  Instance spinner = *traps;
  int calls = 0;
  HostEnv env;
  // The first env.add spins in another instance until interrupted, then ignores the
  // trap; later ones just add.
  env.imports.AddFunction("env", "add", {{ValueType::kI32, ValueType::kI32}, {ValueType::kI32}},
                          [&](CallContext&, std::span<const Value> args,
                              std::span<Value> results) -> std::optional<std::string> {
                            if (calls++ == 0) (void)spinner.Call("loop_forever");
                            results[0] = Value::I32(args[0].i32() + args[1].i32());
                            return std::nullopt;
                          });
  auto inst = InstantiateFixture(engine, "host", env.imports);
  ASSERT_TRUE(inst) << inst.error();
  std::thread stopper([&engine] {
    std::this_thread::sleep_for(50ms);
    engine.Interrupt();
  });
  auto r = inst->Call("add_twice", {Value::I32(1), Value::I32(2)});
  stopper.join();
  // The request outlived the nested call, so add_twice stopped at its second call.
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Trap::Kind::kInterrupted);
  EXPECT_EQ(r.error().backtrace, std::vector<std::string>{"add_twice"});
  EXPECT_EQ(calls, 1);
  // And the outermost call consumed it.
  EXPECT_EQ(CallOne(*inst, "add_twice", {Value::I32(1), Value::I32(2)}), Value::I32(5));
  EXPECT_EQ(calls, 3);
}

// --- Linking --------------------------------------------------------------------------------

TEST(EmbedTest, Link_InstanceSharesFunctionMemoryTableAndGlobal) {
  Engine engine;
  auto provider = InstantiateFixture(engine, "provider");
  ASSERT_TRUE(provider) << provider.error();
  Imports imports;
  imports.AddInstance("provider", *provider);
  auto consumer = InstantiateFixture(engine, "consumer", imports);
  ASSERT_TRUE(consumer) << consumer.error();

  EXPECT_EQ(CallOne(*consumer, "call_import", {Value::I32(14)}), Value::I32(42));
  // One memory: what the provider stores, the consumer loads.
  ASSERT_TRUE(provider->Call("store", {Value::I32(64), Value::I32(0x12345678)}));
  EXPECT_EQ(CallOne(*consumer, "load", {Value::I32(64)}), Value::I32(0x12345678));
  // One table: slot 1 holds the provider's $triple.
  EXPECT_EQ(CallOne(*consumer, "call_table", {Value::I32(1), Value::I32(5)}), Value::I32(15));
  auto empty_slot = consumer->Call("call_table", {Value::I32(0), Value::I32(5)});
  ASSERT_FALSE(empty_slot);
  EXPECT_EQ(empty_slot.error().message, "uninitialized element 0");
  // One global: the consumer's increments show in the provider's export, and back.
  EXPECT_EQ(CallOne(*consumer, "bump", {}), Value::I32(8));
  EXPECT_EQ(provider->GetGlobal("counter"), Value::I32(8));
  ASSERT_TRUE(provider->SetGlobal("counter", Value::I32(100)));
  EXPECT_EQ(CallOne(*consumer, "bump", {}), Value::I32(101));
}

TEST(EmbedTest, Link_MissingImportIsLinkError) {
  Engine engine;
  Imports partial;
  partial.AddFunction("env", "add", {{ValueType::kI32, ValueType::kI32}, {ValueType::kI32}},
                      [](CallContext&, auto, auto) { return std::optional<std::string>(); });
  auto m = LoadFixture("host");
  ASSERT_TRUE(m) << m.error();
  auto inst = engine.Instantiate(*m, partial);
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().kind, InstantiateError::Kind::kLink);
  EXPECT_EQ(inst.error().message, "unknown import `env`.`fail`");
}

TEST(EmbedTest, Link_WrongSignatureIsLinkError) {
  Engine engine;
  HostEnv env;
  // Redefine env.add with another signature; the later definition wins.
  env.imports.AddFunction("env", "add", {{ValueType::kI32}, {ValueType::kI32}},
                          [](CallContext&, auto, auto) { return std::optional<std::string>(); });
  auto m = LoadFixture("host");
  ASSERT_TRUE(m) << m.error();
  auto inst = engine.Instantiate(*m, env.imports);
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().kind, InstantiateError::Kind::kLink);
  EXPECT_EQ(inst.error().message, "incompatible import type for `env`.`add`");
}

TEST(EmbedTest, Link_InstanceOfAnotherEngineIsLinkError) {
  Engine first;
  Engine second;
  auto provider = InstantiateFixture(first, "provider");
  ASSERT_TRUE(provider) << provider.error();
  Imports imports;
  imports.AddInstance("provider", *provider);
  auto m = LoadFixture("consumer");
  ASSERT_TRUE(m) << m.error();
  auto inst = second.Instantiate(*m, imports);
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().kind, InstantiateError::Kind::kLink);
  EXPECT_EQ(inst.error().message,
            "import `provider`.`triple` comes from an instance of another engine");
  EXPECT_TRUE(first.Instantiate(*m, imports));
}

TEST(EmbedTest, Link_HostFunctionsOutliveImports) {
  Engine engine;
  std::optional<Instance> inst;
  {
    HostEnv env;
    auto i = InstantiateFixture(engine, "host", env.imports);
    ASSERT_TRUE(i) << i.error();
    inst = *i;
    // `env` (and its Imports) go away here; the functions stay in the engine. The
    // lambdas capture `env`, so only a function that does not is called below.
  }
  std::array<uint8_t, 8> got{};
  EXPECT_EQ(CallOne(*inst, "greet_at", {Value::I32(8)}), Value::I32(8));
  ASSERT_TRUE(inst->ReadMemory(8, got));
  EXPECT_EQ(std::string(got.begin(), got.end()), "hi there");
}

// --- Globals and engines ---------------------------------------------------------------------

TEST(EmbedTest, Globals_GetAndSetExportedGlobals) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "globals");
  ASSERT_TRUE(inst) << inst.error();
  EXPECT_EQ(inst->GetGlobal("g_i32"), Value::I32(42));
  EXPECT_EQ(inst->GetGlobal("g_f64"), Value::F64(2.5));
  const std::array<uint8_t, 16> lanes = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0};
  EXPECT_EQ(inst->GetGlobal("g_v128"), Value::V128(lanes));
  EXPECT_EQ(inst->GetGlobal("g_externref"), Value::ExternRef(0));
  const std::optional<Value> five = inst->GetGlobal("g_funcref");
  ASSERT_TRUE(five);
  EXPECT_EQ(five->type(), ValueType::kFuncRef);
  EXPECT_FALSE(five->is_null());

  ASSERT_TRUE(inst->SetGlobal("g_i32", Value::I32(-3)));
  EXPECT_EQ(CallOne(*inst, "read_i32", {}), Value::I32(-3));  // wasm sees the new value
  EXPECT_EQ(inst->GetGlobal("g_i32"), Value::I32(-3));
  ASSERT_TRUE(inst->SetGlobal("g_v128", Value::V128(kBytes16)));
  EXPECT_EQ(inst->GetGlobal("g_v128"), Value::V128(kBytes16));
  ASSERT_TRUE(inst->SetGlobal("g_externref", Value::ExternRef(77)));
  EXPECT_EQ(inst->GetGlobal("g_externref"), Value::ExternRef(77));

  ASSERT_TRUE(inst->SetGlobal("g_funcref", Value::NullFuncRef()));
  EXPECT_EQ(inst->GetGlobal("g_funcref"), Value::NullFuncRef());
  ASSERT_TRUE(inst->SetGlobal("g_funcref", *five));
  EXPECT_EQ(inst->GetGlobal("g_funcref"), five);
  Engine other;
  auto foreign = InstantiateFixture(other, "globals");
  ASSERT_TRUE(foreign) << foreign.error();
  EXPECT_FALSE(inst->SetGlobal("g_funcref", *foreign->GetGlobal("g_funcref")));
  EXPECT_EQ(inst->GetGlobal("g_funcref"), five);

  EXPECT_FALSE(inst->SetGlobal("g_f64", Value::F64(1.0)));  // immutable
  EXPECT_EQ(inst->GetGlobal("g_f64"), Value::F64(2.5));
  EXPECT_FALSE(inst->SetGlobal("g_i32", Value::I64(1)));  // wrong type
  EXPECT_EQ(inst->GetGlobal("g_i32"), Value::I32(-3));
  EXPECT_FALSE(inst->SetGlobal("nope", Value::I32(1)));
  EXPECT_EQ(inst->GetGlobal("nope"), std::nullopt);
  EXPECT_EQ(inst->GetGlobal("five"), std::nullopt);  // a function, not a global
}

TEST(EmbedTest, Engine_MoveKeepsInstancesUsable) {
  Engine engine;
  auto inst = InstantiateFixture(engine, "values");
  ASSERT_TRUE(inst) << inst.error();
  Engine moved = std::move(engine);
  EXPECT_EQ(CallOne(*inst, "add", {Value::I32(2), Value::I32(3)}), Value::I32(5));
  EXPECT_EQ(moved.limits().max_call_depth, Limits{}.max_call_depth);
}

}  // namespace
}  // namespace runw
