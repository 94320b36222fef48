// libFuzzer target for the interpreter's fused instructions: every input that is a
// valid module without imports is run twice, lowered with and without fusion, and
// everything observable must agree (tests/unit/wasm/lowering-diff.h). The seeds are
// the decode fuzzer's corpus, mostly modules of the spec tests, whose mutations keep
// many of them valid.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "wasm/lowering-diff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace runw::wasm::test;
  // Few calls and a short deadline per call: fuzzing wants many modules per second.
  const DiffReport r =
      CompareLowerings(std::span<const uint8_t>(data, size), 24, std::chrono::milliseconds(20));
  if (!r.difference.empty()) {
    std::fprintf(stderr, "fused and plain lowering differ: %s\n", r.difference.c_str());
    std::abort();
  }
  return 0;
}
