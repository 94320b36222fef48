// The scalar numeric operators of WebAssembly 2.0 (spec 4.3 "Numerics") that are more than
// one C++ operator: float min/max/rounding with the spec's NaN and signed-zero rules, the
// sign-bit operations, integer bit counting, rotates, shifts, division, sign extension, and
// the float<->int and float<->float conversions.
//
// Conventions:
//  * Integer helpers are templates over the operand's C++ type T and accept either
//    signedness; the *S / *U variants interpret the bits as signed / unsigned as the
//    instruction says, and return the result in T. Wasm integers are sign-agnostic bit
//    patterns, so the interpreter may keep them as uint32_t/uint64_t or int32_t/int64_t.
//  * Float helpers are templates over F = float or double.
//  * NaN results follow spec 4.3.3 (nans_N{z*}): when every NaN operand is canonical the
//    result is a canonical NaN, otherwise an arithmetic NaN (quiet bit set, any payload).
//    We meet that by returning a NaN operand with its quiet bit set: quieting keeps a
//    canonical NaN canonical and turns a signalling one into an arithmetic one.
//  * The code assumes IEEE binary32/binary64 evaluated without excess precision and in
//    round-to-nearest mode (FLT_EVAL_METHOD == 0, as on x86-64 SSE and AArch64), and must
//    not be compiled with -ffast-math or -ffinite-math-only.
#pragma once

#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace runw::wasm::num {

static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559,
              "wasm floats are IEEE 754 binary32/binary64");

template <typename F>
concept Float = std::same_as<F, float> || std::same_as<F, double>;

// ---------------------------------------------------------------------------------------
// Float bit patterns (spec 2.2.3 / 4.3.1)
// ---------------------------------------------------------------------------------------

/// The unsigned integer type with F's width: uint32_t for float, uint64_t for double.
template <Float F>
using FloatBits = std::conditional_t<std::same_as<F, float>, uint32_t, uint64_t>;

/// Stored mantissa (significand) bits: 23 for float, 52 for double.
template <Float F>
inline constexpr int kMantissaBits = std::numeric_limits<F>::digits - 1;
template <Float F>
inline constexpr FloatBits<F> kSignBit = FloatBits<F>{1} << (sizeof(F) * 8 - 1);
template <Float F>
inline constexpr FloatBits<F> kMantissaMask = ~(~FloatBits<F>{0} << kMantissaBits<F>);
template <Float F>
inline constexpr FloatBits<F> kExponentMask = ~kSignBit<F> & ~kMantissaMask<F>;
/// The most significant payload bit; set in every canonical and arithmetic NaN.
template <Float F>
inline constexpr FloatBits<F> kQuietBit = FloatBits<F>{1} << (kMantissaBits<F> - 1);
/// canon_N with a positive sign (spec 4.3.1): exponent all ones, payload = quiet bit only.
template <Float F>
inline constexpr FloatBits<F> kCanonicalNaNBits = kExponentMask<F> | kQuietBit<F>;

template <Float F>
constexpr FloatBits<F> Bits(F x) {
  return std::bit_cast<FloatBits<F>>(x);
}
template <Float F>
constexpr F FromBits(FloatBits<F> bits) {
  return std::bit_cast<F>(bits);
}

template <Float F>
constexpr bool IsNaN(F x) {
  return (Bits(x) & ~kSignBit<F>) > kExponentMask<F>;
}
/// A canonical NaN of either sign (spec 4.3.1, "nan:canonical" in the testsuite).
template <Float F>
constexpr bool IsCanonicalNaN(F x) {
  return (Bits(x) & ~kSignBit<F>) == kCanonicalNaNBits<F>;
}
/// A NaN whose quiet bit is set, canonical included ("nan:arithmetic" in the testsuite).
template <Float F>
constexpr bool IsArithmeticNaN(F x) {
  return (Bits(x) & kCanonicalNaNBits<F>) == kCanonicalNaNBits<F>;
}
template <Float F>
constexpr F CanonicalNaN() {
  return FromBits<F>(kCanonicalNaNBits<F>);
}
/// `x` (a NaN) with its quiet bit set: the result nans_N{x} allows for a NaN operand.
template <Float F>
constexpr F QuietNaN(F x) {
  return FromBits<F>(Bits(x) | kQuietBit<F>);
}

// ---------------------------------------------------------------------------------------
// Float sign operations (spec 4.3.3 fabs, fneg, fcopysign). These are defined on the bit
// pattern and are exempt from the NaN rule: a NaN keeps its payload, signalling or not.
// ---------------------------------------------------------------------------------------

template <Float F>
constexpr F FAbs(F x) {
  return FromBits<F>(Bits(x) & ~kSignBit<F>);
}
template <Float F>
constexpr F FNeg(F x) {
  return FromBits<F>(Bits(x) ^ kSignBit<F>);
}
/// `a`'s magnitude with `b`'s sign bit (also when `b` is a NaN).
template <Float F>
constexpr F FCopysign(F a, F b) {
  return FromBits<F>((Bits(a) & ~kSignBit<F>) | (Bits(b) & kSignBit<F>));
}

// ---------------------------------------------------------------------------------------
// Float min/max (spec 4.3.3 fmin, fmax) and the SIMD pseudo-min/max (spec 4.3.3 fpmin,
// fpmax). Written as selects rather than early returns so lane loops can vectorize.
// ---------------------------------------------------------------------------------------

/// fmin: a NaN operand gives a NaN; -0 is less than +0; otherwise the smaller operand.
/// (x86 minss returns the second operand for NaNs and for ±0 pairs, so it is not usable.)
template <Float F>
constexpr F FMin(F a, F b) {
  FloatBits<F> r = a < b ? Bits(a) : Bits(b);
  // Equal non-NaN values have equal bits except {+0, -0}, where OR-ing picks -0.
  if (a == b) r = Bits(a) | Bits(b);
  if (b != b) r = Bits(b) | kQuietBit<F>;
  if (a != a) r = Bits(a) | kQuietBit<F>;
  return FromBits<F>(r);
}

/// fmax: a NaN operand gives a NaN; +0 is greater than -0; otherwise the larger operand.
template <Float F>
constexpr F FMax(F a, F b) {
  FloatBits<F> r = a > b ? Bits(a) : Bits(b);
  // Equal non-NaN values have equal bits except {+0, -0}, where AND-ing picks +0.
  if (a == b) r = Bits(a) & Bits(b);
  if (b != b) r = Bits(b) | kQuietBit<F>;
  if (a != a) r = Bits(a) | kQuietBit<F>;
  return FromBits<F>(r);
}

/// fpmin (f32x4.pmin/f64x2.pmin): `b < a ? b : a`, literally. Returns an operand unchanged,
/// so a NaN in `a` comes back bit-for-bit, a NaN in `b` is ignored, and pmin(+0, -0) = +0.
template <Float F>
constexpr F FPmin(F a, F b) {
  return b < a ? b : a;
}
/// fpmax: `a < b ? b : a`, with the same operand-preserving behaviour as FPmin.
template <Float F>
constexpr F FPmax(F a, F b) {
  return a < b ? b : a;
}

// ---------------------------------------------------------------------------------------
// Float rounding (spec 4.3.3 fceil, ffloor, ftrunc, fnearest) and square root.
//
// Implemented inline instead of calling std::ceil & co.: on baseline x86-64 (no SSE4.1)
// those are libm calls, and some libm versions return a signalling NaN unquieted, which
// the NaN rule forbids. Every value with magnitude >= 2^(mantissa bits) is already an
// integer (or infinite), so only smaller magnitudes are rounded, and those fit in the
// signed integer of the float's width. Each result keeps the operand's sign, which gives
// the required -0 for ceil(-0.5), trunc(-0.5), nearest(-0.5) and the zero operands.
// ---------------------------------------------------------------------------------------

namespace detail {
/// 2^23 for float, 2^52 for double: the smallest magnitude whose ulp is 1.
template <Float F>
inline constexpr F kNoFractionBound = F(FloatBits<F>{1} << (std::numeric_limits<F>::digits - 1));
/// A signed integer wide enough for every |x| < kNoFractionBound.
template <Float F>
using RoundInt = std::conditional_t<std::same_as<F, float>, int32_t, int64_t>;

/// The result for an operand that needs no rounding (|x| >= 2^p, infinite, or NaN): x
/// itself, with the quiet bit set if it is a NaN.
template <Float F>
constexpr FloatBits<F> Unrounded(F x) {
  const FloatBits<F> b = Bits(x);
  return b | (IsNaN(x) ? kQuietBit<F> : FloatBits<F>{0});  // integer test: no FP branch
}
/// x rounded toward zero, via the integer type, when `small` (|x| < 2^p); otherwise 0, as
/// the conversion of a larger value would be undefined behaviour.
template <Float F>
constexpr F TruncSmall(F x, bool small) {
  return static_cast<F>(static_cast<RoundInt<F>>(small ? x : F(0)));
}
}  // namespace detail

// The four functions below compute both outcomes and select, rather than returning early,
// so that the SIMD lane loops vectorize.

template <Float F>
constexpr F FTrunc(F x) {
  const bool small = FAbs(x) < detail::kNoFractionBound<F>;
  const F t = detail::TruncSmall(x, small);
  return FromBits<F>(small ? Bits(FCopysign(t, x)) : detail::Unrounded(x));
}

template <Float F>
constexpr F FCeil(F x) {
  const bool small = FAbs(x) < detail::kNoFractionBound<F>;
  F t = detail::TruncSmall(x, small);
  t = t < x ? t + F(1) : t;  // only for positive x, so copying x's sign below is right
  return FromBits<F>(small ? Bits(FCopysign(t, x)) : detail::Unrounded(x));
}

template <Float F>
constexpr F FFloor(F x) {
  const bool small = FAbs(x) < detail::kNoFractionBound<F>;
  F t = detail::TruncSmall(x, small);
  t = t > x ? t - F(1) : t;  // only for negative x, so copying x's sign below is right
  return FromBits<F>(small ? Bits(FCopysign(t, x)) : detail::Unrounded(x));
}

/// Round to the nearest integer, ties to even. For |x| < 2^p (p = mantissa bits),
/// |x| + 2^p lands in [2^p, 2^(p+1)) where the ulp is exactly 1, so the addition itself
/// performs the round-half-even (2^p is even, so parity is preserved) and subtracting 2^p
/// again is exact.
template <Float F>
constexpr F FNearest(F x) {
  const F ax = FAbs(x);
  const bool small = ax < detail::kNoFractionBound<F>;
  // Without -ffast-math (-fassociative-math) the compiler may not fold this back to |x|.
  const F shifted = ax + detail::kNoFractionBound<F>;
  const F r = shifted - detail::kNoFractionBound<F>;
  return FromBits<F>(small ? Bits(FCopysign(r, x)) : detail::Unrounded(x));
}

/// fsqrt: IEEE square root; sqrt(-0) = -0, negative operands give a NaN. The hardware
/// instructions (sqrtss/sqrtsd, fsqrt) quiet NaN operands as the NaN rule requires.
template <Float F>
inline F FSqrt(F x) {
  return std::sqrt(x);
}

// ---------------------------------------------------------------------------------------
// Integer operations (spec 4.3.2)
// ---------------------------------------------------------------------------------------

template <typename T>
concept Int = std::integral<T> && !std::same_as<T, bool> && (sizeof(T) == 4 || sizeof(T) == 8);

namespace detail {
template <typename T>
inline constexpr unsigned kWidth = sizeof(T) * 8;
/// The shift/rotate count k mod the operand width (spec iShl etc.: "k modulo N").
template <typename T>
constexpr unsigned ShiftCount(T k) {
  return static_cast<unsigned>(k) & (kWidth<T> - 1);
}
}  // namespace detail

template <Int T>
constexpr T Clz(T x) {
  return static_cast<T>(std::countl_zero(static_cast<std::make_unsigned_t<T>>(x)));
}
template <Int T>
constexpr T Ctz(T x) {
  return static_cast<T>(std::countr_zero(static_cast<std::make_unsigned_t<T>>(x)));
}
template <Int T>
constexpr T Popcnt(T x) {
  return static_cast<T>(std::popcount(static_cast<std::make_unsigned_t<T>>(x)));
}

template <Int T>
constexpr T Shl(T x, T k) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(x) << detail::ShiftCount(k));
}
/// Arithmetic shift right: the sign bit is replicated (C++20 defines >> on negatives so).
template <Int T>
constexpr T ShrS(T x, T k) {
  using S = std::make_signed_t<T>;
  return static_cast<T>(static_cast<S>(x) >> detail::ShiftCount(k));
}
template <Int T>
constexpr T ShrU(T x, T k) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(x) >> detail::ShiftCount(k));
}
template <Int T>
constexpr T Rotl(T x, T k) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(std::rotl(static_cast<U>(x), static_cast<int>(detail::ShiftCount(k))));
}
template <Int T>
constexpr T Rotr(T x, T k) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(std::rotr(static_cast<U>(x), static_cast<int>(detail::ShiftCount(k))));
}

/// How an integer division went; anything but kOk is a trap whose message traps.def has
/// ("integer divide by zero", "integer overflow").
enum class DivResult : uint8_t { kOk, kDivideByZero, kOverflow };

/// idiv_s: traps on a zero divisor, and on INT_MIN / -1 whose quotient 2^(N-1) is not
/// representable (spec 4.3.2). Truncates toward zero like C++.
template <Int T>
constexpr DivResult DivS(T a, T b, T* out) {
  using S = std::make_signed_t<T>;
  const S sa = static_cast<S>(a), sb = static_cast<S>(b);
  if (sb == 0) return DivResult::kDivideByZero;
  if (sa == std::numeric_limits<S>::min() && sb == -1) return DivResult::kOverflow;
  *out = static_cast<T>(sa / sb);
  return DivResult::kOk;
}
template <Int T>
constexpr DivResult DivU(T a, T b, T* out) {
  using U = std::make_unsigned_t<T>;
  if (static_cast<U>(b) == 0) return DivResult::kDivideByZero;
  *out = static_cast<T>(static_cast<U>(a) / static_cast<U>(b));
  return DivResult::kOk;
}
/// irem_s: traps only on a zero divisor. INT_MIN rem -1 is 0 in wasm, but undefined
/// behaviour (and a #DE fault on x86) in C++, so any -1 divisor is answered directly.
/// The result has the dividend's sign, as C++ % does.
template <Int T>
constexpr DivResult RemS(T a, T b, T* out) {
  using S = std::make_signed_t<T>;
  const S sa = static_cast<S>(a), sb = static_cast<S>(b);
  if (sb == 0) return DivResult::kDivideByZero;
  *out = sb == -1 ? T{0} : static_cast<T>(sa % sb);
  return DivResult::kOk;
}
template <Int T>
constexpr DivResult RemU(T a, T b, T* out) {
  using U = std::make_unsigned_t<T>;
  if (static_cast<U>(b) == 0) return DivResult::kDivideByZero;
  *out = static_cast<T>(static_cast<U>(a) % static_cast<U>(b));
  return DivResult::kOk;
}

/// i32/i64.extend8_s: sign-extends the low 8 bits to the full width (spec iextend_s).
template <Int T>
constexpr T Extend8S(T x) {
  return static_cast<T>(static_cast<int8_t>(x));
}
/// i32/i64.extend16_s.
template <Int T>
constexpr T Extend16S(T x) {
  return static_cast<T>(static_cast<int16_t>(x));
}
/// i64.extend32_s (and i64.extend_i32_s when given the i32's bits).
template <Int T>
  requires(sizeof(T) == 8)
constexpr T Extend32S(T x) {
  return static_cast<T>(static_cast<int32_t>(x));
}

// ---------------------------------------------------------------------------------------
// Float -> integer truncation (spec 4.3.4 trunc_u/s and trunc_sat_u/s)
// ---------------------------------------------------------------------------------------

/// How a trapping truncation went; anything but kOk is a trap. kInvalidConversion is
/// "invalid conversion to integer" (NaN operand), kOverflow is "integer overflow".
enum class TruncResult : uint8_t { kOk, kInvalidConversion, kOverflow };

namespace detail {
/// Whether trunc(x) >= the minimum of I, for a non-NaN x. The bound is a power of two
/// (or 0), so it is exact in F; the question is what lies just below it.
template <typename I, Float F>
constexpr bool TruncAboveMin(F x) {
  if constexpr (std::is_unsigned_v<I>) {
    // -1 < x: anything in (-1, 0) truncates to 0 (e.g. -0.9 -> 0 for i32.trunc_f64_u).
    return x > F(-1);
  } else {
    constexpr F kMin = static_cast<F>(std::numeric_limits<I>::min());  // -2^(N-1), exact
    if constexpr (std::numeric_limits<F>::digits >= std::numeric_limits<I>::digits + 1) {
      // f64 -> i32: -2^31 - 1 is exact, and e.g. -2147483648.9 truncates into range.
      return x > kMin - F(1);
    } else {
      // The next F below -2^(N-1) is at least 1 away (f32 -> i32: -2147483904), so no F
      // value lies in (kMin - 1, kMin) and the bound itself is the test.
      return x >= kMin;
    }
  }
}
/// Whether trunc(x) <= the maximum of I, for a non-NaN x: x < 2^N (unsigned) or
/// x < 2^(N-1) (signed); both bounds are powers of two and exact in F.
template <typename I, Float F>
constexpr bool TruncBelowMax(F x) {
  constexpr F kLimit = F(2) * static_cast<F>(std::numeric_limits<I>::max() / 2 + 1);
  return x < kLimit;
}
}  // namespace detail

/// i32/i64.trunc_f32/f64_s/u: `I` (int32_t, uint32_t, int64_t or uint64_t) picks the
/// result width and signedness. Writes *out only on kOk.
template <std::integral I, Float F>
  requires(sizeof(I) == 4 || sizeof(I) == 8)
constexpr TruncResult Trunc(F x, I* out) {
  if (x != x) return TruncResult::kInvalidConversion;
  // Infinities fail one of the two range tests.
  if (!detail::TruncAboveMin<I>(x) || !detail::TruncBelowMax<I>(x)) return TruncResult::kOverflow;
  *out = static_cast<I>(x);  // in range, so the C++ conversion (toward zero) is defined
  return TruncResult::kOk;
}

/// i32/i64.trunc_sat_f32/f64_s/u and the SIMD trunc_sat lanes: NaN -> 0, values below /
/// above I's range clamp to its minimum / maximum (spec 4.3.4 trunc_sat_u/s).
template <std::integral I, Float F>
  requires(sizeof(I) == 4 || sizeof(I) == 8)
constexpr I TruncSat(F x) {
  if (x != x) return I{0};
  if (!detail::TruncAboveMin<I>(x)) return std::numeric_limits<I>::min();
  if (!detail::TruncBelowMax<I>(x)) return std::numeric_limits<I>::max();
  return static_cast<I>(x);
}

// ---------------------------------------------------------------------------------------
// Integer -> float conversion (spec 4.3.4 convert_u/s): round to nearest, ties to even.
// C++ integer->floating conversions round per the current rounding mode, i.e. to nearest
// even; g++ and clang lower u64 -> f32/f64 on x86-64 (which has no unsigned convert
// before AVX-512) with a halve-and-keep-the-sticky-bit sequence that rounds correctly.
// Double rounding via f64 would be wrong for u64/i64 -> f32, hence the direct casts.
// ---------------------------------------------------------------------------------------

/// fN.convert_iM_s: the bits of `x` read as a signed integer of x's width.
template <Float F, Int T>
constexpr F ConvertS(T x) {
  return static_cast<F>(static_cast<std::make_signed_t<T>>(x));
}
/// fN.convert_iM_u: the bits of `x` read as an unsigned integer of x's width.
template <Float F, Int T>
constexpr F ConvertU(T x) {
  return static_cast<F>(static_cast<std::make_unsigned_t<T>>(x));
}

// ---------------------------------------------------------------------------------------
// Float <-> float (spec 4.3.4 demote, promote). Non-NaN values convert with the C++ cast
// (round to nearest even, overflow to infinity, exact for promote). NaNs are built from
// the bits so the result does not depend on what the FPU does with signalling NaNs: the
// sign and the top payload bits are kept and the quiet bit is set, so a canonical NaN
// stays canonical and any other NaN becomes an arithmetic NaN, as nans_N{z} requires.
// ---------------------------------------------------------------------------------------

constexpr float Demote(double x) {
  if (x != x) {
    const uint64_t b = Bits(x);
    const auto sign = static_cast<uint32_t>(b >> 32) & kSignBit<float>;
    const auto payload = static_cast<uint32_t>(b >> 29) & (kQuietBit<float> - 1);
    return FromBits<float>(sign | kCanonicalNaNBits<float> | payload);
  }
  return static_cast<float>(x);
}

constexpr double Promote(float x) {
  if (x != x) {
    const uint32_t b = Bits(x);
    const uint64_t sign = static_cast<uint64_t>(b & kSignBit<float>) << 32;
    const uint64_t payload = static_cast<uint64_t>(b & (kQuietBit<float> - 1)) << 29;
    return FromBits<double>(sign | kCanonicalNaNBits<double> | payload);
  }
  return static_cast<double>(x);
}

}  // namespace runw::wasm::num
