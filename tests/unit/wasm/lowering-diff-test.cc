// The fused and the plain lowering agree on every module the build makes (see
// lowering-diff.h). RUNW_LOWERING_DIFF_DIRS (colon-separated) adds directories,
// e.g. the official spec testsuite converted by wast2json, for a local run.
#include "wasm/lowering-diff.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace runw::wasm::test {
namespace {

std::vector<std::filesystem::path> ModulesUnder(const std::vector<std::string>& dirs) {
  std::vector<std::filesystem::path> files;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().extension() == ".wasm") files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(LoweringDiffTest, FusedAndPlainCodeAgreeOnEveryBuiltModule) {
  std::vector<std::string> dirs = {RUNW_SPEC_BUILD_DIR};
  if (const char* extra = std::getenv("RUNW_LOWERING_DIFF_DIRS")) {
    std::stringstream list(extra);
    for (std::string dir; std::getline(list, dir, ':');)
      if (!dir.empty()) dirs.push_back(dir);
  }
  const auto files = ModulesUnder(dirs);
  uint32_t compared = 0, calls = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    const DiffReport r = CompareLowerings(bytes);
    EXPECT_EQ(r.difference, "") << file;
    compared += r.compared;
    calls += r.calls;
  }
  // The spec-format tests of tests/spec alone give dozens of modules and hundreds
  // of calls; far fewer means the modules were not found or not run.
  EXPECT_GE(compared, 20u) << "of " << files.size() << " modules";
  EXPECT_GE(calls, 300u);
  std::printf("lowering-diff: %u modules compared, %u calls, %zu files\n", compared, calls,
              files.size());
}

// The check itself: a module compared with itself agrees, and a difference made
// behind the interpreter's back is reported.
TEST(LoweringDiffTest, ReportsAnyDifference) {
  // (module (memory 1) (global (mut i32) (i32.const 0))
  //   (func (export "f") (result i32) (i32.load (i32.const 0))))
  const std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05,
                                      0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x05,
                                      0x03, 0x01, 0x00, 0x01, 0x06, 0x06, 0x01, 0x7f, 0x01, 0x41,
                                      0x00, 0x0b, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a,
                                      0x09, 0x01, 0x07, 0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x0b};
  const DiffReport same = CompareLowerings(bytes);
  EXPECT_TRUE(same.compared) << same.skipped;
  EXPECT_EQ(same.difference, "");
  EXPECT_EQ(same.calls, 3u);

  auto memory = CompareLowerings(bytes, 200, std::chrono::milliseconds(50),
                                 [](ModuleInstance& i) { i.memories[0]->memory->base()[9] = 1; });
  EXPECT_EQ(memory.difference, "f (argument set 0): memory 0 contents differ");
  auto global = CompareLowerings(bytes, 200, std::chrono::milliseconds(50),
                                 [](ModuleInstance& i) { i.globals[0]->value[0] = 5; });
  EXPECT_EQ(global.difference, "f (argument set 0): global 0 differs");
}

// A function that never returns is stopped in both copies, not waited for.
TEST(LoweringDiffTest, EndlessLoopIsStopped) {
  // (module (func (export "spin") (loop (br 0))))
  const std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04,
                                      0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x08,
                                      0x01, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00, 0x0a, 0x09,
                                      0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b};
  const DiffReport r = CompareLowerings(bytes);
  EXPECT_TRUE(r.compared) << r.skipped;
  EXPECT_EQ(r.difference, "");
  EXPECT_EQ(r.calls, 1u);
}

}  // namespace
}  // namespace runw::wasm::test
