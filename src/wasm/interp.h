// The interpreter's internal code and its entry point.
//
// Design. Function bodies are lowered once (lower.cc), during the same pass that
// validates them, to a register-style code over the function's frame:
//
//   frame = [ params | declared locals | operand temporaries ]   (64-bit slots)
//
// Every wasm operand-stack position has a fixed home slot, because the stack height
// at each instruction is known statically. An instruction names its operands and
// its result by slot number, so `local.get`s and constants usually cost nothing
// (the consumer reads the local's slot directly) and a result is often written
// straight into the local that a following `local.set` names.
//
// An instruction is an 8-byte handler address followed by its operands (u32 slot
// numbers, u32 indices, i32 branch displacements relative to the instruction's
// first byte, and literal constants). Dispatch is direct threading: each handler
// ends by jumping to the address at the start of the next instruction (computed
// goto), with no decoding, bounds or stack-height checks at run time.
//
// Common instruction sequences run as one instruction, chosen by counting which
// handlers run back to back on the compute benchmarks (-DRUNW_DISPATCH_PROFILE=ON):
//   - a literal second operand travels in the instruction (`x + 1`, `x < 10`);
//   - a comparison that only feeds a branch becomes a compare-and-branch, and an
//     i32.add just before it joins too (`i += step; if (i < n) continue`), as it
//     does an unconditional branch (`i++; continue`);
//   - i32 address arithmetic (base + literal, base + index, (index << s) + literal,
//     a literal address) is folded into scalar loads and stores, and a stored
//     literal travels in the store (AddrMode);
//   - a multiply feeding an add, a hash function's shift feeding an xor, and the
//     like (RUNW_FUSED_OPS).
// The lowering (lower.cc) forms them as it goes, never across a branch target.
//
// Calls need no copying: the arguments already sit in consecutive temporaries of
// the caller, and the callee's frame starts at the first of them, so its params are
// those slots; its results are left in the same place. Return addresses and saved
// frame pointers live on a separate call stack in the Thread.
//
// Linear memory needs no bounds checks: it sits in a guarded 8 GiB reservation
// (memory.h) and a fault there becomes the "out of bounds memory access" trap.
// Loops check the Thread's interrupt flag on every back-edge, and calls check the
// depth and the room left on the value stack, so neither a runaway loop nor deep
// recursion can take the host process down.
#pragma once

#include <cstdint>

#include "wasm/opcodes.h"
#include "wasm/runtime.h"

namespace runw::wasm {

// Handlers that do not correspond one-to-one to a wasm opcode.
#define RUNW_IOPS(X) \
  X(Copy64)          \
  X(Copy128)         \
  X(Const64)         \
  X(Const128)        \
  X(Br)              \
  X(BrLoop)          \
  X(BrIf)            \
  X(BrIfNot)         \
  X(BrIfLoop)        \
  X(BrTable)         \
  X(Return)          \
  X(Return64)        \
  X(Call)            \
  X(CallIndirect)    \
  X(Trap)            \
  X(Select64)        \
  X(Select128)       \
  X(RefIsNull)       \
  X(RefFunc)         \
  X(GlobalGet64)     \
  X(GlobalGet128)    \
  X(GlobalSet64)     \
  X(GlobalSet128)    \
  X(MemorySize)      \
  X(MemoryGrow)      \
  X(MemoryInit)      \
  X(DataDrop)        \
  X(MemoryCopy)      \
  X(MemoryFill)      \
  X(TableGet)        \
  X(TableSet)        \
  X(TableInit)       \
  X(ElemDrop)        \
  X(TableCopy)       \
  X(TableGrow)       \
  X(TableSize)       \
  X(TableFill)       \
  X(Shuffle)         \
  X(ShlAddImm)       \
  X(AddBr)           \
  X(AddImmBr)        \
  X(AddBrLoop)       \
  X(AddImmBrLoop)

enum class IOp : uint16_t {
#define RUNW_IOP_ENUM(name) k##name,
  RUNW_IOPS(RUNW_IOP_ENUM)
#undef RUNW_IOP_ENUM
      kCount
};

// Comparisons that fuse with a following br_if or if into one instruction.
#define RUNW_CMP_OPS(X) \
  X(I32Eqz)             \
  X(I32Eq)              \
  X(I32Ne)              \
  X(I32LtS)             \
  X(I32LtU)             \
  X(I32GtS)             \
  X(I32GtU)             \
  X(I32LeS)             \
  X(I32LeU)             \
  X(I32GeS)             \
  X(I32GeU)             \
  X(I64Eqz)             \
  X(I64Eq)              \
  X(I64Ne)              \
  X(I64LtS)             \
  X(I64LtU)             \
  X(I64GtS)             \
  X(I64GtU)             \
  X(I64LeS)             \
  X(I64LeU)             \
  X(I64GeS)             \
  X(I64GeU)

// Scalar loads and stores, which also come in forms that compute their address
// (see AddrMode) and, for stores, forms whose value is a literal.
#define RUNW_LOAD_OPS(X) \
  X(I32Load)             \
  X(I64Load)             \
  X(F32Load)             \
  X(F64Load)             \
  X(I32Load8S)           \
  X(I32Load8U)           \
  X(I32Load16S)          \
  X(I32Load16U)          \
  X(I64Load8S)           \
  X(I64Load8U)           \
  X(I64Load16S)          \
  X(I64Load16U)          \
  X(I64Load32S)          \
  X(I64Load32U)
#define RUNW_STORE_OPS(X) \
  X(I32Store)             \
  X(I64Store)             \
  X(F32Store)             \
  X(F64Store)             \
  X(I32Store8)            \
  X(I32Store16)           \
  X(I64Store8)            \
  X(I64Store16)           \
  X(I64Store32)

// How a scalar load or store finds its address. Compilers compute most addresses
// with an add (base + constant, base + index, or (index << scale) + constant) right
// before the access; folding that arithmetic into the access saves a dispatch.
// The i32 arithmetic wraps exactly as the separate instructions would, and only
// then is the static offset added (in 64 bits, so the guard region catches it).
//
//   [h][value][a][offset]                      kSlot       ea = a
//   [h][value][c][offset]                      kConst      ea = c (a literal)
//   [h][value][a][offset][k]                   kAddImm     ea = a + k
//   [h][value][a][offset][b]                   kAddReg     ea = a + b
//   [h][value][a][offset][k][shift]            kShlAddImm  ea = (a << shift) + k
//
// `value` is the load's destination or the store's source slot; a store whose value
// is a literal has it as 64 bits after these fields (its value field is unused).
enum class AddrMode : uint8_t { kSlot, kConst, kAddImm, kAddReg, kShlAddImm };
inline constexpr size_t kNumAddrModes = 5;
inline constexpr uint32_t AddrModeFields(AddrMode m) {
  return m == AddrMode::kSlot || m == AddrMode::kConst ? 3 : m == AddrMode::kShlAddImm ? 5 : 4;
}

/// Index of a scalar load or store in RUNW_LOAD_OPS then RUNW_STORE_OPS, or -1.
int MemOpIndex(Opcode op);
inline constexpr size_t kNumMemOps = 23;

// Pairs of arithmetic operations run as one instruction when the second (outer)
// consumes the first's (inner's) result. Either may take a literal as its second
// operand, which gives four shapes:
//
//   kRR  outer(inner(a, b), c)    [h][dst][a][b][c]
//   kRK  outer(inner(a, b), k)    [h][dst][a][b][k:64]
//   kKR  outer(inner(a, j), c)    [h][dst][a][c][j:64]
//   kKK  outer(inner(a, j), k)    [h][dst][a][j:64][k:64]
//
// With `first` false the inner result is the outer's second operand instead:
// outer(c, inner(a, b)). A commutative outer is listed with `first` only. The set
// was chosen by profiling the compute benchmarks (cmake -DRUNW_DISPATCH_PROFILE=ON):
// products feeding sums, and the shift/xor/multiply mixing of hash functions and
// bit indexing. Floating-point pairs round twice, exactly like the separate
// instructions (the interpreter is built with -ffp-contract=off).
enum class FusedShape : uint8_t { kRR, kRK, kKR, kKK };
#define RUNW_FUSED_OPS(X)                     \
  X(I32MulAdd, I32Add, I32Mul, true, kRR)     \
  X(I32MulSub, I32Sub, I32Mul, true, kRR)     \
  X(I32SubMul, I32Sub, I32Mul, false, kRR)    \
  X(I64MulAdd, I64Add, I64Mul, true, kRR)     \
  X(F32MulAdd, F32Add, F32Mul, true, kRR)     \
  X(F32MulSub, F32Sub, F32Mul, true, kRR)     \
  X(F32SubMul, F32Sub, F32Mul, false, kRR)    \
  X(F32MulMul, F32Mul, F32Mul, true, kRR)     \
  X(F64MulAdd, F64Add, F64Mul, true, kRR)     \
  X(F64MulSub, F64Sub, F64Mul, true, kRR)     \
  X(F64SubMul, F64Sub, F64Mul, false, kRR)    \
  X(F64MulMul, F64Mul, F64Mul, true, kRR)     \
  X(I32XorMulK, I32Mul, I32Xor, true, kRK)    \
  X(I32AddRotlK, I32Rotl, I32Add, true, kRK)  \
  X(I32AddAndK, I32And, I32Add, true, kRK)    \
  X(I32XorShrUK, I32ShrU, I32Xor, true, kRK)  \
  X(I32ShlKXor, I32Xor, I32Shl, true, kKR)    \
  X(I32ShrUKXor, I32Xor, I32ShrU, true, kKR)  \
  X(I32ShlKOr, I32Or, I32Shl, true, kKR)      \
  X(I32ShrUKOr, I32Or, I32ShrU, true, kKR)    \
  X(I32ShlKAdd, I32Add, I32Shl, true, kKR)    \
  X(I32MulKAdd, I32Add, I32Mul, true, kKR)    \
  X(I32AndKAdd, I32Add, I32And, true, kKR)    \
  X(I32MulKShrUK, I32ShrU, I32Mul, true, kKK) \
  X(I32ShrUKAndK, I32And, I32ShrU, true, kKK) \
  X(I32MulKAddK, I32Add, I32Mul, true, kKK)   \
  X(I32ShlKOrK, I32Or, I32Shl, true, kKK)     \
  X(I32AndKShlK, I32Shl, I32And, true, kKK)
inline constexpr size_t kNumFusedOps = 28;

/// Index in RUNW_FUSED_OPS of outer(inner(..), ..) (`inner_first`) or
/// outer(.., inner(..)) in the given shape, or -1 when the pair is not fused.
int FusedIndex(Opcode outer, Opcode inner, bool inner_first, FusedShape shape);

// Comparisons that also fuse with the i32.add just before them, when the sum is
// the comparison's first operand: the loop idiom `i += step; if (i < n) continue`.
// [h][dst][a][b or k:64][c or kc:64][disp] stores dst = a + b, then branches on
// cmp(dst, c); 16 handlers per comparison (add and comparison each with a slot or a
// literal, times branch when false or true).
#define RUNW_ADD_CMP_OPS(X) \
  X(I32Eq)                  \
  X(I32Ne)                  \
  X(I32LtS)                 \
  X(I32LtU)                 \
  X(I32GtS)                 \
  X(I32GtU)
inline constexpr size_t kNumAddCmpOps = 6;
/// Index of `op` in RUNW_ADD_CMP_OPS, or -1.
int AddCmpIndex(Opcode op);

/// Index of `op` in RUNW_CMP_OPS, or -1 when it does not fuse with branches.
int CmpBranchIndex(Opcode op);
inline constexpr size_t kNumCmpOps = 22;

// The handler table: opcode handlers (operands in slots), the same with the second
// operand a literal, fused compare-and-branch handlers (4 per comparison: operand
// in a slot or literal, times branch when false or true), one per IOp, then the
// scalar loads and stores by address mode (2 per mode: value in a slot or literal),
// then the fused arithmetic pairs, then add-compare-and-branch.
inline constexpr size_t kImmHandlers = kOpcodeSpace;
inline constexpr size_t kCmpHandlers = 2 * kOpcodeSpace;
inline constexpr size_t kIOpHandlers = kCmpHandlers + 4 * kNumCmpOps;
inline constexpr size_t kMemHandlers = kIOpHandlers + static_cast<size_t>(IOp::kCount);
inline constexpr size_t kFusedHandlers = kMemHandlers + kNumMemOps * kNumAddrModes * 2;
inline constexpr size_t kAddCmpHandlers = kFusedHandlers + kNumFusedOps;
inline constexpr size_t kHandlerTableSize = kAddCmpHandlers + 8 * kNumAddCmpOps;

const void* const* HandlerTable();
inline const void* HandlerFor(Opcode op) {
  return HandlerTable()[static_cast<uint16_t>(op)];
}
/// The form of a scalar binary operation whose second operand is a 64-bit literal
/// following the first operand: [h][dst][a][imm64].
inline const void* HandlerForImm(Opcode op) {
  return HandlerTable()[kImmHandlers + static_cast<uint16_t>(op)];
}
/// A comparison fused with a conditional branch taken when the comparison is `when`.
inline const void* HandlerForCmpBranch(Opcode op, bool imm, bool when) {
  return HandlerTable()[kCmpHandlers + 4 * CmpBranchIndex(op) + 2 * imm + when];
}
inline const void* HandlerFor(IOp op) {
  return HandlerTable()[kIOpHandlers + static_cast<uint16_t>(op)];
}

/// A scalar load or store with address mode `mode`; `imm_value`: a store whose
/// value is a literal.
inline const void* HandlerForMem(Opcode op, AddrMode mode, bool imm_value) {
  return HandlerTable()[kMemHandlers +
                        (MemOpIndex(op) * kNumAddrModes + static_cast<size_t>(mode)) * 2 +
                        imm_value];
}

inline const void* HandlerForAddCmpBranch(Opcode cmp, bool add_imm, bool cmp_imm, bool when) {
  return HandlerTable()[kAddCmpHandlers + 8 * AddCmpIndex(cmp) + 4 * add_imm + 2 * cmp_imm + when];
}
inline const void* HandlerForFused(int index) {
  return HandlerTable()[kFusedHandlers + index];
}

/// Whether the opcode is run by a handler in the opcode-indexed part of the table
/// (fixed-signature operations, memory accesses, lane operations).
bool HasOpcodeHandler(Opcode op);

/// Runs wasm function `func` whose frame starts at `fp` (its arguments in place).
/// Its results are left at fp[0..).
TrapCode Execute(Thread& thread, const FuncInst& func, Slot* fp);

}  // namespace runw::wasm
