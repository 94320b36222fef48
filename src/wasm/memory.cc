#include "wasm/memory.h"

#include <algorithm>

#include <sys/mman.h>

#include <atomic>

#include "wasm/module.h"

namespace runw::wasm {
namespace {

// Bases of live reservations, for the fault handler. A lock-free fixed table: the
// handler may run at any moment and must neither lock nor allocate. When it is
// full, new memories still work but their faults are not recognized as traps, so
// creation fails instead (see Create).
constexpr size_t kMaxLiveMemories = 16384;
std::atomic<uintptr_t> g_reservations[kMaxLiveMemories];

bool Register(uintptr_t base) {
  for (auto& slot : g_reservations) {
    uintptr_t expected = 0;
    if (slot.compare_exchange_strong(expected, base)) return true;
  }
  return false;
}

void Unregister(uintptr_t base) {
  for (auto& slot : g_reservations) {
    uintptr_t expected = base;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

}  // namespace

bool IsInMemoryReservation(uintptr_t addr) {
  for (const auto& slot : g_reservations) {
    uintptr_t base = slot.load(std::memory_order_relaxed);
    if (base != 0 && addr >= base && addr - base < kMemoryReservation) return true;
  }
  return false;
}

std::unique_ptr<LinearMemory> LinearMemory::Create(uint32_t initial_pages, uint32_t max_pages,
                                                   std::optional<uint32_t> declared_max) {
  if (initial_pages > max_pages) return nullptr;
  void* p = ::mmap(nullptr, kMemoryReservation, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  auto* base = static_cast<uint8_t*>(p);
  if (initial_pages > 0 &&
      ::mprotect(base, uint64_t{initial_pages} * kPageSize, PROT_READ | PROT_WRITE) != 0) {
    ::munmap(p, kMemoryReservation);
    return nullptr;
  }
  if (!Register(reinterpret_cast<uintptr_t>(base))) {
    ::munmap(p, kMemoryReservation);
    return nullptr;
  }
  return std::unique_ptr<LinearMemory>(
      new LinearMemory(base, initial_pages, max_pages, declared_max));
}

LinearMemory::~LinearMemory() {
  Unregister(reinterpret_cast<uintptr_t>(base_));
  ::munmap(base_, kMemoryReservation);
}

uint32_t LinearMemory::Grow(uint32_t delta) {
  const uint32_t old = pages_;
  if (delta == 0) return old;
  if (delta > max_pages_ || old > max_pages_ - delta) {
    const uint64_t wanted = uint64_t{old} + delta;
    if (wanted <= declared_max_.value_or(kMaxMemoryPages) && max_pages_ < kMaxMemoryPages) {
      refused_by_cap_ = static_cast<uint32_t>(std::max<uint64_t>(refused_by_cap_, wanted));
    }
    return UINT32_MAX;
  }
  if (::mprotect(base_ + size_bytes(), uint64_t{delta} * kPageSize, PROT_READ | PROT_WRITE) != 0)
    return UINT32_MAX;
  pages_ = old + delta;
  return old;
}

}  // namespace runw::wasm
