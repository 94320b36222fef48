// `runw wasm spec-test FILE.json`: runs one file of the official WebAssembly spec
// testsuite as converted by wast2json, and ends with the line
// "N passed, N failed, N skipped".
//
// Errors are compared the way the reference interpreter's runner compares them: the
// expected text must be a prefix of runw's message, and it must be the right kind of
// failure (malformed, invalid, unlinkable, a trap). Text-format modules are skipped,
// since runw reads the binary format only.
#include <nlohmann/json.hpp>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "base/file.h"
#include "cli/commands.h"
#include "wasm/decoder.h"
#include "wasm/instance.h"
#include "wasm/lower.h"
#include "wasm/validator.h"

namespace runw::cli {
namespace {

using nlohmann::json;
using wasm::Slot;
using wasm::TrapCode;
using wasm::ValType;

struct Tally {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
};

// externref values of the testsuite are small integers; they travel as N + 1 so
// that 0 stays the null reference.
constexpr Slot kExternBias = 1;

// Writes a JSON argument into slots; returns false for a value it cannot read.
bool ParseValue(const json& v, std::vector<Slot>& out) {
  const std::string type = v.value("type", "");
  if (type == "v128") {
    const std::string lane = v.value("lane_type", "i32");
    const json& lanes = v["value"];
    uint8_t bytes[16] = {};
    const size_t width = lane == "i8"                       ? 1
                         : lane == "i16"                    ? 2
                         : (lane == "i32" || lane == "f32") ? 4
                                                            : 8;
    for (size_t i = 0; i < lanes.size() && i * width < 16; ++i) {
      uint64_t bits = std::stoull(lanes[i].get<std::string>());
      std::memcpy(bytes + i * width, &bits, width);
    }
    Slot s[2];
    std::memcpy(s, bytes, 16);
    out.push_back(s[0]);
    out.push_back(s[1]);
    return true;
  }
  const std::string value = v["value"].is_string() ? v["value"].get<std::string>() : "";
  if (type == "funcref" || type == "externref") {
    if (value == "null") {
      out.push_back(0);
    } else {
      out.push_back(std::stoull(value) + kExternBias);
    }
    return true;
  }
  out.push_back(std::stoull(value));
  return true;
}

// Checks a float lane or value against an expectation: bits, nan:canonical or
// nan:arithmetic (spec test conventions).
template <typename Bits>
bool FloatMatches(Bits actual, const std::string& expected) {
  constexpr int kBitsWidth = sizeof(Bits) * 8;
  constexpr Bits kSign = Bits{1} << (kBitsWidth - 1);
  constexpr Bits kCanonical = kBitsWidth == 32 ? Bits(0x7fc00000u) : Bits(0x7ff8000000000000ull);
  if (expected == "nan:canonical") return (actual & ~kSign) == kCanonical;
  if (expected == "nan:arithmetic") return (actual & kCanonical) == kCanonical;
  return actual == static_cast<Bits>(std::stoull(expected));
}

bool ValueMatches(const json& expected, const Slot* slots) {
  const std::string type = expected.value("type", "");
  if (type == "v128") {
    if (!expected.contains("value")) return true;
    const std::string lane = expected.value("lane_type", "i32");
    uint8_t bytes[16];
    std::memcpy(bytes, slots, 16);
    const json& lanes = expected["value"];
    const size_t width = lane == "i8"                       ? 1
                         : lane == "i16"                    ? 2
                         : (lane == "i32" || lane == "f32") ? 4
                                                            : 8;
    for (size_t i = 0; i < lanes.size(); ++i) {
      uint64_t bits = 0;
      std::memcpy(&bits, bytes + i * width, width);
      const std::string want = lanes[i].get<std::string>();
      if (lane == "f32") {
        if (!FloatMatches<uint32_t>(static_cast<uint32_t>(bits), want)) return false;
      } else if (lane == "f64") {
        if (!FloatMatches<uint64_t>(bits, want)) return false;
      } else {
        const uint64_t mask = width == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1;
        if ((bits & mask) != (std::stoull(want) & mask)) return false;
      }
    }
    return true;
  }
  if (type == "funcref" || type == "externref") {
    if (!expected.contains("value")) return slots[0] != 0;  // any non-null reference
    const std::string want = expected["value"].get<std::string>();
    if (want == "null") return slots[0] == 0;
    return type == "externref" && slots[0] == std::stoull(want) + kExternBias;
  }
  const std::string want = expected["value"].get<std::string>();
  if (type == "f32") return FloatMatches<uint32_t>(static_cast<uint32_t>(slots[0]), want);
  if (type == "f64") return FloatMatches<uint64_t>(slots[0], want);
  if (type == "i32")
    return static_cast<uint32_t>(slots[0]) == static_cast<uint32_t>(std::stoull(want));
  return slots[0] == std::stoull(want);
}

std::string FormatSlots(ValType t, const Slot* s) {
  char buf[64];
  switch (t) {
    case ValType::kI32:
      std::snprintf(buf, sizeof buf, "i32:%" PRIu32, static_cast<uint32_t>(s[0]));
      break;
    case ValType::kF32:
      std::snprintf(buf, sizeof buf, "f32:0x%08" PRIx32, static_cast<uint32_t>(s[0]));
      break;
    case ValType::kV128:
      std::snprintf(buf, sizeof buf, "v128:0x%016" PRIx64 "%016" PRIx64, s[1], s[0]);
      break;
    case ValType::kF64:
      std::snprintf(buf, sizeof buf, "f64:0x%016" PRIx64, s[0]);
      break;
    default:
      std::snprintf(buf, sizeof buf, "%s:%" PRIu64, std::string(wasm::ValTypeName(t)).c_str(),
                    s[0]);
      break;
  }
  return buf;
}

// The host module the testsuite imports as "spectest" (print functions, globals, a
// table and a memory).
TrapCode PrintNothing(void*, wasm::HostCall&, Slot*) {
  return TrapCode::kOk;
}

class SpecRunner {
 public:
  SpecRunner(std::filesystem::path dir, std::string json_name, bool verbose)
      : dir_(std::move(dir)), json_name_(std::move(json_name)), verbose_(verbose), thread_(store_) {
    MakeSpectest();
  }

  void Run(const json& commands) {
    for (const auto& cmd : commands)
      RunCommand(cmd);
  }
  const Tally& tally() const { return tally_; }

 private:
  struct Loaded {
    std::shared_ptr<const wasm::CompiledModule> compiled;
    ErrorPhase phase = ErrorPhase::kIo;
    std::string error;
  };
  struct ActionResult {
    bool ok = false;  // the action ran (it may still have trapped)
    TrapCode trap = TrapCode::kOk;
    std::string error;
    std::vector<ValType> types;
    std::vector<Slot> slots;
  };

  void MakeSpectest() {
    auto& ex = registered_["spectest"];
    auto func = [&](const char* name, std::vector<ValType> params) {
      wasm::FuncType ft{std::move(params), {}};
      ex[name] = {wasm::ExternKind::kFunc,
                  store_.NewHostFunc(ft, PrintNothing, nullptr, std::string("spectest.") + name)};
    };
    func("print", {});
    func("print_i32", {ValType::kI32});
    func("print_i64", {ValType::kI64});
    func("print_f32", {ValType::kF32});
    func("print_f64", {ValType::kF64});
    func("print_i32_f32", {ValType::kI32, ValType::kF32});
    func("print_f64_f64", {ValType::kF64, ValType::kF64});
    auto global = [&](const char* name, ValType t, Slot bits) {
      wasm::GlobalInst* g = store_.NewGlobal();
      g->type = {t, false};
      g->value[0] = bits;
      ex[name] = {wasm::ExternKind::kGlobal, g};
    };
    global("global_i32", ValType::kI32, 666);
    global("global_i64", ValType::kI64, 666);
    global("global_f32", ValType::kF32, std::bit_cast<uint32_t>(666.6f));
    global("global_f64", ValType::kF64, std::bit_cast<uint64_t>(666.6));
    wasm::TableInst* table = store_.NewTable();
    table->elem = ValType::kFuncRef;
    table->max = 20;
    table->elems.assign(10, 0);
    ex["table"] = {wasm::ExternKind::kTable, table};
    wasm::MemoryInst* memory = store_.NewMemory();
    memory->memory = wasm::LinearMemory::Create(1, 2, 2);
    ex["memory"] = {wasm::ExternKind::kMemory, memory};
  }

  Loaded Load(const json& cmd) {
    Loaded out;
    const std::string file = cmd.value("filename", "");
    auto bytes = ReadFile((dir_ / file).string());
    if (!bytes) {
      out.error = std::string(ErrorMessage(bytes.error().code())) + " " + file;
      return out;
    }
    auto module = wasm::DecodeModule(*bytes);
    if (!module) {
      out.phase = module.error().phase();
      out.error = module.error().Message();
      return out;
    }
    auto compiled = wasm::CompileModule(std::move(*module));
    if (!compiled) {
      out.phase = compiled.error().phase();
      out.error = compiled.error().Message();
      return out;
    }
    out.compiled = *compiled;
    return out;
  }

  // Resolves imports against registered modules; returns an error text on failure.
  wasm::InstantiateResult Instantiate(const std::shared_ptr<const wasm::CompiledModule>& c) {
    std::vector<wasm::ExternVal> imports;
    for (const wasm::Import& im : c->module.imports) {
      auto mod = registered_.find(im.module);
      if (mod == registered_.end()) return {nullptr, "unknown import", TrapCode::kOk};
      auto it = mod->second.find(im.name);
      if (it == mod->second.end()) return {nullptr, "unknown import", TrapCode::kOk};
      imports.push_back(it->second);
    }
    return wasm::Instantiate(thread_, c, imports);
  }

  wasm::ModuleInstance* Target(const json& action) {
    if (action.contains("module")) {
      auto it = named_.find(action["module"].get<std::string>());
      return it == named_.end() ? nullptr : it->second;
    }
    return current_;
  }

  ActionResult DoAction(const json& action) {
    ActionResult r;
    wasm::ModuleInstance* inst = Target(action);
    if (inst == nullptr) {
      r.error = "no module instance";
      return r;
    }
    const std::string field = action.value("field", "");
    auto it = inst->exports.find(field);
    if (it == inst->exports.end()) {
      r.error = "unknown export `" + field + "`";
      return r;
    }
    if (action.value("type", "") == "get") {
      if (it->second.kind != wasm::ExternKind::kGlobal) {
        r.error = "export is not a global";
        return r;
      }
      const wasm::GlobalInst* g = it->second.global();
      r.ok = true;
      r.types = {g->type.type};
      r.slots = {g->value[0], g->value[1]};
      return r;
    }
    if (it->second.kind != wasm::ExternKind::kFunc) {
      r.error = "export is not a function";
      return r;
    }
    const wasm::FuncInst& f = *it->second.func();
    std::vector<Slot> args;
    for (const json& a : action.value("args", json::array()))
      ParseValue(a, args);
    if (args.size() != f.param_slots) {
      r.error = "wrong number of arguments";
      return r;
    }
    r.slots.assign(std::max<size_t>(f.result_slots, 2), 0);
    r.types = f.type->results;
    r.trap = thread_.Invoke(f, args, std::span<Slot>(r.slots.data(), f.result_slots));
    r.ok = true;
    return r;
  }

  void RunCommand(const json& cmd) {
    const std::string type = cmd.value("type", "");
    const int line = cmd.value("line", 0);
    if (type == "module") {
      Loaded l = Load(cmd);
      current_ = nullptr;
      if (!l.compiled) return Report(line, type, "module failed to load: " + l.error);
      auto result = Instantiate(l.compiled);
      if (result.link_error)
        return Report(line, type, "module failed to link: " + *result.link_error);
      if (result.trap != TrapCode::kOk)
        return Report(line, type, "module trapped: " + std::string(wasm::TrapMessage(result.trap)));
      current_ = result.instance;
      if (cmd.contains("name")) named_[cmd["name"].get<std::string>()] = current_;
      return Report(line, type, "");
    }
    if (type == "register") {
      wasm::ModuleInstance* inst = current_;
      if (cmd.contains("name")) {
        auto it = named_.find(cmd["name"].get<std::string>());
        inst = it == named_.end() ? nullptr : it->second;
      }
      if (inst == nullptr) return Report(line, type, "no module to register");
      registered_[cmd.value("as", "")] = inst->exports;
      return Report(line, type, "");
    }
    if (type == "assert_malformed" || type == "assert_invalid") {
      if (cmd.value("module_type", "binary") != "binary") return Skip(line, type, "text module");
      const std::string expected = cmd.value("text", "");
      const ErrorPhase phase =
          type == "assert_malformed" ? ErrorPhase::kDecode : ErrorPhase::kValidate;
      Loaded l = Load(cmd);
      if (l.compiled) return Report(line, type, "module loaded, expected `" + expected + "`");
      if (l.phase != phase || !l.error.starts_with(expected))
        return Report(line, type,
                      "expected `" + expected + "`, got `" + l.error + "`" +
                          (l.phase != phase ? " (wrong kind of error)" : ""));
      return Report(line, type, "");
    }
    if (type == "assert_unlinkable" || type == "assert_uninstantiable") {
      const std::string expected = cmd.value("text", "");
      Loaded l = Load(cmd);
      if (!l.compiled) return Report(line, type, "module failed to load: " + l.error);
      auto result = Instantiate(l.compiled);
      std::string got;
      if (type == "assert_unlinkable") {
        if (!result.link_error)
          return Report(line, type, "module linked, expected `" + expected + "`");
        got = *result.link_error;
      } else {
        if (result.link_error) return Report(line, type, "link error: " + *result.link_error);
        if (result.trap == TrapCode::kOk)
          return Report(line, type, "module instantiated, expected `" + expected + "`");
        got = thread_.TrapText(result.trap);
      }
      if (!got.starts_with(expected))
        return Report(line, type, "expected `" + expected + "`, got `" + got + "`");
      return Report(line, type, "");
    }
    if (type == "action" || type == "assert_return" || type == "assert_trap" ||
        type == "assert_exhaustion") {
      ActionResult r = DoAction(cmd["action"]);
      if (!r.ok) return Report(line, type, r.error);
      if (type == "assert_trap" || type == "assert_exhaustion") {
        const std::string expected = cmd.value("text", "");
        if (r.trap == TrapCode::kOk)
          return Report(line, type, "no trap, expected `" + expected + "`");
        const std::string got = thread_.TrapText(r.trap);
        if (!got.starts_with(expected))
          return Report(line, type, "expected `" + expected + "`, got `" + got + "`");
        return Report(line, type, "");
      }
      if (r.trap != TrapCode::kOk)
        return Report(line, type, "trapped: " + thread_.TrapText(r.trap));
      if (type == "assert_return") {
        const json& expected = cmd["expected"];
        if (expected.size() != r.types.size()) return Report(line, type, "wrong number of results");
        size_t slot = 0;
        for (size_t i = 0; i < expected.size(); ++i) {
          if (!ValueMatches(expected[i], r.slots.data() + slot))
            return Report(line, type,
                          "result " + std::to_string(i) + ": got " +
                              FormatSlots(r.types[i], r.slots.data() + slot) + ", expected " +
                              expected[i].dump());
          slot += wasm::SlotsOf(r.types[i]);
        }
      }
      return Report(line, type, "");
    }
    Skip(line, type, "unknown command");
  }

  void Report(int line, const std::string& type, const std::string& problem) {
    if (problem.empty()) {
      tally_.passed++;
      if (verbose_) std::printf("%s:%d: %s: ok\n", json_name_.c_str(), line, type.c_str());
    } else {
      tally_.failed++;
      std::printf("%s:%d: %s: FAIL: %s\n", json_name_.c_str(), line, type.c_str(), problem.c_str());
    }
  }

  void Skip(int line, const std::string& type, const char* why) {
    tally_.skipped++;
    if (verbose_)
      std::printf("%s:%d: %s: skipped (%s)\n", json_name_.c_str(), line, type.c_str(), why);
  }

  std::filesystem::path dir_;
  std::string json_name_;
  bool verbose_;
  Tally tally_;
  wasm::Store store_;
  wasm::Thread thread_;
  wasm::ModuleInstance* current_ = nullptr;
  std::map<std::string, wasm::ModuleInstance*> named_;
  std::map<std::string, std::unordered_map<std::string, wasm::ExternVal>> registered_;
};

}  // namespace

int WasmSpecTest(const std::string& json_path, bool verbose) {
  std::ifstream in(json_path);
  if (!in) {
    std::fprintf(stderr, "runw: cannot open file `%s`\n", json_path.c_str());
    return 1;
  }
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("commands") ||
      !doc["commands"].is_array()) {
    std::fprintf(stderr, "runw: `%s` is not a wast2json file (no commands array)\n",
                 json_path.c_str());
    return 1;
  }
  std::filesystem::path path(json_path);
  SpecRunner runner(path.parent_path(), path.filename().string(), verbose);
  runner.Run(doc["commands"]);
  const Tally& t = runner.tally();
  std::printf("%d passed, %d failed, %d skipped\n", t.passed, t.failed, t.skipped);
  std::fflush(stdout);
  return t.failed == 0 ? 0 : 1;
}

}  // namespace runw::cli
