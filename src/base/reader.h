// A bounds-checked cursor over an immutable byte buffer, with the LEB128 and
// fixed-width readers of the WebAssembly binary format (spec 5.2).
//
// Every read checks the remaining length first; running past the end yields an
// Error whose code the owner chooses (the module header and the section bodies
// report "unexpected end" differently). Offsets in errors are absolute positions in
// the buffer the reader was created over.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "base/error.h"

namespace runw {

class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, ErrorCode eos = ErrorCode::kUnexpectedEnd)
      : data_(bytes.data()), pos_(0), end_(bytes.size()), eos_(eos) {}

  /// A reader over bytes [begin, end) of the same buffer, for re-reading a region.
  Reader(const uint8_t* data, size_t begin, size_t end, ErrorCode eos)
      : data_(data), pos_(begin), end_(end), eos_(eos) {}

  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  size_t remaining() const { return end_ - pos_; }
  bool AtEnd() const { return pos_ >= end_; }
  const uint8_t* data() const { return data_; }
  void set_eos_code(ErrorCode eos) { eos_ = eos; }
  ErrorCode eos_code() const { return eos_; }

  /// The byte at the cursor without consuming it; only valid when !AtEnd().
  uint8_t Peek() const { return data_[pos_]; }

  Result<uint8_t> U8() {
    if (pos_ >= end_) [[unlikely]]
      return Fail(eos_, Offset(end_));
    return data_[pos_++];
  }

  Result<uint32_t> U32Fixed() {
    if (remaining() < 4) return Fail(eos_, Offset(end_));
    uint32_t v;
    std::memcpy(&v, data_ + pos_, 4);
    pos_ += 4;
    return v;
  }

  Result<uint64_t> U64Fixed() {
    if (remaining() < 8) return Fail(eos_, Offset(end_));
    uint64_t v;
    std::memcpy(&v, data_ + pos_, 8);
    pos_ += 8;
    return v;
  }

  /// Unsigned LEB128 of at most 32 bits (u32), also used for all indices.
  Result<uint32_t> U32() {
    // Fast path: one byte, the common case for indices and small counts.
    if (pos_ < end_ && data_[pos_] < 0x80) [[likely]]
      return data_[pos_++];
    return UnsignedLeb(32);
  }

  /// Unsigned LEB128 of at most one bit (the `vu1` flags of older encodings).
  Result<uint32_t> U1() { return UnsignedLeb(1); }

  Result<int32_t> S32() {
    auto v = SignedLeb(32);
    if (!v) return std::unexpected(v.error());
    return static_cast<int32_t>(*v);
  }
  /// Signed 33-bit LEB128: block types hold either a negative type code or an index.
  Result<int64_t> S33() { return SignedLeb(33); }
  Result<int64_t> S64() { return SignedLeb(64); }

  /// Consumes `n` raw bytes and returns them as a view into the buffer.
  Result<std::span<const uint8_t>> Bytes(size_t n) {
    if (remaining() < n) return Fail(eos_, Offset(end_));
    std::span<const uint8_t> out(data_ + pos_, n);
    pos_ += n;
    return out;
  }

  /// A u32 length that must not exceed what is left of the buffer, counted from the
  /// start of the length's own encoding (the reference interpreter's rule, which
  /// decides between "length out of bounds" and "unexpected end" in the testsuite).
  Result<uint32_t> Length() {
    size_t start = pos_;
    uint32_t n = RUNW_TRY(U32());
    if (n > end_ - start) return Fail(ErrorCode::kLengthOutOfBounds, Offset(start));
    return n;
  }

  uint32_t Offset(size_t p) const { return static_cast<uint32_t>(p); }
  uint32_t Offset() const { return Offset(pos_); }

 private:
  Result<uint32_t> UnsignedLeb(unsigned bits);
  Result<int64_t> SignedLeb(unsigned bits);

  const uint8_t* data_;
  size_t pos_;
  size_t end_;
  ErrorCode eos_;
};

/// Whether `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code
/// points past U+10FFFF), as names in the binary format must be (spec 5.2.4).
bool IsValidUtf8(std::span<const uint8_t> bytes);

}  // namespace runw
