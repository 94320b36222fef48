// The error value shared by every layer below the CLI.
//
// An Error is 16 bytes and trivially copyable: a code from errors.def (which fixes
// its phase and message), the byte offset in the input where it was found, and an
// optional index that the message names ("unknown global 3"). Fallible functions
// return Result<T> = std::expected<T, Error>; nothing below the CLI throws.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace runw {

enum class ErrorPhase : uint8_t { kIo, kDecode, kValidate };

enum class ErrorCode : uint16_t {
#define RUNW_ERROR(name, phase, message) k##name,
#include "base/errors.def"
#undef RUNW_ERROR
};

/// The message the spec testsuite expects for `code`, without offset or index.
std::string_view ErrorMessage(ErrorCode code);
/// Whether `code` reports a malformed binary, an invalid module, or an I/O failure.
ErrorPhase PhaseOf(ErrorCode code);

class Error {
 public:
  static constexpr uint32_t kNoIndex = UINT32_MAX;

  constexpr Error(ErrorCode code, uint32_t offset, uint32_t index = kNoIndex)
      : code_(code), offset_(offset), index_(index) {}

  constexpr ErrorCode code() const { return code_; }
  constexpr uint32_t offset() const { return offset_; }
  constexpr bool has_index() const { return index_ != kNoIndex; }
  constexpr uint32_t index() const { return index_; }
  ErrorPhase phase() const { return PhaseOf(code_); }

  /// The message with its index, if any: "unknown global 3".
  std::string Message() const;

 private:
  ErrorCode code_;
  uint32_t offset_;
  uint32_t index_;
};
static_assert(sizeof(Error) <= 16, "Error travels by value through every layer");

template <typename T>
using Result = std::expected<T, Error>;

/// Shorthand for returning an error from a function that returns Result<T>.
inline std::unexpected<Error> Fail(ErrorCode code, uint32_t offset,
                                   uint32_t index = Error::kNoIndex) {
  return std::unexpected(Error(code, offset, index));
}

}  // namespace runw

/// Evaluates `expr` (a Result); on error returns it from the enclosing function,
/// otherwise yields the value. Written as a GNU statement expression, which both
/// g++ and clang accept.
#define RUNW_TRY(expr)                                  \
  ({                                                    \
    auto runw_try_result_ = (expr);                     \
    if (!runw_try_result_) [[unlikely]]                 \
      return std::unexpected(runw_try_result_.error()); \
    std::move(*runw_try_result_);                       \
  })

/// Like RUNW_TRY for a Result<void>.
#define RUNW_CHECK(expr)                                  \
  do {                                                    \
    auto runw_check_result_ = (expr);                     \
    if (!runw_check_result_) [[unlikely]]                 \
      return std::unexpected(runw_check_result_.error()); \
  } while (0)
