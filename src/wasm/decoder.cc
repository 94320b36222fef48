// Decoding of the module's sections (spec 5.5).
//
// The reader runs over the whole binary, as the reference decoder's does: a
// section's declared size is checked when the section has been read ("section size
// mismatch"), and a read past the end of the binary inside a section reports
// "unexpected end of section or function". Vector counts are never trusted for
// allocation: every element takes at least one byte, so a count larger than the
// bytes left is an error before anything is reserved.
#include "wasm/decoder.h"

#include <algorithm>
#include <string>

#include "base/reader.h"
#include "wasm/function-body.h"

namespace runw::wasm {
namespace {

enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
};

// Position of each known section in the required order; DataCount sits between
// Element and Code.
int SectionRank(uint8_t id) {
  static constexpr int kRank[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kRank[id];
}

class ModuleDecoder {
 public:
  explicit ModuleDecoder(std::span<const uint8_t> bytes) {
    module_.bytes.assign(bytes.begin(), bytes.end());
  }

  Result<Module> Decode();

 private:
  Result<void> DecodeSection(uint8_t id, Reader& r, uint32_t size);
  Result<void> TypeSection(Reader& r);
  Result<void> ImportSection(Reader& r);
  Result<void> FunctionSection(Reader& r);
  Result<void> TableSection(Reader& r);
  Result<void> MemorySection(Reader& r);
  Result<void> GlobalSection(Reader& r);
  Result<void> ExportSection(Reader& r);
  Result<void> StartSection(Reader& r);
  Result<void> ElementSection(Reader& r);
  Result<void> CodeSection(Reader& r);
  Result<void> DataSection(Reader& r);
  Result<void> DataCountSection(Reader& r);
  Result<void> CustomSectionBody(Reader& r, uint32_t size);
  void NameSection(ByteRange payload);

  Result<uint32_t> Count(Reader& r);
  Result<std::string> Name(Reader& r);
  Result<ValType> ValueType(Reader& r);
  Result<ValType> RefType(Reader& r);
  Result<Limits> ReadLimits(Reader& r);
  Result<TableType> ReadTableType(Reader& r);
  Result<GlobalType> ReadGlobalType(Reader& r);
  Result<ConstExpr> ReadConstExpr(Reader& r);

  Module module_;
  uint32_t declared_funcs_ = 0;  // entries of the function section
  bool saw_code_section_ = false;
  bool saw_data_section_ = false;
};

Result<uint32_t> ModuleDecoder::Count(Reader& r) {
  // Each element of every vector takes at least one byte.
  return r.Length();
}

Result<std::string> ModuleDecoder::Name(Reader& r) {
  size_t at = r.pos();
  uint32_t n = RUNW_TRY(r.Length());
  auto bytes = RUNW_TRY(r.Bytes(n));
  if (!IsValidUtf8(bytes)) return Fail(ErrorCode::kMalformedUtf8, r.Offset(at));
  return std::string(bytes.begin(), bytes.end());
}

Result<ValType> ModuleDecoder::ValueType(Reader& r) {
  size_t at = r.pos();
  uint8_t b = RUNW_TRY(r.U8());
  // Type codes are one-byte signed LEB128s: a continuation bit is an overlong form.
  if (b & 0x80) return Fail(ErrorCode::kIntRepresentationTooLong, r.Offset(at));
  auto t = ValTypeFromByte(b);
  // The reference decoder reads anything that is not a number or vector type as a
  // reference type, so that is the error it reports.
  if (!t) return Fail(ErrorCode::kMalformedRefType, r.Offset(at));
  return *t;
}

Result<ValType> ModuleDecoder::RefType(Reader& r) {
  size_t at = r.pos();
  uint8_t b = RUNW_TRY(r.U8());
  if (b & 0x80) return Fail(ErrorCode::kIntRepresentationTooLong, r.Offset(at));
  auto t = ValTypeFromByte(b);
  if (!t || !IsRefType(*t)) return Fail(ErrorCode::kMalformedRefType, r.Offset(at));
  return *t;
}

Result<Limits> ModuleDecoder::ReadLimits(Reader& r) {
  Limits limits;
  uint32_t flags = RUNW_TRY(r.U1());
  limits.min = RUNW_TRY(r.U32());
  if (flags == 1) limits.max = RUNW_TRY(r.U32());
  return limits;
}

Result<TableType> ModuleDecoder::ReadTableType(Reader& r) {
  TableType t;
  t.elem = RUNW_TRY(RefType(r));
  t.limits = RUNW_TRY(ReadLimits(r));
  return t;
}

Result<GlobalType> ModuleDecoder::ReadGlobalType(Reader& r) {
  GlobalType g;
  g.type = RUNW_TRY(ValueType(r));
  size_t at = r.pos();
  uint8_t m = RUNW_TRY(r.U8());
  if (m > 1) return Fail(ErrorCode::kMalformedMutability, r.Offset(at));
  g.is_mutable = m == 1;
  return g;
}

Result<ConstExpr> ModuleDecoder::ReadConstExpr(Reader& r) {
  // Decode only, to find the final `end`; the validator types it later.
  NullConsumer none;
  BodyPass<NullConsumer> pass(module_, none, /*validate=*/false);
  size_t begin = r.pos();
  size_t end = RUNW_TRY(pass.RunConstExpr(begin, module_.bytes.size(), ValType::kI32, 0));
  RUNW_CHECK(r.Bytes(end - begin));
  return ConstExpr{ByteRange{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)}};
}

Result<void> ModuleDecoder::TypeSection(Reader& r) {
  uint32_t n = RUNW_TRY(Count(r));
  module_.types.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.pos();
    uint8_t form = RUNW_TRY(r.U8());
    // The form is a signed LEB128 of 7 bits, so a continuation bit is an
    // overlong encoding rather than an unknown form.
    if (form & 0x80) return Fail(ErrorCode::kIntRepresentationTooLong, r.Offset(at));
    if (form != 0x60) return Fail(ErrorCode::kMalformedFuncType, r.Offset(at));
    FuncType ft;
    uint32_t np = RUNW_TRY(Count(r));
    if (np > kMaxFunctionParams) return Fail(ErrorCode::kImplLimit, r.Offset(at));
    for (uint32_t k = 0; k < np; ++k)
      ft.params.push_back(RUNW_TRY(ValueType(r)));
    uint32_t nr = RUNW_TRY(Count(r));
    if (nr > kMaxFunctionResults) return Fail(ErrorCode::kImplLimit, r.Offset(at));
    for (uint32_t k = 0; k < nr; ++k)
      ft.results.push_back(RUNW_TRY(ValueType(r)));
    module_.types.push_back(std::move(ft));
  }
  return {};
}

Result<void> ModuleDecoder::ImportSection(Reader& r) {
  uint32_t n = RUNW_TRY(Count(r));
  module_.imports.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Import im;
    im.offset = r.Offset();
    im.module = RUNW_TRY(Name(r));
    im.name = RUNW_TRY(Name(r));
    size_t at = r.pos();
    uint8_t kind = RUNW_TRY(r.U8());
    switch (kind) {
      case 0:
        im.kind = ExternKind::kFunc;
        im.type_index = RUNW_TRY(r.U32());
        module_.func_types.push_back(im.type_index);
        module_.num_imported_funcs++;
        break;
      case 1:
        im.kind = ExternKind::kTable;
        im.table = RUNW_TRY(ReadTableType(r));
        module_.tables.push_back(im.table);
        module_.num_imported_tables++;
        break;
      case 2:
        im.kind = ExternKind::kMemory;
        im.memory.limits = RUNW_TRY(ReadLimits(r));
        module_.memories.push_back(im.memory);
        module_.num_imported_memories++;
        break;
      case 3:
        im.kind = ExternKind::kGlobal;
        im.global = RUNW_TRY(ReadGlobalType(r));
        module_.globals.push_back(Global{im.global, {}});
        module_.num_imported_globals++;
        break;
      default:
        return Fail(ErrorCode::kMalformedImportKind, r.Offset(at));
    }
    module_.imports.push_back(std::move(im));
  }
  return {};
}

Result<void> ModuleDecoder::FunctionSection(Reader& r) {
  uint32_t n = RUNW_TRY(Count(r));
  module_.func_types.reserve(module_.func_types.size() + n);
  for (uint32_t i = 0; i < n; ++i)
    module_.func_types.push_back(RUNW_TRY(r.U32()));
  declared_funcs_ = n;
  return {};
}

Result<void> ModuleDecoder::TableSection(Reader& r) {
  uint32_t n = RUNW_TRY(Count(r));
  for (uint32_t i = 0; i < n; ++i) {
    module_.table_offsets.push_back(r.Offset());
    module_.tables.push_back(RUNW_TRY(ReadTableType(r)));
  }
  return {};
}

Result<void> ModuleDecoder::MemorySection(Reader& r) {
  uint32_t n = RUNW_TRY(Count(r));
  for (uint32_t i = 0; i < n; ++i) {
    module_.memory_offsets.push_back(r.Offset());
    module_.memories.push_back(MemoryType{RUNW_TRY(ReadLimits(r))});
  }
  return {};
}

Result<void> ModuleDecoder::GlobalSection(Reader& r) {
  uint32_t n = RUNW_TRY(Count(r));
  for (uint32_t i = 0; i < n; ++i) {
    Global g;
    g.type = RUNW_TRY(ReadGlobalType(r));
    g.init = RUNW_TRY(ReadConstExpr(r));
    module_.globals.push_back(g);
  }
  return {};
}

Result<void> ModuleDecoder::ExportSection(Reader& r) {
  uint32_t n = RUNW_TRY(Count(r));
  module_.exports.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Export ex;
    ex.offset = r.Offset();
    ex.name = RUNW_TRY(Name(r));
    size_t at = r.pos();
    uint8_t kind = RUNW_TRY(r.U8());
    if (kind > 3) return Fail(ErrorCode::kMalformedExportKind, r.Offset(at));
    ex.kind = static_cast<ExternKind>(kind);
    ex.index = RUNW_TRY(r.U32());
    module_.exports.push_back(std::move(ex));
  }
  return {};
}

Result<void> ModuleDecoder::StartSection(Reader& r) {
  module_.start_offset = r.Offset();
  module_.start = RUNW_TRY(r.U32());
  return {};
}

Result<void> ModuleDecoder::ElementSection(Reader& r) {
  uint32_t n = RUNW_TRY(Count(r));
  for (uint32_t i = 0; i < n; ++i) {
    ElemSegment seg;
    seg.offset = r.Offset();
    size_t at = r.pos();
    uint32_t flags = RUNW_TRY(r.U32());
    if (flags > 7) return Fail(ErrorCode::kMalformedElemSegmentKind, r.Offset(at));
    // Bit 0: passive or declarative; bit 1: explicit table index (active) or
    // declarative (otherwise); bit 2: expressions instead of function indices.
    const bool passive_or_declarative = flags & 1;
    const bool explicit_table = flags & 2;
    seg.uses_exprs = flags & 4;
    if (passive_or_declarative) {
      seg.mode = explicit_table ? SegmentMode::kDeclarative : SegmentMode::kPassive;
    } else {
      seg.mode = SegmentMode::kActive;
      if (explicit_table) seg.table_index = RUNW_TRY(r.U32());
      seg.offset_expr = RUNW_TRY(ReadConstExpr(r));
    }
    if (passive_or_declarative || explicit_table) {
      if (seg.uses_exprs) {
        seg.type = RUNW_TRY(RefType(r));
      } else {
        size_t kind_at = r.pos();
        uint8_t kind = RUNW_TRY(r.U8());
        if (kind != 0) return Fail(ErrorCode::kMalformedElemKind, r.Offset(kind_at));
        seg.type = ValType::kFuncRef;
      }
    }
    uint32_t count = RUNW_TRY(Count(r));
    if (seg.uses_exprs) {
      seg.exprs.reserve(count);
      for (uint32_t k = 0; k < count; ++k)
        seg.exprs.push_back(RUNW_TRY(ReadConstExpr(r)));
    } else {
      seg.func_indices.reserve(count);
      for (uint32_t k = 0; k < count; ++k)
        seg.func_indices.push_back(RUNW_TRY(r.U32()));
    }
    module_.elems.push_back(std::move(seg));
  }
  return {};
}

Result<void> ModuleDecoder::CodeSection(Reader& r) {
  uint32_t n = RUNW_TRY(Count(r));
  saw_code_section_ = true;
  module_.codes.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Code code;
    code.offset = r.Offset();
    uint32_t size = RUNW_TRY(r.Length());
    size_t body_start = r.pos();
    size_t locals_at = r.pos();
    uint32_t runs = RUNW_TRY(Count(r));
    uint64_t total = 0;
    code.locals.reserve(runs);
    for (uint32_t k = 0; k < runs; ++k) {
      uint32_t count = RUNW_TRY(r.U32());
      ValType t = RUNW_TRY(ValueType(r));
      total += count;
      if (count) code.locals.push_back(LocalRun{count, t});
    }
    // The spec bounds the total by 2^32; we also refuse more than the engines'
    // common limit so that validation never allocates for billions of locals.
    if (total > kMaxLocals) return Fail(ErrorCode::kTooManyLocals, r.Offset(locals_at));
    code.local_count = static_cast<uint32_t>(total);
    if (r.pos() > body_start + size) {
      return Fail(ErrorCode::kSectionSizeMismatch, r.Offset(body_start));
    }
    code.body = ByteRange{static_cast<uint32_t>(r.pos()), static_cast<uint32_t>(body_start + size)};
    RUNW_CHECK(r.Bytes(body_start + size - r.pos()));
    module_.codes.push_back(std::move(code));
  }
  return {};
}

Result<void> ModuleDecoder::DataSection(Reader& r) {
  uint32_t n = RUNW_TRY(Count(r));
  saw_data_section_ = true;
  if (module_.data_count && *module_.data_count != n) {
    return Fail(ErrorCode::kDataCountMismatch, r.Offset());
  }
  module_.datas.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    DataSegment seg;
    seg.offset = r.Offset();
    size_t at = r.pos();
    uint32_t flags = RUNW_TRY(r.U32());
    switch (flags) {
      case 0:
        seg.mode = SegmentMode::kActive;
        seg.offset_expr = RUNW_TRY(ReadConstExpr(r));
        break;
      case 1:
        seg.mode = SegmentMode::kPassive;
        break;
      case 2:
        seg.mode = SegmentMode::kActive;
        seg.memory_index = RUNW_TRY(r.U32());
        seg.offset_expr = RUNW_TRY(ReadConstExpr(r));
        break;
      default:
        return Fail(ErrorCode::kMalformedDataSegmentKind, r.Offset(at));
    }
    uint32_t len = RUNW_TRY(r.Length());
    size_t begin = r.pos();
    RUNW_CHECK(r.Bytes(len));
    seg.init = ByteRange{static_cast<uint32_t>(begin), static_cast<uint32_t>(begin + len)};
    module_.datas.push_back(std::move(seg));
  }
  return {};
}

Result<void> ModuleDecoder::DataCountSection(Reader& r) {
  module_.data_count = RUNW_TRY(r.U32());
  return {};
}

Result<void> ModuleDecoder::CustomSectionBody(Reader& r, uint32_t size) {
  size_t start = r.pos();
  std::string name = RUNW_TRY(Name(r));
  // A name that runs past the declared size leaves a negative payload.
  if (r.pos() > start + size) return Fail(ErrorCode::kUnexpectedEndOfSection, r.Offset(start));
  ByteRange payload{static_cast<uint32_t>(r.pos()), static_cast<uint32_t>(start + size)};
  RUNW_CHECK(r.Bytes(payload.size()));
  if (name == "name") NameSection(payload);
  module_.customs.push_back(CustomSection{std::move(name), payload});
  return {};
}

// The name section (spec 7.4.1) is advisory: a malformed one is ignored, never an
// error, so it is read with its own reader bounded by the payload.
void ModuleDecoder::NameSection(ByteRange payload) {
  Reader r(module_.bytes.data(), payload.begin, payload.end, ErrorCode::kUnexpectedEnd);
  while (!r.AtEnd()) {
    auto id = r.U8();
    auto size = r.Length();
    if (!id || !size || *size > r.remaining()) return;
    size_t end = r.pos() + *size;
    Reader sub(module_.bytes.data(), r.pos(), end, ErrorCode::kUnexpectedEnd);
    if (*id == 0) {
      if (auto name = Name(sub)) module_.module_name = *name;
    } else if (*id == 1) {
      auto count = sub.Length();
      if (!count) return;
      for (uint32_t i = 0; i < *count; ++i) {
        auto index = sub.U32();
        if (!index) return;
        auto name = Name(sub);
        if (!name) return;
        module_.func_names.emplace(*index, std::move(*name));
      }
    }
    (void)r.Bytes(*size);
  }
}

Result<void> ModuleDecoder::DecodeSection(uint8_t id, Reader& r, uint32_t size) {
  switch (id) {
    case kCustom:
      return CustomSectionBody(r, size);
    case kType:
      return TypeSection(r);
    case kImport:
      return ImportSection(r);
    case kFunction:
      module_.function_section_offset = r.Offset();
      return FunctionSection(r);
    case kTable:
      return TableSection(r);
    case kMemory:
      return MemorySection(r);
    case kGlobal:
      return GlobalSection(r);
    case kExport:
      return ExportSection(r);
    case kStart:
      return StartSection(r);
    case kElement:
      return ElementSection(r);
    case kCode:
      module_.code_section_offset = r.Offset();
      return CodeSection(r);
    case kData:
      return DataSection(r);
    case kDataCount:
      return DataCountSection(r);
    default:
      return {};
  }
}

Result<Module> ModuleDecoder::Decode() {
  Reader r(module_.bytes, ErrorCode::kUnexpectedEnd);
  uint32_t magic = RUNW_TRY(r.U32Fixed());
  if (magic != 0x6d736100) return Fail(ErrorCode::kMagicHeader, 0);
  uint32_t version = RUNW_TRY(r.U32Fixed());
  if (version != 1) return Fail(ErrorCode::kUnknownVersion, 4);

  int last_rank = 0;
  while (!r.AtEnd()) {
    size_t section_at = r.pos();
    uint8_t id = RUNW_TRY(r.U8());
    if (id > kDataCount) return Fail(ErrorCode::kMalformedSectionId, r.Offset(section_at));
    if (id != kCustom) {
      int rank = SectionRank(id);
      if (rank <= last_rank) return Fail(ErrorCode::kJunkAfterLastSection, r.Offset(section_at));
      last_rank = rank;
    }
    uint32_t size = RUNW_TRY(r.Length());
    size_t start = r.pos();
    r.set_eos_code(ErrorCode::kUnexpectedEndOfSection);
    RUNW_CHECK(DecodeSection(id, r, size));
    r.set_eos_code(ErrorCode::kUnexpectedEnd);
    if (r.pos() != start + size) return Fail(ErrorCode::kSectionSizeMismatch, r.Offset(start));
  }

  if (declared_funcs_ != module_.codes.size()) {
    uint32_t at = saw_code_section_ ? module_.code_section_offset : module_.function_section_offset;
    return Fail(ErrorCode::kFuncCodeMismatch, at);
  }
  if (module_.data_count && !saw_data_section_ && *module_.data_count != 0) {
    return Fail(ErrorCode::kDataCountMismatch, static_cast<uint32_t>(module_.bytes.size()));
  }
  return std::move(module_);
}

}  // namespace

Result<Module> DecodeModule(std::span<const uint8_t> bytes) {
  if (bytes.size() > UINT32_MAX) return Fail(ErrorCode::kFileTooLarge, 0);
  return ModuleDecoder(bytes).Decode();
}

}  // namespace runw::wasm
