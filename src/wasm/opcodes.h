// Opcodes and their static properties, generated from opcodes.def.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "wasm/types.h"

namespace runw::wasm {

/// An instruction's opcode: the byte, or 0x100 + sub-opcode for the 0xFC prefix, or
/// 0x200 + sub-opcode for the 0xFD prefix (see opcodes.def).
enum class Opcode : uint16_t {
#define RUNW_OP(name, code, text, imm, sig, align) k##name = code,
#include "wasm/opcodes.def"
#undef RUNW_OP
};

inline constexpr uint16_t kOpcodeSpace = 0x300;
inline constexpr uint16_t kPrefixFC = 0x100;
inline constexpr uint16_t kPrefixFD = 0x200;

/// How an instruction's immediates are encoded.
enum class Imm : uint8_t {
  kNone,
  kBlockType,
  kLabel,
  kBrTable,
  kFunc,
  kCallIndirect,
  kLocal,
  kGlobal,
  kTable,
  kMemArg,
  kMemZero,
  kI32,
  kI64,
  kF32,
  kF64,
  kV128,
  kLane,
  kMemArgLane,
  kSelectT,
  kRefType,
  kMemoryInit,
  kData,
  kMemoryCopy,
  kTableInit,
  kElem,
  kTableCopy,
  kShuffle,
};

/// The static facts about one opcode.
struct OpInfo {
  std::string_view text;  // empty for an unassigned opcode
  Imm imm = Imm::kNone;
  bool special = true;  // typing is written out in the body pass rather than by `params`
  uint8_t num_params = 0;
  uint8_t num_results = 0;
  uint8_t align = 0;  // log2 of the natural alignment of a memory access
  std::array<ValType, 3> params{};
  ValType result{};
};

namespace detail {
constexpr ValType SigLetter(char c) {
  switch (c) {
    case 'i':
      return ValType::kI32;
    case 'l':
      return ValType::kI64;
    case 'f':
      return ValType::kF32;
    case 'd':
      return ValType::kF64;
    default:
      return ValType::kV128;
  }
}
constexpr OpInfo MakeOpInfo(std::string_view text, Imm imm, std::string_view sig, uint8_t align) {
  OpInfo info{text, imm, sig == "*", 0, 0, align, {}, {}};
  if (info.special) return info;
  bool results = false;
  for (char c : sig) {
    if (c == '>') {
      results = true;
    } else if (results) {
      info.result = SigLetter(c);
      info.num_results++;
    } else {
      info.params[info.num_params++] = SigLetter(c);
    }
  }
  return info;
}
constexpr std::array<OpInfo, kOpcodeSpace> MakeOpTable() {
  std::array<OpInfo, kOpcodeSpace> table{};
#define RUNW_OP(name, code, text, imm, sig, align) \
  table[code] = MakeOpInfo(text, Imm::imm, sig, align);
#include "wasm/opcodes.def"
#undef RUNW_OP
  return table;
}
}  // namespace detail

inline constexpr std::array<OpInfo, kOpcodeSpace> kOpTable = detail::MakeOpTable();

inline const OpInfo& InfoOf(Opcode op) {
  return kOpTable[static_cast<uint16_t>(op)];
}
inline bool IsAssigned(uint16_t code) {
  return code < kOpcodeSpace && !kOpTable[code].text.empty();
}

}  // namespace runw::wasm
