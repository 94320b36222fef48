// The decoded form of a module (spec 2.5), as the decoder produces it and the
// validator, the lowering and the instantiator read it.
//
// A Module owns a copy of its binary. Code bodies, constant expressions and data
// payloads are kept as byte ranges into that copy: they are checked and lowered by
// the single function-body pass (function-body.h) instead of being turned into a
// tree first.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "wasm/types.h"

namespace runw::wasm {

/// A half-open byte range [begin, end) in Module::bytes.
struct ByteRange {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t size() const { return end - begin; }
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t type_index = 0;  // kFunc: the function's type
  TableType table;          // kTable
  MemoryType memory;        // kMemory
  GlobalType global;        // kGlobal
  uint32_t offset = 0;      // of the import entry, for diagnostics
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
  uint32_t offset = 0;
};

/// A constant expression (spec 3.3.10): its bytes, ending with and including `end`.
struct ConstExpr {
  ByteRange range;
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

/// A run of locals of one type, as the code section declares them.
struct LocalRun {
  uint32_t count = 0;
  ValType type = ValType::kI32;
};

struct Code {
  std::vector<LocalRun> locals;
  uint32_t local_count = 0;  // sum of the runs, at most kMaxLocals
  ByteRange body;            // instructions after the locals, through the final `end`
  uint32_t offset = 0;       // of the entry's size field
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::kPassive;
  ValType type = ValType::kFuncRef;
  uint32_t table_index = 0;  // active only
  ConstExpr offset_expr;     // active only
  // Either function indices (encodings 0-3) or constant expressions (4-7).
  bool uses_exprs = false;
  std::vector<uint32_t> func_indices;
  std::vector<ConstExpr> exprs;
  uint32_t offset = 0;
  uint32_t size() const {
    return static_cast<uint32_t>(uses_exprs ? exprs.size() : func_indices.size());
  }
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kPassive;
  uint32_t memory_index = 0;  // active only
  ConstExpr offset_expr;      // active only
  ByteRange init;
  uint32_t offset = 0;
};

struct CustomSection {
  std::string name;
  ByteRange payload;
};

/// Limits the decoder enforces beyond the spec's, so that hostile input cannot make
/// it allocate without bound. They match those of the major web engines.
inline constexpr uint32_t kMaxLocals = 50000;
inline constexpr uint32_t kMaxFunctionParams = 1000;
inline constexpr uint32_t kMaxFunctionResults = 1000;
inline constexpr uint32_t kMaxBrTableTargets = 65520;
inline constexpr uint32_t kMaxControlDepth = 100000;
inline constexpr uint32_t kMaxMemoryPages = 65536;

struct Module {
  std::vector<uint8_t> bytes;

  std::vector<FuncType> types;
  std::vector<Import> imports;
  // Index spaces: imports first, then definitions (spec 2.5.1).
  std::vector<uint32_t> func_types;  // type index of every function
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<Global> globals;
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  std::vector<Export> exports;
  std::optional<uint32_t> start;
  uint32_t start_offset = 0;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<Code> codes;  // one per defined function
  std::vector<CustomSection> customs;

  // From the `name` custom section, when present and well-formed.
  std::string module_name;
  std::unordered_map<uint32_t, std::string> func_names;

  // Offsets of each defined table and memory (not the imported ones), and of the
  // function and code sections, for diagnostics.
  std::vector<uint32_t> table_offsets;
  std::vector<uint32_t> memory_offsets;
  uint32_t function_section_offset = 0;
  uint32_t code_section_offset = 0;

  uint32_t num_funcs() const { return static_cast<uint32_t>(func_types.size()); }
  const FuncType& func_type(uint32_t func_index) const { return types[func_types[func_index]]; }
  std::span<const uint8_t> span(ByteRange r) const {
    return std::span<const uint8_t>(bytes).subspan(r.begin, r.size());
  }
};

}  // namespace runw::wasm
