// Differential check of the interpreter's fused instructions.
//
// The lowering forms fused instructions (interp.h) only where they compute exactly
// what the separate instructions would. CompareLowerings tests that claim on one
// module: it compiles the module twice, with and without fusion
// (LowerOptions::fuse), instantiates each copy in a store of its own, calls every
// exported function with the same arguments in both, and compares everything a
// program can observe: results, trap codes, and afterwards every memory, global
// and table. Used by lowering-diff-test (over every module the build makes) and
// by the interp-diff-fuzz libFuzzer target.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "wasm/decoder.h"
#include "wasm/instance.h"
#include "wasm/lower.h"
#include "wasm/runtime.h"

namespace runw::wasm::test {

struct DiffReport {
  bool compared = false;   // both copies were instantiated and compared
  std::string skipped;     // why not, when not
  std::string difference;  // empty when the two agree
  uint32_t calls = 0;      // exported-function calls compared
};

namespace diff_detail {

// Interrupts `thread` if the guarded code runs longer than `limit` (a loop that
// never ends is a valid program; both copies must then stop the same way).
class Deadline {
 public:
  Deadline(Thread& thread, std::chrono::milliseconds limit) {
    watcher_ = std::thread([this, &thread, limit] {
      std::unique_lock lock(mu_);
      if (!cv_.wait_for(lock, limit, [this] { return done_; })) thread.Interrupt();
    });
  }
  ~Deadline() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_one();
    watcher_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread watcher_;
};

struct Copy {
  Store store;
  Thread thread{store};
  ModuleInstance* instance = nullptr;
  InstantiateResult result;
};

// A reference as something comparable across stores: the function's index in its
// module plus one, or 0 for null.
inline uint64_t RefKey(Ref r, ValType t) {
  if (r == 0) return 0;
  if (t == ValType::kFuncRef) return uint64_t{reinterpret_cast<const FuncInst*>(r)->func_index} + 1;
  return r;
}

// Arguments for call number `k`: zeros first, then values from a table of edge
// cases, shifted per parameter so that the parameters differ.
inline std::vector<Slot> Args(const FuncType& type, uint32_t k) {
  static constexpr uint64_t kInts[] = {0,
                                       1,
                                       2,
                                       3,
                                       7,
                                       16,
                                       100,
                                       0xffffffff,
                                       0x7fffffff,
                                       0x80000000,
                                       0xfffffff0,
                                       65535,
                                       65536,
                                       0x12345678,
                                       0x8000000000000000,
                                       0xffffffffffffffff};
  static constexpr double kDoubles[] = {0.0, 1.5, -0.0, -2.25, 1e300, -1e-300, 3.0, 0.1};
  std::vector<Slot> args;
  for (size_t i = 0; i < type.params.size(); ++i) {
    const size_t pick = k == 0 ? 0 : (k * 7 + i * 3) % 16;
    switch (type.params[i]) {
      case ValType::kI32:
        args.push_back(static_cast<uint32_t>(kInts[pick]));
        break;
      case ValType::kI64:
        args.push_back(kInts[pick] * (k % 3 == 2 ? 0x100000001ull : 1));
        break;
      case ValType::kF32: {
        const float f = static_cast<float>(kDoubles[pick % 8]);
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        args.push_back(bits);
        break;
      }
      case ValType::kF64: {
        uint64_t bits;
        std::memcpy(&bits, &kDoubles[pick % 8], 8);
        args.push_back(bits);
        break;
      }
      case ValType::kV128:
        args.push_back(kInts[pick]);
        args.push_back(kInts[(pick + 5) % 16]);
        break;
      default:  // references: null
        args.push_back(0);
        break;
    }
  }
  return args;
}

inline std::string CompareState(const Copy& a, const Copy& b) {
  const ModuleInstance& x = *a.instance;
  const ModuleInstance& y = *b.instance;
  for (size_t i = 0; i < x.memories.size(); ++i) {
    const LinearMemory& m = *x.memories[i]->memory;
    const LinearMemory& n = *y.memories[i]->memory;
    if (m.pages() != n.pages()) return "memory " + std::to_string(i) + " size differs";
    if (std::memcmp(m.base(), n.base(), m.size_bytes()) != 0) {
      return "memory " + std::to_string(i) + " contents differ";
    }
  }
  for (size_t i = 0; i < x.globals.size(); ++i) {
    const GlobalInst& g = *x.globals[i];
    const GlobalInst& h = *y.globals[i];
    const bool ref = IsRefType(g.type.type);
    if (ref ? RefKey(g.value[0], g.type.type) != RefKey(h.value[0], h.type.type)
            : (g.value[0] != h.value[0] || g.value[1] != h.value[1])) {
      return "global " + std::to_string(i) + " differs";
    }
  }
  for (size_t i = 0; i < x.tables.size(); ++i) {
    const TableInst& s = *x.tables[i];
    const TableInst& t = *y.tables[i];
    if (s.elems.size() != t.elems.size()) return "table " + std::to_string(i) + " size differs";
    for (size_t e = 0; e < s.elems.size(); ++e) {
      if (RefKey(s.elems[e], s.elem) != RefKey(t.elems[e], t.elem)) {
        return "table " + std::to_string(i) + " element " + std::to_string(e) + " differs";
      }
    }
  }
  return "";
}

}  // namespace diff_detail

/// Compares the fused and the plain lowering of the module in `bytes` (see the file
/// comment). Modules that do not decode, validate or have imports are skipped.
/// `tamper`, for testing this check itself, may change the plain copy after each call.
inline DiffReport CompareLowerings(
    std::span<const uint8_t> bytes, uint32_t max_calls = 200,
    std::chrono::milliseconds per_call = std::chrono::milliseconds(50),
    const std::function<void(ModuleInstance&)>& tamper = {}) {
  using namespace diff_detail;
  DiffReport report;
  auto decoded = DecodeModule(bytes);
  if (!decoded) {
    report.skipped = "does not decode";
    return report;
  }
  if (!decoded->imports.empty()) {
    report.skipped = "has imports";
    return report;
  }
  auto fused = CompileModule(*decoded, LowerOptions{.fuse = true});
  auto plain = CompileModule(*decoded, LowerOptions{.fuse = false});
  if (!fused || !plain) {
    if (!fused != !plain) report.difference = "only one lowering compiled";
    report.skipped = "does not validate";
    return report;
  }
  Copy a, b;
  {
    Deadline d1(a.thread, per_call);
    a.result = Instantiate(a.thread, *fused, {});
  }
  {
    Deadline d2(b.thread, per_call);
    b.result = Instantiate(b.thread, *plain, {});
  }
  auto stopped = [](TrapCode t) {
    return t == TrapCode::kInterrupted || t == TrapCode::kCallStackExhausted;
  };
  if (stopped(a.result.trap) || stopped(b.result.trap)) {
    report.skipped = "start function did not finish";
    return report;
  }
  if (a.result.trap != b.result.trap || !a.result.link_error != !b.result.link_error) {
    report.difference = "instantiation differs";
    return report;
  }
  if (!a.result.instance) {
    report.skipped = "does not instantiate";
    return report;
  }
  a.instance = a.result.instance;
  b.instance = b.result.instance;
  report.compared = true;
  if (std::string d = CompareState(a, b); !d.empty()) {
    report.difference = "after instantiation: " + d;
    return report;
  }
  std::vector<std::string> names;
  for (const auto& [name, ext] : a.instance->exports) {
    if (ext.kind == ExternKind::kFunc) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (uint32_t k = 0; k < 3; ++k) {
    for (const std::string& name : names) {
      if (report.calls >= max_calls) return report;
      const FuncInst& f = *a.instance->exports.at(name).func();
      const FuncInst& g = *b.instance->exports.at(name).func();
      const std::vector<Slot> args = Args(*f.type, k);
      std::vector<Slot> ra(std::max<size_t>(1, SlotsOf(f.type->results)));
      std::vector<Slot> rb(ra.size());
      TrapCode ta, tb;
      {
        Deadline d(a.thread, per_call);
        ta = a.thread.Invoke(f, args, ra);
      }
      {
        Deadline d(b.thread, per_call);
        tb = b.thread.Invoke(g, args, rb);
      }
      a.thread.ClearInterrupt();
      b.thread.ClearInterrupt();
      if (tamper) tamper(*b.instance);
      report.calls++;
      const std::string what = name + " (argument set " + std::to_string(k) + ")";
      // Where one copy was stopped from outside, the two no longer run in step.
      if (stopped(ta) || stopped(tb)) return report;
      if (ta != tb) {
        report.difference = what + ": traps differ";
        return report;
      }
      if (ta == TrapCode::kOk) {
        size_t slot = 0;
        for (ValType t : f.type->results) {
          const bool same = IsRefType(t)
                                ? RefKey(ra[slot], t) == RefKey(rb[slot], t)
                                : std::equal(ra.begin() + slot, ra.begin() + slot + SlotsOf(t),
                                             rb.begin() + slot);
          if (!same) {
            report.difference = what + ": results differ";
            return report;
          }
          slot += SlotsOf(t);
        }
      }
      if (std::string d = CompareState(a, b); !d.empty()) {
        report.difference = what + ": " + d;
        return report;
      }
    }
  }
  return report;
}

}  // namespace runw::wasm::test
