// Helpers that assemble WebAssembly binaries byte by byte.
//
// The decoder tests need encodings that no text-format tool will produce (padded
// LEB128s, wrong section sizes, hostile counts, bytes that are not a value type),
// and they assert exact byte offsets, which is only practical when the test itself
// lays out every byte. The validator tests use the same helpers for the few rules
// that wat2wasm cannot express. Everything is a plain function over std::vector so
// that a test reads like the binary grammar of spec 5.5:
//
//   ModuleBytes({Section(kTypeId, Vec({Sig({}, {vt::kI32})}))})
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "wasm/decoder.h"
#include "wasm/module.h"
#include "wasm/validator.h"

namespace runw::wasm::test {

using Bytes = std::vector<uint8_t>;

/// "\0asm" and version 1: every module starts with these 8 bytes.
inline constexpr uint8_t kHeader[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
inline constexpr uint32_t kHeaderSize = sizeof(kHeader);

/// Section ids (spec 5.5.2).
enum SectionId : uint8_t {
  kCustomId = 0,
  kTypeId = 1,
  kImportId = 2,
  kFunctionId = 3,
  kTableId = 4,
  kMemoryId = 5,
  kGlobalId = 6,
  kExportId = 7,
  kStartId = 8,
  kElementId = 9,
  kCodeId = 10,
  kDataId = 11,
  kDataCountId = 12,
};

/// Value type bytes (spec 5.3.1-5.3.3).
namespace vt {
inline constexpr uint8_t kI32 = 0x7f;
inline constexpr uint8_t kI64 = 0x7e;
inline constexpr uint8_t kF32 = 0x7d;
inline constexpr uint8_t kF64 = 0x7c;
inline constexpr uint8_t kV128 = 0x7b;
inline constexpr uint8_t kFuncRef = 0x70;
inline constexpr uint8_t kExternRef = 0x6f;
inline constexpr uint8_t kEmptyBlock = 0x40;
}  // namespace vt

/// The opcode bytes the tests use; prefixed instructions are spelled out inline.
namespace op {
inline constexpr uint8_t kUnreachable = 0x00;
inline constexpr uint8_t kNop = 0x01;
inline constexpr uint8_t kBlock = 0x02;
inline constexpr uint8_t kLoop = 0x03;
inline constexpr uint8_t kIf = 0x04;
inline constexpr uint8_t kElse = 0x05;
inline constexpr uint8_t kEnd = 0x0b;
inline constexpr uint8_t kBr = 0x0c;
inline constexpr uint8_t kBrTable = 0x0e;
inline constexpr uint8_t kCall = 0x10;
inline constexpr uint8_t kDrop = 0x1a;
inline constexpr uint8_t kSelectT = 0x1c;
inline constexpr uint8_t kLocalGet = 0x20;
inline constexpr uint8_t kGlobalGet = 0x23;
inline constexpr uint8_t kI32Load = 0x28;
inline constexpr uint8_t kMemorySize = 0x3f;
inline constexpr uint8_t kI32Const = 0x41;
inline constexpr uint8_t kI64Const = 0x42;
inline constexpr uint8_t kRefNull = 0xd0;
inline constexpr uint8_t kRefFunc = 0xd2;
inline constexpr uint8_t kPrefixFC = 0xfc;
}  // namespace op

/// Appends `bytes` to `out`. (Written as resize-then-copy rather than
/// vector::insert, in which g++ 12 at -O2 and above sees a false -Warray-bounds.)
inline void Append(Bytes& out, std::span<const uint8_t> bytes) {
  const size_t old_size = out.size();
  out.resize(old_size + bytes.size());
  std::copy(bytes.begin(), bytes.end(), out.begin() + static_cast<std::ptrdiff_t>(old_size));
}

/// Unsigned LEB128 in its shortest form.
inline Bytes Leb(uint64_t v) {
  Bytes out;
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    if (v != 0) byte |= 0x80;
    out.push_back(byte);
  } while (v != 0);
  return out;
}

/// Signed LEB128 in its shortest form.
inline Bytes Sleb(int64_t v) {
  Bytes out;
  for (;;) {
    uint8_t byte = v & 0x7f;
    v >>= 7;  // arithmetic shift: C++20 defines it for negative values
    bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    if (!done) byte |= 0x80;
    out.push_back(byte);
    if (done) return out;
  }
}

inline Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts)
    Append(out, p);
  return out;
}

/// A vector (spec 5.1.3): its element count, then the elements.
inline Bytes Vec(std::initializer_list<Bytes> items) {
  Bytes out = Leb(items.size());
  for (const Bytes& item : items)
    Append(out, item);
  return out;
}

/// A name (spec 5.2.4): its byte length, then the bytes, taken as they are so that
/// tests can pass malformed UTF-8.
inline Bytes Name(std::string_view s) {
  Bytes out = Leb(s.size());
  Append(out, std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  return out;
}

/// A section: id, payload size, payload.
inline Bytes Section(uint8_t id, const Bytes& payload) {
  return Cat({Bytes{id}, Leb(payload.size()), payload});
}

/// The header followed by `sections`, already encoded.
inline Bytes ModuleBytes(std::initializer_list<Bytes> sections) {
  Bytes out(std::begin(kHeader), std::end(kHeader));
  for (const Bytes& s : sections)
    Append(out, s);
  return out;
}

/// A function type: 0x60, the parameter vector, the result vector.
inline Bytes Sig(const Bytes& params, const Bytes& results) {
  return Cat({Bytes{0x60}, Leb(params.size()), params, Leb(results.size()), results});
}

/// One code section entry: its size, then the local runs and the instructions
/// (which must include the final `end`). Each run is {count, type}.
inline Bytes CodeEntry(std::initializer_list<std::pair<uint32_t, uint8_t>> locals,
                       const Bytes& instrs) {
  Bytes body = Leb(locals.size());
  for (auto [count, type] : locals) {
    Bytes c = Leb(count);
    Append(body, c);
    body.push_back(type);
  }
  Append(body, instrs);
  return Cat({Leb(body.size()), body});
}

/// A module of one function of type [] -> [] (or `type` when given) with `instrs`
/// as its body, preceded by `before_code` (sections with ids between 4 and 9, in
/// order) and followed by `after_code` (a data section, say).
inline Bytes OneFunctionModule(const Bytes& instrs, std::initializer_list<Bytes> before_code = {},
                               std::initializer_list<Bytes> after_code = {},
                               const Bytes& type = Sig({}, {})) {
  Bytes out(std::begin(kHeader), std::end(kHeader));
  auto append = [&](const Bytes& b) { Append(out, b); };
  append(Section(kTypeId, Vec({type})));
  append(Section(kFunctionId, Vec({Leb(0)})));
  for (const Bytes& s : before_code)
    append(s);
  append(Section(kCodeId, Vec({CodeEntry({}, instrs)})));
  for (const Bytes& s : after_code)
    append(s);
  return out;
}

/// Offset of the first instruction of the only function of a OneFunctionModule
/// without extra sections and with a one-byte body size: header, type section
/// (2 + its payload), function section (4 bytes), code section id, size, count,
/// entry size, local run count.
inline uint32_t FirstInstrOffset(const Bytes& type = Sig({}, {})) {
  return kHeaderSize + 2 + 1 + static_cast<uint32_t>(type.size()) + 4 + 5;
}

inline Result<Module> Decode(const Bytes& bytes) {
  return DecodeModule(std::span<const uint8_t>(bytes));
}

inline Result<Module> Load(const Bytes& bytes) {
  return LoadModule(std::span<const uint8_t>(bytes));
}

}  // namespace runw::wasm::test
