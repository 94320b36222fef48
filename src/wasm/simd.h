// The vector instructions of WebAssembly 2.0 (spec 4.4.3 "Vector Instructions", with the
// lane operators of spec 4.3), one function per opcode named as in opcodes.def.
//
// Every instruction with a fixed signature is here except plain v128.load/v128.store and
// the store-lane forms (memory access is the interpreter's). For the loads that reshape
// what they read there are pure helpers taking the loaded bits, which the interpreter
// reads from memory as a little-endian integer:
//   V128Load8x8S(uint64_t) ... V128Load32x2U(uint64_t)      (load-extend)
//   V128Load8Splat(uint8_t) ... V128Load64Splat(uint64_t)   (load-splat)
//   V128Load32Zero(uint32_t), V128Load64Zero(uint64_t)
//   V128Load8Lane(V128, uint8_t, lane) ... V128Load64Lane(V128, uint64_t, lane)
//
// Signatures:
//   binary ops        V128 Name(V128 a, V128 b)          (a is the first operand pushed)
//   unary ops         V128 Name(V128 a)
//   shifts            V128 Name(V128 a, uint32_t count)  (count taken modulo the lane width)
//   splats            V128 Name(scalar)                   (i8/i16 splats wrap the i32)
//   extract_lane      uint32_t (i8/i16/i32, i8/i16 *_s sign-extended to 32 bits),
//                     uint64_t (i64), float, double — Name(V128 a, uint8_t lane)
//   replace_lane      V128 Name(V128 a, scalar x, uint8_t lane)
//   any/all_true, bitmask    uint32_t Name(V128 a)
// Lane indices are validated by the validator (spec 3.3.3); they are additionally masked
// to the lane count here so an unvalidated index can never touch memory outside the V128.
//
// Float lanes obey the same NaN rules as the scalar instructions (see numeric.h); abs, neg
// and the pseudo-min/max pmin/pmax return operand bits unchanged.
//
// The lane loops work on copies of the value in a 16-byte lane array (a GNU vector type
// under g++/clang, std::array elsewhere), which the compilers keep in vector registers and
// vectorize for the simple operations; no intrinsics are needed.
#pragma once

#include <algorithm>  // not used here; kept because interp.cc gets std::copy_n through it
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "wasm/numeric.h"
#include "wasm/v128.h"

namespace runw::wasm::simd {

// V128::Lane/SetLane and the bit_casts below view lanes in host byte order, which is the
// wasm (little-endian) lane order only on a little-endian host.
static_assert(std::endian::native == std::endian::little, "V128 lane views assume little-endian");

namespace detail {

template <typename T>
inline constexpr unsigned kLanes = 16 / sizeof(T);
#if defined(__GNUC__)
// g++ and clang: a GNU vector type. It is indexed like an array, so the lane loops below
// are plain loops either way, but clang only turns them into single SIMD instructions when
// the lanes live in a vector type (with std::array it scalarizes e.g. i8x16.add into ~50
// instructions because V128 is passed in general-purpose registers).
template <typename T>
using Lanes __attribute__((vector_size(16))) = T;
#else
template <typename T>
using Lanes = std::array<T, kLanes<T>>;
#endif
static_assert(sizeof(Lanes<uint8_t>) == 16 && sizeof(Lanes<double>) == 16);

template <size_t N>
struct UnsignedOfSize;
template <>
struct UnsignedOfSize<1> {
  using type = uint8_t;
};
template <>
struct UnsignedOfSize<2> {
  using type = uint16_t;
};
template <>
struct UnsignedOfSize<4> {
  using type = uint32_t;
};
template <>
struct UnsignedOfSize<8> {
  using type = uint64_t;
};
/// The unsigned integer of T's width; a comparison's all-ones/all-zeros lane.
template <typename T>
using UnsignedLane = typename UnsignedOfSize<sizeof(T)>::type;

template <typename T>
inline Lanes<T> Split(V128 v) {
  return std::bit_cast<Lanes<T>>(v);
}
/// The inverse of Split. Takes any 16-byte lane array (deducing T through the attributed
/// alias Lanes<T> does not work in g++).
template <typename L>
inline V128 Join(const L& lanes) {
  static_assert(sizeof(L) == 16);
  return std::bit_cast<V128>(lanes);
}

/// r[i] = fn(a[i]) over lanes of type T.
template <typename T, typename Fn>
inline V128 Map(V128 a, Fn fn) {
  const Lanes<T> x = Split<T>(a);
  Lanes<T> r{};
  for (unsigned i = 0; i < kLanes<T>; ++i)
    r[i] = static_cast<T>(fn(x[i]));
  return Join(r);
}

/// r[i] = fn(a[i], b[i]) over lanes of type T.
template <typename T, typename Fn>
inline V128 Map2(V128 a, V128 b, Fn fn) {
  const Lanes<T> x = Split<T>(a), y = Split<T>(b);
  Lanes<T> r{};
  for (unsigned i = 0; i < kLanes<T>; ++i)
    r[i] = static_cast<T>(fn(x[i], y[i]));
  return Join(r);
}

/// Lane-wise predicate: all ones where pred(a[i], b[i]) holds, zero elsewhere (spec
/// 4.4.3.x vrelop: the boolean result is extended to the lane width by -1/0).
template <typename T, typename Pred>
inline V128 Compare(V128 a, V128 b, Pred pred) {
  using U = UnsignedLane<T>;
  const Lanes<T> x = Split<T>(a), y = Split<T>(b);
  Lanes<U> r{};
  for (unsigned i = 0; i < kLanes<T>; ++i) {
    r[i] = pred(x[i], y[i]) ? std::numeric_limits<U>::max() : U{0};
  }
  return Join(r);
}

/// Clamps `v` into N's range (spec sat_u/sat_s).
template <typename N, typename W>
constexpr N Saturate(W v) {
  constexpr W kMin = static_cast<W>(std::numeric_limits<N>::min());
  constexpr W kMax = static_cast<W>(std::numeric_limits<N>::max());
  return static_cast<N>(v < kMin ? kMin : (v > kMax ? kMax : v));
}

template <typename T>
inline V128 Splat(T x) {
  Lanes<T> r{};
  for (unsigned i = 0; i < kLanes<T>; ++i)
    r[i] = x;
  return Join(r);
}
template <typename T>
inline T ExtractLane(V128 a, uint8_t lane) {
  return a.Lane<T>(lane & (kLanes<T> - 1));
}
template <typename T>
inline V128 ReplaceLane(V128 a, T x, uint8_t lane) {
  a.SetLane<T>(lane & (kLanes<T> - 1), x);
  return a;
}

/// Shift counts are taken modulo the lane width (spec 4.4.3.x vishiftop: "s mod N").
template <typename T>
constexpr unsigned LaneShift(uint32_t count) {
  return count & (sizeof(T) * 8 - 1);
}
template <typename U>
inline V128 Shl(V128 a, uint32_t count) {
  const unsigned k = LaneShift<U>(count);
  return Map<U>(a, [k](U x) { return static_cast<U>(x << k); });
}
/// S is the signed lane type: >> on it is an arithmetic shift (defined since C++20).
template <typename S>
inline V128 ShrS(V128 a, uint32_t count) {
  const unsigned k = LaneShift<S>(count);
  return Map<S>(a, [k](S x) { return static_cast<S>(x >> k); });
}
template <typename U>
inline V128 ShrU(V128 a, uint32_t count) {
  const unsigned k = LaneShift<U>(count);
  return Map<U>(a, [k](U x) { return static_cast<U>(x >> k); });
}

/// Wrapping add/sub/neg/abs, done on unsigned lanes so nothing overflows a signed type.
template <typename U>
inline V128 Add(V128 a, V128 b) {
  return Map2<U>(a, b, [](U x, U y) { return static_cast<U>(x + y); });
}
template <typename U>
inline V128 Sub(V128 a, V128 b) {
  return Map2<U>(a, b, [](U x, U y) { return static_cast<U>(x - y); });
}
template <typename U>
inline V128 Neg(V128 a) {
  return Map<U>(a, [](U x) { return static_cast<U>(U{0} - x); });
}
/// iabs: |INT_MIN| wraps to INT_MIN (spec 4.3.2 iabs is defined modulo 2^N).
template <typename U>
inline V128 Abs(V128 a) {
  using S = std::make_signed_t<U>;
  return Map<U>(a, [](U x) { return static_cast<S>(x) < 0 ? static_cast<U>(U{0} - x) : x; });
}
/// Multiplication in a type at least as wide as int: uint16_t * uint16_t would promote to
/// int and could overflow it.
template <typename U>
inline V128 Mul(V128 a, V128 b) {
  using M = std::conditional_t<(sizeof(U) < sizeof(unsigned)), unsigned, U>;
  return Map2<U>(a, b,
                 [](U x, U y) { return static_cast<U>(static_cast<M>(x) * static_cast<M>(y)); });
}

/// add_sat/sub_sat for 8- and 16-bit lanes: exact in int, then clamped.
template <typename T>
inline V128 AddSat(V128 a, V128 b) {
  return Map2<T>(a, b, [](T x, T y) { return Saturate<T>(int32_t{x} + int32_t{y}); });
}
template <typename T>
inline V128 SubSat(V128 a, V128 b) {
  return Map2<T>(a, b, [](T x, T y) { return Saturate<T>(int32_t{x} - int32_t{y}); });
}

template <typename T>
inline V128 Min(V128 a, V128 b) {
  return Map2<T>(a, b, [](T x, T y) { return y < x ? y : x; });
}
template <typename T>
inline V128 Max(V128 a, V128 b) {
  return Map2<T>(a, b, [](T x, T y) { return x < y ? y : x; });
}
/// avgr_u: (a + b + 1) / 2 computed without overflow (spec iavgr_u).
template <typename U>
inline V128 AvgrU(V128 a, V128 b) {
  return Map2<U>(a, b,
                 [](U x, U y) { return static_cast<U>((uint32_t{x} + uint32_t{y} + 1) >> 1); });
}

/// all_true: 1 if no lane is zero.
template <typename U>
inline uint32_t AllTrue(V128 a) {
  const Lanes<U> x = Split<U>(a);
  bool all = true;
  for (unsigned i = 0; i < kLanes<U>; ++i)
    all &= x[i] != 0;
  return all ? 1u : 0u;
}
/// bitmask: bit i is the top (sign) bit of lane i.
template <typename U>
inline uint32_t Bitmask(V128 a) {
  const Lanes<U> x = Split<U>(a);
  uint32_t mask = 0;
  for (unsigned i = 0; i < kLanes<U>; ++i) {
    mask |= static_cast<uint32_t>(x[i] >> (sizeof(U) * 8 - 1)) << i;
  }
  return mask;
}

/// narrow: a's lanes then b's lanes, each saturated from the signed Wide lane into Narrow
/// (spec 4.4.3.x narrow: sat_s for _s, sat_u of the *signed* value for _u).
template <typename Narrow, typename Wide>
inline V128 NarrowSat(V128 a, V128 b) {
  static_assert(sizeof(Wide) == 2 * sizeof(Narrow) && std::is_signed_v<Wide>);
  const Lanes<Wide> x = Split<Wide>(a), y = Split<Wide>(b);
  Lanes<Narrow> r{};
  for (unsigned i = 0; i < kLanes<Wide>; ++i) {
    r[i] = Saturate<Narrow>(x[i]);
    r[i + kLanes<Wide>] = Saturate<Narrow>(y[i]);
  }
  return Join(r);
}

/// extend_low/high: lanes [first, first + kLanes<Wide>) of a, read as Narrow and widened.
template <typename Wide, typename Narrow>
inline V128 ExtendHalf(V128 a, unsigned first) {
  const Lanes<Narrow> x = Split<Narrow>(a);
  Lanes<Wide> r{};
  for (unsigned i = 0; i < kLanes<Wide>; ++i)
    r[i] = static_cast<Wide>(x[first + i]);
  return Join(r);
}

/// extmul_low/high: the full product of widened lanes. Every product fits Wide; the
/// multiplication is done in Wide (or int, by promotion), where it cannot overflow:
/// u16*u16 is computed as u32*u32, never as int*int.
template <typename Wide, typename Narrow>
inline V128 ExtMulHalf(V128 a, V128 b, unsigned first) {
  const Lanes<Narrow> x = Split<Narrow>(a), y = Split<Narrow>(b);
  Lanes<Wide> r{};
  for (unsigned i = 0; i < kLanes<Wide>; ++i) {
    r[i] = static_cast<Wide>(static_cast<Wide>(x[first + i]) * static_cast<Wide>(y[first + i]));
  }
  return Join(r);
}

/// extadd_pairwise: r[i] = widen(a[2i]) + widen(a[2i+1]); the sum always fits Wide.
template <typename Wide, typename Narrow>
inline V128 ExtAddPairwise(V128 a) {
  const Lanes<Narrow> x = Split<Narrow>(a);
  Lanes<Wide> r{};
  for (unsigned i = 0; i < kLanes<Wide>; ++i) {
    r[i] = static_cast<Wide>(static_cast<Wide>(x[2 * i]) + static_cast<Wide>(x[2 * i + 1]));
  }
  return Join(r);
}

/// Loads `bits` (little-endian memory contents) as kLanes<Wide> Narrow values, widened.
template <typename Wide, typename Narrow>
inline V128 LoadExtend(uint64_t bits) {
  Lanes<Wide> r{};
  for (unsigned i = 0; i < kLanes<Wide>; ++i) {
    r[i] = static_cast<Wide>(static_cast<Narrow>(bits >> (i * sizeof(Narrow) * 8)));
  }
  return Join(r);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// Memory-shaped helpers (the interpreter does the access, these build the vector)
// ---------------------------------------------------------------------------------------

inline V128 V128Load8x8S(uint64_t bits) {
  return detail::LoadExtend<int16_t, int8_t>(bits);
}
inline V128 V128Load8x8U(uint64_t bits) {
  return detail::LoadExtend<uint16_t, uint8_t>(bits);
}
inline V128 V128Load16x4S(uint64_t bits) {
  return detail::LoadExtend<int32_t, int16_t>(bits);
}
inline V128 V128Load16x4U(uint64_t bits) {
  return detail::LoadExtend<uint32_t, uint16_t>(bits);
}
inline V128 V128Load32x2S(uint64_t bits) {
  return detail::LoadExtend<int64_t, int32_t>(bits);
}
inline V128 V128Load32x2U(uint64_t bits) {
  return detail::LoadExtend<uint64_t, uint32_t>(bits);
}
inline V128 V128Load8Splat(uint8_t x) {
  return detail::Splat<uint8_t>(x);
}
inline V128 V128Load16Splat(uint16_t x) {
  return detail::Splat<uint16_t>(x);
}
inline V128 V128Load32Splat(uint32_t x) {
  return detail::Splat<uint32_t>(x);
}
inline V128 V128Load64Splat(uint64_t x) {
  return detail::Splat<uint64_t>(x);
}
/// v128.load32_zero: the loaded value in lane 0, all other bits zero.
inline V128 V128Load32Zero(uint32_t x) {
  return detail::Join(detail::Lanes<uint32_t>{x, 0, 0, 0});
}
inline V128 V128Load64Zero(uint64_t x) {
  return detail::Join(detail::Lanes<uint64_t>{x, 0});
}
/// v128.loadN_lane: `v` with lane `lane` replaced by the loaded value.
inline V128 V128Load8Lane(V128 v, uint8_t x, uint8_t lane) {
  return detail::ReplaceLane<uint8_t>(v, x, lane);
}
inline V128 V128Load16Lane(V128 v, uint16_t x, uint8_t lane) {
  return detail::ReplaceLane<uint16_t>(v, x, lane);
}
inline V128 V128Load32Lane(V128 v, uint32_t x, uint8_t lane) {
  return detail::ReplaceLane<uint32_t>(v, x, lane);
}
inline V128 V128Load64Lane(V128 v, uint64_t x, uint8_t lane) {
  return detail::ReplaceLane<uint64_t>(v, x, lane);
}

// ---------------------------------------------------------------------------------------
// Constants, shuffles, splats, lanes
// ---------------------------------------------------------------------------------------

/// v128.const: the immediate itself (here so every fixed-signature row has a function).
inline V128 V128Const(V128 imm) {
  return imm;
}

/// i8x16.shuffle: byte i of the result is byte lanes[i] of the 32-byte concatenation a‖b.
/// The validator guarantees lanes[i] < 32.
inline V128 I8x16Shuffle(V128 a, V128 b, const uint8_t lanes[16]) {
  uint8_t both[32];
  std::memcpy(both, a.bytes, 16);
  std::memcpy(both + 16, b.bytes, 16);
  V128 r;
  for (unsigned i = 0; i < 16; ++i)
    r.bytes[i] = both[lanes[i] & 31];
  return r;
}

/// i8x16.swizzle: byte i of the result is a[b[i]], or 0 when b[i] >= 16 (not mod 16).
inline V128 I8x16Swizzle(V128 a, V128 b) {
  V128 r;
  for (unsigned i = 0; i < 16; ++i) {
    const uint8_t idx = b.bytes[i];
    r.bytes[i] = idx < 16 ? a.bytes[idx & 15] : uint8_t{0};
  }
  return r;
}

inline V128 I8x16Splat(uint32_t x) {
  return detail::Splat(static_cast<uint8_t>(x));
}
inline V128 I16x8Splat(uint32_t x) {
  return detail::Splat(static_cast<uint16_t>(x));
}
inline V128 I32x4Splat(uint32_t x) {
  return detail::Splat(x);
}
inline V128 I64x2Splat(uint64_t x) {
  return detail::Splat(x);
}
inline V128 F32x4Splat(float x) {
  return detail::Splat(x);
}
inline V128 F64x2Splat(double x) {
  return detail::Splat(x);
}

/// The lane sign-extended to i32, returned as the i32's bits.
inline uint32_t I8x16ExtractLaneS(V128 a, uint8_t lane) {
  return static_cast<uint32_t>(int32_t{detail::ExtractLane<int8_t>(a, lane)});
}
inline uint32_t I8x16ExtractLaneU(V128 a, uint8_t lane) {
  return detail::ExtractLane<uint8_t>(a, lane);
}
/// Only the low 8 bits of `x` are stored.
inline V128 I8x16ReplaceLane(V128 a, uint32_t x, uint8_t lane) {
  return detail::ReplaceLane(a, static_cast<uint8_t>(x), lane);
}
inline uint32_t I16x8ExtractLaneS(V128 a, uint8_t lane) {
  return static_cast<uint32_t>(int32_t{detail::ExtractLane<int16_t>(a, lane)});
}
inline uint32_t I16x8ExtractLaneU(V128 a, uint8_t lane) {
  return detail::ExtractLane<uint16_t>(a, lane);
}
/// Only the low 16 bits of `x` are stored.
inline V128 I16x8ReplaceLane(V128 a, uint32_t x, uint8_t lane) {
  return detail::ReplaceLane(a, static_cast<uint16_t>(x), lane);
}
inline uint32_t I32x4ExtractLane(V128 a, uint8_t lane) {
  return detail::ExtractLane<uint32_t>(a, lane);
}
inline V128 I32x4ReplaceLane(V128 a, uint32_t x, uint8_t lane) {
  return detail::ReplaceLane(a, x, lane);
}
inline uint64_t I64x2ExtractLane(V128 a, uint8_t lane) {
  return detail::ExtractLane<uint64_t>(a, lane);
}
inline V128 I64x2ReplaceLane(V128 a, uint64_t x, uint8_t lane) {
  return detail::ReplaceLane(a, x, lane);
}
/// Float lanes are moved bit-for-bit (a NaN payload survives).
inline float F32x4ExtractLane(V128 a, uint8_t lane) {
  return detail::ExtractLane<float>(a, lane);
}
inline V128 F32x4ReplaceLane(V128 a, float x, uint8_t lane) {
  return detail::ReplaceLane(a, x, lane);
}
inline double F64x2ExtractLane(V128 a, uint8_t lane) {
  return detail::ExtractLane<double>(a, lane);
}
inline V128 F64x2ReplaceLane(V128 a, double x, uint8_t lane) {
  return detail::ReplaceLane(a, x, lane);
}

// ---------------------------------------------------------------------------------------
// Comparisons: all-ones lane for true, zero for false. Float comparisons are IEEE (ordered
// except ne, which is true when either lane is NaN).
// ---------------------------------------------------------------------------------------

#define RUNW_SIMD_CMP(Name, T, op)                                    \
  inline V128 Name(V128 a, V128 b) {                                  \
    return detail::Compare<T>(a, b, [](T x, T y) { return x op y; }); \
  }

RUNW_SIMD_CMP(I8x16Eq, uint8_t, ==)
RUNW_SIMD_CMP(I8x16Ne, uint8_t, !=)
RUNW_SIMD_CMP(I8x16LtS, int8_t, <)
RUNW_SIMD_CMP(I8x16LtU, uint8_t, <)
RUNW_SIMD_CMP(I8x16GtS, int8_t, >)
RUNW_SIMD_CMP(I8x16GtU, uint8_t, >)
RUNW_SIMD_CMP(I8x16LeS, int8_t, <=)
RUNW_SIMD_CMP(I8x16LeU, uint8_t, <=)
RUNW_SIMD_CMP(I8x16GeS, int8_t, >=)
RUNW_SIMD_CMP(I8x16GeU, uint8_t, >=)
RUNW_SIMD_CMP(I16x8Eq, uint16_t, ==)
RUNW_SIMD_CMP(I16x8Ne, uint16_t, !=)
RUNW_SIMD_CMP(I16x8LtS, int16_t, <)
RUNW_SIMD_CMP(I16x8LtU, uint16_t, <)
RUNW_SIMD_CMP(I16x8GtS, int16_t, >)
RUNW_SIMD_CMP(I16x8GtU, uint16_t, >)
RUNW_SIMD_CMP(I16x8LeS, int16_t, <=)
RUNW_SIMD_CMP(I16x8LeU, uint16_t, <=)
RUNW_SIMD_CMP(I16x8GeS, int16_t, >=)
RUNW_SIMD_CMP(I16x8GeU, uint16_t, >=)
RUNW_SIMD_CMP(I32x4Eq, uint32_t, ==)
RUNW_SIMD_CMP(I32x4Ne, uint32_t, !=)
RUNW_SIMD_CMP(I32x4LtS, int32_t, <)
RUNW_SIMD_CMP(I32x4LtU, uint32_t, <)
RUNW_SIMD_CMP(I32x4GtS, int32_t, >)
RUNW_SIMD_CMP(I32x4GtU, uint32_t, >)
RUNW_SIMD_CMP(I32x4LeS, int32_t, <=)
RUNW_SIMD_CMP(I32x4LeU, uint32_t, <=)
RUNW_SIMD_CMP(I32x4GeS, int32_t, >=)
RUNW_SIMD_CMP(I32x4GeU, uint32_t, >=)
RUNW_SIMD_CMP(I64x2Eq, uint64_t, ==)
RUNW_SIMD_CMP(I64x2Ne, uint64_t, !=)
RUNW_SIMD_CMP(I64x2LtS, int64_t, <)
RUNW_SIMD_CMP(I64x2GtS, int64_t, >)
RUNW_SIMD_CMP(I64x2LeS, int64_t, <=)
RUNW_SIMD_CMP(I64x2GeS, int64_t, >=)
RUNW_SIMD_CMP(F32x4Eq, float, ==)
RUNW_SIMD_CMP(F32x4Ne, float, !=)
RUNW_SIMD_CMP(F32x4Lt, float, <)
RUNW_SIMD_CMP(F32x4Gt, float, >)
RUNW_SIMD_CMP(F32x4Le, float, <=)
RUNW_SIMD_CMP(F32x4Ge, float, >=)
RUNW_SIMD_CMP(F64x2Eq, double, ==)
RUNW_SIMD_CMP(F64x2Ne, double, !=)
RUNW_SIMD_CMP(F64x2Lt, double, <)
RUNW_SIMD_CMP(F64x2Gt, double, >)
RUNW_SIMD_CMP(F64x2Le, double, <=)
RUNW_SIMD_CMP(F64x2Ge, double, >=)

#undef RUNW_SIMD_CMP

// ---------------------------------------------------------------------------------------
// Bitwise operations on the whole 128 bits
// ---------------------------------------------------------------------------------------

inline V128 V128Not(V128 a) {
  return detail::Map<uint64_t>(a, [](uint64_t x) { return ~x; });
}
inline V128 V128And(V128 a, V128 b) {
  return detail::Map2<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x & y; });
}
/// v128.andnot: a & ~b.
inline V128 V128Andnot(V128 a, V128 b) {
  return detail::Map2<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x & ~y; });
}
inline V128 V128Or(V128 a, V128 b) {
  return detail::Map2<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x | y; });
}
inline V128 V128Xor(V128 a, V128 b) {
  return detail::Map2<uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x ^ y; });
}
/// v128.bitselect: bits of a where c is 1, bits of b where c is 0.
inline V128 V128Bitselect(V128 a, V128 b, V128 c) {
  const auto x = detail::Split<uint64_t>(a), y = detail::Split<uint64_t>(b),
             m = detail::Split<uint64_t>(c);
  return detail::Join(
      detail::Lanes<uint64_t>{(x[0] & m[0]) | (y[0] & ~m[0]), (x[1] & m[1]) | (y[1] & ~m[1])});
}
/// v128.any_true: 1 if any bit is set.
inline uint32_t V128AnyTrue(V128 a) {
  const auto x = detail::Split<uint64_t>(a);
  return (x[0] | x[1]) != 0 ? 1u : 0u;
}

// ---------------------------------------------------------------------------------------
// i8x16
// ---------------------------------------------------------------------------------------

inline V128 I8x16Abs(V128 a) {
  return detail::Abs<uint8_t>(a);
}
inline V128 I8x16Neg(V128 a) {
  return detail::Neg<uint8_t>(a);
}
inline V128 I8x16Popcnt(V128 a) {
  return detail::Map<uint8_t>(a, [](uint8_t x) { return std::popcount(x); });
}
inline uint32_t I8x16AllTrue(V128 a) {
  return detail::AllTrue<uint8_t>(a);
}
inline uint32_t I8x16Bitmask(V128 a) {
  return detail::Bitmask<uint8_t>(a);
}
inline V128 I8x16NarrowI16x8S(V128 a, V128 b) {
  return detail::NarrowSat<int8_t, int16_t>(a, b);
}
inline V128 I8x16NarrowI16x8U(V128 a, V128 b) {
  return detail::NarrowSat<uint8_t, int16_t>(a, b);
}
inline V128 I8x16Shl(V128 a, uint32_t count) {
  return detail::Shl<uint8_t>(a, count);
}
inline V128 I8x16ShrS(V128 a, uint32_t count) {
  return detail::ShrS<int8_t>(a, count);
}
inline V128 I8x16ShrU(V128 a, uint32_t count) {
  return detail::ShrU<uint8_t>(a, count);
}
inline V128 I8x16Add(V128 a, V128 b) {
  return detail::Add<uint8_t>(a, b);
}
inline V128 I8x16AddSatS(V128 a, V128 b) {
  return detail::AddSat<int8_t>(a, b);
}
inline V128 I8x16AddSatU(V128 a, V128 b) {
  return detail::AddSat<uint8_t>(a, b);
}
inline V128 I8x16Sub(V128 a, V128 b) {
  return detail::Sub<uint8_t>(a, b);
}
inline V128 I8x16SubSatS(V128 a, V128 b) {
  return detail::SubSat<int8_t>(a, b);
}
inline V128 I8x16SubSatU(V128 a, V128 b) {
  return detail::SubSat<uint8_t>(a, b);
}
inline V128 I8x16MinS(V128 a, V128 b) {
  return detail::Min<int8_t>(a, b);
}
inline V128 I8x16MinU(V128 a, V128 b) {
  return detail::Min<uint8_t>(a, b);
}
inline V128 I8x16MaxS(V128 a, V128 b) {
  return detail::Max<int8_t>(a, b);
}
inline V128 I8x16MaxU(V128 a, V128 b) {
  return detail::Max<uint8_t>(a, b);
}
inline V128 I8x16AvgrU(V128 a, V128 b) {
  return detail::AvgrU<uint8_t>(a, b);
}

// ---------------------------------------------------------------------------------------
// i16x8
// ---------------------------------------------------------------------------------------

inline V128 I16x8ExtaddPairwiseI8x16S(V128 a) {
  return detail::ExtAddPairwise<int16_t, int8_t>(a);
}
inline V128 I16x8ExtaddPairwiseI8x16U(V128 a) {
  return detail::ExtAddPairwise<uint16_t, uint8_t>(a);
}
inline V128 I16x8Abs(V128 a) {
  return detail::Abs<uint16_t>(a);
}
inline V128 I16x8Neg(V128 a) {
  return detail::Neg<uint16_t>(a);
}
/// i16x8.q15mulr_sat_s: sat_s16((a * b + 2^14) >> 15), the shift arithmetic (spec
/// iq15mulrsat_s). Only -32768 * -32768 saturates (to 32767).
inline V128 I16x8Q15mulrSatS(V128 a, V128 b) {
  return detail::Map2<int16_t>(a, b, [](int16_t x, int16_t y) {
    return detail::Saturate<int16_t>((int32_t{x} * int32_t{y} + 0x4000) >> 15);
  });
}
inline uint32_t I16x8AllTrue(V128 a) {
  return detail::AllTrue<uint16_t>(a);
}
inline uint32_t I16x8Bitmask(V128 a) {
  return detail::Bitmask<uint16_t>(a);
}
inline V128 I16x8NarrowI32x4S(V128 a, V128 b) {
  return detail::NarrowSat<int16_t, int32_t>(a, b);
}
inline V128 I16x8NarrowI32x4U(V128 a, V128 b) {
  return detail::NarrowSat<uint16_t, int32_t>(a, b);
}
inline V128 I16x8ExtendLowI8x16S(V128 a) {
  return detail::ExtendHalf<int16_t, int8_t>(a, 0);
}
inline V128 I16x8ExtendHighI8x16S(V128 a) {
  return detail::ExtendHalf<int16_t, int8_t>(a, 8);
}
inline V128 I16x8ExtendLowI8x16U(V128 a) {
  return detail::ExtendHalf<uint16_t, uint8_t>(a, 0);
}
inline V128 I16x8ExtendHighI8x16U(V128 a) {
  return detail::ExtendHalf<uint16_t, uint8_t>(a, 8);
}
inline V128 I16x8Shl(V128 a, uint32_t count) {
  return detail::Shl<uint16_t>(a, count);
}
inline V128 I16x8ShrS(V128 a, uint32_t count) {
  return detail::ShrS<int16_t>(a, count);
}
inline V128 I16x8ShrU(V128 a, uint32_t count) {
  return detail::ShrU<uint16_t>(a, count);
}
inline V128 I16x8Add(V128 a, V128 b) {
  return detail::Add<uint16_t>(a, b);
}
inline V128 I16x8AddSatS(V128 a, V128 b) {
  return detail::AddSat<int16_t>(a, b);
}
inline V128 I16x8AddSatU(V128 a, V128 b) {
  return detail::AddSat<uint16_t>(a, b);
}
inline V128 I16x8Sub(V128 a, V128 b) {
  return detail::Sub<uint16_t>(a, b);
}
inline V128 I16x8SubSatS(V128 a, V128 b) {
  return detail::SubSat<int16_t>(a, b);
}
inline V128 I16x8SubSatU(V128 a, V128 b) {
  return detail::SubSat<uint16_t>(a, b);
}
inline V128 I16x8Mul(V128 a, V128 b) {
  return detail::Mul<uint16_t>(a, b);
}
inline V128 I16x8MinS(V128 a, V128 b) {
  return detail::Min<int16_t>(a, b);
}
inline V128 I16x8MinU(V128 a, V128 b) {
  return detail::Min<uint16_t>(a, b);
}
inline V128 I16x8MaxS(V128 a, V128 b) {
  return detail::Max<int16_t>(a, b);
}
inline V128 I16x8MaxU(V128 a, V128 b) {
  return detail::Max<uint16_t>(a, b);
}
inline V128 I16x8AvgrU(V128 a, V128 b) {
  return detail::AvgrU<uint16_t>(a, b);
}
inline V128 I16x8ExtmulLowI8x16S(V128 a, V128 b) {
  return detail::ExtMulHalf<int16_t, int8_t>(a, b, 0);
}
inline V128 I16x8ExtmulHighI8x16S(V128 a, V128 b) {
  return detail::ExtMulHalf<int16_t, int8_t>(a, b, 8);
}
inline V128 I16x8ExtmulLowI8x16U(V128 a, V128 b) {
  return detail::ExtMulHalf<uint16_t, uint8_t>(a, b, 0);
}
inline V128 I16x8ExtmulHighI8x16U(V128 a, V128 b) {
  return detail::ExtMulHalf<uint16_t, uint8_t>(a, b, 8);
}

// ---------------------------------------------------------------------------------------
// i32x4
// ---------------------------------------------------------------------------------------

inline V128 I32x4ExtaddPairwiseI16x8S(V128 a) {
  return detail::ExtAddPairwise<int32_t, int16_t>(a);
}
inline V128 I32x4ExtaddPairwiseI16x8U(V128 a) {
  return detail::ExtAddPairwise<uint32_t, uint16_t>(a);
}
inline V128 I32x4Abs(V128 a) {
  return detail::Abs<uint32_t>(a);
}
inline V128 I32x4Neg(V128 a) {
  return detail::Neg<uint32_t>(a);
}
inline uint32_t I32x4AllTrue(V128 a) {
  return detail::AllTrue<uint32_t>(a);
}
inline uint32_t I32x4Bitmask(V128 a) {
  return detail::Bitmask<uint32_t>(a);
}
inline V128 I32x4ExtendLowI16x8S(V128 a) {
  return detail::ExtendHalf<int32_t, int16_t>(a, 0);
}
inline V128 I32x4ExtendHighI16x8S(V128 a) {
  return detail::ExtendHalf<int32_t, int16_t>(a, 4);
}
inline V128 I32x4ExtendLowI16x8U(V128 a) {
  return detail::ExtendHalf<uint32_t, uint16_t>(a, 0);
}
inline V128 I32x4ExtendHighI16x8U(V128 a) {
  return detail::ExtendHalf<uint32_t, uint16_t>(a, 4);
}
inline V128 I32x4Shl(V128 a, uint32_t count) {
  return detail::Shl<uint32_t>(a, count);
}
inline V128 I32x4ShrS(V128 a, uint32_t count) {
  return detail::ShrS<int32_t>(a, count);
}
inline V128 I32x4ShrU(V128 a, uint32_t count) {
  return detail::ShrU<uint32_t>(a, count);
}
inline V128 I32x4Add(V128 a, V128 b) {
  return detail::Add<uint32_t>(a, b);
}
inline V128 I32x4Sub(V128 a, V128 b) {
  return detail::Sub<uint32_t>(a, b);
}
inline V128 I32x4Mul(V128 a, V128 b) {
  return detail::Mul<uint32_t>(a, b);
}
inline V128 I32x4MinS(V128 a, V128 b) {
  return detail::Min<int32_t>(a, b);
}
inline V128 I32x4MinU(V128 a, V128 b) {
  return detail::Min<uint32_t>(a, b);
}
inline V128 I32x4MaxS(V128 a, V128 b) {
  return detail::Max<int32_t>(a, b);
}
inline V128 I32x4MaxU(V128 a, V128 b) {
  return detail::Max<uint32_t>(a, b);
}
/// i32x4.dot_i16x8_s: r[i] = a[2i]*b[2i] + a[2i+1]*b[2i+1]. Each product fits i32 but the
/// sum of two (-32768)^2 is 2^31, which wraps to INT_MIN (spec: the add is modulo 2^32).
inline V128 I32x4DotI16x8S(V128 a, V128 b) {
  const auto x = detail::Split<int16_t>(a), y = detail::Split<int16_t>(b);
  detail::Lanes<uint32_t> r{};
  for (unsigned i = 0; i < 4; ++i) {
    const auto p0 = static_cast<uint32_t>(int32_t{x[2 * i]} * int32_t{y[2 * i]});
    const auto p1 = static_cast<uint32_t>(int32_t{x[2 * i + 1]} * int32_t{y[2 * i + 1]});
    r[i] = p0 + p1;
  }
  return detail::Join(r);
}
inline V128 I32x4ExtmulLowI16x8S(V128 a, V128 b) {
  return detail::ExtMulHalf<int32_t, int16_t>(a, b, 0);
}
inline V128 I32x4ExtmulHighI16x8S(V128 a, V128 b) {
  return detail::ExtMulHalf<int32_t, int16_t>(a, b, 4);
}
inline V128 I32x4ExtmulLowI16x8U(V128 a, V128 b) {
  return detail::ExtMulHalf<uint32_t, uint16_t>(a, b, 0);
}
inline V128 I32x4ExtmulHighI16x8U(V128 a, V128 b) {
  return detail::ExtMulHalf<uint32_t, uint16_t>(a, b, 4);
}

// ---------------------------------------------------------------------------------------
// i64x2
// ---------------------------------------------------------------------------------------

inline V128 I64x2Abs(V128 a) {
  return detail::Abs<uint64_t>(a);
}
inline V128 I64x2Neg(V128 a) {
  return detail::Neg<uint64_t>(a);
}
inline uint32_t I64x2AllTrue(V128 a) {
  return detail::AllTrue<uint64_t>(a);
}
inline uint32_t I64x2Bitmask(V128 a) {
  return detail::Bitmask<uint64_t>(a);
}
inline V128 I64x2ExtendLowI32x4S(V128 a) {
  return detail::ExtendHalf<int64_t, int32_t>(a, 0);
}
inline V128 I64x2ExtendHighI32x4S(V128 a) {
  return detail::ExtendHalf<int64_t, int32_t>(a, 2);
}
inline V128 I64x2ExtendLowI32x4U(V128 a) {
  return detail::ExtendHalf<uint64_t, uint32_t>(a, 0);
}
inline V128 I64x2ExtendHighI32x4U(V128 a) {
  return detail::ExtendHalf<uint64_t, uint32_t>(a, 2);
}
inline V128 I64x2Shl(V128 a, uint32_t count) {
  return detail::Shl<uint64_t>(a, count);
}
inline V128 I64x2ShrS(V128 a, uint32_t count) {
  return detail::ShrS<int64_t>(a, count);
}
inline V128 I64x2ShrU(V128 a, uint32_t count) {
  return detail::ShrU<uint64_t>(a, count);
}
inline V128 I64x2Add(V128 a, V128 b) {
  return detail::Add<uint64_t>(a, b);
}
inline V128 I64x2Sub(V128 a, V128 b) {
  return detail::Sub<uint64_t>(a, b);
}
inline V128 I64x2Mul(V128 a, V128 b) {
  return detail::Mul<uint64_t>(a, b);
}
inline V128 I64x2ExtmulLowI32x4S(V128 a, V128 b) {
  return detail::ExtMulHalf<int64_t, int32_t>(a, b, 0);
}
inline V128 I64x2ExtmulHighI32x4S(V128 a, V128 b) {
  return detail::ExtMulHalf<int64_t, int32_t>(a, b, 2);
}
inline V128 I64x2ExtmulLowI32x4U(V128 a, V128 b) {
  return detail::ExtMulHalf<uint64_t, uint32_t>(a, b, 0);
}
inline V128 I64x2ExtmulHighI32x4U(V128 a, V128 b) {
  return detail::ExtMulHalf<uint64_t, uint32_t>(a, b, 2);
}

// ---------------------------------------------------------------------------------------
// f32x4 / f64x2 arithmetic. add/sub/mul/div/sqrt use the IEEE operations directly: the
// hardware returns a quieted NaN operand (or the default NaN, which is canonical), which
// is what nans_N{z*} allows (see numeric.h).
// ---------------------------------------------------------------------------------------

// F32x4

inline V128 F32x4Ceil(V128 a) {
  return detail::Map<float>(a, [](float x) { return num::FCeil(x); });
}
inline V128 F32x4Floor(V128 a) {
  return detail::Map<float>(a, [](float x) { return num::FFloor(x); });
}
inline V128 F32x4Trunc(V128 a) {
  return detail::Map<float>(a, [](float x) { return num::FTrunc(x); });
}
/// Round half to even; the sign of zero is kept (nearest(-0.5) = -0).
inline V128 F32x4Nearest(V128 a) {
  return detail::Map<float>(a, [](float x) { return num::FNearest(x); });
}
/// Clears the sign bit only; NaN payloads are kept.
inline V128 F32x4Abs(V128 a) {
  return detail::Map<float>(a, [](float x) { return num::FAbs(x); });
}
/// Flips the sign bit only; NaN payloads are kept.
inline V128 F32x4Neg(V128 a) {
  return detail::Map<float>(a, [](float x) { return num::FNeg(x); });
}
inline V128 F32x4Sqrt(V128 a) {
  return detail::Map<float>(a, [](float x) { return num::FSqrt(x); });
}
inline V128 F32x4Add(V128 a, V128 b) {
  return detail::Map2<float>(a, b, [](float x, float y) { return x + y; });
}
inline V128 F32x4Sub(V128 a, V128 b) {
  return detail::Map2<float>(a, b, [](float x, float y) { return x - y; });
}
inline V128 F32x4Mul(V128 a, V128 b) {
  return detail::Map2<float>(a, b, [](float x, float y) { return x * y; });
}
inline V128 F32x4Div(V128 a, V128 b) {
  return detail::Map2<float>(a, b, [](float x, float y) { return x / y; });
}
/// NaN-propagating, -0 < +0 (spec fmin), unlike x86 minps/minpd.
inline V128 F32x4Min(V128 a, V128 b) {
  return detail::Map2<float>(a, b, [](float x, float y) { return num::FMin(x, y); });
}
/// NaN-propagating, -0 < +0 (spec fmax), unlike x86 maxps/maxpd.
inline V128 F32x4Max(V128 a, V128 b) {
  return detail::Map2<float>(a, b, [](float x, float y) { return num::FMax(x, y); });
}
/// b < a ? b : a, the operand returned unchanged (spec fpmin).
inline V128 F32x4Pmin(V128 a, V128 b) {
  return detail::Map2<float>(a, b, [](float x, float y) { return num::FPmin(x, y); });
}
/// a < b ? b : a, the operand returned unchanged (spec fpmax).
inline V128 F32x4Pmax(V128 a, V128 b) {
  return detail::Map2<float>(a, b, [](float x, float y) { return num::FPmax(x, y); });
}

// F64x2

inline V128 F64x2Ceil(V128 a) {
  return detail::Map<double>(a, [](double x) { return num::FCeil(x); });
}
inline V128 F64x2Floor(V128 a) {
  return detail::Map<double>(a, [](double x) { return num::FFloor(x); });
}
inline V128 F64x2Trunc(V128 a) {
  return detail::Map<double>(a, [](double x) { return num::FTrunc(x); });
}
/// Round half to even; the sign of zero is kept (nearest(-0.5) = -0).
inline V128 F64x2Nearest(V128 a) {
  return detail::Map<double>(a, [](double x) { return num::FNearest(x); });
}
/// Clears the sign bit only; NaN payloads are kept.
inline V128 F64x2Abs(V128 a) {
  return detail::Map<double>(a, [](double x) { return num::FAbs(x); });
}
/// Flips the sign bit only; NaN payloads are kept.
inline V128 F64x2Neg(V128 a) {
  return detail::Map<double>(a, [](double x) { return num::FNeg(x); });
}
inline V128 F64x2Sqrt(V128 a) {
  return detail::Map<double>(a, [](double x) { return num::FSqrt(x); });
}
inline V128 F64x2Add(V128 a, V128 b) {
  return detail::Map2<double>(a, b, [](double x, double y) { return x + y; });
}
inline V128 F64x2Sub(V128 a, V128 b) {
  return detail::Map2<double>(a, b, [](double x, double y) { return x - y; });
}
inline V128 F64x2Mul(V128 a, V128 b) {
  return detail::Map2<double>(a, b, [](double x, double y) { return x * y; });
}
inline V128 F64x2Div(V128 a, V128 b) {
  return detail::Map2<double>(a, b, [](double x, double y) { return x / y; });
}
/// NaN-propagating, -0 < +0 (spec fmin), unlike x86 minps/minpd.
inline V128 F64x2Min(V128 a, V128 b) {
  return detail::Map2<double>(a, b, [](double x, double y) { return num::FMin(x, y); });
}
/// NaN-propagating, -0 < +0 (spec fmax), unlike x86 maxps/maxpd.
inline V128 F64x2Max(V128 a, V128 b) {
  return detail::Map2<double>(a, b, [](double x, double y) { return num::FMax(x, y); });
}
/// b < a ? b : a, the operand returned unchanged (spec fpmin).
inline V128 F64x2Pmin(V128 a, V128 b) {
  return detail::Map2<double>(a, b, [](double x, double y) { return num::FPmin(x, y); });
}
/// a < b ? b : a, the operand returned unchanged (spec fpmax).
inline V128 F64x2Pmax(V128 a, V128 b) {
  return detail::Map2<double>(a, b, [](double x, double y) { return num::FPmax(x, y); });
}

// ---------------------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------------------

/// f32x4.demote_f64x2_zero: both f64 lanes demoted into lanes 0-1; lanes 2-3 are +0.
inline V128 F32x4DemoteF64x2Zero(V128 a) {
  const auto x = detail::Split<double>(a);
  return detail::Join(detail::Lanes<float>{num::Demote(x[0]), num::Demote(x[1]), 0.0f, 0.0f});
}
/// f64x2.promote_low_f32x4: f32 lanes 0-1 promoted.
inline V128 F64x2PromoteLowF32x4(V128 a) {
  const auto x = detail::Split<float>(a);
  return detail::Join(detail::Lanes<double>{num::Promote(x[0]), num::Promote(x[1])});
}

/// i32x4.trunc_sat_f32x4_s/u: lane-wise trunc_sat (NaN -> 0, out of range clamps).
inline V128 I32x4TruncSatF32x4S(V128 a) {
  const auto x = detail::Split<float>(a);
  detail::Lanes<int32_t> r{};
  for (unsigned i = 0; i < 4; ++i)
    r[i] = num::TruncSat<int32_t>(x[i]);
  return detail::Join(r);
}
inline V128 I32x4TruncSatF32x4U(V128 a) {
  const auto x = detail::Split<float>(a);
  detail::Lanes<uint32_t> r{};
  for (unsigned i = 0; i < 4; ++i)
    r[i] = num::TruncSat<uint32_t>(x[i]);
  return detail::Join(r);
}
inline V128 F32x4ConvertI32x4S(V128 a) {
  const auto x = detail::Split<int32_t>(a);
  detail::Lanes<float> r{};
  for (unsigned i = 0; i < 4; ++i)
    r[i] = num::ConvertS<float>(x[i]);
  return detail::Join(r);
}
inline V128 F32x4ConvertI32x4U(V128 a) {
  const auto x = detail::Split<uint32_t>(a);
  detail::Lanes<float> r{};
  for (unsigned i = 0; i < 4; ++i)
    r[i] = num::ConvertU<float>(x[i]);
  return detail::Join(r);
}
/// i32x4.trunc_sat_f64x2_s_zero/u_zero: both f64 lanes into i32 lanes 0-1; lanes 2-3 are 0.
inline V128 I32x4TruncSatF64x2SZero(V128 a) {
  const auto x = detail::Split<double>(a);
  return detail::Join(
      detail::Lanes<int32_t>{num::TruncSat<int32_t>(x[0]), num::TruncSat<int32_t>(x[1]), 0, 0});
}
inline V128 I32x4TruncSatF64x2UZero(V128 a) {
  const auto x = detail::Split<double>(a);
  return detail::Join(
      detail::Lanes<uint32_t>{num::TruncSat<uint32_t>(x[0]), num::TruncSat<uint32_t>(x[1]), 0, 0});
}
/// f64x2.convert_low_i32x4_s/u: i32 lanes 0-1, converted exactly.
inline V128 F64x2ConvertLowI32x4S(V128 a) {
  const auto x = detail::Split<int32_t>(a);
  return detail::Join(
      detail::Lanes<double>{num::ConvertS<double>(x[0]), num::ConvertS<double>(x[1])});
}
inline V128 F64x2ConvertLowI32x4U(V128 a) {
  const auto x = detail::Split<uint32_t>(a);
  return detail::Join(
      detail::Lanes<double>{num::ConvertU<double>(x[0]), num::ConvertU<double>(x[1])});
}

}  // namespace runw::wasm::simd
