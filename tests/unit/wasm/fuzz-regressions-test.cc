// Inputs found by the decode+validate fuzzer (tests/fuzz/decode-validate-fuzz.cc),
// minimized, with the result the decoder and validator must give for them.
//
// Each test embeds its bytes as source so that no binary is committed; the comment
// above each array is the module in text form, as far as it has one. Tests are named
// FuzzRegressionTest.Issue_<what went wrong>.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>

#include "base/error.h"
#include "test-support.h"
#include "wasm/decoder.h"
#include "wasm/lower.h"
#include "wasm/validator.h"

namespace runw::wasm {
namespace {

using runw::test::FailsWith;
using runw::test::Succeeds;

// An `else` inside a `block` or `loop` is malformed: the reference decoder stops a
// block's instructions at the `else` byte and then requires `end` ("END opcode
// expected"). Malformed code outranks invalid code, but when the `block` itself failed
// validation (here: its block type names type 5 of 1), the validator opened the failed
// instruction's frame as an `if` frame, accepted the `else` and reported the validation
// error instead. Decoding alone rejects the `else`.
//
//   (type (func)) (func (type 0)  block (type 5) else end end)
TEST(FuzzRegressionTest, Issue_ElseAfterInvalidBlockAccepted) {
  static constexpr uint8_t kModule[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,              // type section: (func)
      0x03, 0x02, 0x01, 0x00,                          // function section: type 0
      0x0a, 0x08, 0x01, 0x06, 0x00,                    // code section, body of 6, no locals
      0x02, 0x05,                                      // 0x17: block (type 5)
      0x05,                                            // 0x19: else
      0x0b, 0x0b,                                      // end end
  };
  EXPECT_TRUE(FailsWith(LoadModule(kModule), ErrorCode::kEndOpcodeExpected, 0x19));
}

// The same for a `loop` whose block type is invalid.
TEST(FuzzRegressionTest, Issue_ElseAfterInvalidLoopAccepted) {
  static constexpr uint8_t kModule[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,              // type section: (func)
      0x03, 0x02, 0x01, 0x00,                          // function section: type 0
      0x0a, 0x08, 0x01, 0x06, 0x00,                    // code section, body of 6, no locals
      0x03, 0x05,                                      // 0x17: loop (type 5)
      0x05,                                            // 0x19: else
      0x0b, 0x0b,                                      // end end
  };
  EXPECT_TRUE(FailsWith(LoadModule(kModule), ErrorCode::kEndOpcodeExpected, 0x19));
}

// Control: the `else` of an `if` whose block type is invalid is well-formed, so the
// validation error stands.
TEST(FuzzRegressionTest, Issue_ElseAfterInvalidIfStillWellFormed) {
  static constexpr uint8_t kModule[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,              // type section: (func)
      0x03, 0x02, 0x01, 0x00,                          // function section: type 0
      0x0a, 0x0a, 0x01, 0x08, 0x00,                    // code section, body of 8, no locals
      0x41, 0x00,                                      // i32.const 0
      0x04, 0x05,                                      // 0x19: if (type 5)
      0x05,                                            // else
      0x0b, 0x0b,                                      // end end
  };
  EXPECT_TRUE(FailsWith(LoadModule(kModule), ErrorCode::kUnknownType, 0x19));
}

// CompileModule (the interpreter's validate-and-lower pass) returned an invalid
// declaration's error at once, while ValidateModule first looks for a malformed body,
// which outranks it; so the two disagreed about the same module. Here function 0
// names type 0 of none (invalid) and its body is the illegal opcode 0xff (malformed).
TEST(FuzzRegressionTest, Issue_CompileModuleHidesMalformedBodyBehindInvalidDeclaration) {
  static constexpr uint8_t kModule[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
      0x03, 0x02, 0x01, 0x00,                          // function section: type 0 (no types)
      0x0a, 0x04, 0x01, 0x02, 0x00,                    // code section, body of 2, no locals
      0xff,                                            // 0x11: illegal opcode
  };
  auto module = DecodeModule(kModule);
  ASSERT_TRUE(Succeeds(module));
  EXPECT_TRUE(FailsWith(ValidateModule(*module), ErrorCode::kIllegalOpcode, 0x11));
  EXPECT_TRUE(FailsWith(CompileModule(*module), ErrorCode::kIllegalOpcode, 0x11));
}

}  // namespace
}  // namespace runw::wasm
