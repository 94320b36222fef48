// The 128-bit vector value (spec 4.2.1, v128), stored as little-endian bytes.
#pragma once

#include <cstdint>
#include <cstring>

namespace runw::wasm {

struct V128 {
  uint8_t bytes[16];

  /// Lane `i` read as T (lanes are little-endian, lane 0 at byte 0).
  template <typename T>
  T Lane(unsigned i) const {
    T v;
    std::memcpy(&v, bytes + i * sizeof(T), sizeof(T));
    return v;
  }
  template <typename T>
  void SetLane(unsigned i, T v) {
    std::memcpy(bytes + i * sizeof(T), &v, sizeof(T));
  }
  bool operator==(const V128& o) const { return std::memcmp(bytes, o.bytes, 16) == 0; }
};
static_assert(sizeof(V128) == 16);

}  // namespace runw::wasm
