// The single pass over an instruction sequence (a function body or a constant
// expression) that decodes, validates and hands each instruction to a consumer.
//
// Design. Wasm code is read exactly once after the module's sections are decoded.
// BodyPass<Consumer> decodes each instruction's immediates, applies the typing rules
// of spec 3.3 with the algorithm of the spec's validation appendix (an operand stack
// of value types plus a stack of control frames; an "unknown" type stands for the
// bottom type after `unreachable`, `br`, `return` and friends), and then calls
// `consumer.OnInstr(instr)`. The validator uses a consumer that does nothing; the
// interpreter's lowering is another consumer that sees the same decoded, typed
// instructions, so type logic lives only here.
//
// Errors follow the reference interpreter's order: a module whose code is both
// malformed and invalid reports the malformed error. So after the first validation
// error the pass keeps decoding (types unchecked, consumer silent) to the end of the
// sequence, and a later decode error replaces it. The same decode-only mode lets the
// module decoder find where a constant expression ends before the module is known.
#pragma once

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "base/error.h"
#include "base/reader.h"
#include "wasm/module.h"
#include "wasm/opcodes.h"

namespace runw::wasm {

/// The "unknown" operand type of the validation algorithm: matches every type.
inline constexpr ValType kBottom = static_cast<ValType>(0);

/// A block type: none, one result type, or a type index (multi-value).
struct BlockType {
  enum class Form : uint8_t { kEmpty, kSingle, kIndex } form = Form::kEmpty;
  ValType single = ValType::kI32;
  uint32_t type_index = 0;
};

/// One decoded instruction. Only the fields of its immediate kind are meaningful.
struct Instr {
  Opcode op = Opcode::kNop;
  uint32_t offset = 0;  // of the opcode in Module::bytes
  uint32_t index = 0;   // label, function, local, global, table, type, data or elem index
  uint32_t index2 = 0;  // second index: call_indirect table, table.init/copy source
  uint32_t align = 0;   // memarg alignment exponent
  uint32_t mem_offset = 0;
  uint8_t lane = 0;
  ValType type = ValType::kI32;  // ref.null, typed select
  BlockType block;
  uint64_t bits = 0;                  // i32/i64 constants (sign-extended), f32/f64 bit patterns
  uint8_t v128[16] = {};              // v128.const bytes, i8x16.shuffle lanes
  std::span<const uint32_t> targets;  // br_table targets, default excluded (in index)
};

/// What an instruction sequence is.
enum class BodyKind : uint8_t {
  kFunction,   // a function body; the frame's results are the function's
  kConstExpr,  // a constant expression that must produce `const_type`
};

/// A consumer that ignores everything: plain validation.
struct NullConsumer {
  void OnInstr(const Instr&) {}
};

template <typename Consumer>
class BodyPass {
 public:
  /// `module` may be incomplete when `validate` is false (decode-only mode).
  BodyPass(const Module& module, Consumer& consumer, bool validate)
      : module_(module), consumer_(consumer), validate_(validate) {}

  /// The functions that `ref.func` may name in function bodies (spec 3.4.10, C.refs);
  /// null allows all, as in constant expressions, which are themselves declarations.
  void set_declared_refs(const std::vector<bool>* refs) { declared_refs_ = refs; }

  /// Checks a function body: `func_index` is in the module's function index space and
  /// `code` its entry in the code section.
  Result<void> RunFunction(uint32_t func_index, const Code& code);

  /// Checks a constant expression in [begin, end) that must yield one `type`;
  /// `num_globals` is how many globals it may name (only imports, for globals).
  /// In decode-only mode it returns the position just past the final `end`.
  Result<size_t> RunConstExpr(size_t begin, size_t end, ValType type, uint32_t num_globals);

 private:
  enum class FrameKind : uint8_t { kFunction, kBlock, kLoop, kIf, kElse };
  struct Frame {
    FrameKind kind;
    bool unreachable;
    uint32_t height;  // operand stack height at entry, above the block's params
    BlockType type;
    std::span<const ValType> params;
    std::span<const ValType> results;
  };

  Result<void> Run(Reader& r, bool const_expr);
  Result<void> Step(Reader& r, bool const_expr, bool& done);
  Result<void> DecodeImmediates(Reader& r, const OpInfo& info, Instr& in);
  Result<void> Check(const Instr& in, const OpInfo& info, bool& done);
  Result<void> CheckSpecial(const Instr& in, bool& done);
  Result<void> CheckConstOp(const Instr& in);
  Result<BlockType> ReadBlockType(Reader& r);
  bool IsDeclaredFuncRef(uint32_t index) const {
    return declared_refs_ == nullptr || (*declared_refs_)[index];
  }

  // Operand stack.
  void Push(ValType t) { stack_.push_back(t); }
  void PushAll(std::span<const ValType> ts) { stack_.insert(stack_.end(), ts.begin(), ts.end()); }
  Result<ValType> Pop();
  Result<ValType> Pop(ValType expected);
  Result<void> PopAll(std::span<const ValType> ts);
  Result<void> PushFrame(FrameKind kind, BlockType type);
  Result<void> CheckFrameEnd(const Frame& f);
  void SetUnreachable();
  std::span<const ValType> LabelTypes(const Frame& f) const {
    return f.kind == FrameKind::kLoop ? f.params : f.results;
  }
  Result<void> ResolveBlockType(BlockType& bt, std::span<const ValType>& params,
                                std::span<const ValType>& results);

  Error Err(ErrorCode code, uint32_t index = Error::kNoIndex) const {
    return Error(code, instr_offset_, index);
  }
  std::unexpected<Error> Fail(ErrorCode code, uint32_t index = Error::kNoIndex) const {
    return std::unexpected(Err(code, index));
  }
  Result<void> NeedMemory(uint32_t index) const {
    if (index >= module_.memories.size()) return Fail(ErrorCode::kUnknownMemory, index);
    return {};
  }
  Result<const TableType*> NeedTable(uint32_t index) const {
    if (index >= module_.tables.size()) return Fail(ErrorCode::kUnknownTable, index);
    return &module_.tables[index];
  }

  const Module& module_;
  Consumer& consumer_;
  bool validate_;  // false: decode only (before the module is complete, or after an error)
  uint32_t instr_offset_ = 0;
  size_t body_end_ = 0;
  std::optional<Error> first_invalid_;

  std::vector<ValType> locals_;
  std::vector<ValType> stack_;
  std::vector<Frame> frames_;
  std::vector<uint32_t> targets_;
  ValType const_type_ = ValType::kI32;
  uint32_t const_globals_ = 0;
  const std::vector<bool>* declared_refs_ = nullptr;
};

}  // namespace runw::wasm

#include "wasm/function-body-inl.h"
