// The value and entity types of WebAssembly 2.0 (spec 2.3), with their binary codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace runw::wasm {

/// Value types, numbered by their binary encoding so decoding is a range check.
enum class ValType : uint8_t {
  kI32 = 0x7f,
  kI64 = 0x7e,
  kF32 = 0x7d,
  kF64 = 0x7c,
  kV128 = 0x7b,
  kFuncRef = 0x70,
  kExternRef = 0x6f,
};

inline bool IsRefType(ValType t) {
  return t == ValType::kFuncRef || t == ValType::kExternRef;
}
inline bool IsNumType(ValType t) {
  return t == ValType::kI32 || t == ValType::kI64 || t == ValType::kF32 || t == ValType::kF64;
}
std::string_view ValTypeName(ValType t);

/// Decodes a value type byte; nullopt when the byte names none.
inline std::optional<ValType> ValTypeFromByte(uint8_t b) {
  switch (b) {
    case 0x7f:
    case 0x7e:
    case 0x7d:
    case 0x7c:
    case 0x7b:
    case 0x70:
    case 0x6f:  // clang-format off
      return static_cast<ValType>(b);
    default:
      return std::nullopt;
  }
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};

/// Limits of a table or memory; `max` absent means unbounded (spec 2.3.7).
struct Limits {
  uint32_t min = 0;
  std::optional<uint32_t> max;
};

struct TableType {
  ValType elem = ValType::kFuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;
};

struct GlobalType {
  ValType type = ValType::kI32;
  bool is_mutable = false;
};

/// External kinds, numbered by their encoding in import and export descriptors.
enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3 };
std::string_view ExternKindName(ExternKind k);

}  // namespace runw::wasm
