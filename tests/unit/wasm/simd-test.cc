// Vector instructions (spec 4.4.3), checked against edge cases from the official testsuite
// simd_*.wast files. Float lanes are compared by bit pattern.
#include "wasm/simd.h"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <limits>

#include "wasm/numeric.h"

namespace runw::wasm::simd {
namespace {

using num::Bits;
using num::FromBits;
using num::IsArithmeticNaN;
using num::IsCanonicalNaN;

template <typename T>
using LaneArray = std::array<T, 16 / sizeof(T)>;

/// A vector from its lanes, lane 0 first (as v128.const lists them).
template <typename T, typename... Ts>
V128 Make(Ts... lanes) {
  static_assert(sizeof...(Ts) == 16 / sizeof(T));
  return std::bit_cast<V128>(LaneArray<T>{static_cast<T>(lanes)...});
}
template <typename... Ts>
V128 I8(Ts... v) {
  return Make<uint8_t>(v...);
}
template <typename... Ts>
V128 I16(Ts... v) {
  return Make<uint16_t>(v...);
}
template <typename... Ts>
V128 I32(Ts... v) {
  return Make<uint32_t>(v...);
}
template <typename... Ts>
V128 I64(Ts... v) {
  return Make<uint64_t>(v...);
}
template <typename... Ts>
V128 F32(Ts... v) {
  return Make<float>(v...);
}
template <typename... Ts>
V128 F64(Ts... v) {
  return Make<double>(v...);
}

template <typename T>
LaneArray<T> Lanes(V128 v) {
  return std::bit_cast<LaneArray<T>>(v);
}
using U8 = LaneArray<uint8_t>;
using S8 = LaneArray<int8_t>;
using U16 = LaneArray<uint16_t>;
using S16 = LaneArray<int16_t>;
using U32 = LaneArray<uint32_t>;
using S32 = LaneArray<int32_t>;
using U64 = LaneArray<uint64_t>;
using S64 = LaneArray<int64_t>;

/// Hides a value from the optimizer so float arithmetic on test constants runs on the
/// FPU: LLVM may fold e.g. `x - 0.0` to `x` at compile time even for a signalling NaN x,
/// which the interpreter (whose operands are never constants) cannot run into.
V128 Opaque(V128 v) {
  static volatile uint8_t sink[16];
  for (unsigned i = 0; i < 16; ++i)
    sink[i] = v.bytes[i];
  V128 r;
  for (unsigned i = 0; i < 16; ++i)
    r.bytes[i] = sink[i];
  return r;
}

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInfD = std::numeric_limits<double>::infinity();
const float kNanF = FromBits<float>(0x7fc00000u);
const float kSNanF = FromBits<float>(0x7fa00000u);  // nan:0x200000
const double kNanD = FromBits<double>(0x7ff8000000000000u);
const double kSNanD = FromBits<double>(0x7ff4000000000000u);
constexpr int32_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kI32Max = std::numeric_limits<int32_t>::max();

// simd_splat.wast: i8x16.splat/i16x8.splat keep only the low bits of the i32.
TEST(SimdTest, Splat_WrapsToLaneWidth) {
  EXPECT_EQ(Lanes<uint8_t>(I8x16Splat(0x1ff)),
            (U8{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff}));
  EXPECT_EQ(Lanes<uint16_t>(I16x8Splat(0x12345)),
            (U16{0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4Splat(0x80000000u)),
            (U32{0x80000000u, 0x80000000u, 0x80000000u, 0x80000000u}));
  EXPECT_EQ(Lanes<uint64_t>(I64x2Splat(0x0123456789abcdefu)),
            (U64{0x0123456789abcdefu, 0x0123456789abcdefu}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Splat(-0.0f)),
            (U32{0x80000000u, 0x80000000u, 0x80000000u, 0x80000000u}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Splat(kSNanD)), (U64{0x7ff4000000000000u, 0x7ff4000000000000u}));
}

// simd_lane.wast: extract_lane_s sign-extends, extract_lane_u zero-extends.
TEST(SimdTest, ExtractLane_SignAndZeroExtension) {
  const V128 v = I8(0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xff);
  EXPECT_EQ(I8x16ExtractLaneS(v, 0), 0xffffff80u);
  EXPECT_EQ(I8x16ExtractLaneU(v, 0), 0x80u);
  EXPECT_EQ(I8x16ExtractLaneS(v, 15), 0xffffffffu);
  EXPECT_EQ(I8x16ExtractLaneU(v, 15), 0xffu);
  EXPECT_EQ(I8x16ExtractLaneS(v, 1), 1u);
  const V128 w = I16(0x8000, 0x7fff, 0, 0, 0, 0, 0, 0xffff);
  EXPECT_EQ(I16x8ExtractLaneS(w, 0), 0xffff8000u);
  EXPECT_EQ(I16x8ExtractLaneU(w, 0), 0x8000u);
  EXPECT_EQ(I16x8ExtractLaneS(w, 1), 0x7fffu);
  EXPECT_EQ(I16x8ExtractLaneS(w, 7), 0xffffffffu);
  EXPECT_EQ(I16x8ExtractLaneU(w, 7), 0xffffu);
  EXPECT_EQ(I32x4ExtractLane(I32(1, 2, 3, 0x80000000u), 3), 0x80000000u);
  EXPECT_EQ(I64x2ExtractLane(I64(1, 0xffffffffffffffffu), 1), 0xffffffffffffffffu);
  EXPECT_EQ(Bits(F32x4ExtractLane(F32(0.0f, kSNanF, 0.0f, 0.0f), 1)), 0x7fa00000u);
  EXPECT_EQ(F64x2ExtractLane(F64(-1.5, 2.5), 0), -1.5);
}

// simd_lane.wast: replace_lane stores the low bits of the operand into one lane only.
TEST(SimdTest, ReplaceLane_StoresLowBitsIntoOneLane) {
  const V128 zero{};
  EXPECT_EQ(Lanes<uint8_t>(I8x16ReplaceLane(zero, 0x1ab, 15)),
            (U8{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab}));
  EXPECT_EQ(Lanes<uint16_t>(I16x8ReplaceLane(zero, 0xffff8000u, 0)),
            (U16{0x8000, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4ReplaceLane(I32(1, 2, 3, 4), 0xdeadbeefu, 2)),
            (U32{1, 2, 0xdeadbeefu, 4}));
  EXPECT_EQ(Lanes<uint64_t>(I64x2ReplaceLane(zero, 0x8000000000000000u, 1)),
            (U64{0, 0x8000000000000000u}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4ReplaceLane(zero, kSNanF, 3)), (U32{0, 0, 0, 0x7fa00000u}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2ReplaceLane(zero, -0.0, 0)), (U64{0x8000000000000000u, 0}));
}

// simd_lane.wast: shuffle indexes the 32-byte concatenation of both operands.
TEST(SimdTest, I8x16Shuffle_IndexesBothOperands) {
  const V128 a = I8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const V128 b = I8(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
  const uint8_t reverse[16] = {31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16};
  EXPECT_EQ(Lanes<uint8_t>(I8x16Shuffle(a, b, reverse)),
            (U8{31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16}));
  const uint8_t interleave[16] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23};
  EXPECT_EQ(Lanes<uint8_t>(I8x16Shuffle(a, b, interleave)),
            (U8{0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}));
  const uint8_t broadcast[16] = {15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15};
  EXPECT_EQ(I8x16Shuffle(a, b, broadcast), I8x16Splat(15));
}

// simd_lane.wast: swizzle indices >= 16 (including "negative" bytes) select 0.
TEST(SimdTest, I8x16Swizzle_OutOfRangeIndicesGiveZero) {
  const V128 a = I8(100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115);
  EXPECT_EQ(
      Lanes<uint8_t>(I8x16Swizzle(a, I8(-1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6, -7, 7, -8, 8))),
      (U8{0, 101, 0, 102, 0, 103, 0, 104, 0, 105, 0, 106, 0, 107, 0, 108}));
  EXPECT_EQ(Lanes<uint8_t>(
                I8x16Swizzle(a, I8(9, 16, 10, 17, 11, 18, 12, 19, 13, 20, 14, 21, 15, 22, 16, 23))),
            (U8{109, 0, 110, 0, 111, 0, 112, 0, 113, 0, 114, 0, 115, 0, 0, 0}));
  EXPECT_EQ(
      Lanes<uint8_t>(I8x16Swizzle(a, I8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0))),
      (U8{115, 114, 113, 112, 111, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100}));
}

// simd_bit_shift.wast: the count is taken modulo the lane width.
TEST(SimdTest, Shifts_CountModuloLaneWidth) {
  const V128 ones = I8x16Splat(1);
  EXPECT_EQ(I8x16Shl(ones, 8), ones);
  EXPECT_EQ(I8x16Shl(ones, 9), I8x16Splat(2));
  EXPECT_EQ(I8x16Shl(ones, 7), I8x16Splat(0x80));
  EXPECT_EQ(I8x16ShrS(I8x16Splat(0x80), 9), I8x16Splat(0xc0));
  EXPECT_EQ(I8x16ShrU(I8x16Splat(0x80), 9), I8x16Splat(0x40));
  EXPECT_EQ(I8x16ShrS(I8x16Splat(0x80), 7), I8x16Splat(0xff));
  EXPECT_EQ(I16x8ShrS(I16x8Splat(0x8000), 31), I16x8Splat(0xffff));
  EXPECT_EQ(I16x8ShrU(I16x8Splat(0x8000), 31), I16x8Splat(1));
  EXPECT_EQ(I16x8Shl(I16x8Splat(3), 17), I16x8Splat(6));
  EXPECT_EQ(I32x4Shl(I32x4Splat(1), 32), I32x4Splat(1));
  EXPECT_EQ(I32x4ShrU(I32x4Splat(0x80000000u), 63), I32x4Splat(1));
  EXPECT_EQ(I32x4ShrS(I32x4Splat(0x80000000u), 63), I32x4Splat(0xffffffffu));
  EXPECT_EQ(I64x2Shl(I64x2Splat(1), 65), I64x2Splat(2));
  EXPECT_EQ(I64x2ShrS(I64x2Splat(0x8000000000000000u), 127), I64x2Splat(~uint64_t{0}));
  EXPECT_EQ(I64x2ShrS(I64x2Splat(0x8000000000000000u), 65), I64x2Splat(0xc000000000000000u));
  EXPECT_EQ(I64x2ShrU(I64x2Splat(0x8000000000000000u), 0xffffffffu), I64x2Splat(1));
}

// simd_conversions.wast: narrow saturates signed inputs; _u clamps negatives to 0.
TEST(SimdTest, Narrow_SaturatesFromSignedLanes) {
  const V128 a = I16(0x7fff, 0x8000, 128, -129, 127, -128, 0, -1);
  const V128 b = I16(255, 256, 1, 2, 3, 4, 5, 6);
  EXPECT_EQ(Lanes<int8_t>(I8x16NarrowI16x8S(a, b)),
            (S8{127, -128, 127, -128, 127, -128, 0, -1, 127, 127, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(Lanes<uint8_t>(I8x16NarrowI16x8U(a, b)),
            (U8{255, 0, 128, 0, 127, 0, 0, 0, 255, 255, 1, 2, 3, 4, 5, 6}));
  const V128 c = I32(0x7fffffff, 0x80000000u, 32768, -32769);
  const V128 d = I32(65535, 65536, -1, 7);
  EXPECT_EQ(Lanes<int16_t>(I16x8NarrowI32x4S(c, d)),
            (S16{32767, -32768, 32767, -32768, 32767, 32767, -1, 7}));
  EXPECT_EQ(Lanes<uint16_t>(I16x8NarrowI32x4U(c, d)),
            (U16{65535, 0, 32768, 0, 65535, 65535, 0, 7}));
}

// simd_i8x16_sat_arith.wast / simd_i16x8_sat_arith.wast.
TEST(SimdTest, SatArith_ClampsAtLimits) {
  EXPECT_EQ(I8x16AddSatS(I8x16Splat(0x7f), I8x16Splat(1)), I8x16Splat(0x7f));
  EXPECT_EQ(I8x16AddSatS(I8x16Splat(0x80), I8x16Splat(0xff)), I8x16Splat(0x80));
  EXPECT_EQ(I8x16AddSatU(I8x16Splat(0xff), I8x16Splat(1)), I8x16Splat(0xff));
  EXPECT_EQ(I8x16AddSatU(I8x16Splat(0x7f), I8x16Splat(0x80)), I8x16Splat(0xff));
  EXPECT_EQ(I8x16SubSatS(I8x16Splat(0x80), I8x16Splat(1)), I8x16Splat(0x80));
  EXPECT_EQ(I8x16SubSatS(I8x16Splat(0x7f), I8x16Splat(0xff)), I8x16Splat(0x7f));
  EXPECT_EQ(I8x16SubSatU(I8x16Splat(0), I8x16Splat(1)), I8x16Splat(0));
  EXPECT_EQ(I8x16SubSatU(I8x16Splat(0x80), I8x16Splat(0x7f)), I8x16Splat(1));
  EXPECT_EQ(I16x8AddSatS(I16x8Splat(0x7fff), I16x8Splat(0x7fff)), I16x8Splat(0x7fff));
  EXPECT_EQ(I16x8AddSatU(I16x8Splat(0xffff), I16x8Splat(0xffff)), I16x8Splat(0xffff));
  EXPECT_EQ(I16x8SubSatS(I16x8Splat(0x8000), I16x8Splat(0x7fff)), I16x8Splat(0x8000));
  EXPECT_EQ(I16x8SubSatU(I16x8Splat(1), I16x8Splat(0xffff)), I16x8Splat(0));
  // Wrapping forms, for contrast.
  EXPECT_EQ(I8x16Add(I8x16Splat(0xff), I8x16Splat(1)), I8x16Splat(0));
  EXPECT_EQ(I16x8Sub(I16x8Splat(0), I16x8Splat(1)), I16x8Splat(0xffff));
  EXPECT_EQ(I64x2Add(I64x2Splat(~uint64_t{0}), I64x2Splat(2)), I64x2Splat(1));
}

// simd_i16x8_q15mulr_sat_s.wast: rounding shift, and -32768 * -32768 saturates.
TEST(SimdTest, I16x8Q15mulrSatS_RoundsAndSaturates) {
  EXPECT_EQ(I16x8Q15mulrSatS(I16x8Splat(0x8000), I16x8Splat(0x8000)), I16x8Splat(32767));
  EXPECT_EQ(I16x8Q15mulrSatS(I16x8Splat(32767), I16x8Splat(32767)), I16x8Splat(32766));
  EXPECT_EQ(I16x8Q15mulrSatS(I16x8Splat(0x8000), I16x8Splat(1)), I16x8Splat(0xffff));
  EXPECT_EQ(I16x8Q15mulrSatS(I16x8Splat(0x8000), I16x8Splat(0xffff)), I16x8Splat(1));
  EXPECT_EQ(I16x8Q15mulrSatS(I16x8Splat(16383), I16x8Splat(16384)), I16x8Splat(8192));
  EXPECT_EQ(I16x8Q15mulrSatS(I16x8Splat(-16385), I16x8Splat(-16384)), I16x8Splat(8193));
  EXPECT_EQ(I16x8Q15mulrSatS(I16x8Splat(0xffff), I16x8Splat(0xffff)), I16x8Splat(0));
}

// simd_i8x16_arith2.wast / simd_i16x8_arith2.wast avgr_u: rounds halves up, no overflow.
TEST(SimdTest, AvgrU_RoundsUpWithoutOverflow) {
  EXPECT_EQ(I8x16AvgrU(I8x16Splat(0xff), I8x16Splat(0xff)), I8x16Splat(0xff));
  EXPECT_EQ(I8x16AvgrU(I8x16Splat(0), I8x16Splat(1)), I8x16Splat(1));
  EXPECT_EQ(I8x16AvgrU(I8x16Splat(1), I8x16Splat(2)), I8x16Splat(2));
  EXPECT_EQ(I8x16AvgrU(I8x16Splat(0x80), I8x16Splat(0)), I8x16Splat(0x40));
  EXPECT_EQ(I16x8AvgrU(I16x8Splat(0xffff), I16x8Splat(0xfffe)), I16x8Splat(0xffff));
  EXPECT_EQ(I16x8AvgrU(I16x8Splat(0x8000), I16x8Splat(1)), I16x8Splat(0x4001));
}

// simd_i32x4_dot_i16x8.wast: two (-32768)^2 products sum to 2^31, which wraps.
TEST(SimdTest, I32x4DotI16x8S_WrapsAtIntMin) {
  EXPECT_EQ(I32x4DotI16x8S(I16x8Splat(0x8000), I16x8Splat(0x8000)), I32x4Splat(0x80000000u));
  EXPECT_EQ(I32x4DotI16x8S(I16x8Splat(0x8000), I16x8Splat(0x8001)), I32x4Splat(2147418112u));
  EXPECT_EQ(I32x4DotI16x8S(I16x8Splat(0x8000), I16x8Splat(0xffff)), I32x4Splat(65536u));
  EXPECT_EQ(
      Lanes<int32_t>(I32x4DotI16x8S(I16(1, 2, 3, 4, 5, 6, 7, 8), I16(1, -1, 2, 2, 0, 9, 1, 1))),
      (S32{-1, 14, 54, 15}));
}

// simd_*_extmul_*.wast: full-width products of the low/high halves.
TEST(SimdTest, Extmul_FullWidthProducts) {
  const V128 a8 = I8(0x80, 0xff, 2, 3, 4, 5, 6, 7, 0xff, 0x80, 1, 1, 1, 1, 1, 1);
  EXPECT_EQ(Lanes<int16_t>(I16x8ExtmulLowI8x16S(a8, a8)), (S16{16384, 1, 4, 9, 16, 25, 36, 49}));
  EXPECT_EQ(Lanes<int16_t>(I16x8ExtmulHighI8x16S(a8, a8)), (S16{1, 16384, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(Lanes<uint16_t>(I16x8ExtmulLowI8x16U(a8, a8)),
            (U16{16384, 65025, 4, 9, 16, 25, 36, 49}));
  EXPECT_EQ(Lanes<uint16_t>(I16x8ExtmulHighI8x16U(a8, a8)), (U16{65025, 16384, 1, 1, 1, 1, 1, 1}));
  const V128 a16 = I16(0x8000, 0xffff, 3, 4, 0xffff, 0x8000, 7, 8);
  EXPECT_EQ(Lanes<int32_t>(I32x4ExtmulLowI16x8S(a16, a16)), (S32{1073741824, 1, 9, 16}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4ExtmulHighI16x8U(a16, a16)),
            (U32{0xfffe0001u, 0x40000000u, 49, 64}));
  EXPECT_EQ(Lanes<int32_t>(I32x4ExtmulHighI16x8S(a16, a16)), (S32{1, 1073741824, 49, 64}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4ExtmulLowI16x8U(a16, a16)),
            (U32{0x40000000u, 0xfffe0001u, 9, 16}));
  const V128 a32 = I32(0x80000000u, 0xffffffffu, 0xffffffffu, 3);
  EXPECT_EQ(Lanes<int64_t>(I64x2ExtmulLowI32x4S(a32, a32)), (S64{0x4000000000000000, 1}));
  EXPECT_EQ(Lanes<uint64_t>(I64x2ExtmulLowI32x4U(a32, a32)),
            (U64{0x4000000000000000u, 0xfffffffe00000001u}));
  EXPECT_EQ(Lanes<int64_t>(I64x2ExtmulHighI32x4S(a32, I32(0, 0, 0x7fffffff, 0x80000000u))),
            (S64{-0x7fffffff, -0x180000000}));
  EXPECT_EQ(Lanes<uint64_t>(I64x2ExtmulHighI32x4U(a32, a32)), (U64{0xfffffffe00000001u, 9}));
}

// simd_*_extadd_pairwise_*.wast.
TEST(SimdTest, ExtaddPairwise_WidensBeforeAdding) {
  const V128 a = I8(0x80, 0x80, 0xff, 0xff, 0x7f, 0x7f, 1, 0xff, 0, 0, 0, 0, 0, 0, 0, 0);
  EXPECT_EQ(Lanes<int16_t>(I16x8ExtaddPairwiseI8x16S(a)), (S16{-256, -2, 254, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Lanes<uint16_t>(I16x8ExtaddPairwiseI8x16U(a)), (U16{256, 510, 254, 256, 0, 0, 0, 0}));
  const V128 b = I16(0x8000, 0x8000, 0xffff, 0xffff, 0x7fff, 0x7fff, 1, 0xffff);
  EXPECT_EQ(Lanes<int32_t>(I32x4ExtaddPairwiseI16x8S(b)), (S32{-65536, -2, 65534, 0}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4ExtaddPairwiseI16x8U(b)), (U32{65536, 131070, 65534, 65536}));
}

// simd_int_to_int_extend.wast.
TEST(SimdTest, Extend_LowAndHighHalves) {
  const V128 a = I8(0x80, 1, 0xff, 0x7f, 0, 0, 0, 0, 0xfe, 0, 0, 0, 0, 0, 0, 0x81);
  EXPECT_EQ(Lanes<int16_t>(I16x8ExtendLowI8x16S(a)), (S16{-128, 1, -1, 127, 0, 0, 0, 0}));
  EXPECT_EQ(Lanes<uint16_t>(I16x8ExtendLowI8x16U(a)), (U16{128, 1, 255, 127, 0, 0, 0, 0}));
  EXPECT_EQ(Lanes<int16_t>(I16x8ExtendHighI8x16S(a)), (S16{-2, 0, 0, 0, 0, 0, 0, -127}));
  EXPECT_EQ(Lanes<uint16_t>(I16x8ExtendHighI8x16U(a)), (U16{254, 0, 0, 0, 0, 0, 0, 129}));
  const V128 b = I16(0x8000, 2, 3, 4, 5, 6, 7, 0xffff);
  EXPECT_EQ(Lanes<int32_t>(I32x4ExtendLowI16x8S(b)), (S32{-32768, 2, 3, 4}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4ExtendLowI16x8U(b)), (U32{32768, 2, 3, 4}));
  EXPECT_EQ(Lanes<int32_t>(I32x4ExtendHighI16x8S(b)), (S32{5, 6, 7, -1}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4ExtendHighI16x8U(b)), (U32{5, 6, 7, 65535}));
  const V128 c = I32(0x80000000u, 1, 2, 0xffffffffu);
  EXPECT_EQ(Lanes<int64_t>(I64x2ExtendLowI32x4S(c)), (S64{kI32Min, 1}));
  EXPECT_EQ(Lanes<uint64_t>(I64x2ExtendLowI32x4U(c)), (U64{0x80000000u, 1}));
  EXPECT_EQ(Lanes<int64_t>(I64x2ExtendHighI32x4S(c)), (S64{2, -1}));
  EXPECT_EQ(Lanes<uint64_t>(I64x2ExtendHighI32x4U(c)), (U64{2, 0xffffffffu}));
}

// simd_*_arith.wast: abs and neg of the minimum value wrap to itself.
TEST(SimdTest, AbsNeg_WrapAtMinimum) {
  EXPECT_EQ(Lanes<int8_t>(I8x16Abs(I8(0x80, 0x81, 0xff, 0, 1, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))),
            (S8{-128, 127, 1, 0, 1, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(I8x16Neg(I8x16Splat(0x80)), I8x16Splat(0x80));
  EXPECT_EQ(Lanes<int16_t>(I16x8Abs(I16(0x8000, -5, 5, 0, 0, 0, 0, 0))),
            (S16{-32768, 5, 5, 0, 0, 0, 0, 0}));
  EXPECT_EQ(I16x8Neg(I16x8Splat(1)), I16x8Splat(0xffff));
  EXPECT_EQ(Lanes<int32_t>(I32x4Abs(I32(0x80000000u, -1, 1, -kI32Max))),
            (S32{kI32Min, 1, 1, kI32Max}));
  EXPECT_EQ(I32x4Neg(I32x4Splat(0x80000000u)), I32x4Splat(0x80000000u));
  EXPECT_EQ(Lanes<uint64_t>(I64x2Abs(I64(0x8000000000000000u, -7))), (U64{0x8000000000000000u, 7}));
  EXPECT_EQ(Lanes<int64_t>(I64x2Neg(I64(1, 0x8000000000000000u))),
            (S64{-1, std::numeric_limits<int64_t>::min()}));
}

// simd_i8x16_arith2.wast popcnt.
TEST(SimdTest, I8x16Popcnt_PerByte) {
  EXPECT_EQ(Lanes<uint8_t>(I8x16Popcnt(
                I8(0, 1, 3, 7, 15, 31, 63, 127, 255, 0x80, 0x55, 0xaa, 0x0f, 0xf0, 0x11, 0x10))),
            (U8{0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 4, 4, 4, 4, 2, 1}));
}

// simd_boolean.wast: any_true looks at all bits, all_true at each lane, bitmask at sign bits.
TEST(SimdTest, Reductions_AnyAllTrueAndBitmask) {
  EXPECT_EQ(V128AnyTrue(V128{}), 0u);
  EXPECT_EQ(V128AnyTrue(I64(0, 0x8000000000000000u)), 1u);
  EXPECT_EQ(I8x16AllTrue(I8x16Splat(1)), 1u);
  EXPECT_EQ(I8x16AllTrue(I8(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)), 0u);
  EXPECT_EQ(I16x8AllTrue(I8(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1)), 1u);
  EXPECT_EQ(I16x8AllTrue(I16(1, 1, 1, 1, 1, 1, 1, 0)), 0u);
  EXPECT_EQ(I32x4AllTrue(I32(1, 0x100, 0x10000, 0x1000000)), 1u);
  EXPECT_EQ(I32x4AllTrue(I16(1, 1, 1, 1, 0, 0, 1, 1)), 0u);
  EXPECT_EQ(I64x2AllTrue(I32(0, 1, 1, 0)), 1u);
  EXPECT_EQ(I64x2AllTrue(I64(1, 0)), 0u);
  EXPECT_EQ(I8x16Bitmask(I8(0x80, 0, 0xff, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80)), 0x8005u);
  EXPECT_EQ(I8x16Bitmask(I8x16Splat(0xff)), 0xffffu);
  EXPECT_EQ(I16x8Bitmask(I16(0x8000, 0x7fff, 0xffff, 0, 0, 0, 0, 0x8001)), 0x85u);
  EXPECT_EQ(I32x4Bitmask(I32(0x80000000u, 0x7fffffffu, 0, 0xffffffffu)), 0x9u);
  EXPECT_EQ(I64x2Bitmask(I64(1, 0x8000000000000000u)), 0x2u);
}

// simd_*_cmp.wast: signed and unsigned comparisons differ on the top bit.
TEST(SimdTest, IntCompare_SignedVersusUnsigned) {
  const V128 a = I8(0x80, 0x7f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const V128 b = I8(0x01, 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
  EXPECT_EQ(Lanes<uint8_t>(I8x16LtS(a, b)),
            (U8{0xff, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff}));
  EXPECT_EQ(Lanes<uint8_t>(I8x16LtU(a, b)),
            (U8{0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff}));
  EXPECT_EQ(Lanes<uint8_t>(I8x16GeU(a, b)), (U8{0xff, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0}));
  EXPECT_EQ(I8x16Eq(a, a), I8x16Splat(0xff));
  EXPECT_EQ(I8x16Ne(a, a), V128{});
  EXPECT_EQ(Lanes<uint16_t>(I16x8GtS(I16(0x8000, 1, 2, 3, 4, 5, 6, 0xffff), I16x8Splat(0))),
            (U16{0, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0}));
  EXPECT_EQ(Lanes<uint16_t>(I16x8GtU(I16(0x8000, 1, 2, 3, 4, 5, 6, 0xffff), I16x8Splat(0))),
            (U16{0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4LeS(I32(0x80000000u, 0, 1, 2), I32(0, 0, 0, 2))),
            (U32{0xffffffffu, 0xffffffffu, 0, 0xffffffffu}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4LeU(I32(0x80000000u, 0, 1, 2), I32(0, 0, 0, 2))),
            (U32{0, 0xffffffffu, 0, 0xffffffffu}));
  EXPECT_EQ(Lanes<uint64_t>(I64x2LtS(I64(0x8000000000000000u, 1), I64(0, 1))),
            (U64{~uint64_t{0}, 0}));
  EXPECT_EQ(Lanes<uint64_t>(I64x2GeS(I64(0x8000000000000000u, 1), I64(0, 1))),
            (U64{0, ~uint64_t{0}}));
  EXPECT_EQ(Lanes<uint64_t>(I64x2Ne(I64(5, 6), I64(5, 7))), (U64{0, ~uint64_t{0}}));
}

TEST(SimdTest, IntMinMax_SignedVersusUnsigned) {
  const V128 a = I8x16Splat(0x80);
  const V128 b = I8x16Splat(0x01);
  EXPECT_EQ(I8x16MinS(a, b), a);
  EXPECT_EQ(I8x16MinU(a, b), b);
  EXPECT_EQ(I8x16MaxS(a, b), b);
  EXPECT_EQ(I8x16MaxU(a, b), a);
  EXPECT_EQ(I16x8MinS(I16x8Splat(0xffff), I16x8Splat(0)), I16x8Splat(0xffff));
  EXPECT_EQ(I16x8MaxU(I16x8Splat(0xffff), I16x8Splat(0)), I16x8Splat(0xffff));
  EXPECT_EQ(I32x4MinU(I32x4Splat(0x80000000u), I32x4Splat(0x7fffffffu)), I32x4Splat(0x7fffffffu));
  EXPECT_EQ(I32x4MaxS(I32x4Splat(0x80000000u), I32x4Splat(0x7fffffffu)), I32x4Splat(0x7fffffffu));
}

// simd_*_arith.wast mul: products wrap modulo the lane width.
TEST(SimdTest, Mul_WrapsModuloLaneWidth) {
  EXPECT_EQ(I16x8Mul(I16x8Splat(0xffff), I16x8Splat(0xffff)), I16x8Splat(1));
  EXPECT_EQ(I16x8Mul(I16x8Splat(0x7fff), I16x8Splat(2)), I16x8Splat(0xfffe));
  EXPECT_EQ(I32x4Mul(I32x4Splat(0x10000), I32x4Splat(0x10000)), I32x4Splat(0));
  EXPECT_EQ(I32x4Mul(I32x4Splat(0xffffffffu), I32x4Splat(0xffffffffu)), I32x4Splat(1));
  EXPECT_EQ(I64x2Mul(I64x2Splat(0x8000000000000000u), I64x2Splat(2)), I64x2Splat(0));
  EXPECT_EQ(I64x2Mul(I64x2Splat(0x123456789u), I64x2Splat(0x10)), I64x2Splat(0x1234567890u));
}

// simd_bitwise.wast.
TEST(SimdTest, Bitwise_WholeVector) {
  const V128 a = I32(0xff00ff00u, 0x0f0f0f0fu, 0, 0xffffffffu);
  const V128 b = I32(0xf0f0f0f0u, 0xffff0000u, 0xffffffffu, 0);
  EXPECT_EQ(Lanes<uint32_t>(V128Not(a)), (U32{0x00ff00ffu, 0xf0f0f0f0u, 0xffffffffu, 0}));
  EXPECT_EQ(Lanes<uint32_t>(V128And(a, b)), (U32{0xf000f000u, 0x0f0f0000u, 0, 0}));
  EXPECT_EQ(Lanes<uint32_t>(V128Andnot(a, b)), (U32{0x0f000f00u, 0x00000f0fu, 0, 0xffffffffu}));
  EXPECT_EQ(Lanes<uint32_t>(V128Or(a, b)),
            (U32{0xfff0fff0u, 0xffff0f0fu, 0xffffffffu, 0xffffffffu}));
  EXPECT_EQ(Lanes<uint32_t>(V128Xor(a, b)),
            (U32{0x0ff00ff0u, 0xf0f00f0fu, 0xffffffffu, 0xffffffffu}));
  // simd_bitwise.wast bitselect: bits of a where the mask is 1, of b where it is 0.
  const V128 mask = I32(0xffff0000u, 0x00000000u, 0xffffffffu, 0x0f0f0f0fu);
  EXPECT_EQ(Lanes<uint32_t>(V128Bitselect(I32x4Splat(0x12345678u), I32x4Splat(0x9abcdef0u), mask)),
            (U32{0x1234def0u, 0x9abcdef0u, 0x12345678u, 0x92b4d6f8u}));
}

// simd_f32x4.wast: min/max propagate NaN and order -0 below +0, lane by lane.
TEST(SimdTest, F32x4MinMax_NaNAndSignedZeros) {
  const V128 a = F32(kNanF, -0.0f, 0.0f, 1.0f);
  const V128 b = F32(1.0f, 0.0f, -0.0f, kSNanF);
  const auto mn = Lanes<float>(F32x4Min(a, b));
  EXPECT_TRUE(IsCanonicalNaN(mn[0]));
  EXPECT_EQ(Bits(mn[1]), 0x80000000u);
  EXPECT_EQ(Bits(mn[2]), 0x80000000u);
  EXPECT_TRUE(IsArithmeticNaN(mn[3]));
  const auto mx = Lanes<float>(F32x4Max(a, b));
  EXPECT_TRUE(IsCanonicalNaN(mx[0]));
  EXPECT_EQ(Bits(mx[1]), 0u);
  EXPECT_EQ(Bits(mx[2]), 0u);
  EXPECT_TRUE(IsArithmeticNaN(mx[3]));
  EXPECT_EQ(Lanes<float>(F32x4Min(F32(1.0f, -kInfF, 2.0f, 3.0f), F32(2.0f, 0.0f, -1.0f, 3.0f))),
            (LaneArray<float>{1.0f, -kInfF, -1.0f, 3.0f}));
}

TEST(SimdTest, F64x2MinMax_NaNAndSignedZeros) {
  const auto mn = Lanes<double>(F64x2Min(F64(-0.0, kSNanD), F64(0.0, 1.0)));
  EXPECT_EQ(Bits(mn[0]), 0x8000000000000000u);
  EXPECT_TRUE(IsArithmeticNaN(mn[1]));
  const auto mx = Lanes<double>(F64x2Max(F64(-0.0, 1.0), F64(0.0, kNanD)));
  EXPECT_EQ(Bits(mx[0]), 0u);
  EXPECT_TRUE(IsCanonicalNaN(mx[1]));
  EXPECT_EQ(Lanes<double>(F64x2Max(F64(-kInfD, 5.0), F64(-1e300, 4.0))),
            (LaneArray<double>{-1e300, 5.0}));
}

// simd_f32x4_pmin_pmax.wast: pmin(nan, x) is that exact nan, pmin(x, nan) is x.
TEST(SimdTest, Pmin_Pmax_ReturnOperandBits) {
  const V128 a = F32(kSNanF, 1.0f, 0.0f, -0.0f);
  const V128 b = F32(0.0f, kNanF, -0.0f, 0.0f);
  EXPECT_EQ(Lanes<uint32_t>(F32x4Pmin(a, b)), (U32{0x7fa00000u, Bits(1.0f), 0u, 0x80000000u}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Pmax(a, b)), (U32{0x7fa00000u, Bits(1.0f), 0u, 0x80000000u}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Pmin(F32(2.0f, 1.0f, -1.0f, 0.0f), F32(1.0f, 2.0f, -2.0f, 0.0f))),
            (U32{Bits(1.0f), Bits(1.0f), Bits(-2.0f), 0u}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Pmax(F32(2.0f, 1.0f, -1.0f, 0.0f), F32(1.0f, 2.0f, -2.0f, 0.0f))),
            (U32{Bits(2.0f), Bits(2.0f), Bits(-1.0f), 0u}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Pmin(F64(-kNanD, 0.0), F64(0.0, -0.0))),
            (U64{0xfff8000000000000u, 0u}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Pmax(F64(1.0, -0.0), F64(kNanD, 0.0))),
            (U64{Bits(1.0), 0x8000000000000000u}));
}

// simd_f32x4_rounding.wast / simd_f64x2_rounding.wast.
TEST(SimdTest, FloatRounding_LaneWise) {
  EXPECT_EQ(Lanes<uint32_t>(F32x4Nearest(F32(2.5f, -2.5f, -0.5f, 0x1.fffffep+22f))),
            (U32{Bits(2.0f), Bits(-2.0f), 0x80000000u, Bits(0x1p+23f)}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Ceil(F32(-0.5f, 0x1p-149f, -1.5f, kInfF))),
            (U32{0x80000000u, Bits(1.0f), Bits(-1.0f), Bits(kInfF)}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Floor(F32(-0.5f, 0.5f, -0.0f, 1.5f))),
            (U32{Bits(-1.0f), 0u, 0x80000000u, Bits(1.0f)}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Trunc(F32(-0.5f, 1.9f, -1.9f, 0x1.fffffep+127f))),
            (U32{0x80000000u, Bits(1.0f), Bits(-1.0f), Bits(0x1.fffffep+127f)}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Nearest(F64(-3.5, 0x1.fffffffffffffp-2))), (U64{Bits(-4.0), 0u}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Ceil(F64(-0.5, 0x1.fffffffffffffp+51))),
            (U64{0x8000000000000000u, Bits(0x1p+52)}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Floor(F64(-0x1p-1074, 2.5))), (U64{Bits(-1.0), Bits(2.0)}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Trunc(F64(-0.9, 4503599627370497.0))),
            (U64{0x8000000000000000u, Bits(4503599627370497.0)}));
  const auto q = Lanes<float>(F32x4Nearest(F32(kSNanF, kNanF, 0.0f, 0.0f)));
  EXPECT_EQ(Bits(q[0]), 0x7fe00000u);
  EXPECT_TRUE(IsCanonicalNaN(q[1]));
}

// simd_f32x4_arith.wast: arithmetic on canonical NaNs gives canonical NaNs, invalid
// operations give a (canonical) NaN, and signalling NaNs come back quiet.
TEST(SimdTest, FloatArith_NaNResults) {
  const auto add = Lanes<float>(
      F32x4Add(Opaque(F32(kNanF, kInfF, 1.0f, kSNanF)), Opaque(F32(1.0f, -kInfF, 2.0f, 1.0f))));
  EXPECT_TRUE(IsCanonicalNaN(add[0]));
  EXPECT_TRUE(IsCanonicalNaN(add[1]));
  EXPECT_EQ(add[2], 3.0f);
  EXPECT_TRUE(IsArithmeticNaN(add[3]));
  const auto div = Lanes<float>(
      F32x4Div(Opaque(F32(0.0f, 1.0f, -1.0f, kNanF)), Opaque(F32(0.0f, 0.0f, 0.0f, 2.0f))));
  EXPECT_TRUE(IsCanonicalNaN(div[0]));
  EXPECT_EQ(div[1], kInfF);
  EXPECT_EQ(div[2], -kInfF);
  EXPECT_TRUE(IsCanonicalNaN(div[3]));
  const auto sq = Lanes<float>(F32x4Sqrt(Opaque(F32(-1.0f, 4.0f, -0.0f, kSNanF))));
  EXPECT_TRUE(IsCanonicalNaN(sq[0]));
  EXPECT_EQ(sq[1], 2.0f);
  EXPECT_EQ(Bits(sq[2]), 0x80000000u);
  EXPECT_TRUE(IsArithmeticNaN(sq[3]));
  const auto sub = Lanes<double>(F64x2Sub(Opaque(F64(kInfD, kSNanD)), Opaque(F64(kInfD, 0.0))));
  EXPECT_TRUE(IsCanonicalNaN(sub[0]));
  EXPECT_TRUE(IsArithmeticNaN(sub[1]));
  const auto mul = Lanes<double>(F64x2Mul(Opaque(F64(0.0, -2.0)), Opaque(F64(kInfD, 0x1p-1074))));
  EXPECT_TRUE(IsCanonicalNaN(mul[0]));
  EXPECT_EQ(mul[1], -0x1p-1073);
}

// simd_f32x4.wast abs/neg: sign bit only, NaN payloads kept exactly.
TEST(SimdTest, FloatAbsNeg_PreserveNaNPayload) {
  EXPECT_EQ(Lanes<uint32_t>(F32x4Abs(I32(0xffa00000u, 0x80000000u, 0xbf800000u, 0x7fc00000u))),
            (U32{0x7fa00000u, 0u, 0x3f800000u, 0x7fc00000u}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Neg(I32(0x7fa00000u, 0u, 0xbf800000u, 0xffc00000u))),
            (U32{0xffa00000u, 0x80000000u, 0x3f800000u, 0x7fc00000u}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Abs(I64(0xfff4000000000000u, 0x8000000000000001u))),
            (U64{0x7ff4000000000000u, 1u}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Neg(I64(0x7ff4000000000000u, 0u))),
            (U64{0xfff4000000000000u, 0x8000000000000000u}));
}

// simd_f32x4_cmp.wast: comparisons with NaN are false except ne; -0 == +0.
TEST(SimdTest, FloatCompare_NaNAndZeros) {
  const V128 a = F32(kNanF, -0.0f, 1.0f, -kInfF);
  const V128 b = F32(kNanF, 0.0f, 2.0f, kInfF);
  EXPECT_EQ(Lanes<uint32_t>(F32x4Eq(a, b)), (U32{0, 0xffffffffu, 0, 0}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Ne(a, b)), (U32{0xffffffffu, 0, 0xffffffffu, 0xffffffffu}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Lt(a, b)), (U32{0, 0, 0xffffffffu, 0xffffffffu}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Le(a, b)), (U32{0, 0xffffffffu, 0xffffffffu, 0xffffffffu}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Gt(a, b)), (U32{0, 0, 0, 0}));
  EXPECT_EQ(Lanes<uint32_t>(F32x4Ge(a, b)), (U32{0, 0xffffffffu, 0, 0}));
  const V128 c = F64(kNanD, 1.0);
  const V128 d = F64(1.0, 1.0);
  EXPECT_EQ(Lanes<uint64_t>(F64x2Eq(c, d)), (U64{0, ~uint64_t{0}}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Ne(c, d)), (U64{~uint64_t{0}, 0}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Lt(c, d)), (U64{0, 0}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Le(c, d)), (U64{0, ~uint64_t{0}}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Gt(F64(2.0, -0.0), d)), (U64{~uint64_t{0}, 0}));
  EXPECT_EQ(Lanes<uint64_t>(F64x2Ge(F64(1.0, kNanD), d)), (U64{~uint64_t{0}, 0}));
}

// simd_i32x4_trunc_sat_f32x4.wast / simd_i32x4_trunc_sat_f64x2.wast.
TEST(SimdTest, TruncSat_ClampsAndZeroesNaN) {
  EXPECT_EQ(Lanes<int32_t>(I32x4TruncSatF32x4S(F32(kNanF, kInfF, -kInfF, -2147483904.0f))),
            (S32{0, kI32Max, kI32Min, kI32Min}));
  EXPECT_EQ(Lanes<int32_t>(I32x4TruncSatF32x4S(F32(2147483648.0f, -1.9f, 1.9f, -0.0f))),
            (S32{kI32Max, -1, 1, 0}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4TruncSatF32x4U(F32(-1.0f, 4294967296.0f, -0x1.fffffep-1f, 1.5f))),
            (U32{0, 0xffffffffu, 0, 1}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4TruncSatF32x4U(F32(kSNanF, 4294967040.0f, -kInfF, kInfF))),
            (U32{0, 0xffffff00u, 0, 0xffffffffu}));
  // The *_zero forms fill lanes 2 and 3 with zeros.
  EXPECT_EQ(Lanes<int32_t>(I32x4TruncSatF64x2SZero(F64(kNanD, 2147483647.9))),
            (S32{0, kI32Max, 0, 0}));
  EXPECT_EQ(Lanes<int32_t>(I32x4TruncSatF64x2SZero(F64(-2147483648.9, -2147483649.0))),
            (S32{kI32Min, kI32Min, 0, 0}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4TruncSatF64x2UZero(F64(-1.0, 4294967295.9))),
            (U32{0, 0xffffffffu, 0, 0}));
  EXPECT_EQ(Lanes<uint32_t>(I32x4TruncSatF64x2UZero(F64(4294967296.0, -0.9))),
            (U32{0xffffffffu, 0, 0, 0}));
}

// simd_conversions.wast convert: correctly rounded; convert_low uses lanes 0 and 1 only.
TEST(SimdTest, Convert_IntToFloatLanes) {
  EXPECT_EQ(Lanes<float>(F32x4ConvertI32x4U(I32(0xffffffffu, 0x80000081u, 1, 16777217))),
            (LaneArray<float>{4294967296.0f, 0x1.000002p+31f, 1.0f, 16777216.0f}));
  EXPECT_EQ(Lanes<float>(F32x4ConvertI32x4S(I32(0xffffffffu, 0x80000000u, 0x7fffffffu, 16777219))),
            (LaneArray<float>{-1.0f, -2147483648.0f, 2147483648.0f, 16777220.0f}));
  EXPECT_EQ(Lanes<double>(F64x2ConvertLowI32x4S(I32(0xffffffffu, 0x80000000u, 5, 6))),
            (LaneArray<double>{-1.0, -2147483648.0}));
  EXPECT_EQ(Lanes<double>(F64x2ConvertLowI32x4U(I32(0xffffffffu, 0x80000000u, 5, 6))),
            (LaneArray<double>{4294967295.0, 2147483648.0}));
}

// simd_conversions.wast demote_f64x2_zero / promote_low_f32x4.
TEST(SimdTest, DemotePromote_LaneSelectionAndNaN) {
  const auto d = Lanes<float>(F32x4DemoteF64x2Zero(F64(0x1.0000010000001p+0, kNanD)));
  EXPECT_EQ(d[0], 0x1.000002p+0f);
  EXPECT_TRUE(IsCanonicalNaN(d[1]));
  EXPECT_EQ(Bits(d[2]), 0u);
  EXPECT_EQ(Bits(d[3]), 0u);
  EXPECT_EQ(Lanes<uint32_t>(F32x4DemoteF64x2Zero(F64(0x1.ffffffp+127, -0x1p-1022))),
            (U32{Bits(kInfF), 0x80000000u, 0, 0}));
  const auto p = Lanes<double>(F64x2PromoteLowF32x4(F32(0x1p-149f, kSNanF, 7.0f, 8.0f)));
  EXPECT_EQ(p[0], 0x1p-149);
  EXPECT_TRUE(IsArithmeticNaN(p[1]));
  EXPECT_EQ(Lanes<double>(F64x2PromoteLowF32x4(F32(-0x1.fffffep+127f, -kInfF, kNanF, kNanF))),
            (LaneArray<double>{-0x1.fffffep+127, -kInfD}));
}

// simd_load_extend.wast / simd_load_splat.wast / simd_load_zero.wast / simd_load*_lane.wast,
// with the memory bytes given as the little-endian integer the interpreter reads.
TEST(SimdTest, LoadHelpers_BuildVectorsFromLoadedBits) {
  const uint64_t bytes = 0x8786858483828180u;  // memory: 80 81 82 83 84 85 86 87
  EXPECT_EQ(Lanes<int16_t>(V128Load8x8S(bytes)),
            (S16{-128, -127, -126, -125, -124, -123, -122, -121}));
  EXPECT_EQ(Lanes<uint16_t>(V128Load8x8U(bytes)),
            (U16{0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87}));
  EXPECT_EQ(Lanes<int32_t>(V128Load16x4S(bytes)),
            (S32{static_cast<int16_t>(0x8180), static_cast<int16_t>(0x8382),
                 static_cast<int16_t>(0x8584), static_cast<int16_t>(0x8786)}));
  EXPECT_EQ(Lanes<uint32_t>(V128Load16x4U(bytes)), (U32{0x8180, 0x8382, 0x8584, 0x8786}));
  EXPECT_EQ(Lanes<int64_t>(V128Load32x2S(bytes)),
            (S64{static_cast<int32_t>(0x83828180u), static_cast<int32_t>(0x87868584u)}));
  EXPECT_EQ(Lanes<uint64_t>(V128Load32x2U(bytes)), (U64{0x83828180u, 0x87868584u}));
  EXPECT_EQ(V128Load8Splat(0x80), I8x16Splat(0x80));
  EXPECT_EQ(V128Load16Splat(0x8180), I16x8Splat(0x8180));
  EXPECT_EQ(V128Load32Splat(0x83828180u), I32x4Splat(0x83828180u));
  EXPECT_EQ(V128Load64Splat(bytes), I64x2Splat(bytes));
  EXPECT_EQ(Lanes<uint32_t>(V128Load32Zero(0xdeadbeefu)), (U32{0xdeadbeefu, 0, 0, 0}));
  EXPECT_EQ(Lanes<uint64_t>(V128Load64Zero(bytes)), (U64{bytes, 0}));
  const V128 base = I8x16Splat(0x11);
  EXPECT_EQ(Lanes<uint8_t>(V128Load8Lane(base, 0xab, 15)),
            (U8{0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                0x11, 0xab}));
  EXPECT_EQ(Lanes<uint16_t>(V128Load16Lane(base, 0xbeef, 1)),
            (U16{0x1111, 0xbeef, 0x1111, 0x1111, 0x1111, 0x1111, 0x1111, 0x1111}));
  EXPECT_EQ(Lanes<uint32_t>(V128Load32Lane(base, 0xdeadbeefu, 3)),
            (U32{0x11111111u, 0x11111111u, 0x11111111u, 0xdeadbeefu}));
  EXPECT_EQ(Lanes<uint64_t>(V128Load64Lane(base, bytes, 0)), (U64{bytes, 0x1111111111111111u}));
}

TEST(SimdTest, V128Const_ReturnsImmediate) {
  const V128 v = I32(1, 2, 3, 0x80000000u);
  EXPECT_EQ(V128Const(v), v);
}

}  // namespace
}  // namespace runw::wasm::simd
