// The store, threads, instantiation and the fault handler that turns guard-page
// hits into traps.
#include "wasm/instance.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "base/reader.h"
#include "wasm/interp.h"

namespace runw::wasm {

std::string_view TrapMessage(TrapCode code) {
  switch (code) {
    case TrapCode::kOk:
      return "ok";
#define RUNW_TRAP(name, message) \
  case TrapCode::k##name:        \
    return message;
#include "wasm/traps.def"
#undef RUNW_TRAP
  }
  return "unknown trap";
}

std::string Thread::TrapText(TrapCode code) const {
  std::string text(TrapMessage(code));
  if (code == TrapCode::kUninitializedElement || code == TrapCode::kUndefinedElement) {
    text.push_back(' ');
    text.append(std::to_string(trap_index));
  }
  return text;
}

uint32_t SlotsOf(std::span<const ValType> types) {
  uint32_t n = 0;
  for (ValType t : types)
    n += SlotsOf(t);
  return n;
}

uint32_t TableInst::Grow(uint32_t delta, Ref init) {
  const uint32_t old = static_cast<uint32_t>(elems.size());
  if (delta > max || old > max - delta) return UINT32_MAX;
  // Hosts bound tables too: refuse growth past 10M entries rather than exhaust memory.
  if (uint64_t{old} + delta > 10'000'000) return UINT32_MAX;
  elems.resize(old + delta, init);
  return old;
}

uint32_t Store::InternType(const FuncType& type) {
  std::string key;
  for (ValType t : type.params)
    key.push_back(static_cast<char>(t));
  key.push_back('>');
  for (ValType t : type.results)
    key.push_back(static_cast<char>(t));
  auto [it, inserted] = type_ids_.emplace(key, static_cast<uint32_t>(types_.size()));
  if (inserted) types_.push_back(std::make_unique<FuncType>(type));
  return it->second;
}

FuncInst* Store::NewHostFunc(const FuncType& type, HostFn fn, void* data, std::string debug_name) {
  FuncInst* f = NewFunc();
  const uint32_t id = InternType(type);
  f->type = types_[id].get();
  f->type_id = id;
  f->param_slots = SlotsOf(type.params);
  f->result_slots = SlotsOf(type.results);
  f->host = fn;
  f->host_data = data;
  f->debug_name = std::move(debug_name);
  return f;
}

// ---------------------------------------------------------------------------
// Out-of-bounds accesses fault in a memory's guard region; this handler turns
// such a fault, and only such a fault, into a jump back to the active Invoke.

namespace {

thread_local sigjmp_buf* tl_trap_jmp = nullptr;
struct sigaction g_prev_segv;
struct sigaction g_prev_bus;

void OnFault(int sig, siginfo_t* info, void* context) {
  if (tl_trap_jmp != nullptr && IsInMemoryReservation(reinterpret_cast<uintptr_t>(info->si_addr))) {
    siglongjmp(*tl_trap_jmp, 1);
  }
  // Not ours: hand the signal to whoever had it before (a sanitizer, or the default).
  const struct sigaction& prev = sig == SIGSEGV ? g_prev_segv : g_prev_bus;
  if (prev.sa_flags & SA_SIGINFO) {
    prev.sa_sigaction(sig, info, context);
  } else if (prev.sa_handler != SIG_IGN && prev.sa_handler != SIG_DFL) {
    prev.sa_handler(sig);
  } else {
    signal(sig, SIG_DFL);  // re-executing the access now kills the process as usual
  }
}

void InstallFaultHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa{};
    sa.sa_sigaction = OnFault;
    sigemptyset(&sa.sa_mask);
    // SA_NODEFER: we leave the handler by siglongjmp without restoring the mask.
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, &g_prev_segv);
    sigaction(SIGBUS, &sa, &g_prev_bus);
  });
}

}  // namespace

Thread::Thread(Store& store) : store_(store) {
  InstallFaultHandler();
  stack_slots_ = store.limits().value_stack_slots;
  max_frames = store.limits().max_call_depth + 1;
  const size_t frame_bytes = (max_frames * sizeof(CallFrame) + 4095) & ~size_t{4095};
  mapping_size_ = frame_bytes + stack_slots_ * sizeof(Slot);
  void* p = ::mmap(nullptr, mapping_size_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    // Without stacks nothing can run: every Invoke reports exhaustion.
    stack_slots_ = 0;
    max_frames = 0;
    mapping_size_ = 0;
    return;
  }
  mapping_ = p;
  frames = static_cast<CallFrame*>(p);
  stack_ = reinterpret_cast<Slot*>(static_cast<uint8_t*>(p) + frame_bytes);
  stack_top = stack_;
}

Thread::~Thread() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
}

TrapCode Thread::Invoke(const FuncInst& func, std::span<const Slot> args, std::span<Slot> results) {
  backtrace_.clear();
  Slot* const fp = stack_top;
  const size_t need = std::max<size_t>(func.param_slots, func.result_slots);
  if (fp == nullptr || fp + need > stack_end() || depth + 1 >= max_frames)
    return TrapCode::kCallStackExhausted;
  std::copy(args.begin(), args.end(), fp);
  TrapCode trap;
  if (func.host != nullptr) {
    HostCall call{*this, func};
    Slot* saved_top = stack_top;
    stack_top = fp + need;
    trap = func.host(func.host_data, call, fp);
    stack_top = saved_top;
  } else {
    sigjmp_buf jmp;
    sigjmp_buf* const saved_jmp = tl_trap_jmp;
    Slot* const saved_top = stack_top;
    const uint32_t base_depth = depth;
    if (sigsetjmp(jmp, 0) == 0) {
      tl_trap_jmp = &jmp;
      trap = Execute(*this, func, fp);
    } else {
      // Arrived from the fault handler: an access hit a guard region.
      trap = TrapCode::kMemoryOutOfBounds;
      backtrace_.clear();
      for (uint32_t i = depth; i-- > base_depth;)
        backtrace_.push_back(frames[i].func);
      depth = base_depth;
    }
    tl_trap_jmp = saved_jmp;
    stack_top = saved_top;
  }
  if (trap == TrapCode::kOk) std::copy_n(fp, results.size(), results.begin());
  return trap;
}

// ---------------------------------------------------------------------------
// Instantiation.

void EvalConstExpr(const ModuleInstance& inst, const ConstExpr& expr, Slot out[2]) {
  const Module& m = inst.module();
  Reader r(m.bytes.data(), expr.range.begin, expr.range.end, ErrorCode::kUnexpectedEnd);
  out[0] = out[1] = 0;
  // Validation allows exactly one constant instruction before `end` in 2.0.
  const uint8_t op = *r.U8();
  switch (op) {
    case 0x41:
      out[0] = static_cast<uint32_t>(*r.S32());
      break;
    case 0x42:
      out[0] = static_cast<uint64_t>(*r.S64());
      break;
    case 0x43:
      out[0] = *r.U32Fixed();
      break;
    case 0x44:
      out[0] = *r.U64Fixed();
      break;
    case 0xfd: {
      (void)r.U32();  // v128.const
      auto bytes = *r.Bytes(16);
      std::memcpy(out, bytes.data(), 16);
      break;
    }
    case 0xd0:
      out[0] = 0;
      break;
    case 0xd2:
      out[0] = reinterpret_cast<Slot>(inst.funcs[*r.U32()]);
      break;
    case 0x23: {
      const GlobalInst* g = inst.globals[*r.U32()];
      out[0] = g->value[0];
      out[1] = g->value[1];
      break;
    }
    default:
      break;
  }
}

namespace {

bool LimitsMatch(uint32_t actual_min, std::optional<uint32_t> actual_max, const Limits& expected) {
  if (actual_min < expected.min) return false;
  if (expected.max) {
    if (!actual_max || *actual_max > *expected.max) return false;
  }
  return true;
}

}  // namespace

bool ExternMatches(const Store& store, const ExternVal& actual, const Import& expected,
                   const Module& module) {
  (void)store;
  if (actual.kind != expected.kind || actual.ptr == nullptr) return false;
  switch (expected.kind) {
    case ExternKind::kFunc:
      return *actual.func()->type == module.types[expected.type_index];
    case ExternKind::kTable: {
      const TableInst& t = *actual.table();
      std::optional<uint32_t> max;
      if (t.max != UINT32_MAX) max = t.max;
      return t.elem == expected.table.elem &&
             LimitsMatch(static_cast<uint32_t>(t.elems.size()), max, expected.table.limits);
    }
    case ExternKind::kMemory: {
      const LinearMemory& mem = *actual.memory()->memory;
      std::optional<uint32_t> max;
      if (mem.declared_max()) max = *mem.declared_max();
      return LimitsMatch(mem.pages(), max, expected.memory.limits);
    }
    case ExternKind::kGlobal: {
      const GlobalType& g = actual.global()->type;
      return g.type == expected.global.type && g.is_mutable == expected.global.is_mutable;
    }
  }
  return false;
}

InstantiateResult Instantiate(Thread& thread, std::shared_ptr<const CompiledModule> compiled,
                              std::span<const ExternVal> imports) {
  InstantiateResult result;
  Store& store = thread.store();
  const Module& m = compiled->module;
  if (imports.size() != m.imports.size()) {
    result.link_error = "unknown import";
    return result;
  }
  for (size_t i = 0; i < imports.size(); ++i) {
    if (!ExternMatches(store, imports[i], m.imports[i], m)) {
      result.link_error = "incompatible import type";
      return result;
    }
  }

  ModuleInstance* inst = store.NewInstance();
  inst->compiled = compiled;
  for (const FuncType& t : m.types)
    inst->type_ids.push_back(store.InternType(t));
  for (const ExternVal& v : imports) {
    switch (v.kind) {
      case ExternKind::kFunc:
        inst->funcs.push_back(v.func());
        break;
      case ExternKind::kTable:
        inst->tables.push_back(v.table());
        break;
      case ExternKind::kMemory:
        inst->memories.push_back(v.memory());
        break;
      case ExternKind::kGlobal:
        inst->globals.push_back(v.global());
        break;
    }
  }
  for (uint32_t i = 0; i < compiled->funcs.size(); ++i) {
    FuncInst* f = store.NewFunc();
    const uint32_t index = m.num_imported_funcs + i;
    f->type = &m.func_type(index);
    f->type_id = inst->type_ids[m.func_types[index]];
    f->param_slots = SlotsOf(f->type->params);
    f->result_slots = SlotsOf(f->type->results);
    f->module = inst;
    f->code = &compiled->funcs[i];
    f->func_index = index;
    inst->funcs.push_back(f);
  }
  for (uint32_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    TableInst* t = store.NewTable();
    t->elem = m.tables[i].elem;
    t->max = m.tables[i].limits.max.value_or(UINT32_MAX);
    if (m.tables[i].limits.min > 10'000'000) {
      result.link_error = "table too large for this host";
      return result;
    }
    t->elems.assign(m.tables[i].limits.min, 0);
    inst->tables.push_back(t);
  }
  for (uint32_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    const Limits& l = m.memories[i].limits;
    const uint32_t cap = std::min(l.max.value_or(kMaxMemoryPages), store.limits().max_memory_pages);
    MemoryInst* mem = store.NewMemory();
    mem->memory = LinearMemory::Create(l.min, cap, l.max);
    if (!mem->memory) {
      result.link_error = l.min > cap
                              ? "memory limit exceeded: the module needs more pages than allowed"
                              : "cannot reserve linear memory";
      return result;
    }
    inst->memories.push_back(mem);
  }
  if (!inst->memories.empty()) inst->memory_base = inst->memories[0]->memory->base();
  for (uint32_t i = m.num_imported_globals; i < m.globals.size(); ++i) {
    GlobalInst* g = store.NewGlobal();
    g->type = m.globals[i].type;
    EvalConstExpr(*inst, m.globals[i].init, g->value);
    inst->globals.push_back(g);
  }
  for (const Export& ex : m.exports) {
    ExternVal v{ex.kind, nullptr};
    switch (ex.kind) {
      case ExternKind::kFunc:
        v.ptr = inst->funcs[ex.index];
        break;
      case ExternKind::kTable:
        v.ptr = inst->tables[ex.index];
        break;
      case ExternKind::kMemory:
        v.ptr = inst->memories[ex.index];
        break;
      case ExternKind::kGlobal:
        v.ptr = inst->globals[ex.index];
        break;
    }
    inst->exports.emplace(ex.name, v);
  }
  for (const ElemSegment& seg : m.elems) {
    std::vector<Ref> refs;
    refs.reserve(seg.size());
    for (uint32_t f : seg.func_indices)
      refs.push_back(reinterpret_cast<Ref>(inst->funcs[f]));
    for (const ConstExpr& e : seg.exprs) {
      Slot v[2];
      EvalConstExpr(*inst, e, v);
      refs.push_back(v[0]);
    }
    inst->elems.push_back(std::move(refs));
  }
  for (const DataSegment& seg : m.datas)
    inst->datas.push_back(m.span(seg.init));

  // Active and declarative segments: initialize, then drop (spec 4.5.4 steps 14-15).
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::kActive) {
      Slot offset[2];
      EvalConstExpr(*inst, seg.offset_expr, offset);
      std::vector<Ref>& table = inst->tables[seg.table_index]->elems;
      const std::vector<Ref>& refs = inst->elems[i];
      const uint64_t d = static_cast<uint32_t>(offset[0]);
      if (d + refs.size() > table.size()) {
        result.instance = inst;
        result.trap = TrapCode::kTableOutOfBounds;
        return result;
      }
      std::copy(refs.begin(), refs.end(), table.begin() + static_cast<ptrdiff_t>(d));
    }
    if (seg.mode != SegmentMode::kPassive) inst->elems[i].clear();
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::kActive) continue;
    Slot offset[2];
    EvalConstExpr(*inst, seg.offset_expr, offset);
    LinearMemory& mem = *inst->memories[seg.memory_index]->memory;
    const uint32_t d = static_cast<uint32_t>(offset[0]);
    const std::span<const uint8_t> bytes = inst->datas[i];
    if (!mem.InBounds(d, bytes.size())) {
      result.instance = inst;
      result.trap = TrapCode::kMemoryOutOfBounds;
      return result;
    }
    if (!bytes.empty()) std::memcpy(mem.base() + d, bytes.data(), bytes.size());
    inst->datas[i] = {};
  }
  if (m.start) {
    TrapCode trap = thread.Invoke(*inst->funcs[*m.start], {}, {});
    if (trap != TrapCode::kOk) {
      result.instance = inst;
      result.trap = trap;
      return result;
    }
  }
  result.instance = inst;
  return result;
}

}  // namespace runw::wasm
