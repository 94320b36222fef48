// libFuzzer target for the config.json parser and validator: `create` and `exec`
// read these files from callers, so hostile or damaged input must end in a clear
// error, never a crash, a hang or an exception.
//
// Invariants checked for every input, besides the sanitizers':
//  1. Every error is one non-empty line (the CLI prints it as `runw: <message>`).
//  2. Parsing is deterministic: the same bytes give the same result twice.
//  3. The same bytes as an `exec --process` file and as an `update --resources`
//     file are handled (parsed or refused) just as safely.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "oci/config.h"

namespace {

void CheckMessage(const std::string& message, const char* what) {
  if (message.empty() || message.find('\n') != std::string::npos) {
    std::fprintf(stderr, "%s: error is not one non-empty line: \"%s\"\n", what, message.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = runw::oci::ParseSpec(text);
  auto again = runw::oci::ParseSpec(text);
  if (spec.has_value() != again.has_value() || (!spec && spec.error() != again.error())) {
    std::fprintf(stderr, "ParseSpec is not deterministic\n");
    std::abort();
  }
  if (!spec) {
    CheckMessage(spec.error(), "ParseSpec");
  } else if (auto valid = runw::oci::ValidateSpec(*spec); !valid) {
    CheckMessage(valid.error(), "ValidateSpec");
  }
  if (auto process = runw::oci::ParseProcess(text); !process) {
    CheckMessage(process.error(), "ParseProcess");
  } else if (auto valid = runw::oci::ValidateProcess(*process, "process"); !valid) {
    CheckMessage(valid.error(), "ValidateProcess");
  }
  if (auto resources = runw::oci::ParseResources(text); !resources) {
    CheckMessage(resources.error(), "ParseResources");
  }
  return 0;
}
