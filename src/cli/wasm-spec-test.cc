// `runw wasm spec-test FILE.json`: runs one file of the official WebAssembly spec
// testsuite as converted by wast2json, and ends with the line
// "N passed, N failed, N skipped".
//
// Module errors are compared the way the reference interpreter's runner compares
// them: the expected text must be a prefix of runw's message, and the error must be
// of the right kind (malformed for assert_malformed, invalid for assert_invalid).
// Commands that need execution are skipped until the interpreter exists, and so are
// text-format modules, since runw reads the binary format only.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/file.h"
#include "cli/commands.h"
#include "wasm/validator.h"

namespace runw::cli {
namespace {

struct Tally {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
};

class SpecRunner {
 public:
  SpecRunner(std::filesystem::path dir, std::string json_name, bool verbose)
      : dir_(std::move(dir)), json_name_(std::move(json_name)), verbose_(verbose) {}

  void Run(const nlohmann::json& commands) {
    for (const auto& cmd : commands)
      RunCommand(cmd);
  }
  const Tally& tally() const { return tally_; }

 private:
  void RunCommand(const nlohmann::json& cmd) {
    const std::string type = cmd.value("type", "");
    const int line = cmd.value("line", 0);
    if (type == "module") {
      Expect(line, type, LoadFile(cmd), [](const Outcome& o) -> std::string {
        return o.ok ? "" : "module failed to load: " + o.message;
      });
    } else if (type == "assert_malformed" || type == "assert_invalid") {
      if (cmd.value("module_type", "binary") != "binary") return Skip(line, type, "text module");
      const std::string expected = cmd.value("text", "");
      const ErrorPhase phase =
          type == "assert_malformed" ? ErrorPhase::kDecode : ErrorPhase::kValidate;
      Expect(line, type, LoadFile(cmd), [&](const Outcome& o) -> std::string {
        if (o.ok) return "module loaded, expected `" + expected + "`";
        if (o.phase != phase || !o.message.starts_with(expected))
          return "expected `" + expected + "`, got `" + o.message + "`" +
                 (o.phase != phase ? " (wrong kind of error)" : "");
        return "";
      });
    } else {
      // register, action, assert_return, assert_trap, assert_exhaustion,
      // assert_unlinkable, assert_uninstantiable: they need instantiation.
      Skip(line, type, "needs execution");
    }
  }

  struct Outcome {
    bool ok = false;
    ErrorPhase phase = ErrorPhase::kIo;
    std::string message;
  };

  Outcome LoadFile(const nlohmann::json& cmd) {
    Outcome o;
    const std::string file = cmd.value("filename", "");
    auto bytes = ReadFile((dir_ / file).string());
    if (!bytes) {
      o.message = std::string(ErrorMessage(bytes.error().code())) + " " + file;
      return o;
    }
    auto module = wasm::LoadModule(*bytes);
    if (module) {
      o.ok = true;
      return o;
    }
    o.phase = module.error().phase();
    o.message = module.error().Message();
    return o;
  }

  template <typename Check>
  void Expect(int line, const std::string& type, const Outcome& outcome, Check check) {
    std::string problem = check(outcome);
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
};

}  // namespace

int WasmSpecTest(const std::string& json_path, bool verbose) {
  std::ifstream in(json_path);
  if (!in) {
    std::fprintf(stderr, "runw: cannot open file `%s`\n", json_path.c_str());
    return 1;
  }
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
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
