#include "base/error.h"

#include <array>

namespace runw {
namespace {

struct ErrorInfo {
  ErrorPhase phase;
  std::string_view message;
};

constexpr std::array kErrorInfo = {
#define RUNW_ERROR(name, phase, message) ErrorInfo{ErrorPhase::phase, message},
#include "base/errors.def"
#undef RUNW_ERROR
};

}  // namespace

std::string_view ErrorMessage(ErrorCode code) {
  return kErrorInfo[static_cast<size_t>(code)].message;
}

ErrorPhase PhaseOf(ErrorCode code) {
  return kErrorInfo[static_cast<size_t>(code)].phase;
}

std::string Error::Message() const {
  std::string text(ErrorMessage(code_));
  if (has_index()) {
    text += ' ';
    text += std::to_string(index_);
  }
  return text;
}

}  // namespace runw
