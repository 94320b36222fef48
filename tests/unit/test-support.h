// Assertion helpers shared by the unit tests.
//
// Every fallible function returns Result<T>; a test almost always wants to say
// "this failed with exactly this code at exactly this offset" or "this succeeded",
// and to see the error's name (not its enum value) when that is not so.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include "base/error.h"

namespace runw {

/// The enumerator's name, "kTypeMismatch", for failure messages.
inline std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
#define RUNW_ERROR(name, phase, message) \
  case ErrorCode::k##name:               \
    return "k" #name;
#include "base/errors.def"
#undef RUNW_ERROR
  }
  return "<unknown ErrorCode>";
}

/// Every error code, in errors.def order.
inline constexpr ErrorCode kAllErrorCodes[] = {
#define RUNW_ERROR(name, phase, message) ErrorCode::k##name,
#include "base/errors.def"
#undef RUNW_ERROR
};

// Found by argument-dependent lookup, so gtest prints codes and errors readably.
inline void PrintTo(ErrorCode code, std::ostream* os) {
  *os << ErrorCodeName(code);
}
inline void PrintTo(ErrorPhase phase, std::ostream* os) {
  switch (phase) {
    case ErrorPhase::kIo:
      *os << "kIo";
      return;
    case ErrorPhase::kDecode:
      *os << "kDecode";
      return;
    case ErrorPhase::kValidate:
      *os << "kValidate";
      return;
  }
  *os << "<unknown ErrorPhase>";
}
inline void PrintTo(const Error& e, std::ostream* os) {
  *os << ErrorCodeName(e.code()) << " at 0x" << std::hex << e.offset() << std::dec << " (\""
      << e.Message() << "\")";
}

namespace test {

inline std::string ToHex(uint32_t v) {
  std::ostringstream os;
  os << std::hex << v;
  return os.str();
}

inline std::string Describe(const Error& e) {
  std::ostringstream os;
  PrintTo(e, &os);
  return os.str();
}

/// Passes when `r` failed with `code` and, if given, at byte `offset`.
template <typename T>
::testing::AssertionResult FailsWith(const Result<T>& r, ErrorCode code,
                                     std::optional<uint32_t> offset = std::nullopt) {
  if (r) {
    return ::testing::AssertionFailure() << "succeeded, expected " << ErrorCodeName(code)
                                         << (offset ? " at 0x" + ToHex(*offset) : std::string());
  }
  const Error& e = r.error();
  if (e.code() != code || (offset && e.offset() != *offset)) {
    return ::testing::AssertionFailure()
           << "failed with " << Describe(e) << ", expected " << ErrorCodeName(code)
           << (offset ? " at 0x" + ToHex(*offset) : std::string());
  }
  return ::testing::AssertionSuccess();
}

/// Passes when `r` holds a value; otherwise shows the error.
template <typename T>
::testing::AssertionResult Succeeds(const Result<T>& r) {
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "failed with " << Describe(r.error());
}

}  // namespace test
}  // namespace runw
