#include <cstdio>
#include <cstring>

#include "base/file.h"
#include "cli/commands.h"
#include "wasm/validator.h"

namespace runw::cli {

int WasmValidate(const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes) {
    const Error& e = bytes.error();
    std::fprintf(stderr, "runw: %s `%s`: %s\n", std::string(ErrorMessage(e.code())).c_str(),
                 path.c_str(), e.has_index() ? std::strerror(static_cast<int>(e.index())) : "");
    return 1;
  }
  auto module = wasm::LoadModule(*bytes);
  if (!module) {
    const Error& e = module.error();
    std::fprintf(stderr, "%s:0x%x: %s\n", path.c_str(), e.offset(), e.Message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace runw::cli
