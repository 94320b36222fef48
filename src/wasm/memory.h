// Linear memory (spec 4.2.8) backed by one virtual reservation.
//
// Every memory reserves 8 GiB plus a guard up front: a wasm address is a u32 plus a
// u32 static offset, so no access can reach past base + 2^33 + 16. Pages in
// [0, size) are readable and writable, the rest of the reservation is PROT_NONE, so
// the interpreter never compares an address with the memory size: an out-of-bounds
// access faults, and the fault handler (trap-handler.h) turns it into a trap.
// memory.grow only changes page protections, so the base never moves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "base/error.h"

namespace runw::wasm {

inline constexpr uint64_t kPageSize = 65536;
inline constexpr uint64_t kMemoryReservation = (uint64_t{1} << 33) + 2 * kPageSize;

/// Whether `addr` lies in the reservation of a live memory. Async-signal-safe: the
/// fault handler uses it to tell an out-of-bounds wasm access from a real crash.
bool IsInMemoryReservation(uintptr_t addr);

class LinearMemory {
 public:
  /// Reserves the address range and commits `initial_pages`. `max_pages` is the
  /// memory type's maximum combined with the embedder's cap; `declared_max` is the
  /// type's own maximum, which import matching compares against.
  static std::unique_ptr<LinearMemory> Create(uint32_t initial_pages, uint32_t max_pages,
                                              std::optional<uint32_t> declared_max);
  ~LinearMemory();
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  uint8_t* base() const { return base_; }
  uint32_t pages() const { return pages_; }
  uint64_t size_bytes() const { return uint64_t{pages_} * kPageSize; }
  uint32_t max_pages() const { return max_pages_; }
  std::optional<uint32_t> declared_max() const { return declared_max_; }

  /// memory.grow: the old size in pages, or -1 (as u32) when refused.
  uint32_t Grow(uint32_t delta);

  /// The largest size (in pages) a memory.grow asked for and was refused only
  /// because of the embedder's cap (the module's own maximum would have allowed
  /// it), or 0. Lets the embedder explain a later failure by its limit.
  uint32_t refused_by_cap() const { return refused_by_cap_; }

  /// Whether [addr, addr + len) lies inside the memory (for bulk operations and
  /// host access, which check explicitly rather than rely on the guard).
  bool InBounds(uint64_t addr, uint64_t len) const {
    return addr <= size_bytes() && len <= size_bytes() - addr;
  }

 private:
  LinearMemory(uint8_t* base, uint32_t pages, uint32_t max_pages,
               std::optional<uint32_t> declared_max)
      : base_(base), pages_(pages), max_pages_(max_pages), declared_max_(declared_max) {}

  uint8_t* base_;
  uint32_t pages_;
  uint32_t max_pages_;
  std::optional<uint32_t> declared_max_;
  uint32_t refused_by_cap_ = 0;
};

}  // namespace runw::wasm
