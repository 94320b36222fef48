// The interpreter loop. See interp.h for the design and the code format.
#include "wasm/interp.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#if RUNW_DISPATCH_PROFILE
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>
#endif

#include "wasm/sem.h"

namespace runw::wasm {
namespace {

#define RUNW_INLINE inline __attribute__((always_inline))

template <typename T>
RUNW_INLINE T Rd(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
RUNW_INLINE uint32_t U32(const uint8_t* pc, int k) {
  return Rd<uint32_t>(pc + 8 + 4 * k);
}

// Typed access to slots. Scalars live in the low bytes of a slot; v128 spans two.
template <typename T>
RUNW_INLINE T Get(const Slot* fp, uint32_t s) {
  if constexpr (std::is_same_v<T, uint32_t>) {
    return static_cast<uint32_t>(fp[s]);
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return fp[s];
  } else {
    T v;
    std::memcpy(&v, fp + s, sizeof(T));
    return v;
  }
}
template <typename T>
RUNW_INLINE void Put(Slot* fp, uint32_t s, T v) {
  if constexpr (std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>) {
    fp[s] = v;
  } else if constexpr (std::is_same_v<T, float>) {
    fp[s] = std::bit_cast<uint32_t>(v);
  } else {
    std::memcpy(fp + s, &v, sizeof(T));
  }
}

template <typename T>
RUNW_INLINE T Load(const uint8_t* mem, uint64_t ea) {
  T v;
  std::memcpy(&v, mem + ea, sizeof(T));
  return v;
}
template <typename T>
RUNW_INLINE void Store(uint8_t* mem, uint64_t ea, T v) {
  std::memcpy(mem + ea, &v, sizeof(T));
}

struct NoArg {};

template <ValType t>
using C = typename CType<t>::T;

template <Opcode op>
inline constexpr OpInfo kInfo = kOpTable[static_cast<uint16_t>(op)];

// Memory access traits: the type in memory and the value type in the slot.
// Narrow loads extend by conversion (signed memory types sign-extend).
template <Opcode op>
struct MemOp {
  static constexpr bool kIsMem = false;
};
#define RUNW_MEMOP(name, is_load, M, V)    \
  template <>                              \
  struct MemOp<Opcode::k##name> {          \
    static constexpr bool kIsMem = true;   \
    static constexpr bool kLoad = is_load; \
    using Mem = M;                         \
    using Val = V;                         \
  };
RUNW_MEMOP(I32Load, true, uint32_t, uint32_t)
RUNW_MEMOP(I64Load, true, uint64_t, uint64_t)
RUNW_MEMOP(F32Load, true, float, float)
RUNW_MEMOP(F64Load, true, double, double)
RUNW_MEMOP(I32Load8S, true, int8_t, uint32_t)
RUNW_MEMOP(I32Load8U, true, uint8_t, uint32_t)
RUNW_MEMOP(I32Load16S, true, int16_t, uint32_t)
RUNW_MEMOP(I32Load16U, true, uint16_t, uint32_t)
RUNW_MEMOP(I64Load8S, true, int8_t, uint64_t)
RUNW_MEMOP(I64Load8U, true, uint8_t, uint64_t)
RUNW_MEMOP(I64Load16S, true, int16_t, uint64_t)
RUNW_MEMOP(I64Load16U, true, uint16_t, uint64_t)
RUNW_MEMOP(I64Load32S, true, int32_t, uint64_t)
RUNW_MEMOP(I64Load32U, true, uint32_t, uint64_t)
RUNW_MEMOP(I32Store, false, uint32_t, uint32_t)
RUNW_MEMOP(I64Store, false, uint64_t, uint64_t)
RUNW_MEMOP(F32Store, false, float, float)
RUNW_MEMOP(F64Store, false, double, double)
RUNW_MEMOP(I32Store8, false, uint8_t, uint32_t)
RUNW_MEMOP(I32Store16, false, uint16_t, uint32_t)
RUNW_MEMOP(I64Store8, false, uint8_t, uint64_t)
RUNW_MEMOP(I64Store16, false, uint16_t, uint64_t)
RUNW_MEMOP(I64Store32, false, uint32_t, uint64_t)
RUNW_MEMOP(V128Load, true, V128, V128)
RUNW_MEMOP(V128Store, false, V128, V128)
#undef RUNW_MEMOP

// SIMD loads that transform what they read: load-extend, splat and zero-fill.
template <Opcode op>
RUNW_INLINE bool SimdLoad(const uint8_t* mem, uint64_t ea, V128& out) {
  using enum Opcode;
  if constexpr (op == kV128Load8x8S) {
    out = simd::V128Load8x8S(Load<uint64_t>(mem, ea));
  } else if constexpr (op == kV128Load8x8U) {
    out = simd::V128Load8x8U(Load<uint64_t>(mem, ea));
  } else if constexpr (op == kV128Load16x4S) {
    out = simd::V128Load16x4S(Load<uint64_t>(mem, ea));
  } else if constexpr (op == kV128Load16x4U) {
    out = simd::V128Load16x4U(Load<uint64_t>(mem, ea));
  } else if constexpr (op == kV128Load32x2S) {
    out = simd::V128Load32x2S(Load<uint64_t>(mem, ea));
  } else if constexpr (op == kV128Load32x2U) {
    out = simd::V128Load32x2U(Load<uint64_t>(mem, ea));
  } else if constexpr (op == kV128Load8Splat) {
    out = simd::I8x16Splat(Load<uint8_t>(mem, ea));
  } else if constexpr (op == kV128Load16Splat) {
    out = simd::I16x8Splat(Load<uint16_t>(mem, ea));
  } else if constexpr (op == kV128Load32Splat) {
    out = simd::I32x4Splat(Load<uint32_t>(mem, ea));
  } else if constexpr (op == kV128Load64Splat) {
    out = simd::I64x2Splat(Load<uint64_t>(mem, ea));
  } else if constexpr (op == kV128Load32Zero) {
    out = V128{};
    out.SetLane<uint32_t>(0, Load<uint32_t>(mem, ea));
  } else if constexpr (op == kV128Load64Zero) {
    out = V128{};
    out.SetLane<uint64_t>(0, Load<uint64_t>(mem, ea));
  } else {
    return false;
  }
  return true;
}

// Lane memory access: v128.loadN_lane / v128.storeN_lane.
template <Opcode op>
struct LaneMem {
  static constexpr bool kIs = false;
};
#define RUNW_LANEMEM(name, is_load, M)     \
  template <>                              \
  struct LaneMem<Opcode::k##name> {        \
    static constexpr bool kIs = true;      \
    static constexpr bool kLoad = is_load; \
    using Mem = M;                         \
  };
RUNW_LANEMEM(V128Load8Lane, true, uint8_t)
RUNW_LANEMEM(V128Load16Lane, true, uint16_t)
RUNW_LANEMEM(V128Load32Lane, true, uint32_t)
RUNW_LANEMEM(V128Load64Lane, true, uint64_t)
RUNW_LANEMEM(V128Store8Lane, false, uint8_t)
RUNW_LANEMEM(V128Store16Lane, false, uint16_t)
RUNW_LANEMEM(V128Store32Lane, false, uint32_t)
RUNW_LANEMEM(V128Store64Lane, false, uint64_t)
#undef RUNW_LANEMEM

constexpr bool SimdLoadKind(Opcode op) {
  using enum Opcode;
  switch (op) {
    case kV128Load8x8S:
    case kV128Load8x8U:
    case kV128Load16x4S:
    case kV128Load16x4U:
    case kV128Load32x2S:
    case kV128Load32x2U:
    case kV128Load8Splat:
    case kV128Load16Splat:
    case kV128Load32Splat:
    case kV128Load64Splat:
    case kV128Load32Zero:
    case kV128Load64Zero:
      return true;
    default:
      return false;
  }
}

// extract_lane / replace_lane call simd.h's function of the same name.
template <Opcode op>
struct LaneFn;
#define RUNW_LANE_kLane(name)            \
  template <>                            \
  struct LaneFn<Opcode::k##name> {       \
    template <typename... A>             \
    static RUNW_INLINE auto Do(A... a) { \
      return simd::name(a...);           \
    }                                    \
  };
#define RUNW_LANE_kNone(name)
#define RUNW_LANE_kMemArg(name)
#define RUNW_LANE_kMemArgLane(name)
#define RUNW_LANE_kV128(name)
#define RUNW_LANE_kShuffle(name)
#define RUNW_OP(name, code, text, imm, sig, align) RUNW_LANE_##imm(name)
#include "wasm/opcodes-simd.def"
#undef RUNW_OP

// Lane operations: extract_lane and replace_lane, by the lane immediate.
template <Opcode op>
constexpr bool IsLaneOp() {
  return kOpTable[static_cast<uint16_t>(op)].imm == Imm::kLane;
}

// The size of an instruction run by an opcode handler.
template <Opcode op>
constexpr uint32_t OpcodeInstrSize() {
  if constexpr (IsPure(op)) {
    return 8 + 4 * (1 + kInfo<op>.num_params);
  } else if constexpr (MemOp<op>::kIsMem || SimdLoadKind(op)) {
    return 8 + 12;  // value-or-dst, addr, offset
  } else if constexpr (LaneMem<op>::kIs) {
    return 8 + 20;  // dst, addr, vec, offset, lane
  } else if constexpr (IsLaneOp<op>()) {
    return 8 + 4 * (2 + kInfo<op>.num_params);  // dst, params..., lane
  } else {
    return 0;
  }
}

// Runs one instruction of the opcode-indexed kind; returns a trap code.
// A literal operand stored in the code as 64 bits, read as the operand's type.
template <typename T>
RUNW_INLINE T FromImm(uint64_t bits) {
  if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<float>(static_cast<uint32_t>(bits));
  } else if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<double>(bits);
  } else {
    return static_cast<T>(bits);
  }
}

// Whether `op` has a form whose second operand is a literal: scalar binary operations.
template <Opcode op>
constexpr bool HasImmForm() {
  if constexpr (IsPure(op)) {
    return kInfo<op>.num_params == 2 && kInfo<op>.params[1] != ValType::kV128 &&
           kInfo<op>.params[0] != ValType::kV128;
  } else {
    return false;
  }
}

template <Opcode op, bool kImm = false>
RUNW_INLINE TrapCode Step(Slot* fp, const uint8_t*& pc, uint8_t* mem) {
  if constexpr (kImm && !HasImmForm<op>()) {
    return TrapCode::kInternal;
  } else if constexpr (IsPure(op)) {
    using R = C<kInfo<op>.result>;
    auto arg = [&](auto k, auto tag) {
      using T = decltype(tag);
      return Get<T>(fp, U32(pc, k + 1));
    };
    NoArg none;
    auto p0 = [&] {
      if constexpr (kInfo<op>.num_params > 0)
        return arg(0, C<kInfo<op>.params[0]>{});
      else
        return none;
    }();
    auto p1 = [&] {
      if constexpr (kImm)
        return FromImm<C<kInfo<op>.params[1]>>(Rd<uint64_t>(pc + 16));
      else if constexpr (kInfo<op>.num_params > 1)
        return arg(1, C<kInfo<op>.params[1]>{});
      else
        return none;
    }();
    auto p2 = [&] {
      if constexpr (kInfo<op>.num_params > 2)
        return arg(2, C<kInfo<op>.params[2]>{});
      else
        return none;
    }();
    TrapCode trap = TrapCode::kOk;
    R r;
    if constexpr (Sem<op>::kTrap) {
      r = static_cast<R>(Sem<op>::Do(p0, p1, p2, trap));
      if (trap != TrapCode::kOk) return trap;
    } else {
      r = static_cast<R>(Sem<op>::Do(p0, p1, p2));
    }
    Put<R>(fp, U32(pc, 0), r);
    pc += kImm ? 24 : OpcodeInstrSize<op>();
    return TrapCode::kOk;
  } else if constexpr (MemOp<op>::kIsMem) {
    using M = typename MemOp<op>::Mem;
    using V = typename MemOp<op>::Val;
    const uint64_t ea = uint64_t{Get<uint32_t>(fp, U32(pc, 1))} + U32(pc, 2);
    if constexpr (MemOp<op>::kLoad) {
      Put<V>(fp, U32(pc, 0), static_cast<V>(Load<M>(mem, ea)));
    } else {
      Store<M>(mem, ea, static_cast<M>(Get<V>(fp, U32(pc, 0))));
    }
    pc += OpcodeInstrSize<op>();
    return TrapCode::kOk;
  } else if constexpr (SimdLoadKind(op)) {
    const uint64_t ea = uint64_t{Get<uint32_t>(fp, U32(pc, 1))} + U32(pc, 2);
    V128 v;
    SimdLoad<op>(mem, ea, v);
    Put<V128>(fp, U32(pc, 0), v);
    pc += OpcodeInstrSize<op>();
    return TrapCode::kOk;
  } else if constexpr (LaneMem<op>::kIs) {
    using M = typename LaneMem<op>::Mem;
    const uint64_t ea = uint64_t{Get<uint32_t>(fp, U32(pc, 1))} + U32(pc, 3);
    V128 v = Get<V128>(fp, U32(pc, 2));
    const uint32_t lane = U32(pc, 4);
    if constexpr (LaneMem<op>::kLoad) {
      v.SetLane<M>(lane, Load<M>(mem, ea));
      Put<V128>(fp, U32(pc, 0), v);
    } else {
      Store<M>(mem, ea, v.Lane<M>(lane));
    }
    pc += OpcodeInstrSize<op>();
    return TrapCode::kOk;
  } else if constexpr (IsLaneOp<op>()) {
    // extract_lane: (v) -> scalar; replace_lane: (v, x) -> v.
    using R = C<kInfo<op>.result>;
    const uint8_t lane = static_cast<uint8_t>(U32(pc, 1 + kInfo<op>.num_params));
    V128 v = Get<V128>(fp, U32(pc, 1));
    R r;
    if constexpr (kInfo<op>.num_params == 1) {
      r = static_cast<R>(LaneFn<op>::Do(v, lane));
    } else {
      r = LaneFn<op>::Do(v, Get<C<kInfo<op>.params[1]>>(fp, U32(pc, 2)), lane);
    }
    Put<R>(fp, U32(pc, 0), r);
    pc += OpcodeInstrSize<op>();
    return TrapCode::kOk;
  } else {
    // Never emitted by the lowering; reaching it would be a bug in runw.
    return TrapCode::kInternal;
  }
}

// Fused compare-and-branch: [h][a][b or imm64][disp]; eqz: [h][a][disp].
template <Opcode op, bool kImm>
constexpr uint32_t CmpBranchDisp() {
  return kInfo<op>.num_params == 1 ? 12 : (kImm ? 20 : 16);
}
template <Opcode op, bool kImm, bool kWhen>
RUNW_INLINE bool CmpTaken(const Slot* fp, const uint8_t* pc) {
  using T = C<kInfo<op>.params[0]>;
  const T a = Get<T>(fp, U32(pc, 0));
  if constexpr (kInfo<op>.num_params == 1) {
    return (Sem<op>::Do(a, 0, 0) != 0) == kWhen;
  } else {
    const T b = kImm ? FromImm<T>(Rd<uint64_t>(pc + 12)) : Get<T>(fp, U32(pc, 1));
    return (Sem<op>::Do(a, b, 0) != 0) == kWhen;
  }
}

// A scalar load or store with a computed address (AddrMode in interp.h).
template <AddrMode kMode>
RUNW_INLINE uint64_t EffectiveAddress(const Slot* fp, const uint8_t* pc) {
  const uint32_t a = U32(pc, 1);
  uint32_t addr;
  if constexpr (kMode == AddrMode::kSlot) {
    addr = Get<uint32_t>(fp, a);
  } else if constexpr (kMode == AddrMode::kConst) {
    addr = a;
  } else if constexpr (kMode == AddrMode::kAddImm) {
    addr = Get<uint32_t>(fp, a) + U32(pc, 3);
  } else if constexpr (kMode == AddrMode::kAddReg) {
    addr = Get<uint32_t>(fp, a) + Get<uint32_t>(fp, U32(pc, 3));
  } else {
    addr = (Get<uint32_t>(fp, a) << (U32(pc, 4) & 31)) + U32(pc, 3);
  }
  return uint64_t{addr} + U32(pc, 2);
}
template <Opcode op, AddrMode kMode, bool kImmValue>
RUNW_INLINE void MemStep(Slot* fp, const uint8_t*& pc, uint8_t* mem) {
  using M = typename MemOp<op>::Mem;
  using V = typename MemOp<op>::Val;
  constexpr uint32_t kFieldsEnd = 8 + 4 * AddrModeFields(kMode);
  const uint64_t ea = EffectiveAddress<kMode>(fp, pc);
  if constexpr (MemOp<op>::kLoad) {
    Put<V>(fp, U32(pc, 0), static_cast<V>(Load<M>(mem, ea)));
  } else if constexpr (kImmValue) {
    Store<M>(mem, ea, static_cast<M>(FromImm<V>(Rd<uint64_t>(pc + kFieldsEnd))));
  } else {
    Store<M>(mem, ea, static_cast<M>(Get<V>(fp, U32(pc, 0))));
  }
  pc += kFieldsEnd + (kImmValue ? 8 : 0);
}

// A fused arithmetic pair (RUNW_FUSED_OPS, shapes in interp.h).
template <Opcode kOuter, Opcode kInner, bool kInnerFirst, FusedShape kShape>
RUNW_INLINE void FusedStep(Slot* fp, const uint8_t*& pc) {
  using A = C<kInfo<kInner>.params[0]>;
  using B = C<kInfo<kInner>.params[1]>;
  using X = C<kInfo<kInner>.result>;
  using O = std::conditional_t<kInnerFirst, C<kInfo<kOuter>.params[1]>, C<kInfo<kOuter>.params[0]>>;
  constexpr bool kInnerImm = kShape == FusedShape::kKR || kShape == FusedShape::kKK;
  constexpr bool kOuterImm = kShape == FusedShape::kRK || kShape == FusedShape::kKK;
  const A a = Get<A>(fp, U32(pc, 1));
  B b;
  O c;
  if constexpr (kShape == FusedShape::kRR) {
    b = Get<B>(fp, U32(pc, 2));
    c = Get<O>(fp, U32(pc, 3));
  } else if constexpr (kShape == FusedShape::kRK) {
    b = Get<B>(fp, U32(pc, 2));
    c = FromImm<O>(Rd<uint64_t>(pc + 20));
  } else if constexpr (kShape == FusedShape::kKR) {
    c = Get<O>(fp, U32(pc, 2));
    b = FromImm<B>(Rd<uint64_t>(pc + 20));
  } else {
    b = FromImm<B>(Rd<uint64_t>(pc + 16));
    c = FromImm<O>(Rd<uint64_t>(pc + 24));
  }
  static_assert(kInnerImm || kOuterImm || kShape == FusedShape::kRR);
  const X x = static_cast<X>(Sem<kInner>::Do(a, b, 0));
  using R = C<kInfo<kOuter>.result>;
  const R r = kInnerFirst ? static_cast<R>(Sem<kOuter>::Do(x, c, 0))
                          : static_cast<R>(Sem<kOuter>::Do(c, x, 0));
  Put<R>(fp, U32(pc, 0), r);
  pc += kShape == FusedShape::kRR ? 24 : kShape == FusedShape::kKK ? 32 : 28;
}

// Add, then compare the sum and branch (RUNW_ADD_CMP_OPS in interp.h). Returns
// the displacement's offset in the instruction.
template <bool kAddImm, bool kCmpImm>
constexpr uint32_t AddCmpDisp() {
  return 16 + (kAddImm ? 8 : 4) + (kCmpImm ? 8 : 4);
}
template <Opcode op, bool kAddImm, bool kCmpImm, bool kWhen>
RUNW_INLINE bool AddCmpTaken(Slot* fp, const uint8_t* pc) {
  constexpr uint32_t kC = 16 + (kAddImm ? 8 : 4);
  const uint32_t a = Get<uint32_t>(fp, U32(pc, 1));
  const uint32_t b =
      kAddImm ? static_cast<uint32_t>(Rd<uint64_t>(pc + 16)) : Get<uint32_t>(fp, U32(pc, 2));
  const uint32_t sum = a + b;
  fp[U32(pc, 0)] = sum;
  // Read after the store: the comparison may name the sum's own slot.
  const uint32_t c = kCmpImm ? static_cast<uint32_t>(Rd<uint64_t>(pc + kC))
                             : Get<uint32_t>(fp, Rd<uint32_t>(pc + kC));
  return (Sem<op>::Do(sum, c, 0) != 0) == kWhen;
}

}  // namespace

int AddCmpIndex(Opcode op) {
  int i = 0;
#define RUNW_ADD_CMP_INDEX(name)       \
  if (op == Opcode::k##name) return i; \
  ++i;
  RUNW_ADD_CMP_OPS(RUNW_ADD_CMP_INDEX)
#undef RUNW_ADD_CMP_INDEX
  return -1;
}

int FusedIndex(Opcode outer, Opcode inner, bool inner_first, FusedShape shape) {
  using enum Opcode;
  using enum FusedShape;
  const bool commutative = outer == kI32Add || outer == kI64Add || outer == kF32Add ||
                           outer == kF64Add || outer == kF32Mul || outer == kF64Mul ||
                           outer == kI32Mul || outer == kI32Xor || outer == kI32Or ||
                           outer == kI32And;
  int i = 0;
#define RUNW_FUSED_INDEX(name, o, in, first, sh)        \
  if (outer == k##o && inner == k##in && shape == sh && \
      (first == inner_first || (commutative && first))) \
    return i;                                           \
  ++i;
  RUNW_FUSED_OPS(RUNW_FUSED_INDEX)
#undef RUNW_FUSED_INDEX
  return -1;
}

int MemOpIndex(Opcode op) {
  int i = 0;
#define RUNW_MEM_INDEX(name)           \
  if (op == Opcode::k##name) return i; \
  ++i;
  RUNW_LOAD_OPS(RUNW_MEM_INDEX)
  RUNW_STORE_OPS(RUNW_MEM_INDEX)
#undef RUNW_MEM_INDEX
  return -1;
}

int CmpBranchIndex(Opcode op) {
  int i = 0;
#define RUNW_CMP_INDEX(name)           \
  if (op == Opcode::k##name) return i; \
  ++i;
  RUNW_CMP_OPS(RUNW_CMP_INDEX)
#undef RUNW_CMP_INDEX
  return -1;
}

// Out-of-line helpers for the bulk memory and table instructions (spec 4.4.6-4.4.7);
// they are not on hot paths and each checks bounds explicitly.
namespace {

LinearMemory& Mem0(ModuleInstance* inst) {
  return *inst->memories[0]->memory;
}

TrapCode MemoryInit(ModuleInstance* inst, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  LinearMemory& m = Mem0(inst);
  std::span<const uint8_t> data = inst->datas[seg];
  if (uint64_t{s} + n > data.size() || !m.InBounds(d, n)) return TrapCode::kMemoryOutOfBounds;
  if (n) std::memcpy(m.base() + d, data.data() + s, n);
  return TrapCode::kOk;
}

TrapCode MemoryCopy(ModuleInstance* inst, uint32_t d, uint32_t s, uint32_t n) {
  LinearMemory& m = Mem0(inst);
  if (!m.InBounds(s, n) || !m.InBounds(d, n)) return TrapCode::kMemoryOutOfBounds;
  if (n) std::memmove(m.base() + d, m.base() + s, n);
  return TrapCode::kOk;
}

TrapCode MemoryFill(ModuleInstance* inst, uint32_t d, uint32_t v, uint32_t n) {
  LinearMemory& m = Mem0(inst);
  if (!m.InBounds(d, n)) return TrapCode::kMemoryOutOfBounds;
  if (n) std::memset(m.base() + d, static_cast<int>(v & 0xff), n);
  return TrapCode::kOk;
}

TrapCode TableInit(ModuleInstance* inst, uint32_t seg, uint32_t t, uint32_t d, uint32_t s,
                   uint32_t n) {
  std::vector<Ref>& table = inst->tables[t]->elems;
  const std::vector<Ref>& elems = inst->elems[seg];
  if (uint64_t{s} + n > elems.size() || uint64_t{d} + n > table.size())
    return TrapCode::kTableOutOfBounds;
  std::copy_n(elems.begin() + s, n, table.begin() + d);
  return TrapCode::kOk;
}

TrapCode TableCopy(ModuleInstance* inst, uint32_t dt, uint32_t st, uint32_t d, uint32_t s,
                   uint32_t n) {
  std::vector<Ref>& dst = inst->tables[dt]->elems;
  std::vector<Ref>& src = inst->tables[st]->elems;
  if (uint64_t{s} + n > src.size() || uint64_t{d} + n > dst.size())
    return TrapCode::kTableOutOfBounds;
  if (n) std::memmove(dst.data() + d, src.data() + s, n * sizeof(Ref));
  return TrapCode::kOk;
}

TrapCode TableFill(ModuleInstance* inst, uint32_t t, uint32_t i, Ref v, uint32_t n) {
  std::vector<Ref>& table = inst->tables[t]->elems;
  if (uint64_t{i} + n > table.size()) return TrapCode::kTableOutOfBounds;
  std::fill_n(table.begin() + i, n, v);
  return TrapCode::kOk;
}

TrapCode TableGet(ModuleInstance* inst, uint32_t t, uint32_t i, Slot& out) {
  const std::vector<Ref>& elems = inst->tables[t]->elems;
  if (i >= elems.size()) return TrapCode::kTableOutOfBounds;
  out = elems[i];
  return TrapCode::kOk;
}

TrapCode TableSet(ModuleInstance* inst, uint32_t t, uint32_t i, Ref v) {
  std::vector<Ref>& elems = inst->tables[t]->elems;
  if (i >= elems.size()) return TrapCode::kTableOutOfBounds;
  elems[i] = v;
  return TrapCode::kOk;
}

// The function a call_indirect instruction [h][type][table][index slot][frame]
// calls, or the trap it raises instead (with the element index for the message).
RUNW_INLINE TrapCode IndirectCallee(Thread& t, const ModuleInstance& inst, const Slot* fp,
                                    const uint8_t* pc, const FuncInst*& callee) {
  const TableInst& table = *inst.tables[U32(pc, 1)];
  const uint32_t i = static_cast<uint32_t>(fp[U32(pc, 2)]);
  if (i >= table.elems.size()) [[unlikely]] {
    t.trap_index = i;
    return TrapCode::kUndefinedElement;
  }
  callee = reinterpret_cast<const FuncInst*>(table.elems[i]);
  if (callee == nullptr) [[unlikely]] {
    t.trap_index = i;
    return TrapCode::kUninitializedElement;
  }
  if (callee->type_id != inst.type_ids[U32(pc, 0)]) return TrapCode::kIndirectCallTypeMismatch;
  return TrapCode::kOk;
}

const void* const* g_handlers = nullptr;

#if RUNW_DISPATCH_PROFILE
// A developer's tool (cmake -DRUNW_DISPATCH_PROFILE=ON): counts how often each
// handler runs and which pairs run back to back, and prints the most frequent at
// exit. The pairs are the candidates for fused instructions.
std::string HandlerName(const void* h) {
  static const char* const kCmpNames[] = {
#define RUNW_CMP_NAME(name) #name,
      RUNW_CMP_OPS(RUNW_CMP_NAME)
#undef RUNW_CMP_NAME
  };
  static const char* const kIOpNames[] = {
#define RUNW_IOP_NAME(name) #name,
      RUNW_IOPS(RUNW_IOP_NAME)
#undef RUNW_IOP_NAME
  };
  for (size_t i = 0; i < kHandlerTableSize; ++i) {
    if (g_handlers[i] != h) continue;
    if (i < kImmHandlers) return std::string(kOpTable[i].text);
    if (i < kCmpHandlers) return std::string(kOpTable[i - kImmHandlers].text) + "/imm";
    if (i < kIOpHandlers) {
      const size_t k = i - kCmpHandlers;
      return std::string("br_") + kCmpNames[k / 4] + ((k & 2) ? "/imm" : "") +
             ((k & 1) ? "/true" : "/false");
    }
    if (i < kMemHandlers) return kIOpNames[i - kIOpHandlers];
    if (i >= kAddCmpHandlers) {
      static const char* const kAddCmpNames[] = {
#define RUNW_ADD_CMP_NAME(name) #name,
          RUNW_ADD_CMP_OPS(RUNW_ADD_CMP_NAME)
#undef RUNW_ADD_CMP_NAME
      };
      const size_t k = i - kAddCmpHandlers;
      return std::string("add_br_") + kAddCmpNames[k / 8] + ((k & 4) ? "/addimm" : "") +
             ((k & 2) ? "/imm" : "") + ((k & 1) ? "/true" : "/false");
    }
    if (i >= kFusedHandlers) {
      static const char* const kFusedNames[] = {
#define RUNW_FUSED_NAME(name, outer, inner, first, shape) #name,
          RUNW_FUSED_OPS(RUNW_FUSED_NAME)
#undef RUNW_FUSED_NAME
      };
      return kFusedNames[i - kFusedHandlers];
    }
    static const char* const kModeNames[] = {"", "@const", "@add_imm", "@add", "@shl_add_imm"};
    const size_t k = i - kMemHandlers;
    const size_t op = k / (2 * kNumAddrModes);
    const size_t mode = (k / 2) % kNumAddrModes;
    for (uint16_t code = 0; code < kOpcodeSpace; ++code) {
      if (kOpTable[code].imm == Imm::kMemArg && MemOpIndex(static_cast<Opcode>(code)) == int(op))
        return std::string(kOpTable[code].text) + kModeNames[mode] + ((k & 1) ? "/imm" : "");
    }
    return "?";
  }
  return "?";
}

struct DispatchProfile {
  std::unordered_map<const void*, uint64_t> single;
  std::map<std::pair<const void*, const void*>, uint64_t> pairs;
  const void* prev = nullptr;
  ~DispatchProfile() {
    auto print = [](const char* title, auto& m, auto name) {
      std::vector<std::pair<uint64_t, std::string>> v;
      uint64_t total = 0;
      for (auto& [k, n] : m) {
        v.emplace_back(n, name(k));
        total += n;
      }
      std::sort(v.rbegin(), v.rend());
      std::fprintf(stderr, "%s (%llu dispatches)\n", title, static_cast<unsigned long long>(total));
      for (size_t i = 0; i < v.size() && i < 40; ++i)
        std::fprintf(stderr, "  %6.2f%%  %s\n", 100.0 * v[i].first / total, v[i].second.c_str());
    };
    print("handlers", single, [](const void* h) { return HandlerName(h); });
    print("pairs", pairs, [](const std::pair<const void*, const void*>& p) {
      return HandlerName(p.first) + " -> " + HandlerName(p.second);
    });
  }
};
DispatchProfile g_profile;

void ProfileDispatch(const uint8_t* pc) {
  const void* h = Rd<const void*>(pc);
  g_profile.single[h]++;
  if (g_profile.prev) g_profile.pairs[{g_profile.prev, h}]++;
  g_profile.prev = h;
}
#define RUNW_PROFILE_DISPATCH(pc) ProfileDispatch(pc)
#else
#define RUNW_PROFILE_DISPATCH(pc) ((void)0)
#endif

// The interpreter proper. Called once with `entry == nullptr` to publish the
// handler table, which needs the addresses of this function's labels.
TrapCode Run(Thread* thread, const FuncInst* entry, Slot* fp) {
  static const void* table[kHandlerTableSize];
  if (entry == nullptr) {
    for (auto& h : table)
      h = &&L_Invalid;
#define RUNW_OP(name, code, text, imm, sig, align) \
  table[code] = &&L_##name;                        \
  table[kImmHandlers + code] = &&M_##name;
#include "wasm/opcodes.def"
#undef RUNW_OP
    {
      size_t k = kCmpHandlers;
#define RUNW_CMP_LABELS(name)   \
  table[k++] = &&B_##name##_s0; \
  table[k++] = &&B_##name##_s1; \
  table[k++] = &&B_##name##_i0; \
  table[k++] = &&B_##name##_i1;
      RUNW_CMP_OPS(RUNW_CMP_LABELS)
#undef RUNW_CMP_LABELS
    }
#define RUNW_IOP_LABEL(name) table[kIOpHandlers + static_cast<size_t>(IOp::k##name)] = &&I_##name;
    RUNW_IOPS(RUNW_IOP_LABEL)
#undef RUNW_IOP_LABEL
    {
      // Per memory operation: (mode, literal value) pairs in AddrMode order.
      size_t k = kMemHandlers;
#define RUNW_LOAD_LABELS(name)                                                             \
  for (const void* h :                                                                     \
       {&&A_##name##_0, &&A_##name##_1, &&A_##name##_2, &&A_##name##_3, &&A_##name##_4}) { \
    table[k++] = h;                                                                        \
    k++; /* loads have no literal-value form */                                            \
  }
#define RUNW_STORE_LABELS(name)                                                          \
  for (const void* h :                                                                   \
       {&&A_##name##_0, &&V_##name##_0, &&A_##name##_1, &&V_##name##_1, &&A_##name##_2,  \
        &&V_##name##_2, &&A_##name##_3, &&V_##name##_3, &&A_##name##_4, &&V_##name##_4}) \
    table[k++] = h;
      RUNW_LOAD_OPS(RUNW_LOAD_LABELS)
      RUNW_STORE_OPS(RUNW_STORE_LABELS)
#undef RUNW_LOAD_LABELS
#undef RUNW_STORE_LABELS
    }
    {
      size_t k = kFusedHandlers;
#define RUNW_FUSED_LABEL(name, outer, inner, first, shape) table[k++] = &&F_##name;
      RUNW_FUSED_OPS(RUNW_FUSED_LABEL)
#undef RUNW_FUSED_LABEL
    }
    {
      size_t k = kAddCmpHandlers;
#define RUNW_ADD_CMP_LABELS(name)                                                                \
  for (const void* h : {&&X_##name##_000, &&X_##name##_001, &&X_##name##_010, &&X_##name##_011,  \
                        &&X_##name##_100, &&X_##name##_101, &&X_##name##_110, &&X_##name##_111}) \
    table[k++] = h;
      RUNW_ADD_CMP_OPS(RUNW_ADD_CMP_LABELS)
#undef RUNW_ADD_CMP_LABELS
    }
    g_handlers = table;
    return TrapCode::kOk;
  }

  Thread& t = *thread;
  const std::atomic<bool>& interrupt = t.interrupt_flag();
  const Slot* const stack_end = t.stack_end();
  const uint32_t max_depth = t.store().limits().max_call_depth;
  const uint32_t base_depth = t.depth;
  TrapCode trap = TrapCode::kOk;
  ModuleInstance* inst = entry->module;
  uint8_t* mem = inst->memory_base;
  const uint8_t* pc;
  const FuncInst* callee = entry;
  Slot* nfp = fp;
  const uint8_t* ret_pc = nullptr;

#define NEXT()               \
  RUNW_PROFILE_DISPATCH(pc); \
  goto* Rd<const void*>(pc)
#define TRAP(code) \
  do {             \
    trap = (code); \
    goto on_trap;  \
  } while (0)

  goto enter;

#define RUNW_OP(name, code, text, imm, sig, align)    \
  L_##name : {                                        \
    TrapCode tc = Step<Opcode::k##name>(fp, pc, mem); \
    if (tc != TrapCode::kOk) [[unlikely]]             \
      TRAP(tc);                                       \
    NEXT();                                           \
  }
#include "wasm/opcodes.def"
#undef RUNW_OP

#define RUNW_OP(name, code, text, imm, sig, align)          \
  M_##name : {                                              \
    TrapCode tc = Step<Opcode::k##name, true>(fp, pc, mem); \
    if (tc != TrapCode::kOk) [[unlikely]]                   \
      TRAP(tc);                                             \
    NEXT();                                                 \
  }
#include "wasm/opcodes.def"
#undef RUNW_OP

#define RUNW_CMP_BODY(name, imm, when)                                         \
  if (CmpTaken<Opcode::k##name, imm, when>(fp, pc)) {                          \
    const int32_t d = Rd<int32_t>(pc + CmpBranchDisp<Opcode::k##name, imm>()); \
    if (d <= 0 && interrupt.load(std::memory_order_relaxed)) [[unlikely]]      \
      TRAP(TrapCode::kInterrupted);                                            \
    pc += d;                                                                   \
  } else {                                                                     \
    pc += CmpBranchDisp<Opcode::k##name, imm>() + 4;                           \
  }                                                                            \
  NEXT();
#define RUNW_CMP_HANDLERS(name)                                   \
  B_##name##_s0 : RUNW_CMP_BODY(name, false, false) B_##name##_s1 \
      : RUNW_CMP_BODY(name, false, true) B_##name##_i0            \
      : RUNW_CMP_BODY(name, true, false) B_##name##_i1 : RUNW_CMP_BODY(name, true, true)
  RUNW_CMP_OPS(RUNW_CMP_HANDLERS)
#undef RUNW_CMP_HANDLERS
#undef RUNW_CMP_BODY

#define RUNW_MEM_HANDLER(label, name, mode, imm_value)                           \
  label:                                                                         \
  MemStep<Opcode::k##name, static_cast<AddrMode>(mode), imm_value>(fp, pc, mem); \
  NEXT();
#define RUNW_LOAD_HANDLERS(name)                 \
  RUNW_MEM_HANDLER(A_##name##_0, name, 0, false) \
  RUNW_MEM_HANDLER(A_##name##_1, name, 1, false) \
  RUNW_MEM_HANDLER(A_##name##_2, name, 2, false) \
  RUNW_MEM_HANDLER(A_##name##_3, name, 3, false) \
  RUNW_MEM_HANDLER(A_##name##_4, name, 4, false)
#define RUNW_STORE_HANDLERS(name)               \
  RUNW_LOAD_HANDLERS(name)                      \
  RUNW_MEM_HANDLER(V_##name##_0, name, 0, true) \
  RUNW_MEM_HANDLER(V_##name##_1, name, 1, true) \
  RUNW_MEM_HANDLER(V_##name##_2, name, 2, true) \
  RUNW_MEM_HANDLER(V_##name##_3, name, 3, true) \
  RUNW_MEM_HANDLER(V_##name##_4, name, 4, true)
  RUNW_LOAD_OPS(RUNW_LOAD_HANDLERS)
  RUNW_STORE_OPS(RUNW_STORE_HANDLERS)
#undef RUNW_STORE_HANDLERS
#undef RUNW_LOAD_HANDLERS
#undef RUNW_MEM_HANDLER

#define RUNW_FUSED_HANDLER(name, outer, inner, first, shape)                                  \
  F_##name : FusedStep<Opcode::k##outer, Opcode::k##inner, first, FusedShape::shape>(fp, pc); \
  NEXT();
  RUNW_FUSED_OPS(RUNW_FUSED_HANDLER)
#undef RUNW_FUSED_HANDLER

#define RUNW_ADD_CMP_BODY(label, name, add_imm, cmp_imm, when)            \
  label:                                                                  \
  if (AddCmpTaken<Opcode::k##name, add_imm, cmp_imm, when>(fp, pc)) {     \
    const int32_t d = Rd<int32_t>(pc + AddCmpDisp<add_imm, cmp_imm>());   \
    if (d <= 0 && interrupt.load(std::memory_order_relaxed)) [[unlikely]] \
      TRAP(TrapCode::kInterrupted);                                       \
    pc += d;                                                              \
  } else {                                                                \
    pc += AddCmpDisp<add_imm, cmp_imm>() + 4;                             \
  }                                                                       \
  NEXT();
#define RUNW_ADD_CMP_HANDLERS(name)                            \
  RUNW_ADD_CMP_BODY(X_##name##_000, name, false, false, false) \
  RUNW_ADD_CMP_BODY(X_##name##_001, name, false, false, true)  \
  RUNW_ADD_CMP_BODY(X_##name##_010, name, false, true, false)  \
  RUNW_ADD_CMP_BODY(X_##name##_011, name, false, true, true)   \
  RUNW_ADD_CMP_BODY(X_##name##_100, name, true, false, false)  \
  RUNW_ADD_CMP_BODY(X_##name##_101, name, true, false, true)   \
  RUNW_ADD_CMP_BODY(X_##name##_110, name, true, true, false)   \
  RUNW_ADD_CMP_BODY(X_##name##_111, name, true, true, true)
  RUNW_ADD_CMP_OPS(RUNW_ADD_CMP_HANDLERS)
#undef RUNW_ADD_CMP_HANDLERS
#undef RUNW_ADD_CMP_BODY

L_Invalid:
  TRAP(TrapCode::kInternal);

I_Copy64:
  fp[U32(pc, 0)] = fp[U32(pc, 1)];
  pc += 16;
  NEXT();
I_Copy128:
  // The two slots may overlap when a value moves down by one slot.
  std::memmove(fp + U32(pc, 0), fp + U32(pc, 1), 16);
  pc += 16;
  NEXT();
I_Const64:
  fp[U32(pc, 0)] = Rd<uint64_t>(pc + 12);
  pc += 20;
  NEXT();
I_Const128:
  std::memcpy(fp + U32(pc, 0), pc + 12, 16);
  pc += 28;
  NEXT();
I_Br:
  pc += Rd<int32_t>(pc + 8);
  NEXT();
I_BrLoop:
  if (interrupt.load(std::memory_order_relaxed)) [[unlikely]]
    TRAP(TrapCode::kInterrupted);
  pc += Rd<int32_t>(pc + 8);
  NEXT();
I_BrIf:
  if (static_cast<uint32_t>(fp[U32(pc, 0)]) != 0) {
    pc += Rd<int32_t>(pc + 12);
  } else {
    pc += 16;
  }
  NEXT();
I_BrIfNot:
  if (static_cast<uint32_t>(fp[U32(pc, 0)]) == 0) {
    pc += Rd<int32_t>(pc + 12);
  } else {
    pc += 16;
  }
  NEXT();
I_BrIfLoop:
  if (static_cast<uint32_t>(fp[U32(pc, 0)]) != 0) {
    if (interrupt.load(std::memory_order_relaxed)) [[unlikely]]
      TRAP(TrapCode::kInterrupted);
    pc += Rd<int32_t>(pc + 12);
  } else {
    pc += 16;
  }
  NEXT();
I_BrTable:
  // An index past the table takes the default, the entry after the last.
  pc += Rd<int32_t>(pc + 16 + 4 * std::min(static_cast<uint32_t>(fp[U32(pc, 0)]), U32(pc, 1)));
  NEXT();
I_Return64:
  // Return with a single one-slot result, copied into place first.
  fp[0] = fp[U32(pc, 0)];
  goto do_return;
I_Return:
do_return:
  --t.depth;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (t.frames[t.depth].ret_pc == nullptr) return TrapCode::kOk;
  pc = t.frames[t.depth].ret_pc;
  fp = t.frames[t.depth].fp;
  inst = t.frames[t.depth].inst;
  mem = inst->memory_base;
  NEXT();
I_Call:
  callee = inst->funcs[U32(pc, 0)];
  nfp = fp + U32(pc, 1);
  ret_pc = pc + 16;
  goto call;
I_CallIndirect:
  if (TrapCode tc = IndirectCallee(t, *inst, fp, pc, callee); tc != TrapCode::kOk) [[unlikely]]
    TRAP(tc);
  nfp = fp + U32(pc, 3);
  ret_pc = pc + 24;
  goto call;
I_Trap:
  TRAP(static_cast<TrapCode>(U32(pc, 0)));
I_Select64:
  fp[U32(pc, 0)] = static_cast<uint32_t>(fp[U32(pc, 3)]) ? fp[U32(pc, 1)] : fp[U32(pc, 2)];
  pc += 24;
  NEXT();
I_Select128:
  std::memmove(fp + U32(pc, 0),
               fp + (static_cast<uint32_t>(fp[U32(pc, 3)]) ? U32(pc, 1) : U32(pc, 2)), 16);
  pc += 24;
  NEXT();
I_RefIsNull:
  fp[U32(pc, 0)] = fp[U32(pc, 1)] == 0 ? 1 : 0;
  pc += 16;
  NEXT();
I_RefFunc:
  fp[U32(pc, 0)] = reinterpret_cast<Slot>(inst->funcs[U32(pc, 1)]);
  pc += 16;
  NEXT();
I_GlobalGet64:
  fp[U32(pc, 0)] = inst->globals[U32(pc, 1)]->value[0];
  pc += 16;
  NEXT();
I_GlobalGet128:
  std::memcpy(fp + U32(pc, 0), inst->globals[U32(pc, 1)]->value, 16);
  pc += 16;
  NEXT();
I_GlobalSet64:
  inst->globals[U32(pc, 0)]->value[0] = fp[U32(pc, 1)];
  pc += 16;
  NEXT();
I_GlobalSet128:
  std::memcpy(inst->globals[U32(pc, 0)]->value, fp + U32(pc, 1), 16);
  pc += 16;
  NEXT();
I_MemorySize:
  fp[U32(pc, 0)] = Mem0(inst).pages();
  pc += 12;
  NEXT();
I_MemoryGrow:
  fp[U32(pc, 0)] = Mem0(inst).Grow(static_cast<uint32_t>(fp[U32(pc, 1)]));
  pc += 16;
  NEXT();
I_MemoryInit:
  if (TrapCode tc =
          MemoryInit(inst, U32(pc, 0), static_cast<uint32_t>(fp[U32(pc, 1)]),
                     static_cast<uint32_t>(fp[U32(pc, 2)]), static_cast<uint32_t>(fp[U32(pc, 3)]));
      tc != TrapCode::kOk)
    TRAP(tc);
  pc += 24;
  NEXT();
I_DataDrop:
  inst->datas[U32(pc, 0)] = {};
  pc += 12;
  NEXT();
I_MemoryCopy:
  if (TrapCode tc =
          MemoryCopy(inst, static_cast<uint32_t>(fp[U32(pc, 0)]),
                     static_cast<uint32_t>(fp[U32(pc, 1)]), static_cast<uint32_t>(fp[U32(pc, 2)]));
      tc != TrapCode::kOk)
    TRAP(tc);
  pc += 20;
  NEXT();
I_MemoryFill:
  if (TrapCode tc =
          MemoryFill(inst, static_cast<uint32_t>(fp[U32(pc, 0)]),
                     static_cast<uint32_t>(fp[U32(pc, 1)]), static_cast<uint32_t>(fp[U32(pc, 2)]));
      tc != TrapCode::kOk)
    TRAP(tc);
  pc += 20;
  NEXT();
I_TableGet:
  if (TrapCode tc =
          TableGet(inst, U32(pc, 1), static_cast<uint32_t>(fp[U32(pc, 2)]), fp[U32(pc, 0)]);
      tc != TrapCode::kOk)
    TRAP(tc);
  pc += 20;
  NEXT();
I_TableSet:
  if (TrapCode tc =
          TableSet(inst, U32(pc, 0), static_cast<uint32_t>(fp[U32(pc, 1)]), fp[U32(pc, 2)]);
      tc != TrapCode::kOk)
    TRAP(tc);
  pc += 20;
  NEXT();
I_TableInit:
  if (TrapCode tc =
          TableInit(inst, U32(pc, 0), U32(pc, 1), static_cast<uint32_t>(fp[U32(pc, 2)]),
                    static_cast<uint32_t>(fp[U32(pc, 3)]), static_cast<uint32_t>(fp[U32(pc, 4)]));
      tc != TrapCode::kOk)
    TRAP(tc);
  pc += 28;
  NEXT();
I_ElemDrop:
  inst->elems[U32(pc, 0)].clear();
  pc += 12;
  NEXT();
I_TableCopy:
  if (TrapCode tc =
          TableCopy(inst, U32(pc, 0), U32(pc, 1), static_cast<uint32_t>(fp[U32(pc, 2)]),
                    static_cast<uint32_t>(fp[U32(pc, 3)]), static_cast<uint32_t>(fp[U32(pc, 4)]));
      tc != TrapCode::kOk)
    TRAP(tc);
  pc += 28;
  NEXT();
I_TableGrow:
  fp[U32(pc, 0)] =
      inst->tables[U32(pc, 1)]->Grow(static_cast<uint32_t>(fp[U32(pc, 3)]), fp[U32(pc, 2)]);
  pc += 24;
  NEXT();
I_TableSize:
  fp[U32(pc, 0)] = inst->tables[U32(pc, 1)]->elems.size();
  pc += 16;
  NEXT();
I_TableFill:
  if (TrapCode tc = TableFill(inst, U32(pc, 0), static_cast<uint32_t>(fp[U32(pc, 1)]),
                              fp[U32(pc, 2)], static_cast<uint32_t>(fp[U32(pc, 3)]));
      tc != TrapCode::kOk)
    TRAP(tc);
  pc += 24;
  NEXT();
I_ShlAddImm:
  fp[U32(pc, 0)] = (Get<uint32_t>(fp, U32(pc, 1)) << (U32(pc, 3) & 31)) + U32(pc, 2);
  pc += 24;
  NEXT();
// An i32.add and a jump: [h][dst][a][b or k:64][disp].
I_AddBr:
  fp[U32(pc, 0)] = Get<uint32_t>(fp, U32(pc, 1)) + Get<uint32_t>(fp, U32(pc, 2));
  pc += Rd<int32_t>(pc + 20);
  NEXT();
I_AddImmBr:
  fp[U32(pc, 0)] = Get<uint32_t>(fp, U32(pc, 1)) + static_cast<uint32_t>(Rd<uint64_t>(pc + 16));
  pc += Rd<int32_t>(pc + 24);
  NEXT();
I_AddBrLoop:
  fp[U32(pc, 0)] = Get<uint32_t>(fp, U32(pc, 1)) + Get<uint32_t>(fp, U32(pc, 2));
  if (interrupt.load(std::memory_order_relaxed)) [[unlikely]]
    TRAP(TrapCode::kInterrupted);
  pc += Rd<int32_t>(pc + 20);
  NEXT();
I_AddImmBrLoop:
  fp[U32(pc, 0)] = Get<uint32_t>(fp, U32(pc, 1)) + static_cast<uint32_t>(Rd<uint64_t>(pc + 16));
  if (interrupt.load(std::memory_order_relaxed)) [[unlikely]]
    TRAP(TrapCode::kInterrupted);
  pc += Rd<int32_t>(pc + 24);
  NEXT();
I_Shuffle:
  Put<V128>(fp, U32(pc, 0),
            simd::I8x16Shuffle(Get<V128>(fp, U32(pc, 1)), Get<V128>(fp, U32(pc, 2)), pc + 20));
  pc += 36;
  NEXT();

call:
  // `callee` is to be called with its frame at `nfp`; `ret_pc` is where to resume.
  if (interrupt.load(std::memory_order_relaxed)) [[unlikely]]
    TRAP(TrapCode::kInterrupted);
  if (const CompiledFunc* code = callee->code) {
    if (t.depth >= max_depth || nfp + code->frame_slots > stack_end) [[unlikely]]
      TRAP(TrapCode::kCallStackExhausted);
    t.frames[t.depth++] = Thread::CallFrame{ret_pc, fp, inst, callee};
    std::atomic_signal_fence(std::memory_order_seq_cst);
    // Declared locals start at zero (spec 4.4.10); usually only a few.
    for (Slot *p = nfp + code->param_slots, *e = p + code->local_slots; p != e; ++p)
      *p = 0;
    fp = nfp;
    inst = callee->module;
    mem = inst->memory_base;
    pc = code->code.data();
    NEXT();
  } else {
    HostCall call{t, *callee, inst};
    t.stack_top = nfp + std::max(callee->param_slots, callee->result_slots);
    TrapCode tc = callee->host(callee->host_data, call, nfp);
    if (tc != TrapCode::kOk) TRAP(tc);
    pc = ret_pc;
    NEXT();
  }

enter:
  // The entry function: its frame is the first, with no return address.
  ret_pc = nullptr;
  goto call;

on_trap:
  t.backtrace_.clear();
  for (uint32_t i = t.depth; i-- > base_depth;)
    t.backtrace_.push_back(t.frames[i].func);
  t.depth = base_depth;
  return trap;

#undef NEXT
#undef TRAP
}

}  // namespace

const void* const* HandlerTable() {
  // Run() publishes its label addresses when called without a function.
  static const void* const* table = (Run(nullptr, nullptr, nullptr), g_handlers);
  return table;
}

bool HasOpcodeHandler(Opcode op) {
  return IsPure(op) || kOpTable[static_cast<uint16_t>(op)].imm == Imm::kLane ||
         kOpTable[static_cast<uint16_t>(op)].imm == Imm::kMemArg ||
         kOpTable[static_cast<uint16_t>(op)].imm == Imm::kMemArgLane;
}

TrapCode Execute(Thread& thread, const FuncInst& func, Slot* fp) {
  return Run(&thread, &func, fp);
}

}  // namespace runw::wasm
