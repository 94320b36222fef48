// Scalar numerics (spec 4.3), checked against edge cases from the official testsuite:
// f32.wast/f64.wast, f32_bitwise.wast, float_misc.wast, conversions.wast, i32.wast, i64.wast.
// Floats are compared by bit pattern so -0/+0 and NaN payloads are told apart.
#include "wasm/numeric.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace runw::wasm::num {
namespace {

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInfD = std::numeric_limits<double>::infinity();

// nan, -nan and nan:0x200000 (a signalling NaN) as the testsuite writes them.
const float kNanF = FromBits<float>(0x7fc00000u);
const float kNegNanF = FromBits<float>(0xffc00000u);
const float kSNanF = FromBits<float>(0x7fa00000u);
const double kNanD = FromBits<double>(0x7ff8000000000000u);
const double kSNanD = FromBits<double>(0x7ff4000000000000u);  // nan:0x4000000000000

TEST(NumericTest, NaNClassification_MatchesTestsuiteCategories) {
  EXPECT_TRUE(IsCanonicalNaN(kNanF));
  EXPECT_TRUE(IsCanonicalNaN(kNegNanF));
  EXPECT_TRUE(IsArithmeticNaN(kNanF));
  EXPECT_FALSE(IsCanonicalNaN(kSNanF));
  EXPECT_FALSE(IsArithmeticNaN(kSNanF));
  EXPECT_TRUE(IsNaN(kSNanF));
  EXPECT_TRUE(IsArithmeticNaN(FromBits<float>(0x7fe00000u)));
  EXPECT_FALSE(IsNaN(kInfF));
  EXPECT_EQ(Bits(QuietNaN(kSNanF)), 0x7fe00000u);
  EXPECT_EQ(Bits(CanonicalNaN<double>()), 0x7ff8000000000000u);
  EXPECT_TRUE(IsCanonicalNaN(kNanD));
  EXPECT_FALSE(IsArithmeticNaN(kSNanD));
}

// f32.wast: min/max treat -0 as less than +0 in either operand order.
TEST(NumericTest, FMinFMax_SignedZeros) {
  EXPECT_EQ(Bits(FMin(-0.0f, 0.0f)), 0x80000000u);
  EXPECT_EQ(Bits(FMin(0.0f, -0.0f)), 0x80000000u);
  EXPECT_EQ(Bits(FMin(0.0f, 0.0f)), 0x00000000u);
  EXPECT_EQ(Bits(FMax(-0.0f, 0.0f)), 0x00000000u);
  EXPECT_EQ(Bits(FMax(0.0f, -0.0f)), 0x00000000u);
  EXPECT_EQ(Bits(FMax(-0.0f, -0.0f)), 0x80000000u);
  EXPECT_EQ(Bits(FMin(-0.0, 0.0)), 0x8000000000000000u);
  EXPECT_EQ(Bits(FMax(0.0, -0.0)), 0u);
}

TEST(NumericTest, FMinFMax_OrdinaryValues) {
  EXPECT_EQ(FMin(-0x1p-149f, 0.0f), -0x1p-149f);
  EXPECT_EQ(FMin(0.0f, 0x1p-149f), 0.0f);
  EXPECT_EQ(FMin(-kInfF, 0.0f), -kInfF);
  EXPECT_EQ(FMax(kInfF, -0x1.fffffep+127f), kInfF);
  EXPECT_EQ(FMax(0x1p-1f, -0x1p+0f), 0x1p-1f);
  EXPECT_EQ(FMin(-6.28318548202514648, 1.0), -6.28318548202514648);
}

// f32.wast: min(0, nan) is nan:canonical; min(0, nan:0x200000) is nan:arithmetic.
TEST(NumericTest, FMinFMax_NaNPropagates) {
  EXPECT_TRUE(IsCanonicalNaN(FMin(0.0f, kNanF)));
  EXPECT_TRUE(IsCanonicalNaN(FMin(kNegNanF, -0.0f)));
  EXPECT_TRUE(IsCanonicalNaN(FMax(kNanF, kInfF)));
  EXPECT_TRUE(IsCanonicalNaN(FMax(kNanF, kNegNanF)));
  EXPECT_TRUE(IsArithmeticNaN(FMin(0.0f, kSNanF)));
  EXPECT_TRUE(IsArithmeticNaN(FMax(kSNanF, 1.0f)));
  EXPECT_TRUE(IsCanonicalNaN(FMin(1.0, kNanD)));
  EXPECT_TRUE(IsArithmeticNaN(FMax(kSNanD, -kInfD)));
}

TEST(NumericTest, FPminFPmax_ReturnOperandUnchanged) {
  EXPECT_EQ(Bits(FPmin(kSNanF, 0.0f)), 0x7fa00000u);  // NaN first: returned as is
  EXPECT_EQ(FPmin(1.0f, kNanF), 1.0f);                // NaN second: ignored
  EXPECT_EQ(Bits(FPmin(0.0f, -0.0f)), 0u);            // neither is less: first operand
  EXPECT_EQ(Bits(FPmax(-0.0f, 0.0f)), 0x80000000u);
  EXPECT_EQ(FPmax(1.0, 2.0), 2.0);
  EXPECT_EQ(FPmin(1.0, 2.0), 1.0);
}

// float_misc.wast: ties go to even, and the sign of a zero result is kept.
TEST(NumericTest, FNearest_TiesToEven) {
  EXPECT_EQ(FNearest(4.5f), 4.0f);
  EXPECT_EQ(FNearest(-4.5f), -4.0f);
  EXPECT_EQ(FNearest(-3.5f), -4.0f);
  EXPECT_EQ(FNearest(2.5f), 2.0f);
  EXPECT_EQ(FNearest(1.5f), 2.0f);
  EXPECT_EQ(FNearest(4.5), 4.0);
  EXPECT_EQ(FNearest(-3.5), -4.0);
  EXPECT_EQ(Bits(FNearest(-0.5f)), 0x80000000u);
  EXPECT_EQ(Bits(FNearest(0.5f)), 0u);
  EXPECT_EQ(Bits(FNearest(-0.0)), 0x8000000000000000u);
}

// float_misc.wast "Test that nearest isn't implemented naively" (floor(x + 0.5) fails these).
TEST(NumericTest, FNearest_NotNaive) {
  EXPECT_EQ(FNearest(0x1.fffffep-2f), 0.0f);
  EXPECT_EQ(FNearest(0x1.fffffffffffffp-2), 0.0);
  EXPECT_EQ(FNearest(0x1.000002p+23f), 0x1.000002p+23f);
  EXPECT_EQ(FNearest(0x1.000004p+23f), 0x1.000004p+23f);
  EXPECT_EQ(FNearest(0x1.fffffep+47f), 0x1.fffffep+47f);
  EXPECT_EQ(FNearest(0x1.0000000000001p+52), 0x1.0000000000001p+52);
  EXPECT_EQ(FNearest(0x1.fffffffffffffp+105), 0x1.fffffffffffffp+105);
}

// float_misc.wast: the largest magnitudes for which nearest is not the identity.
TEST(NumericTest, FNearest_LargestNonIntegers) {
  EXPECT_EQ(FNearest(-0x1.fffffep+22f), -0x1p+23f);
  EXPECT_EQ(FNearest(0x1.fffffep+22f), 0x1p+23f);
  EXPECT_EQ(FNearest(-0x1.fffffffffffffp+51), -0x1p+52);
  EXPECT_EQ(FNearest(0x1.fffffffffffffp+51), 0x1p+52);
}

// f32.wast: ceil(-0.5) = -0, floor(-0.5) = -1, ceil(0x1p-149) = 1, trunc keeps the sign.
TEST(NumericTest, FCeilFloorTrunc_SignsAndSmallValues) {
  EXPECT_EQ(Bits(FCeil(-0x1p-1f)), 0x80000000u);
  EXPECT_EQ(FCeil(0x1p-149f), 1.0f);
  EXPECT_EQ(FFloor(-0x1p-1f), -1.0f);
  EXPECT_EQ(Bits(FFloor(0x1p-1f)), 0u);
  EXPECT_EQ(Bits(FTrunc(-0x1p-1f)), 0x80000000u);
  EXPECT_EQ(FTrunc(-0x1.921fb6p+2f), -6.0f);
  EXPECT_EQ(FCeil(-0x1.921fb6p+2f), -6.0f);
  EXPECT_EQ(FFloor(-0x1.921fb6p+2f), -7.0f);
  EXPECT_EQ(FCeil(0x1.fffffep+22f), 0x1p+23f);
  EXPECT_EQ(FFloor(-0x1.fffffep+22f), -0x1p+23f);
  EXPECT_EQ(FCeil(0x1.fffffep+127f), 0x1.fffffep+127f);
  EXPECT_EQ(FFloor(-kInfF), -kInfF);
  EXPECT_EQ(FCeil(-0x1.fffffffffffffp+51), -0x1.ffffffffffffep+51);
  EXPECT_EQ(FFloor(0x1.fffffffffffffp+51), 0x1.ffffffffffffep+51);
  EXPECT_EQ(Bits(FTrunc(-0x0.0000000000001p-1022)), 0x8000000000000000u);
}

// f32.wast: ceil/floor/trunc/nearest of nan:0x200000 is nan:arithmetic.
TEST(NumericTest, FRounding_QuietsSignallingNaN) {
  EXPECT_EQ(Bits(FCeil(kSNanF)), 0x7fe00000u);
  EXPECT_EQ(Bits(FFloor(kSNanF)), 0x7fe00000u);
  EXPECT_EQ(Bits(FTrunc(kSNanF)), 0x7fe00000u);
  EXPECT_EQ(Bits(FNearest(kSNanF)), 0x7fe00000u);
  EXPECT_TRUE(IsCanonicalNaN(FNearest(kNegNanF)));
  EXPECT_TRUE(IsArithmeticNaN(FCeil(kSNanD)));
  EXPECT_TRUE(IsCanonicalNaN(FFloor(kNanD)));
}

TEST(NumericTest, FSqrt_SpecialValues) {
  EXPECT_EQ(Bits(FSqrt(-0.0f)), 0x80000000u);
  EXPECT_EQ(FSqrt(0x1p-149f), 0x1.6a09e6p-75f);  // f32.wast
  EXPECT_TRUE(IsNaN(FSqrt(-1.0f)));
  EXPECT_TRUE(IsArithmeticNaN(FSqrt(kSNanD)));
  EXPECT_EQ(FSqrt(kInfD), kInfD);
}

// f32_bitwise.wast: abs/neg/copysign keep NaN payloads bit for bit, signalling or not.
TEST(NumericTest, FAbsFNegFCopysign_PreserveNaNPayload) {
  EXPECT_EQ(Bits(FAbs(FromBits<float>(0xffa00000u))), 0x7fa00000u);
  EXPECT_EQ(Bits(FNeg(kSNanF)), 0xffa00000u);
  EXPECT_EQ(Bits(FNeg(kNanF)), 0xffc00000u);
  EXPECT_EQ(Bits(FCopysign(kSNanF, -1.0f)), 0xffa00000u);
  EXPECT_EQ(Bits(FAbs(FromBits<double>(0xfff4000000000000u))), 0x7ff4000000000000u);
  EXPECT_EQ(Bits(FNeg(0.0)), 0x8000000000000000u);
}

// f32_bitwise.wast: copysign takes the sign bit of a NaN too.
TEST(NumericTest, FCopysign_SignFromNaN) {
  EXPECT_EQ(Bits(FCopysign(0x1p-149f, kNegNanF)), 0x80000001u);
  EXPECT_EQ(Bits(FCopysign(-0x1p-149f, kNanF)), 0x00000001u);
  EXPECT_EQ(Bits(FCopysign(-0.0f, kNanF)), 0u);
  EXPECT_EQ(FCopysign(2.0, -0.0), -2.0);
}

// conversions.wast i32.trunc_f32_s.
TEST(NumericTest, Trunc_I32FromF32Boundaries) {
  int32_t out = 0;
  EXPECT_EQ(Trunc(-2147483648.0f, &out), TruncResult::kOk);
  EXPECT_EQ(out, std::numeric_limits<int32_t>::min());
  EXPECT_EQ(Trunc(2147483520.0f, &out), TruncResult::kOk);
  EXPECT_EQ(out, 2147483520);
  EXPECT_EQ(Trunc(-1.9f, &out), TruncResult::kOk);
  EXPECT_EQ(out, -1);
  EXPECT_EQ(Trunc(-0x1p-149f, &out), TruncResult::kOk);
  EXPECT_EQ(out, 0);
  EXPECT_EQ(Trunc(2147483648.0f, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(-2147483904.0f, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(kInfF, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(-kInfF, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(kNanF, &out), TruncResult::kInvalidConversion);
  EXPECT_EQ(Trunc(FromBits<float>(0xffa00000u), &out), TruncResult::kInvalidConversion);
}

// conversions.wast i32.trunc_f64_s: fractions just past the limits still truncate in range.
TEST(NumericTest, Trunc_I32FromF64Boundaries) {
  int32_t out = 0;
  EXPECT_EQ(Trunc(-2147483648.9, &out), TruncResult::kOk);
  EXPECT_EQ(out, std::numeric_limits<int32_t>::min());
  EXPECT_EQ(Trunc(2147483647.9, &out), TruncResult::kOk);
  EXPECT_EQ(out, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(Trunc(-2147483649.0, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(2147483648.0, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(kSNanD, &out), TruncResult::kInvalidConversion);
}

// conversions.wast i32.trunc_f32_u / i32.trunc_f64_u: -1 < x is the lower bound.
TEST(NumericTest, Trunc_U32Boundaries) {
  uint32_t out = 1;
  EXPECT_EQ(Trunc(-0x1.fffffep-1f, &out), TruncResult::kOk);
  EXPECT_EQ(out, 0u);
  EXPECT_EQ(Trunc(4294967040.0f, &out), TruncResult::kOk);
  EXPECT_EQ(out, 0xffffff00u);
  EXPECT_EQ(Trunc(2147483648.0f, &out), TruncResult::kOk);
  EXPECT_EQ(out, 0x80000000u);
  EXPECT_EQ(Trunc(-1.0f, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(4294967296.0f, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(-0.9, &out), TruncResult::kOk);
  EXPECT_EQ(out, 0u);
  EXPECT_EQ(Trunc(4294967295.9, &out), TruncResult::kOk);
  EXPECT_EQ(out, 0xffffffffu);
  EXPECT_EQ(Trunc(4294967296.0, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(-1.0, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(1e16, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(9223372036854775808.0, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(-kNanD, &out), TruncResult::kInvalidConversion);
}

// conversions.wast i64.trunc_f32_s / i64.trunc_f64_s.
TEST(NumericTest, Trunc_I64Boundaries) {
  int64_t out = 0;
  EXPECT_EQ(Trunc(9223371487098961920.0f, &out), TruncResult::kOk);
  EXPECT_EQ(out, 9223371487098961920);
  EXPECT_EQ(Trunc(-9223372036854775808.0f, &out), TruncResult::kOk);
  EXPECT_EQ(out, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Trunc(-4294967296.0f, &out), TruncResult::kOk);
  EXPECT_EQ(out, -4294967296);
  EXPECT_EQ(Trunc(9223372036854775808.0f, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(-9223373136366403584.0f, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(9223372036854774784.0, &out), TruncResult::kOk);
  EXPECT_EQ(out, 9223372036854774784);
  EXPECT_EQ(Trunc(-9223372036854775808.0, &out), TruncResult::kOk);
  EXPECT_EQ(out, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Trunc(9223372036854775808.0, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(-9223372036854777856.0, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(-kInfD, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(kNanD, &out), TruncResult::kInvalidConversion);
}

// conversions.wast i64.trunc_f32_u / i64.trunc_f64_u.
TEST(NumericTest, Trunc_U64Boundaries) {
  uint64_t out = 1;
  EXPECT_EQ(Trunc(18446742974197923840.0f, &out), TruncResult::kOk);
  EXPECT_EQ(out, 0xffffff0000000000u);
  EXPECT_EQ(Trunc(-0x1.fffffep-1f, &out), TruncResult::kOk);
  EXPECT_EQ(out, 0u);
  EXPECT_EQ(Trunc(18446744073709551616.0f, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(-1.0f, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(18446744073709549568.0, &out), TruncResult::kOk);
  EXPECT_EQ(out, 0xfffffffffffff800u);
  EXPECT_EQ(Trunc(-0x1.fffffffffffffp-1, &out), TruncResult::kOk);
  EXPECT_EQ(out, 0u);
  EXPECT_EQ(Trunc(18446744073709551616.0, &out), TruncResult::kOverflow);
  EXPECT_EQ(Trunc(kSNanD, &out), TruncResult::kInvalidConversion);
}

TEST(NumericTest, Trunc_LeavesOutputUntouchedOnTrap) {
  int32_t out = 42;
  EXPECT_EQ(Trunc(kNanF, &out), TruncResult::kInvalidConversion);
  EXPECT_EQ(Trunc(3e9, &out), TruncResult::kOverflow);
  EXPECT_EQ(out, 42);
}

// conversions.wast i32/i64.trunc_sat_*: NaN gives 0, out-of-range values clamp.
TEST(NumericTest, TruncSat_ClampsAndZeroesNaN) {
  EXPECT_EQ(TruncSat<int32_t>(2147483648.0f), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(TruncSat<int32_t>(-2147483904.0f), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(TruncSat<int32_t>(-2147483648.0f), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(TruncSat<int32_t>(kInfF), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(TruncSat<int32_t>(-kInfF), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(TruncSat<int32_t>(kNanF), 0);
  EXPECT_EQ(TruncSat<int32_t>(kNegNanF), 0);
  EXPECT_EQ(TruncSat<int32_t>(-2147483648.9), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(TruncSat<int32_t>(-2147483649.0), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(TruncSat<uint32_t>(-1.0f), 0u);
  EXPECT_EQ(TruncSat<uint32_t>(-0x1.fffffep-1f), 0u);
  EXPECT_EQ(TruncSat<uint32_t>(4294967296.0f), 0xffffffffu);
  EXPECT_EQ(TruncSat<uint32_t>(4294967295.9), 0xffffffffu);
  EXPECT_EQ(TruncSat<uint32_t>(1e30), 0xffffffffu);
  EXPECT_EQ(TruncSat<uint32_t>(kSNanD), 0u);
  EXPECT_EQ(TruncSat<int64_t>(9223372036854775808.0f), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(TruncSat<int64_t>(-9223372036854777856.0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(TruncSat<uint64_t>(18446744073709551616.0), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(TruncSat<uint64_t>(-kInfD), 0u);
  EXPECT_EQ(TruncSat<uint64_t>(18446742974197923840.0f), 0xffffff0000000000u);
}

// conversions.wast f32.convert_i64_s/u: one correctly rounded step, not via f64.
TEST(NumericTest, ConvertI64ToF32_RoundsOnce) {
  EXPECT_EQ(ConvertS<float>(uint64_t{0x7fffff4000000001u}), 0x1.fffffep+62f);
  EXPECT_EQ(ConvertS<float>(uint64_t{0x8000004000000001u}), -0x1.fffffep+62f);
  EXPECT_EQ(ConvertS<float>(int64_t{0x0020000020000001}), 0x1.000002p+53f);
  EXPECT_EQ(ConvertS<float>(uint64_t{0xffdfffffdfffffffu}), -0x1.000002p+53f);
  EXPECT_EQ(ConvertS<float>(int64_t{16777217}), 16777216.0f);
  EXPECT_EQ(ConvertS<float>(int64_t{-16777219}), -16777220.0f);
  EXPECT_EQ(ConvertU<float>(uint64_t{0x8000008000000001u}), 0x1.000002p+63f);
  EXPECT_EQ(ConvertU<float>(uint64_t{0xfffffe8000000001u}), 0x1.fffffep+63f);
  EXPECT_EQ(ConvertU<float>(uint64_t{0x7fffffbfffffffffu}), 0x1.fffffep+62f);
  EXPECT_EQ(ConvertU<float>(int64_t{-1}), 18446744073709551616.0f);
  EXPECT_EQ(ConvertU<float>(uint64_t{0x8000000000000000u}), 9223372036854775808.0f);
}

// conversions.wast f64.convert_i64_s/u.
TEST(NumericTest, ConvertI64ToF64_RoundsToNearestEven) {
  EXPECT_EQ(ConvertU<double>(uint64_t{0x8000000000000400u}), 0x1.0000000000000p+63);
  EXPECT_EQ(ConvertU<double>(uint64_t{0x8000000000000401u}), 0x1.0000000000001p+63);
  EXPECT_EQ(ConvertU<double>(uint64_t{0xfffffffffffff400u}), 0x1.ffffffffffffep+63);
  EXPECT_EQ(ConvertU<double>(uint64_t{0xfffffffffffff401u}), 0x1.fffffffffffffp+63);
  EXPECT_EQ(ConvertU<double>(uint64_t{0xffffffffffffffffu}), 18446744073709551616.0);
  EXPECT_EQ(ConvertS<double>(int64_t{9007199254740993}), 9007199254740992.0);
  EXPECT_EQ(ConvertS<double>(int64_t{-9007199254740995}), -9007199254740996.0);
  EXPECT_EQ(ConvertS<double>(uint64_t{0x8000000000000000u}), -9223372036854775808.0);
}

// conversions.wast f32/f64.convert_i32_s/u.
TEST(NumericTest, ConvertI32_SignednessFromInstruction) {
  EXPECT_EQ(ConvertU<float>(uint32_t{0x80000080u}), 0x1.000000p+31f);
  EXPECT_EQ(ConvertU<float>(uint32_t{0x80000081u}), 0x1.000002p+31f);
  EXPECT_EQ(ConvertU<float>(uint32_t{0xfffffe80u}), 0x1.fffffcp+31f);
  EXPECT_EQ(ConvertU<float>(uint32_t{0xffffffffu}), 4294967296.0f);
  EXPECT_EQ(ConvertS<float>(uint32_t{0xffffffffu}), -1.0f);
  EXPECT_EQ(ConvertS<float>(int32_t{16777217}), 16777216.0f);
  EXPECT_EQ(ConvertU<double>(int32_t{-1}), 4294967295.0);
  EXPECT_EQ(ConvertS<double>(uint32_t{0x80000000u}), -2147483648.0);
}

// conversions.wast f32.demote_f64: round to nearest even, overflow to inf, subnormals.
TEST(NumericTest, Demote_RoundsToNearestEven) {
  EXPECT_EQ(Demote(0x1.0000010000000p+0), 1.0f);
  EXPECT_EQ(Demote(0x1.0000010000001p+0), 0x1.000002p+0f);
  EXPECT_EQ(Demote(0x1.0000030000000p+0), 0x1.000004p+0f);
  EXPECT_EQ(Demote(0x1.0000050000000p+0), 0x1.000004p+0f);
  EXPECT_EQ(Demote(0x1.fffffefffffffp+127), 0x1.fffffep+127f);
  EXPECT_EQ(Demote(0x1.ffffffp+127), kInfF);
  EXPECT_EQ(Demote(-0x1.ffffffp+127), -kInfF);
  EXPECT_EQ(Demote(0x1.fffffe0000000p-127), 0x1p-126f);
  EXPECT_EQ(Demote(0x1.0000000000001p-150), 0x1p-149f);
  EXPECT_EQ(Bits(Demote(0x1.0p-150)), 0u);
  EXPECT_EQ(Bits(Demote(-0x1p-1022)), 0x80000000u);
  EXPECT_EQ(Bits(Demote(-0.0)), 0x80000000u);
}

// conversions.wast: demote/promote of nan is nan:canonical, of nan:0x4000000000000 (and
// nan:0x200000) nan:arithmetic.
TEST(NumericTest, DemotePromote_NaNs) {
  EXPECT_TRUE(IsCanonicalNaN(Demote(kNanD)));
  EXPECT_TRUE(IsCanonicalNaN(Demote(-kNanD)));
  EXPECT_TRUE(IsArithmeticNaN(Demote(kSNanD)));
  EXPECT_TRUE(IsArithmeticNaN(Demote(FNeg(kSNanD))));
  EXPECT_EQ(Bits(Demote(FNeg(kSNanD))), 0xffe00000u);  // sign and top payload bits kept
  EXPECT_TRUE(IsCanonicalNaN(Promote(kNanF)));
  EXPECT_TRUE(IsCanonicalNaN(Promote(kNegNanF)));
  EXPECT_TRUE(IsArithmeticNaN(Promote(kSNanF)));
  EXPECT_EQ(Bits(Promote(kSNanF)), 0x7ffc000000000000u);
}

TEST(NumericTest, Promote_Exact) {
  EXPECT_EQ(Promote(0x1p-149f), 0x1p-149);
  EXPECT_EQ(Promote(-0x1.fffffep+127f), -0x1.fffffep+127);
  EXPECT_EQ(Promote(0x1.8f867ep+125f), 6.6382536710104395e+37);
  EXPECT_EQ(Bits(Promote(-0.0f)), 0x8000000000000000u);
  EXPECT_EQ(Promote(-kInfF), -kInfD);
}

// i32.wast/i64.wast: counts of zero operands are the full width.
TEST(NumericTest, ClzCtzPopcnt_EdgeValues) {
  EXPECT_EQ(Clz(uint32_t{0}), 32u);
  EXPECT_EQ(Clz(uint32_t{0x00008000}), 16u);
  EXPECT_EQ(Clz(int32_t{-1}), 0);
  EXPECT_EQ(Ctz(uint32_t{0}), 32u);
  EXPECT_EQ(Ctz(uint32_t{0x80000000u}), 31u);
  EXPECT_EQ(Popcnt(uint32_t{0xffffffffu}), 32u);
  EXPECT_EQ(Popcnt(uint32_t{0xAAAA5555u}), 16u);
  EXPECT_EQ(Clz(uint64_t{0}), 64u);
  EXPECT_EQ(Ctz(uint64_t{0x0000000100000000u}), 32u);
  EXPECT_EQ(Popcnt(int64_t{-1}), 64);
}

// i32.wast: shift counts are taken modulo 32 (64 for i64).
TEST(NumericTest, Shifts_CountModuloWidth) {
  EXPECT_EQ(Shl(uint32_t{1}, uint32_t{32}), 1u);
  EXPECT_EQ(Shl(uint32_t{1}, uint32_t{31}), 0x80000000u);
  EXPECT_EQ(Shl(uint32_t{1}, uint32_t{0xffffffffu}), 0x80000000u);
  EXPECT_EQ(ShrS(uint32_t{0x80000000u}, uint32_t{31}), 0xffffffffu);
  EXPECT_EQ(ShrS(int32_t{-1}, int32_t{32}), -1);
  EXPECT_EQ(ShrS(uint32_t{0x40000000u}, uint32_t{33}), 0x20000000u);
  EXPECT_EQ(ShrU(uint32_t{0xffffffffu}, uint32_t{33}), 0x7fffffffu);
  EXPECT_EQ(ShrU(int32_t{-1}, int32_t{-1}), 1);
  EXPECT_EQ(Shl(uint64_t{1}, uint64_t{64}), 1u);
  EXPECT_EQ(ShrS(uint64_t{0x8000000000000000u}, uint64_t{127}), 0xffffffffffffffffu);
  EXPECT_EQ(ShrU(uint64_t{0x8000000000000000u}, uint64_t{65}), 0x4000000000000000u);
}

// i32.wast/i64.wast rotl/rotr.
TEST(NumericTest, Rotates_CountModuloWidth) {
  EXPECT_EQ(Rotl(uint32_t{1}, uint32_t{32}), 1u);
  EXPECT_EQ(Rotl(uint32_t{0xfe00dc00u}, uint32_t{4}), 0xe00dc00fu);
  EXPECT_EQ(Rotl(uint32_t{0xabcd9876u}, uint32_t{1}), 0x579b30edu);
  EXPECT_EQ(Rotl(uint32_t{1}, uint32_t{0xffffffffu}), 0x80000000u);
  EXPECT_EQ(Rotr(uint32_t{0xb0c1d2e3u}, uint32_t{0x0005}), 0x1d860e97u);
  EXPECT_EQ(Rotr(uint32_t{0xb0c1d2e3u}, uint32_t{0xff05}), 0x1d860e97u);
  EXPECT_EQ(Rotr(uint32_t{1}, uint32_t{0xffffffffu}), 2u);
  EXPECT_EQ(Rotl(uint64_t{0xabd1234ef567809cu}, uint64_t{63}), 0x55e891a77ab3c04eu);
  EXPECT_EQ(Rotr(uint64_t{1}, uint64_t{64}), 1u);
  EXPECT_EQ(Rotl(int64_t{1}, int64_t{-1}), std::numeric_limits<int64_t>::min());
}

// i32.wast: div_s overflow and divide-by-zero trap; rem_s of INT_MIN by -1 is 0.
TEST(NumericTest, DivRemS_IntMinAndZero) {
  int32_t q = 7;
  EXPECT_EQ(DivS(std::numeric_limits<int32_t>::min(), -1, &q), DivResult::kOverflow);
  EXPECT_EQ(DivS(1, 0, &q), DivResult::kDivideByZero);
  EXPECT_EQ(DivS(0, 0, &q), DivResult::kDivideByZero);
  EXPECT_EQ(q, 7);
  EXPECT_EQ(DivS(-7, 2, &q), DivResult::kOk);
  EXPECT_EQ(q, -3);
  EXPECT_EQ(DivS(std::numeric_limits<int32_t>::min(), 2, &q), DivResult::kOk);
  EXPECT_EQ(q, -0x40000000);
  EXPECT_EQ(RemS(std::numeric_limits<int32_t>::min(), -1, &q), DivResult::kOk);
  EXPECT_EQ(q, 0);
  EXPECT_EQ(RemS(-7, 2, &q), DivResult::kOk);
  EXPECT_EQ(q, -1);
  EXPECT_EQ(RemS(7, -3, &q), DivResult::kOk);
  EXPECT_EQ(q, 1);
  EXPECT_EQ(RemS(1, 0, &q), DivResult::kDivideByZero);

  uint64_t r = 0;  // unsigned storage, signed interpretation
  EXPECT_EQ(DivS(uint64_t{0x8000000000000000u}, ~uint64_t{0}, &r), DivResult::kOverflow);
  EXPECT_EQ(RemS(uint64_t{0x8000000000000000u}, ~uint64_t{0}, &r), DivResult::kOk);
  EXPECT_EQ(r, 0u);
  EXPECT_EQ(DivS(uint64_t{0x8000000000000000u}, uint64_t{2}, &r), DivResult::kOk);
  EXPECT_EQ(r, 0xc000000000000000u);
}

TEST(NumericTest, DivRemU_UnsignedInterpretation) {
  int32_t q = 0;
  EXPECT_EQ(DivU(-1, 2, &q), DivResult::kOk);  // 0xffffffff / 2
  EXPECT_EQ(q, 0x7fffffff);
  EXPECT_EQ(DivU(std::numeric_limits<int32_t>::min(), -1, &q), DivResult::kOk);
  EXPECT_EQ(q, 0);
  EXPECT_EQ(RemU(std::numeric_limits<int32_t>::min(), -1, &q), DivResult::kOk);
  EXPECT_EQ(q, std::numeric_limits<int32_t>::min());
  EXPECT_EQ(RemU(-5, 3, &q), DivResult::kOk);  // 4294967291 % 3
  EXPECT_EQ(q, 2);
  EXPECT_EQ(DivU(5, 0, &q), DivResult::kDivideByZero);
  uint64_t r = 0;
  EXPECT_EQ(RemU(uint64_t{0x8ff00ff00ff00ff0u}, uint64_t{0x100000001u}, &r), DivResult::kOk);
  EXPECT_EQ(r, 0x80000001u);
  EXPECT_EQ(RemU(uint64_t{1}, uint64_t{0}, &r), DivResult::kDivideByZero);
}

// i32.wast/i64.wast extend8_s, extend16_s, extend32_s: only the low bits matter.
TEST(NumericTest, ExtendS_SignExtendsLowBits) {
  EXPECT_EQ(Extend8S(uint32_t{0x80}), 0xffffff80u);
  EXPECT_EQ(Extend8S(uint32_t{0x7f}), 0x7fu);
  EXPECT_EQ(Extend8S(uint32_t{0x01234580}), 0xffffff80u);
  EXPECT_EQ(Extend8S(uint32_t{0xfedcba00u}), 0u);
  EXPECT_EQ(Extend16S(uint32_t{0x8000}), 0xffff8000u);
  EXPECT_EQ(Extend16S(uint32_t{0x12347fffu}), 0x7fffu);
  EXPECT_EQ(Extend8S(uint64_t{0xfedcba9876543280u}), 0xffffffffffffff80u);
  EXPECT_EQ(Extend16S(int64_t{0x8000}), -0x8000);
  EXPECT_EQ(Extend32S(uint64_t{0x80000000u}), 0xffffffff80000000u);
  EXPECT_EQ(Extend32S(uint64_t{0x0123456700000000u}), 0u);
  EXPECT_EQ(Extend32S(int64_t{0x7fffffff}), 0x7fffffff);
}

TEST(NumericTest, Helpers_UsableInConstantExpressions) {
  static_assert(FMin(-0.0f, 0.0f) == 0.0f && Bits(FMin(-0.0f, 0.0f)) == 0x80000000u);
  static_assert(FNearest(2.5) == 2.0);
  static_assert(TruncSat<int32_t>(1e10f) == std::numeric_limits<int32_t>::max());
  static_assert(Rotl(uint32_t{0x80000001u}, uint32_t{1}) == 3u);
  SUCCEED();
}

}  // namespace
}  // namespace runw::wasm::num
