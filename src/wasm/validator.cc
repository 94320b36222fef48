#include "wasm/validator.h"

#include <string_view>
#include <unordered_set>

#include "wasm/decoder.h"
#include "wasm/function-body.h"

namespace runw::wasm {
namespace {

class ModuleValidator {
 public:
  explicit ModuleValidator(const Module& m) : m_(m) {}

  Result<void> Validate();
  Result<void> ValidateDeclarations();
  const std::vector<bool>& declared_refs() {
    CollectDeclaredRefs();
    return declared_refs_;
  }

 private:
  Result<void> ValidateBodies(bool validate);
  Result<void> CheckLimits(const Limits& l, uint64_t bound, ErrorCode too_large, uint32_t at);
  Result<void> CheckConstExpr(const ConstExpr& e, ValType type, uint32_t num_globals);
  void CollectDeclaredRefs();

  const Module& m_;
  NullConsumer none_;
  std::vector<bool> declared_refs_;
};

Result<void> ModuleValidator::CheckLimits(const Limits& l, uint64_t bound, ErrorCode too_large,
                                          uint32_t at) {
  if (l.min > bound || (l.max && *l.max > bound)) return Fail(too_large, at);
  if (l.max && l.min > *l.max) return Fail(ErrorCode::kLimitsMinGreaterThanMax, at);
  return {};
}

Result<void> ModuleValidator::CheckConstExpr(const ConstExpr& e, ValType type,
                                             uint32_t num_globals) {
  BodyPass<NullConsumer> pass(m_, none_, /*validate=*/true);
  RUNW_CHECK(pass.RunConstExpr(e.range.begin, e.range.end, type, num_globals));
  return {};
}

// C.refs (spec 3.4.10): functions named by `ref.func` or an index outside function
// bodies may be referenced with `ref.func` inside them.
void ModuleValidator::CollectDeclaredRefs() {
  declared_refs_.assign(m_.num_funcs(), false);
  auto declare = [&](uint32_t index) {
    if (index < declared_refs_.size()) declared_refs_[index] = true;
  };
  auto declare_expr = [&](const ConstExpr& e) {
    // A constant expression `ref.func x` is 0xd2 x 0x0b.
    if (e.range.size() >= 2 && m_.bytes[e.range.begin] == 0xd2) {
      Reader r(m_.bytes.data(), e.range.begin + 1, e.range.end, ErrorCode::kUnexpectedEnd);
      if (auto x = r.U32()) declare(*x);
    }
  };
  for (const Export& ex : m_.exports)
    if (ex.kind == ExternKind::kFunc) declare(ex.index);
  for (const ElemSegment& seg : m_.elems) {
    for (uint32_t f : seg.func_indices)
      declare(f);
    for (const ConstExpr& e : seg.exprs)
      declare_expr(e);
  }
  for (uint32_t g = m_.num_imported_globals; g < m_.globals.size(); ++g)
    declare_expr(m_.globals[g].init);
}

Result<void> ModuleValidator::ValidateDeclarations() {
  const uint32_t num_types = static_cast<uint32_t>(m_.types.size());
  for (const Import& im : m_.imports) {
    switch (im.kind) {
      case ExternKind::kFunc:
        if (im.type_index >= num_types)
          return Fail(ErrorCode::kUnknownType, im.offset, im.type_index);
        break;
      case ExternKind::kTable:
        RUNW_CHECK(
            CheckLimits(im.table.limits, UINT32_MAX, ErrorCode::kTableSizeTooLarge, im.offset));
        break;
      case ExternKind::kMemory:
        RUNW_CHECK(CheckLimits(im.memory.limits, kMaxMemoryPages, ErrorCode::kMemorySizeTooLarge,
                               im.offset));
        break;
      case ExternKind::kGlobal:
        break;
    }
  }
  for (uint32_t f = m_.num_imported_funcs; f < m_.num_funcs(); ++f) {
    if (m_.func_types[f] >= num_types)
      return Fail(ErrorCode::kUnknownType, m_.function_section_offset, m_.func_types[f]);
  }
  for (uint32_t t = m_.num_imported_tables; t < m_.tables.size(); ++t) {
    const uint32_t at = m_.table_offsets[t - m_.num_imported_tables];
    RUNW_CHECK(CheckLimits(m_.tables[t].limits, UINT32_MAX, ErrorCode::kTableSizeTooLarge, at));
  }
  for (uint32_t i = m_.num_imported_memories; i < m_.memories.size(); ++i) {
    const uint32_t at = m_.memory_offsets[i - m_.num_imported_memories];
    RUNW_CHECK(
        CheckLimits(m_.memories[i].limits, kMaxMemoryPages, ErrorCode::kMemorySizeTooLarge, at));
  }
  if (m_.memories.size() > 1) {
    // Point at the second memory, whether imported or defined.
    uint32_t at = 0;
    uint32_t seen = 0;
    for (const Import& im : m_.imports)
      if (im.kind == ExternKind::kMemory && ++seen == 2) at = im.offset;
    if (seen < 2) at = m_.memory_offsets[1 - seen];
    return Fail(ErrorCode::kMultipleMemories, at);
  }

  // Global initializers see only the imported globals (spec 3.4.10, context C').
  for (uint32_t g = m_.num_imported_globals; g < m_.globals.size(); ++g) {
    const Global& global = m_.globals[g];
    RUNW_CHECK(CheckConstExpr(global.init, global.type.type, m_.num_imported_globals));
  }
  // So do segment offsets and element expressions in WebAssembly 2.0.
  const uint32_t imported_globals = m_.num_imported_globals;
  for (const ElemSegment& seg : m_.elems) {
    if (seg.mode == SegmentMode::kActive) {
      if (seg.table_index >= m_.tables.size())
        return Fail(ErrorCode::kUnknownTable, seg.offset, seg.table_index);
      RUNW_CHECK(CheckConstExpr(seg.offset_expr, ValType::kI32, imported_globals));
      if (m_.tables[seg.table_index].elem != seg.type)
        return Fail(ErrorCode::kTypeMismatch, seg.offset);
    }
    for (uint32_t f : seg.func_indices) {
      if (f >= m_.num_funcs()) return Fail(ErrorCode::kUnknownFunction, seg.offset, f);
    }
    for (const ConstExpr& e : seg.exprs)
      RUNW_CHECK(CheckConstExpr(e, seg.type, imported_globals));
  }
  for (const DataSegment& seg : m_.datas) {
    if (seg.mode != SegmentMode::kActive) continue;
    if (seg.memory_index >= m_.memories.size())
      return Fail(ErrorCode::kUnknownMemory, seg.offset, seg.memory_index);
    RUNW_CHECK(CheckConstExpr(seg.offset_expr, ValType::kI32, imported_globals));
  }
  if (m_.start) {
    if (*m_.start >= m_.num_funcs())
      return Fail(ErrorCode::kUnknownFunction, m_.start_offset, *m_.start);
    const FuncType& ft = m_.func_type(*m_.start);
    if (!ft.params.empty() || !ft.results.empty())
      return Fail(ErrorCode::kStartFunction, m_.start_offset);
  }
  std::unordered_set<std::string_view> names;
  for (const Export& ex : m_.exports) {
    size_t limit = 0;
    ErrorCode unknown = ErrorCode::kUnknownFunction;
    switch (ex.kind) {
      case ExternKind::kFunc:
        limit = m_.num_funcs();
        break;
      case ExternKind::kTable:
        limit = m_.tables.size(), unknown = ErrorCode::kUnknownTable;
        break;
      case ExternKind::kMemory:
        limit = m_.memories.size(), unknown = ErrorCode::kUnknownMemory;
        break;
      case ExternKind::kGlobal:
        limit = m_.globals.size(), unknown = ErrorCode::kUnknownGlobal;
        break;
    }
    if (ex.index >= limit) return Fail(unknown, ex.offset, ex.index);
    if (!names.insert(ex.name).second) return Fail(ErrorCode::kDuplicateExport, ex.offset);
  }
  return {};
}

Result<void> ModuleValidator::ValidateBodies(bool validate) {
  std::optional<Error> first_invalid;
  BodyPass<NullConsumer> pass(m_, none_, validate);
  pass.set_declared_refs(&declared_refs_);
  BodyPass<NullConsumer> decode_only(m_, none_, /*validate=*/false);
  for (uint32_t i = 0; i < m_.codes.size(); ++i) {
    auto& p = first_invalid ? decode_only : pass;
    auto result = p.RunFunction(m_.num_imported_funcs + i, m_.codes[i]);
    if (!result) {
      if (result.error().phase() == ErrorPhase::kDecode) return result;
      first_invalid = result.error();
    }
  }
  if (first_invalid) return std::unexpected(*first_invalid);
  return {};
}

Result<void> ModuleValidator::Validate() {
  CollectDeclaredRefs();
  auto declarations = ValidateDeclarations();
  if (!declarations) {
    // Malformed code outranks an invalid declaration; look for it first.
    RUNW_CHECK(ValidateBodies(/*validate=*/false));
    return declarations;
  }
  return ValidateBodies(/*validate=*/true);
}

}  // namespace

Result<void> ValidateModule(const Module& module) {
  return ModuleValidator(module).Validate();
}

Result<void> ValidateModuleDeclarations(const Module& module) {
  return ModuleValidator(module).ValidateDeclarations();
}

std::vector<bool> DeclaredFuncRefs(const Module& module) {
  return ModuleValidator(module).declared_refs();
}

Result<Module> LoadModule(std::span<const uint8_t> bytes) {
  Module module = RUNW_TRY(DecodeModule(bytes));
  RUNW_CHECK(ValidateModule(module));
  return module;
}

}  // namespace runw::wasm
