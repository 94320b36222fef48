// Semantics of the "pure" instructions: those whose operands and result are plain
// values with a fixed signature in opcodes.def and no immediates (spec 4.3, 4.4.1).
//
// Sem<op>::Do(a, b, c) computes the result from the operands, typed by the
// opcode's signature (i32 -> uint32_t, i64 -> uint64_t, f32 -> float,
// f64 -> double, v128 -> V128). Sem<op>::kTrap is set for the ones that can trap;
// their Do takes a TrapCode& out-parameter. The interpreter's generic handlers and
// the constant folder (later) both use these, so each rule is written once.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

#include "wasm/numeric.h"
#include "wasm/opcodes.h"
#include "wasm/runtime.h"
#include "wasm/simd.h"
#include "wasm/v128.h"

namespace runw::wasm {

template <ValType t>
struct CType;
template <>
struct CType<ValType::kI32> {
  using T = uint32_t;
};
template <>
struct CType<ValType::kI64> {
  using T = uint64_t;
};
template <>
struct CType<ValType::kF32> {
  using T = float;
};
template <>
struct CType<ValType::kF64> {
  using T = double;
};
template <>
struct CType<ValType::kV128> {
  using T = V128;
};

template <Opcode op>
struct Sem;

/// Whether `op` is handled by the generic handlers: fixed signature, no immediates.
constexpr bool IsPure(Opcode op) {
  const OpInfo& info = kOpTable[static_cast<uint16_t>(op)];
  return !info.special && info.imm == Imm::kNone && !info.text.empty();
}

#define RUNW_SEM(name, ...)                                                                   \
  template <>                                                                                 \
  struct Sem<Opcode::k##name> {                                                               \
    static constexpr bool kTrap = false;                                                      \
    template <typename A, typename B, typename C>                                             \
    static inline auto Do([[maybe_unused]] A a, [[maybe_unused]] B b, [[maybe_unused]] C c) { \
      return __VA_ARGS__;                                                                     \
    }                                                                                         \
  };
#define RUNW_SEM_TRAP(name, ...)                                                            \
  template <>                                                                               \
  struct Sem<Opcode::k##name> {                                                             \
    static constexpr bool kTrap = true;                                                     \
    template <typename A, typename B, typename C>                                           \
    static inline auto Do([[maybe_unused]] A a, [[maybe_unused]] B b, [[maybe_unused]] C c, \
                          TrapCode& trap) {                                                 \
      __VA_ARGS__                                                                           \
    }                                                                                       \
  };

namespace sem {
inline uint32_t B(bool v) {
  return v ? 1u : 0u;
}
inline int32_t S32(uint32_t v) {
  return static_cast<int32_t>(v);
}
inline int64_t S64(uint64_t v) {
  return static_cast<int64_t>(v);
}

// Calls `f` with as many of the operands as it takes.
template <typename R, typename... P, typename A, typename B, typename C>
inline R CallN(R (*f)(P...), A a, B b, C c) {
  if constexpr (sizeof...(P) == 1) {
    return f(a);
  } else if constexpr (sizeof...(P) == 2) {
    return f(a, b);
  } else {
    return f(a, b, c);
  }
}

template <typename I, typename F>
inline I Trunc(F x, TrapCode& trap) {
  I out{};
  switch (num::Trunc<I, F>(x, &out)) {
    case num::TruncResult::kOk:
      break;
    case num::TruncResult::kInvalidConversion:
      trap = TrapCode::kInvalidConversion;
      break;
    case num::TruncResult::kOverflow:
      trap = TrapCode::kIntOverflow;
      break;
  }
  return out;
}
}  // namespace sem

// clang-format off
// i32 (spec 4.3.2)
RUNW_SEM(I32Eqz, sem::B(a == 0))
RUNW_SEM(I32Eq, sem::B(a == b))
RUNW_SEM(I32Ne, sem::B(a != b))
RUNW_SEM(I32LtS, sem::B(sem::S32(a) < sem::S32(b)))
RUNW_SEM(I32LtU, sem::B(a < b))
RUNW_SEM(I32GtS, sem::B(sem::S32(a) > sem::S32(b)))
RUNW_SEM(I32GtU, sem::B(a > b))
RUNW_SEM(I32LeS, sem::B(sem::S32(a) <= sem::S32(b)))
RUNW_SEM(I32LeU, sem::B(a <= b))
RUNW_SEM(I32GeS, sem::B(sem::S32(a) >= sem::S32(b)))
RUNW_SEM(I32GeU, sem::B(a >= b))
RUNW_SEM(I32Clz, static_cast<uint32_t>(std::countl_zero(a)))
RUNW_SEM(I32Ctz, static_cast<uint32_t>(std::countr_zero(a)))
RUNW_SEM(I32Popcnt, static_cast<uint32_t>(std::popcount(a)))
RUNW_SEM(I32Add, static_cast<uint32_t>(a + b))
RUNW_SEM(I32Sub, static_cast<uint32_t>(a - b))
RUNW_SEM(I32Mul, static_cast<uint32_t>(a * b))
RUNW_SEM_TRAP(I32DivS,
  if (b == 0) { trap = TrapCode::kIntDivByZero; return uint32_t{0}; }
  if (a == 0x80000000u && b == 0xffffffffu) { trap = TrapCode::kIntOverflow; return uint32_t{0}; }
  return static_cast<uint32_t>(sem::S32(a) / sem::S32(b));)
RUNW_SEM_TRAP(I32DivU,
  if (b == 0) { trap = TrapCode::kIntDivByZero; return uint32_t{0}; }
  return static_cast<uint32_t>(a / b);)
RUNW_SEM_TRAP(I32RemS,
  if (b == 0) { trap = TrapCode::kIntDivByZero; return uint32_t{0}; }
  if (b == 0xffffffffu) return uint32_t{0};
  return static_cast<uint32_t>(sem::S32(a) % sem::S32(b));)
RUNW_SEM_TRAP(I32RemU,
  if (b == 0) { trap = TrapCode::kIntDivByZero; return uint32_t{0}; }
  return static_cast<uint32_t>(a % b);)
RUNW_SEM(I32And, static_cast<uint32_t>(a & b))
RUNW_SEM(I32Or, static_cast<uint32_t>(a | b))
RUNW_SEM(I32Xor, static_cast<uint32_t>(a ^ b))
RUNW_SEM(I32Shl, static_cast<uint32_t>(a << (b & 31)))
RUNW_SEM(I32ShrS, static_cast<uint32_t>(sem::S32(a) >> (b & 31)))
RUNW_SEM(I32ShrU, static_cast<uint32_t>(a >> (b & 31)))
RUNW_SEM(I32Rotl, std::rotl(a, static_cast<int>(b & 31)))
RUNW_SEM(I32Rotr, std::rotr(a, static_cast<int>(b & 31)))

// i64
RUNW_SEM(I64Eqz, sem::B(a == 0))
RUNW_SEM(I64Eq, sem::B(a == b))
RUNW_SEM(I64Ne, sem::B(a != b))
RUNW_SEM(I64LtS, sem::B(sem::S64(a) < sem::S64(b)))
RUNW_SEM(I64LtU, sem::B(a < b))
RUNW_SEM(I64GtS, sem::B(sem::S64(a) > sem::S64(b)))
RUNW_SEM(I64GtU, sem::B(a > b))
RUNW_SEM(I64LeS, sem::B(sem::S64(a) <= sem::S64(b)))
RUNW_SEM(I64LeU, sem::B(a <= b))
RUNW_SEM(I64GeS, sem::B(sem::S64(a) >= sem::S64(b)))
RUNW_SEM(I64GeU, sem::B(a >= b))
RUNW_SEM(I64Clz, static_cast<uint64_t>(std::countl_zero(a)))
RUNW_SEM(I64Ctz, static_cast<uint64_t>(std::countr_zero(a)))
RUNW_SEM(I64Popcnt, static_cast<uint64_t>(std::popcount(a)))
RUNW_SEM(I64Add, static_cast<uint64_t>(a + b))
RUNW_SEM(I64Sub, static_cast<uint64_t>(a - b))
RUNW_SEM(I64Mul, static_cast<uint64_t>(a * b))
RUNW_SEM_TRAP(I64DivS,
  if (b == 0) { trap = TrapCode::kIntDivByZero; return uint64_t{0}; }
  if (a == 0x8000000000000000u && b == ~uint64_t{0}) { trap = TrapCode::kIntOverflow; return uint64_t{0}; }
  return static_cast<uint64_t>(sem::S64(a) / sem::S64(b));)
RUNW_SEM_TRAP(I64DivU,
  if (b == 0) { trap = TrapCode::kIntDivByZero; return uint64_t{0}; }
  return static_cast<uint64_t>(a / b);)
RUNW_SEM_TRAP(I64RemS,
  if (b == 0) { trap = TrapCode::kIntDivByZero; return uint64_t{0}; }
  if (b == ~uint64_t{0}) return uint64_t{0};
  return static_cast<uint64_t>(sem::S64(a) % sem::S64(b));)
RUNW_SEM_TRAP(I64RemU,
  if (b == 0) { trap = TrapCode::kIntDivByZero; return uint64_t{0}; }
  return static_cast<uint64_t>(a % b);)
RUNW_SEM(I64And, static_cast<uint64_t>(a & b))
RUNW_SEM(I64Or, static_cast<uint64_t>(a | b))
RUNW_SEM(I64Xor, static_cast<uint64_t>(a ^ b))
RUNW_SEM(I64Shl, static_cast<uint64_t>(a << (b & 63)))
RUNW_SEM(I64ShrS, static_cast<uint64_t>(sem::S64(a) >> (b & 63)))
RUNW_SEM(I64ShrU, static_cast<uint64_t>(a >> (b & 63)))
RUNW_SEM(I64Rotl, std::rotl(a, static_cast<int>(b & 63)))
RUNW_SEM(I64Rotr, std::rotr(a, static_cast<int>(b & 63)))

// f32 / f64 comparisons (spec 4.3.3): IEEE 754 ordered comparisons.
RUNW_SEM(F32Eq, sem::B(a == b))
RUNW_SEM(F32Ne, sem::B(a != b))
RUNW_SEM(F32Lt, sem::B(a < b))
RUNW_SEM(F32Gt, sem::B(a > b))
RUNW_SEM(F32Le, sem::B(a <= b))
RUNW_SEM(F32Ge, sem::B(a >= b))
RUNW_SEM(F64Eq, sem::B(a == b))
RUNW_SEM(F64Ne, sem::B(a != b))
RUNW_SEM(F64Lt, sem::B(a < b))
RUNW_SEM(F64Gt, sem::B(a > b))
RUNW_SEM(F64Le, sem::B(a <= b))
RUNW_SEM(F64Ge, sem::B(a >= b))

// Float arithmetic. The hardware's add/sub/mul/div/sqrt produce the NaNs the spec
// allows; abs/neg/copysign are bit operations and min/max/nearest need care.
RUNW_SEM(F32Abs, num::FAbs(a))
RUNW_SEM(F32Neg, num::FNeg(a))
RUNW_SEM(F32Ceil, num::FCeil(a))
RUNW_SEM(F32Floor, num::FFloor(a))
RUNW_SEM(F32Trunc, num::FTrunc(a))
RUNW_SEM(F32Nearest, num::FNearest(a))
RUNW_SEM(F32Sqrt, std::sqrt(a))
RUNW_SEM(F32Add, a + b)
RUNW_SEM(F32Sub, a - b)
RUNW_SEM(F32Mul, a * b)
RUNW_SEM(F32Div, a / b)
RUNW_SEM(F32Min, num::FMin(a, b))
RUNW_SEM(F32Max, num::FMax(a, b))
RUNW_SEM(F32Copysign, num::FCopysign(a, b))
RUNW_SEM(F64Abs, num::FAbs(a))
RUNW_SEM(F64Neg, num::FNeg(a))
RUNW_SEM(F64Ceil, num::FCeil(a))
RUNW_SEM(F64Floor, num::FFloor(a))
RUNW_SEM(F64Trunc, num::FTrunc(a))
RUNW_SEM(F64Nearest, num::FNearest(a))
RUNW_SEM(F64Sqrt, std::sqrt(a))
RUNW_SEM(F64Add, a + b)
RUNW_SEM(F64Sub, a - b)
RUNW_SEM(F64Mul, a * b)
RUNW_SEM(F64Div, a / b)
RUNW_SEM(F64Min, num::FMin(a, b))
RUNW_SEM(F64Max, num::FMax(a, b))
RUNW_SEM(F64Copysign, num::FCopysign(a, b))

// Conversions (spec 4.3.4).
RUNW_SEM(I32WrapI64, static_cast<uint32_t>(a))
RUNW_SEM_TRAP(I32TruncF32S, return static_cast<uint32_t>(sem::Trunc<int32_t>(a, trap));)
RUNW_SEM_TRAP(I32TruncF32U, return sem::Trunc<uint32_t>(a, trap);)
RUNW_SEM_TRAP(I32TruncF64S, return static_cast<uint32_t>(sem::Trunc<int32_t>(a, trap));)
RUNW_SEM_TRAP(I32TruncF64U, return sem::Trunc<uint32_t>(a, trap);)
RUNW_SEM(I64ExtendI32S, static_cast<uint64_t>(static_cast<int64_t>(sem::S32(a))))
RUNW_SEM(I64ExtendI32U, static_cast<uint64_t>(a))
RUNW_SEM_TRAP(I64TruncF32S, return static_cast<uint64_t>(sem::Trunc<int64_t>(a, trap));)
RUNW_SEM_TRAP(I64TruncF32U, return sem::Trunc<uint64_t>(a, trap);)
RUNW_SEM_TRAP(I64TruncF64S, return static_cast<uint64_t>(sem::Trunc<int64_t>(a, trap));)
RUNW_SEM_TRAP(I64TruncF64U, return sem::Trunc<uint64_t>(a, trap);)
RUNW_SEM(F32ConvertI32S, static_cast<float>(sem::S32(a)))
RUNW_SEM(F32ConvertI32U, static_cast<float>(a))
RUNW_SEM(F32ConvertI64S, static_cast<float>(sem::S64(a)))
RUNW_SEM(F32ConvertI64U, static_cast<float>(a))
RUNW_SEM(F32DemoteF64, num::Demote(a))
RUNW_SEM(F64ConvertI32S, static_cast<double>(sem::S32(a)))
RUNW_SEM(F64ConvertI32U, static_cast<double>(a))
RUNW_SEM(F64ConvertI64S, static_cast<double>(sem::S64(a)))
RUNW_SEM(F64ConvertI64U, static_cast<double>(a))
RUNW_SEM(F64PromoteF32, num::Promote(a))
RUNW_SEM(I32ReinterpretF32, std::bit_cast<uint32_t>(a))
RUNW_SEM(I64ReinterpretF64, std::bit_cast<uint64_t>(a))
RUNW_SEM(F32ReinterpretI32, std::bit_cast<float>(a))
RUNW_SEM(F64ReinterpretI64, std::bit_cast<double>(a))
RUNW_SEM(I32Extend8S, static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(a))))
RUNW_SEM(I32Extend16S, static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(a))))
RUNW_SEM(I64Extend8S, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a))))
RUNW_SEM(I64Extend16S, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a))))
RUNW_SEM(I64Extend32S, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a))))
RUNW_SEM(I32TruncSatF32S, static_cast<uint32_t>(num::TruncSat<int32_t>(a)))
RUNW_SEM(I32TruncSatF32U, num::TruncSat<uint32_t>(a))
RUNW_SEM(I32TruncSatF64S, static_cast<uint32_t>(num::TruncSat<int32_t>(a)))
RUNW_SEM(I32TruncSatF64U, num::TruncSat<uint32_t>(a))
RUNW_SEM(I64TruncSatF32S, static_cast<uint64_t>(num::TruncSat<int64_t>(a)))
RUNW_SEM(I64TruncSatF32U, num::TruncSat<uint64_t>(a))
RUNW_SEM(I64TruncSatF64S, static_cast<uint64_t>(num::TruncSat<int64_t>(a)))
RUNW_SEM(I64TruncSatF64U, num::TruncSat<uint64_t>(a))
// clang-format on

// SIMD instructions without immediates: simd.h has one function per opcode, under
// the opcode's own name.
#define RUNW_SIMD_SEM_kNone(name) RUNW_SEM(name, sem::CallN(simd::name, a, b, c))
#define RUNW_SIMD_SEM_kMemArg(name)
#define RUNW_SIMD_SEM_kMemArgLane(name)
#define RUNW_SIMD_SEM_kV128(name)
#define RUNW_SIMD_SEM_kShuffle(name)
#define RUNW_SIMD_SEM_kLane(name)
#define RUNW_OP(name, code, text, imm, sig, align) RUNW_SIMD_SEM_##imm(name)
#include "wasm/opcodes-simd.def"
#undef RUNW_OP

#undef RUNW_SEM
#undef RUNW_SEM_TRAP

}  // namespace runw::wasm
