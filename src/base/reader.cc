#include "base/reader.h"

namespace runw {

Result<uint32_t> Reader::UnsignedLeb(unsigned bits) {
  const size_t start = pos_;
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= end_) return Fail(eos_, Offset(end_));
    uint8_t byte = data_[pos_++];
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if (i + 1 == max_bytes) {
      if (byte & 0x80) return Fail(ErrorCode::kIntRepresentationTooLong, Offset(start));
      // The last byte may only carry the bits that fit in the target width.
      unsigned used = bits - 7 * i;
      if ((byte & 0x7f) >> used) return Fail(ErrorCode::kIntTooLarge, Offset(start));
      return static_cast<uint32_t>(result);
    }
    if (!(byte & 0x80)) return static_cast<uint32_t>(result);
  }
}

Result<int64_t> Reader::SignedLeb(unsigned bits) {
  const size_t start = pos_;
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  unsigned shift = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= end_) return Fail(eos_, Offset(end_));
    uint8_t byte = data_[pos_++];
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    shift += 7;
    if (i + 1 == max_bytes) {
      if (byte & 0x80) return Fail(ErrorCode::kIntRepresentationTooLong, Offset(start));
      // The bits of the last byte above the target width must all repeat its sign bit.
      unsigned used = bits - 7 * i;  // payload bits that belong to the value, sign included
      int sign = (byte >> (used - 1)) & 1;
      uint8_t unused_mask = static_cast<uint8_t>((0x7f >> used) << used);
      uint8_t unused = byte & unused_mask;
      if (unused != (sign ? unused_mask : 0)) return Fail(ErrorCode::kIntTooLarge, Offset(start));
      break;
    }
    if (!(byte & 0x80)) break;
  }
  // Sign-extend from the last payload bit read; a full-length encoding already
  // repeats the sign through its unused bits, which were checked above.
  if (shift < 64 && ((result >> (shift - 1)) & 1)) result |= ~uint64_t{0} << shift;
  return static_cast<int64_t>(result);
}

bool IsValidUtf8(std::span<const uint8_t> s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    unsigned len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (unsigned k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    static constexpr uint32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

}  // namespace runw
