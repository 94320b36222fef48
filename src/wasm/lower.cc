// The lowering consumer of the function-body pass: turns each validated
// instruction into interpreter code over frame slots (see interp.h).
//
// The lowering keeps a virtual operand stack. An entry is a value in its home slot
// (a temporary fixed by its stack position), a reference to a local's slot, or a
// 64-bit constant not yet written anywhere. Consumers read locals in place; an
// entry is "materialized" into its home only when that is needed: before control
// flow joins (block, loop, if, else, branches), before a local it names is
// overwritten, and for call arguments, which must sit in consecutive homes because
// the callee's frame starts at the first of them. The result of the instruction
// just emitted can be redirected into the local that a following local.set or
// local.tee names, which removes most copies from ordinary code.
//
// i32 additions are deferred the same way: an entry can stand for "a + k",
// "a + b" or "(a << s) + k" not yet computed, which a following scalar load or
// store folds into its address (AddrMode in interp.h), so the usual address
// arithmetic costs no dispatch of its own. The sources of such an entry are locals
// or the entry's own home, never the home of a stack position above it, which the
// next push would overwrite.
#include "wasm/lower.h"

#include <cstring>

#include "wasm/function-body.h"
#include "wasm/interp.h"
#include "wasm/validator.h"

namespace runw::wasm {
namespace {

class Lowerer {
 public:
  Lowerer(const Module& m, uint32_t func_index, const Code& code, const LowerOptions& options);

  void OnInstr(const Instr& in);
  CompiledFunc Finish();

 private:
  enum class Kind : uint8_t { kTemp, kLocal, kConst, kAddImm, kAddReg, kShlAddImm };
  struct Entry {
    ValType type;
    Kind kind;
    uint32_t home;      // the slot this stack position owns
    uint32_t src;       // kLocal: the local's slot; deferred sums: the first operand's slot
    uint64_t bits;      // kConst: the value; kAddImm, kShlAddImm: the i32 addend
    uint32_t src2 = 0;  // kAddReg: the second operand's slot; kShlAddImm: the shift
  };
  static bool Deferred(const Entry& e) { return e.kind >= Kind::kAddImm; }
  struct Fixup {
    uint32_t instr;  // start of the branch instruction
    uint32_t field;  // position of its i32 displacement
  };
  struct Ctrl {
    Opcode kind;      // kBlock, kLoop, kIf, kElse, or kNop for the function
    uint32_t height;  // stack entries below the block's params
    std::span<const ValType> params;
    std::span<const ValType> results;
    uint32_t loop_start = 0;
    Fixup else_fixup{0, 0};
    bool has_else_fixup = false;
    bool dead = false;
    std::vector<Fixup> fixups;
  };

  // Code emission.
  uint32_t Here() const { return static_cast<uint32_t>(code_.size()); }
  void Op(const void* handler) {
    fusable_ = false;
    Put(handler);
  }
  void Op(IOp op) { Op(HandlerFor(op)); }
  template <typename T>
  void Put(T v) {
    size_t at = code_.size();
    code_.resize(at + sizeof(T));
    std::memcpy(code_.data() + at, &v, sizeof(T));
  }
  void U32(uint32_t v) { Put(v); }
  void PatchI32(uint32_t at, int32_t v) { std::memcpy(code_.data() + at, &v, 4); }
  // Removes the code from `at` on, to emit it again fused. An i32.add recorded by
  // NoteSum that is cut is forgotten.
  void Truncate(uint32_t at) {
    code_.resize(at);
    if (at < sum_end_) sum_end_ = 0;
  }
  void PatchU32(uint32_t at, uint32_t v) { std::memcpy(code_.data() + at, &v, 4); }
  // Records that the instruction just emitted wrote its result to `slot` through
  // the operand at `field`, so a following local.set may redirect it.
  void MarkResult(uint32_t field, uint32_t slot) {
    last_.op = Opcode::kNop;  // Generic() sets it again for its own instructions
    fusable_ = true;
    last_dst_field_ = field;
    last_dst_slot_ = slot;
  }

  // The virtual stack.
  uint32_t NextHome() const {
    return stack_.empty() ? temp_base_ : stack_.back().home + SlotsOf(stack_.back().type);
  }
  uint32_t PushTemp(ValType t) {
    uint32_t home = NextHome();
    stack_.push_back(Entry{t, Kind::kTemp, home, 0, 0});
    max_slots_ = std::max(max_slots_, home + SlotsOf(t));
    return home;
  }
  void PushLocal(uint32_t local) {
    uint32_t home = NextHome();
    ValType t = local_types_[local];
    stack_.push_back(Entry{t, Kind::kLocal, home, local_slots_[local], 0});
    max_slots_ = std::max(max_slots_, home + SlotsOf(t));
  }
  void PushConst(ValType t, uint64_t bits) {
    uint32_t home = NextHome();
    stack_.push_back(Entry{t, Kind::kConst, home, 0, bits});
    max_slots_ = std::max(max_slots_, home + 1);
  }
  void Materialize(Entry& e);
  // Computes a deferred sum into `dst`.
  void EmitDeferred(const Entry& e, uint32_t dst);
  // Replaces the top two entries by a deferred sum when their forms allow it.
  bool DeferAdd();
  // The operand fields of a load or store address taken from `e` (popped).
  AddrMode EmitAddressFields(const Entry& e, uint32_t value, uint32_t offset);
  void MaterializeTop(size_t n) {
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i)
      Materialize(stack_[i]);
  }
  void MaterializeAll() { MaterializeTop(stack_.size()); }
  // Before `slot` is overwritten: the entries below `end` that read it.
  void MaterializeLocal(uint32_t slot, size_t end) {
    for (size_t i = 0; i < end; ++i) {
      Entry& e = stack_[i];
      const bool reads = (e.kind == Kind::kLocal || Deferred(e)) && e.src == slot;
      if (reads || (e.kind == Kind::kAddReg && e.src2 == slot)) Materialize(e);
    }
  }
  uint32_t Src(Entry& e) {
    if (e.kind == Kind::kConst || Deferred(e)) Materialize(e);
    return e.kind == Kind::kLocal ? e.src : e.home;
  }
  uint32_t PopSrc() {
    uint32_t s = Src(stack_.back());
    stack_.pop_back();
    return s;
  }
  void EmitCopy(ValType t, uint32_t dst, uint32_t src) {
    if (dst == src) return;
    Op(t == ValType::kV128 ? IOp::kCopy128 : IOp::kCopy64);
    U32(dst);
    U32(src);
  }

  // The last generic instruction, so that a comparison can fuse with the branch
  // that consumes its result.
  struct LastOp {
    Opcode op = Opcode::kNop;
    uint32_t start = 0;
    uint32_t a = 0;
    uint32_t b = 0;
    uint64_t imm = 0;
    bool is_imm = false;
  };
  // A branch condition: a slot holding an i32, or a comparison to evaluate in the
  // branch instruction itself (the comparison's own code is then removed).
  struct Cond {
    bool fused = false;
    LastOp cmp;
    uint32_t slot = 0;
  };
  Cond PopCond();
  // Emits a conditional jump taken when the condition is `when`; returns the fixup
  // of its displacement. `backward` selects the form that checks for interrupts.
  Fixup EmitCondJump(const Cond& c, bool when, bool backward);

  // Control.
  void Bind(std::vector<Fixup>& fixups, uint32_t target) {
    for (const Fixup& f : fixups)
      PatchI32(f.field, static_cast<int32_t>(target - f.instr));
    fixups.clear();
    fusable_ = false;
    barrier_ = target;
  }
  // Whether an i32.add instruction ends exactly here and may be rewritten (no
  // branch target after its start); if so, reads its destination and operands.
  bool PeekSum(uint32_t& dst, uint32_t& a, uint32_t& b, uint64_t& k) const {
    if (!fuse_ || sum_end_ != Here() || sum_end_ <= sum_start_ || sum_start_ < barrier_) {
      return false;
    }
    std::memcpy(&dst, code_.data() + sum_start_ + 8, 4);
    std::memcpy(&a, code_.data() + sum_start_ + 12, 4);
    if (sum_is_imm_) {
      std::memcpy(&k, code_.data() + sum_start_ + 16, 8);
    } else {
      std::memcpy(&b, code_.data() + sum_start_ + 16, 4);
    }
    return true;
  }
  // PeekSum, then removes the add so that the caller can emit it fused.
  bool TakeSum(uint32_t& dst, uint32_t& a, uint32_t& b, uint64_t& k) {
    if (!PeekSum(dst, a, b, k)) return false;
    Truncate(sum_start_);
    return true;
  }
  // Records that an i32.add instruction was just emitted from `start`, so that a
  // comparison of its result and a branch, or a jump, can join it.
  void NoteSum(uint32_t start, bool is_imm) {
    sum_start_ = start;
    sum_end_ = Here();
    sum_is_imm_ = is_imm;
  }
  void EmitJump(IOp op, Ctrl& target, std::optional<uint32_t> cond);
  bool MoveBranchValues(const Ctrl& target, bool emit);
  void BranchTo(Ctrl& target);
  void BranchIf(Ctrl& target, const Cond& cond);
  void BranchTable(const Instr& in, uint32_t index);
  void EmitReturn();
  void EnterBlock(const Instr& in);
  void Else();
  void End();
  void Resolve(const BlockType& bt, std::span<const ValType>& params,
               std::span<const ValType>& results) const;
  Ctrl& Label(uint32_t depth) { return ctrls_[ctrls_.size() - 1 - depth]; }
  void SetDead() {
    stack_.resize(ctrls_.back().height);
    ctrls_.back().dead = true;
  }

  void Generic(const Instr& in, const OpInfo& info);
  // Emits `op` fused with the instruction just emitted when that computed one of
  // its operands (RUNW_FUSED_OPS); returns whether it did.
  bool TryFuse(Opcode op);
  void EmitFused(int index, FusedShape shape, uint32_t dst, const LastOp& inner, uint32_t c,
                 uint64_t k);
  void Special(const Instr& in);

  const Module& m_;
  const FuncType& type_;
  std::vector<ValType> local_types_;
  std::vector<uint32_t> local_slots_;
  uint32_t param_slots_ = 0;
  uint32_t temp_base_ = 0;
  uint32_t max_slots_ = 0;
  uint32_t func_index_;
  bool fuse_;  // LowerOptions::fuse

  std::vector<uint8_t> code_;
  std::vector<Entry> stack_;
  std::vector<Ctrl> ctrls_;
  uint32_t dead_nesting_ = 0;  // blocks opened inside unreachable code
  bool fusable_ = false;
  // Code before this position may not be rewritten: a branch target is there.
  uint32_t barrier_ = 0;
  // The last i32.add instruction emitted (NoteSum).
  uint32_t sum_start_ = 0;
  uint32_t sum_end_ = 0;
  bool sum_is_imm_ = false;
  uint32_t last_dst_field_ = 0;
  uint32_t last_dst_slot_ = 0;
  LastOp last_;
};

Lowerer::Lowerer(const Module& m, uint32_t func_index, const Code& code,
                 const LowerOptions& options)
    : m_(m), type_(m.func_type(func_index)), func_index_(func_index), fuse_(options.fuse) {
  uint32_t slot = 0;
  for (ValType t : type_.params) {
    local_types_.push_back(t);
    local_slots_.push_back(slot);
    slot += SlotsOf(t);
  }
  param_slots_ = slot;
  for (const LocalRun& run : code.locals) {
    for (uint32_t i = 0; i < run.count; ++i) {
      local_types_.push_back(run.type);
      local_slots_.push_back(slot);
      slot += SlotsOf(run.type);
    }
  }
  temp_base_ = slot;
  max_slots_ = std::max(slot, SlotsOf(type_.results));
  Ctrl fn;
  fn.kind = Opcode::kNop;
  fn.height = 0;
  fn.results = type_.results;
  ctrls_.push_back(std::move(fn));
}

void Lowerer::Materialize(Entry& e) {
  switch (e.kind) {
    case Kind::kTemp:
      return;
    case Kind::kLocal:
      EmitCopy(e.type, e.home, e.src);
      break;
    case Kind::kConst:
      Op(IOp::kConst64);
      U32(e.home);
      Put(e.bits);
      break;
    case Kind::kAddImm:
    case Kind::kAddReg:
    case Kind::kShlAddImm:
      EmitDeferred(e, e.home);
      break;
  }
  e.kind = Kind::kTemp;
}

void Lowerer::EmitDeferred(const Entry& e, uint32_t dst) {
  if (e.kind != Kind::kShlAddImm && fusable_ && e.src == last_dst_slot_ &&
      last_.op != Opcode::kNop && last_.start < Here()) {
    // The first operand is the result of the instruction just emitted: run the
    // two as one when the pair is fused (its result temporary is then unused).
    const bool outer_imm = e.kind == Kind::kAddImm;
    const FusedShape shape = last_.is_imm ? (outer_imm ? FusedShape::kKK : FusedShape::kKR)
                                          : (outer_imm ? FusedShape::kRK : FusedShape::kRR);
    const int index = FusedIndex(Opcode::kI32Add, last_.op, true, shape);
    if (index >= 0) {
      const LastOp inner = last_;
      Truncate(inner.start);
      EmitFused(index, shape, dst, inner, e.src2, e.bits);
      return;
    }
  }
  if (e.kind == Kind::kShlAddImm) {
    Op(IOp::kShlAddImm);
    U32(dst);
    U32(e.src);
    U32(static_cast<uint32_t>(e.bits));
    U32(e.src2);
  } else {
    const bool imm = e.kind == Kind::kAddImm;
    const uint32_t start = Here();
    Op(imm ? HandlerForImm(Opcode::kI32Add) : HandlerFor(Opcode::kI32Add));
    U32(dst);
    U32(e.src);
    if (imm) {
      Put(e.bits);
    } else {
      U32(e.src2);
    }
    NoteSum(start, imm);
  }
}

bool Lowerer::DeferAdd() {
  if (!fuse_) return false;
  const size_t n = stack_.size();
  Entry a = stack_[n - 2];
  Entry b = stack_[n - 1];
  if (a.kind == Kind::kConst && b.kind != Kind::kConst) std::swap(a, b);
  // The result takes the first operand's position; p is its home.
  const uint32_t p = stack_[n - 2].home;
  // A source slot for an operand that is a local, or a value in home p.
  auto base = [&](const Entry& e) -> std::optional<uint32_t> {
    if (e.kind == Kind::kLocal) return e.src;
    if (e.kind == Kind::kTemp && e.home == p) return p;
    return std::nullopt;
  };
  Entry r{ValType::kI32, Kind::kAddImm, p, 0, 0};
  if (b.kind == Kind::kConst) {
    const uint32_t k = static_cast<uint32_t>(b.bits);
    if (a.kind == Kind::kConst) return false;
    if ((a.kind == Kind::kAddImm || a.kind == Kind::kShlAddImm) &&
        (a.src != a.home || a.home == p)) {
      // (x + k1) + k2 = x + (k1 + k2) in wrapping i32 arithmetic.
      r = a;
      r.home = p;
      r.bits = static_cast<uint32_t>(a.bits + k);
    } else if (a.kind == Kind::kTemp && a.home == p && fusable_ && last_dst_slot_ == p &&
               last_.op == Opcode::kI32Shl && last_.is_imm) {
      // (x << s) + k: the shift just emitted becomes part of the sum.
      Truncate(last_.start);
      r.kind = Kind::kShlAddImm;
      r.src = last_.a;
      r.src2 = static_cast<uint32_t>(last_.imm & 31);
      r.bits = k;
    } else if (auto src = base(a)) {
      r.src = *src;
      r.bits = k;
    } else {
      return false;
    }
  } else {
    auto x = base(a);
    if (!x || b.kind != Kind::kLocal) return false;
    r.kind = Kind::kAddReg;
    r.src = *x;
    r.src2 = b.src;
  }
  stack_.resize(n - 2);
  stack_.push_back(r);
  // The sum may still fuse with the instruction that produced its first operand
  // (EmitDeferred), as long as nothing is emitted in between.
  fusable_ = fusable_ && r.kind != Kind::kShlAddImm && r.src == last_dst_slot_;
  return true;
}

AddrMode Lowerer::EmitAddressFields(const Entry& e, uint32_t value, uint32_t offset) {
  U32(value);
  switch (e.kind) {
    case Kind::kConst:
      U32(static_cast<uint32_t>(e.bits));
      U32(offset);
      return AddrMode::kConst;
    case Kind::kAddImm:
      U32(e.src);
      U32(offset);
      U32(static_cast<uint32_t>(e.bits));
      return AddrMode::kAddImm;
    case Kind::kAddReg:
      U32(e.src);
      U32(offset);
      U32(e.src2);
      return AddrMode::kAddReg;
    case Kind::kShlAddImm:
      U32(e.src);
      U32(offset);
      U32(static_cast<uint32_t>(e.bits));
      U32(e.src2);
      return AddrMode::kShlAddImm;
    case Kind::kLocal:
      U32(e.src);
      break;
    case Kind::kTemp:
      U32(e.home);
      break;
  }
  U32(offset);
  return AddrMode::kSlot;
}

void Lowerer::Resolve(const BlockType& bt, std::span<const ValType>& params,
                      std::span<const ValType>& results) const {
  params = {};
  results = {};
  if (bt.form == BlockType::Form::kSingle) {
    results = body_detail::SingleSpan(bt.single);
  } else if (bt.form == BlockType::Form::kIndex) {
    params = m_.types[bt.type_index].params;
    results = m_.types[bt.type_index].results;
  }
}

// Moves the top `arity` values into the homes the target label expects them in.
// Returns whether any copy is needed; emits them only when `emit`.
bool Lowerer::MoveBranchValues(const Ctrl& target, bool emit) {
  std::span<const ValType> types = target.kind == Opcode::kLoop ? target.params : target.results;
  const size_t n = types.size();
  if (n == 0) return false;
  const size_t from = stack_.size() - n;
  if (from == target.height) return false;  // already in place
  if (!emit) return true;
  uint32_t dst = stack_[target.height].home;
  for (size_t k = 0; k < n; ++k) {
    EmitCopy(types[k], dst, stack_[from + k].home);
    dst += SlotsOf(types[k]);
  }
  return true;
}

void Lowerer::EmitJump(IOp op, Ctrl& target, std::optional<uint32_t> cond) {
  uint32_t start = Here();
  uint32_t dst, a, b = 0;
  uint64_t k = 0;
  if (!cond && TakeSum(dst, a, b, k)) {
    // An i32.add ends right here (`i++; continue`): add and jump in one.
    const bool loop = op == IOp::kBrLoop;
    start = Here();
    Op(sum_is_imm_ ? (loop ? IOp::kAddImmBrLoop : IOp::kAddImmBr)
                   : (loop ? IOp::kAddBrLoop : IOp::kAddBr));
    U32(dst);
    U32(a);
    if (sum_is_imm_) {
      Put(k);
    } else {
      U32(b);
    }
  } else {
    Op(op);
    if (cond) U32(*cond);
  }
  const uint32_t field = Here();
  U32(0);
  if (target.kind == Opcode::kLoop) {
    PatchI32(field, static_cast<int32_t>(target.loop_start - start));
  } else {
    target.fixups.push_back(Fixup{start, field});
  }
}

void Lowerer::EmitReturn() {
  const size_t n = type_.results.size();
  if (n == 1 && Deferred(stack_.back())) {
    // Compute the result straight into its place.
    EmitDeferred(stack_.back(), 0);
    Op(IOp::kReturn);
    return;
  }
  MaterializeTop(n);
  if (n == 1 && SlotsOf(type_.results[0]) == 1 && stack_.back().home != 0 &&
      !(fusable_ && last_dst_slot_ == stack_.back().home)) {
    Op(IOp::kReturn64);
    U32(stack_.back().home);
    return;
  }
  uint32_t dst = 0;
  for (size_t k = 0; k < n; ++k) {
    const Entry& e = stack_[stack_.size() - n + k];
    if (n == 1 && fusable_ && last_dst_slot_ == e.home) {
      // The value was just computed: compute it straight into the result slot.
      PatchU32(last_dst_field_, 0);
    } else {
      EmitCopy(e.type, dst, e.home);
    }
    dst += SlotsOf(e.type);
  }
  Op(IOp::kReturn);
}

void Lowerer::BranchTo(Ctrl& target) {
  if (&target == &ctrls_.front()) return EmitReturn();
  std::span<const ValType> types = target.kind == Opcode::kLoop ? target.params : target.results;
  MaterializeTop(types.size());
  MoveBranchValues(target, true);
  EmitJump(target.kind == Opcode::kLoop ? IOp::kBrLoop : IOp::kBr, target, std::nullopt);
}

void Lowerer::BranchIf(Ctrl& target, const Cond& cond) {
  std::span<const ValType> types = target.kind == Opcode::kLoop ? target.params : target.results;
  MaterializeTop(types.size());
  if (&target == &ctrls_.front() || MoveBranchValues(target, false)) {
    // Values must move (or the function returns): skip over the moves when the
    // condition is false.
    Fixup skip = EmitCondJump(cond, false, false);
    BranchTo(target);
    PatchI32(skip.field, static_cast<int32_t>(Here() - skip.instr));
    fusable_ = false;
    barrier_ = Here();
    return;
  }
  const bool loop = target.kind == Opcode::kLoop;
  Fixup f = EmitCondJump(cond, true, loop);
  if (loop) {
    PatchI32(f.field, static_cast<int32_t>(target.loop_start - f.instr));
  } else {
    target.fixups.push_back(f);
  }
}

void Lowerer::BranchTable(const Instr& in, uint32_t index) {
  Ctrl& def = Label(in.index);
  const size_t arity = (def.kind == Opcode::kLoop ? def.params : def.results).size();
  MaterializeTop(arity);
  const uint32_t start = Here();
  const uint32_t n = static_cast<uint32_t>(in.targets.size());
  Op(IOp::kBrTable);
  U32(index);
  U32(n);
  const uint32_t table = Here();
  for (uint32_t i = 0; i <= n; ++i)
    U32(0);
  // Each entry jumps straight to its label, or to a stub after the table that moves
  // values, returns, or checks for interrupts before going back to a loop.
  for (uint32_t i = 0; i <= n; ++i) {
    Ctrl& target = Label(i < n ? in.targets[i] : in.index);
    const uint32_t field = table + 4 * i;
    const bool direct = &target != &ctrls_.front() && target.kind != Opcode::kLoop &&
                        !MoveBranchValues(target, false);
    if (direct) {
      target.fixups.push_back(Fixup{start, field});
    } else {
      PatchI32(field, static_cast<int32_t>(Here() - start));
      barrier_ = Here();
      BranchTo(target);
    }
  }
}

void Lowerer::EnterBlock(const Instr& in) {
  Ctrl c;
  c.kind = in.op;
  Resolve(in.block, c.params, c.results);
  if (in.op == Opcode::kIf) {
    const Cond cond = PopCond();
    MaterializeAll();
    c.else_fixup = EmitCondJump(cond, false, false);
    c.has_else_fixup = true;
  } else {
    MaterializeAll();
  }
  c.height = static_cast<uint32_t>(stack_.size() - c.params.size());
  if (in.op == Opcode::kLoop) {
    c.loop_start = Here();
    fusable_ = false;
    barrier_ = Here();
  }
  ctrls_.push_back(std::move(c));
}

void Lowerer::Else() {
  Ctrl& c = ctrls_.back();
  if (!c.dead) {
    MaterializeTop(c.results.size());
    EmitJump(IOp::kBr, c, std::nullopt);
  }
  std::vector<Fixup> else_target{c.else_fixup};
  Bind(else_target, Here());
  c.has_else_fixup = false;
  c.kind = Opcode::kElse;
  c.dead = false;
  // The params are still in their homes: only one of the branches runs.
  stack_.resize(c.height);
  for (ValType t : c.params)
    PushTemp(t);
}

void Lowerer::End() {
  Ctrl& c = ctrls_.back();
  if (ctrls_.size() == 1) {
    if (!c.dead) EmitReturn();
    ctrls_.pop_back();
    return;
  }
  if (!c.dead) MaterializeTop(c.results.size());
  if (c.has_else_fixup) {
    // An `if` without `else`: the false edge arrives here with the params, which
    // validation made equal to the results.
    std::vector<Fixup> else_target{c.else_fixup};
    Bind(else_target, Here());
  }
  Bind(c.fixups, Here());
  fusable_ = false;
  stack_.resize(c.height);
  std::span<const ValType> results = c.results;
  ctrls_.pop_back();
  for (ValType t : results)
    PushTemp(t);
}

// For a binary operation whose first operand is a literal: the operation that gives
// the same result with the operands swapped, or kNop when there is none.
Opcode SwappedOp(Opcode op) {
  using enum Opcode;
  switch (op) {
    case kI32Add:
    case kI32Mul:
    case kI32And:
    case kI32Or:
    case kI32Xor:
    case kI32Eq:
    case kI32Ne:
    case kI64Add:
    case kI64Mul:
    case kI64And:
    case kI64Or:
    case kI64Xor:
    case kI64Eq:
    case kI64Ne:
      return op;
    case kI32LtS:
      return kI32GtS;
    case kI32LtU:
      return kI32GtU;
    case kI32GtS:
      return kI32LtS;
    case kI32GtU:
      return kI32LtU;
    case kI32LeS:
      return kI32GeS;
    case kI32LeU:
      return kI32GeU;
    case kI32GeS:
      return kI32LeS;
    case kI32GeU:
      return kI32LeU;
    case kI64LtS:
      return kI64GtS;
    case kI64LtU:
      return kI64GtU;
    case kI64GtS:
      return kI64LtS;
    case kI64GtU:
      return kI64LtU;
    case kI64LeS:
      return kI64GeS;
    case kI64LeU:
      return kI64GeU;
    case kI64GeS:
      return kI64LeS;
    case kI64GeU:
      return kI64LeU;
    default:
      return kNop;
  }
}

void Lowerer::Generic(const Instr& in_, const OpInfo& info_) {
  Instr in = in_;
  const OpInfo* pinfo = &info_;
  if (in.op == Opcode::kI32Add && DeferAdd()) return;
  if (info_.num_params == 2 && stack_.size() >= 2) {
    Entry& a = stack_[stack_.size() - 2];
    Entry& b = stack_.back();
    if (Deferred(b)) Materialize(b);
    const Opcode swapped = SwappedOp(in.op);
    if (a.kind == Kind::kConst && b.kind != Kind::kConst && swapped != Opcode::kNop) {
      // Put the literal second so it can travel in the instruction. Homes stay with
      // their stack positions; the first entry becomes a reference to wherever the
      // second operand's value is (a temporary's value is in its own home). Both are
      // consumed by this instruction at once.
      const uint32_t where = b.kind == Kind::kTemp ? b.home : b.src;
      b.kind = Kind::kConst;
      b.bits = a.bits;
      a.kind = Kind::kLocal;
      a.src = where;
      in.op = swapped;
      pinfo = &kOpTable[static_cast<uint16_t>(swapped)];
    }
  }
  const OpInfo& info = *pinfo;
  if (info.num_params == 2 && TryFuse(in.op)) return;
  LastOp last;
  last.op = in.op;
  if (info.num_params == 2 && stack_.back().kind == Kind::kConst &&
      info.params[0] != ValType::kV128 && info.params[1] != ValType::kV128) {
    // A literal second operand travels in the instruction.
    last.imm = stack_.back().bits;
    last.is_imm = true;
    stack_.pop_back();
    last.a = PopSrc();
    const uint32_t dst = PushTemp(info.result);
    last.start = Here();
    Op(HandlerForImm(in.op));
    const uint32_t field = Here();
    U32(dst);
    U32(last.a);
    Put(last.imm);
    MarkResult(field, dst);
    last_ = last;
    if (in.op == Opcode::kI32Add) NoteSum(last.start, true);
    return;
  }
  // Operands are popped last-first; the handler takes them first-first.
  uint32_t srcs[3];
  for (int i = info.num_params; i-- > 0;)
    srcs[i] = PopSrc();
  const uint32_t dst = PushTemp(info.result);
  last.start = Here();
  Op(HandlerFor(in.op));
  const uint32_t field = Here();
  U32(dst);
  for (int i = 0; i < info.num_params; ++i)
    U32(srcs[i]);
  MarkResult(field, dst);
  last.a = srcs[0];
  last.b = info.num_params > 1 ? srcs[1] : 0;
  last_ = last;
  if (in.op == Opcode::kI32Add) NoteSum(last.start, false);
}

bool Lowerer::TryFuse(Opcode op) {
  if (!fuse_) return false;
  const size_t n = stack_.size();
  const Entry& a = stack_[n - 2];
  const Entry& b = stack_[n - 1];
  // The inner operation is either the instruction just emitted (its result is the
  // temporary it wrote; after a literal first operand was moved second, the entry
  // that refers to it is a kLocal alias), or a deferred sum, computed by nobody yet.
  const bool fresh = fusable_ && last_.op != Opcode::kNop && last_.start < Here();
  auto is_fresh = [&](const Entry& e) {
    return fresh && ((e.kind == Kind::kTemp && e.home == last_dst_slot_) ||
                     (e.kind == Kind::kLocal && e.src == last_dst_slot_));
  };
  auto is_sum = [](const Entry& e) { return e.kind == Kind::kAddImm || e.kind == Kind::kAddReg; };
  bool inner_first;
  bool emitted;
  if (is_fresh(a) != is_fresh(b)) {
    inner_first = is_fresh(a);
    emitted = true;
  } else if (is_sum(a) != is_sum(b)) {
    inner_first = is_sum(a);
    emitted = false;
  } else {
    return false;
  }
  // The other operand must be readable in place or a literal: computing it now
  // could overwrite a slot the inner operation reads.
  const Entry& other = inner_first ? b : a;
  if (other.kind != Kind::kLocal && other.kind != Kind::kTemp && other.kind != Kind::kConst) {
    return false;
  }
  LastOp inner = last_;
  if (!emitted) {
    const Entry& sum = inner_first ? a : b;
    inner = LastOp{};
    inner.op = Opcode::kI32Add;
    inner.a = sum.src;
    inner.b = sum.src2;
    inner.imm = sum.bits;
    inner.is_imm = sum.kind == Kind::kAddImm;
  }
  const bool outer_imm = other.kind == Kind::kConst;
  const FusedShape shape = inner.is_imm ? (outer_imm ? FusedShape::kKK : FusedShape::kKR)
                                        : (outer_imm ? FusedShape::kRK : FusedShape::kRR);
  const int index = FusedIndex(op, inner.op, inner_first, shape);
  if (index < 0) return false;
  const uint32_t c = other.kind == Kind::kLocal ? other.src : other.home;
  const uint64_t k = other.bits;
  if (emitted) Truncate(inner.start);
  stack_.resize(n - 2);
  const uint32_t dst = PushTemp(kOpTable[static_cast<uint16_t>(op)].result);
  const uint32_t field = Here() + 8;
  EmitFused(index, shape, dst, inner, c, k);
  MarkResult(field, dst);
  return true;
}

void Lowerer::EmitFused(int index, FusedShape shape, uint32_t dst, const LastOp& inner, uint32_t c,
                        uint64_t k) {
  Op(HandlerForFused(index));
  U32(dst);
  U32(inner.a);
  switch (shape) {
    case FusedShape::kRR:
      U32(inner.b);
      U32(c);
      break;
    case FusedShape::kRK:
      U32(inner.b);
      Put(k);
      break;
    case FusedShape::kKR:
      U32(c);
      Put(inner.imm);
      break;
    case FusedShape::kKK:
      Put(inner.imm);
      Put(k);
      break;
  }
}

Lowerer::Cond Lowerer::PopCond() {
  Cond c;
  const Entry& top = stack_.back();
  if (fusable_ && top.kind == Kind::kTemp && top.home == last_dst_slot_ &&
      CmpBranchIndex(last_.op) >= 0 && last_.start < Here()) {
    // The comparison just emitted feeds only this branch: fold it in.
    Truncate(last_.start);
    fusable_ = false;
    stack_.pop_back();
    c.fused = true;
    c.cmp = last_;
    return c;
  }
  c.slot = PopSrc();
  return c;
}

Lowerer::Fixup Lowerer::EmitCondJump(const Cond& c, bool when, bool backward) {
  uint32_t dst, a, b = 0;
  uint64_t k = 0;
  if (c.fused && AddCmpIndex(c.cmp.op) >= 0 && PeekSum(dst, a, b, k)) {
    // An i32.add ends right here and the comparison reads its result first (or
    // second, for a symmetric comparison): add, compare and branch in one.
    LastOp cmp = c.cmp;
    const bool symmetric = cmp.op == Opcode::kI32Eq || cmp.op == Opcode::kI32Ne;
    if (cmp.a != dst && symmetric && !cmp.is_imm && cmp.b == dst) std::swap(cmp.a, cmp.b);
    if (cmp.a == dst) {
      TakeSum(dst, a, b, k);
      const uint32_t start = Here();
      Op(HandlerForAddCmpBranch(cmp.op, sum_is_imm_, cmp.is_imm, when));
      U32(dst);
      U32(a);
      if (sum_is_imm_) {
        Put(k);
      } else {
        U32(b);
      }
      if (cmp.is_imm) {
        Put(cmp.imm);
      } else {
        U32(cmp.b);
      }
      const uint32_t field = Here();
      U32(0);
      return Fixup{start, field};
    }
  }
  const uint32_t start = Here();
  if (c.fused) {
    Op(HandlerForCmpBranch(c.cmp.op, c.cmp.is_imm, when));
    U32(c.cmp.a);
    if (kOpTable[static_cast<uint16_t>(c.cmp.op)].num_params == 2) {
      if (c.cmp.is_imm) {
        Put(c.cmp.imm);
      } else {
        U32(c.cmp.b);
      }
    }
  } else {
    Op(!when ? IOp::kBrIfNot : backward ? IOp::kBrIfLoop : IOp::kBrIf);
    U32(c.slot);
  }
  const uint32_t field = Here();
  U32(0);
  return Fixup{start, field};
}

void Lowerer::OnInstr(const Instr& in) {
  if (ctrls_.back().dead) {
    // Unreachable code is validated but not lowered; follow its nesting only.
    switch (in.op) {
      case Opcode::kBlock:
      case Opcode::kLoop:
      case Opcode::kIf:
        dead_nesting_++;
        return;
      case Opcode::kElse:
        if (dead_nesting_ == 0) Else();
        return;
      case Opcode::kEnd:
        if (dead_nesting_ > 0) {
          dead_nesting_--;
        } else {
          End();
        }
        return;
      default:
        return;
    }
  }
  const OpInfo& info = kOpTable[static_cast<uint16_t>(in.op)];
  if (!info.special && info.imm == Imm::kNone) return Generic(in, info);
  Special(in);
}

void Lowerer::Special(const Instr& in) {
  const OpInfo& info = kOpTable[static_cast<uint16_t>(in.op)];
  switch (info.imm) {
    case Imm::kMemArg: {
      if (fuse_ && MemOpIndex(in.op) >= 0) {
        // A scalar access: the address may be a literal or a deferred sum, and a
        // stored value a literal.
        if (info.num_results) {
          const Entry addr = stack_.back();
          stack_.pop_back();
          const uint32_t dst = PushTemp(info.result);
          const uint32_t start = Here();
          Op(HandlerFor(in.op));  // patched below for the address mode
          const uint32_t field = Here();
          const AddrMode mode = EmitAddressFields(addr, dst, in.mem_offset);
          const void* h = HandlerForMem(in.op, mode, false);
          std::memcpy(code_.data() + start, &h, sizeof(h));
          MarkResult(field, dst);
        } else {
          const Entry value = stack_.back();
          const bool imm_value = value.kind == Kind::kConst;
          const uint32_t value_slot = imm_value ? 0 : PopSrc();
          if (imm_value) stack_.pop_back();
          const Entry addr = stack_.back();
          stack_.pop_back();
          const uint32_t start = Here();
          Op(HandlerFor(in.op));
          const AddrMode mode = EmitAddressFields(addr, value_slot, in.mem_offset);
          if (imm_value) Put(value.bits);
          const void* h = HandlerForMem(in.op, mode, imm_value);
          std::memcpy(code_.data() + start, &h, sizeof(h));
        }
        return;
      }
      if (info.num_results) {  // load: (addr) -> value
        const uint32_t addr = PopSrc();
        const uint32_t dst = PushTemp(info.result);
        Op(HandlerFor(in.op));
        const uint32_t field = Here();
        U32(dst);
        U32(addr);
        U32(in.mem_offset);
        MarkResult(field, dst);
      } else {  // store: (addr, value)
        const uint32_t value = PopSrc();
        const uint32_t addr = PopSrc();
        Op(HandlerFor(in.op));
        U32(value);
        U32(addr);
        U32(in.mem_offset);
      }
      return;
    }
    case Imm::kMemArgLane: {
      const uint32_t vec = PopSrc();
      const uint32_t addr = PopSrc();
      const uint32_t dst = info.num_results ? PushTemp(ValType::kV128) : 0;
      Op(HandlerFor(in.op));
      U32(dst);
      U32(addr);
      U32(vec);
      U32(in.mem_offset);
      U32(in.lane);
      return;
    }
    case Imm::kLane: {
      uint32_t srcs[2];
      for (int i = info.num_params; i-- > 0;)
        srcs[i] = PopSrc();
      const uint32_t dst = PushTemp(info.result);
      Op(HandlerFor(in.op));
      const uint32_t field = Here();
      U32(dst);
      for (int i = 0; i < info.num_params; ++i)
        U32(srcs[i]);
      U32(in.lane);
      MarkResult(field, dst);
      return;
    }
    default:
      break;
  }

  switch (in.op) {
    case Opcode::kUnreachable:
      Op(IOp::kTrap);
      U32(static_cast<uint32_t>(TrapCode::kUnreachable));
      SetDead();
      return;
    case Opcode::kNop:
      return;
    case Opcode::kBlock:
    case Opcode::kLoop:
    case Opcode::kIf:
      return EnterBlock(in);
    case Opcode::kElse:
      return Else();
    case Opcode::kEnd:
      return End();
    case Opcode::kBr:
      BranchTo(Label(in.index));
      SetDead();
      return;
    case Opcode::kBrIf: {
      const Cond cond = PopCond();
      BranchIf(Label(in.index), cond);
      return;
    }
    case Opcode::kBrTable: {
      const uint32_t index = PopSrc();
      BranchTable(in, index);
      SetDead();
      return;
    }
    case Opcode::kReturn:
      EmitReturn();
      SetDead();
      return;
    case Opcode::kCall:
    case Opcode::kCallIndirect: {
      const FuncType& ft = in.op == Opcode::kCall ? m_.func_type(in.index) : m_.types[in.index];
      const uint32_t index = in.op == Opcode::kCallIndirect ? PopSrc() : 0;
      MaterializeTop(ft.params.size());
      const uint32_t frame =
          ft.params.empty() ? NextHome() : stack_[stack_.size() - ft.params.size()].home;
      stack_.resize(stack_.size() - ft.params.size());
      if (in.op == Opcode::kCall) {
        Op(IOp::kCall);
        U32(in.index);
        U32(frame);
      } else {
        Op(IOp::kCallIndirect);
        U32(in.index);
        U32(in.index2);
        U32(index);
        U32(frame);
      }
      for (ValType t : ft.results)
        PushTemp(t);
      return;
    }
    case Opcode::kDrop:
      stack_.pop_back();
      return;
    case Opcode::kSelect:
    case Opcode::kSelectT: {
      const uint32_t cond = PopSrc();
      const uint32_t b = PopSrc();
      const ValType t = stack_.back().type;
      const uint32_t a = PopSrc();
      const uint32_t dst = PushTemp(t);
      Op(t == ValType::kV128 ? IOp::kSelect128 : IOp::kSelect64);
      const uint32_t field = Here();
      U32(dst);
      U32(a);
      U32(b);
      U32(cond);
      MarkResult(field, dst);
      return;
    }
    case Opcode::kLocalGet:
      PushLocal(in.index);
      return;
    case Opcode::kLocalSet:
    case Opcode::kLocalTee: {
      const uint32_t slot = local_slots_[in.index];
      const ValType t = local_types_[in.index];
      Entry& top = stack_.back();
      if (!(top.kind == Kind::kLocal && top.src == slot)) {
        // Earlier stack entries that read this local must keep the old value.
        MaterializeLocal(slot, stack_.size() - 1);
        Entry& e = stack_.back();
        if (Deferred(e)) {
          EmitDeferred(e, slot);
        } else if (e.kind == Kind::kConst) {
          Op(IOp::kConst64);
          U32(slot);
          Put(e.bits);
        } else if (e.kind == Kind::kTemp && fusable_ && last_dst_slot_ == e.home) {
          PatchU32(last_dst_field_, slot);
          fusable_ = false;
        } else {
          EmitCopy(t, slot, Src(e));
        }
      }
      stack_.pop_back();
      if (in.op == Opcode::kLocalTee) PushLocal(in.index);
      return;
    }
    case Opcode::kGlobalGet: {
      const ValType t = m_.globals[in.index].type.type;
      const uint32_t dst = PushTemp(t);
      Op(t == ValType::kV128 ? IOp::kGlobalGet128 : IOp::kGlobalGet64);
      const uint32_t field = Here();
      U32(dst);
      U32(in.index);
      MarkResult(field, dst);
      return;
    }
    case Opcode::kGlobalSet: {
      const ValType t = m_.globals[in.index].type.type;
      const uint32_t src = PopSrc();
      Op(t == ValType::kV128 ? IOp::kGlobalSet128 : IOp::kGlobalSet64);
      U32(in.index);
      U32(src);
      return;
    }
    case Opcode::kI32Const:
      PushConst(ValType::kI32, static_cast<uint32_t>(in.bits));
      return;
    case Opcode::kI64Const:
      PushConst(ValType::kI64, in.bits);
      return;
    case Opcode::kF32Const:
      PushConst(ValType::kF32, in.bits);
      return;
    case Opcode::kF64Const:
      PushConst(ValType::kF64, in.bits);
      return;
    case Opcode::kRefNull:
      PushConst(in.type, 0);
      return;
    case Opcode::kV128Const: {
      const uint32_t dst = PushTemp(ValType::kV128);
      Op(IOp::kConst128);
      U32(dst);
      code_.insert(code_.end(), in.v128, in.v128 + 16);
      return;
    }
    case Opcode::kI8x16Shuffle: {
      const uint32_t b = PopSrc();
      const uint32_t a = PopSrc();
      const uint32_t dst = PushTemp(ValType::kV128);
      Op(IOp::kShuffle);
      U32(dst);
      U32(a);
      U32(b);
      code_.insert(code_.end(), in.v128, in.v128 + 16);
      return;
    }
    case Opcode::kRefIsNull: {
      const uint32_t a = PopSrc();
      const uint32_t dst = PushTemp(ValType::kI32);
      Op(IOp::kRefIsNull);
      U32(dst);
      U32(a);
      return;
    }
    case Opcode::kRefFunc: {
      const uint32_t dst = PushTemp(ValType::kFuncRef);
      Op(IOp::kRefFunc);
      U32(dst);
      U32(in.index);
      return;
    }
    case Opcode::kMemorySize: {
      const uint32_t dst = PushTemp(ValType::kI32);
      Op(IOp::kMemorySize);
      U32(dst);
      return;
    }
    case Opcode::kMemoryGrow: {
      const uint32_t delta = PopSrc();
      const uint32_t dst = PushTemp(ValType::kI32);
      Op(IOp::kMemoryGrow);
      U32(dst);
      U32(delta);
      return;
    }
    case Opcode::kMemoryInit:
    case Opcode::kMemoryCopy:
    case Opcode::kMemoryFill: {
      const uint32_t n = PopSrc();
      const uint32_t s = PopSrc();
      const uint32_t d = PopSrc();
      if (in.op == Opcode::kMemoryInit) {
        Op(IOp::kMemoryInit);
        U32(in.index);
      } else {
        Op(in.op == Opcode::kMemoryCopy ? IOp::kMemoryCopy : IOp::kMemoryFill);
      }
      U32(d);
      U32(s);
      U32(n);
      return;
    }
    case Opcode::kDataDrop:
      Op(IOp::kDataDrop);
      U32(in.index);
      return;
    case Opcode::kTableGet: {
      const uint32_t i = PopSrc();
      const uint32_t dst = PushTemp(m_.tables[in.index].elem);
      Op(IOp::kTableGet);
      U32(dst);
      U32(in.index);
      U32(i);
      return;
    }
    case Opcode::kTableSet: {
      const uint32_t v = PopSrc();
      const uint32_t i = PopSrc();
      Op(IOp::kTableSet);
      U32(in.index);
      U32(i);
      U32(v);
      return;
    }
    case Opcode::kTableInit:
    case Opcode::kTableCopy: {
      const uint32_t n = PopSrc();
      const uint32_t s = PopSrc();
      const uint32_t d = PopSrc();
      Op(in.op == Opcode::kTableInit ? IOp::kTableInit : IOp::kTableCopy);
      U32(in.index);
      U32(in.index2);
      U32(d);
      U32(s);
      U32(n);
      return;
    }
    case Opcode::kElemDrop:
      Op(IOp::kElemDrop);
      U32(in.index);
      return;
    case Opcode::kTableGrow: {
      const uint32_t delta = PopSrc();
      const uint32_t init = PopSrc();
      const uint32_t dst = PushTemp(ValType::kI32);
      Op(IOp::kTableGrow);
      U32(dst);
      U32(in.index);
      U32(init);
      U32(delta);
      return;
    }
    case Opcode::kTableSize: {
      const uint32_t dst = PushTemp(ValType::kI32);
      Op(IOp::kTableSize);
      U32(dst);
      U32(in.index);
      return;
    }
    case Opcode::kTableFill: {
      const uint32_t n = PopSrc();
      const uint32_t v = PopSrc();
      const uint32_t i = PopSrc();
      Op(IOp::kTableFill);
      U32(in.index);
      U32(i);
      U32(v);
      U32(n);
      return;
    }
    default:
      // Every opcode of opcodes.def is handled above or by Generic.
      Op(IOp::kTrap);
      U32(static_cast<uint32_t>(TrapCode::kInternal));
      return;
  }
}

CompiledFunc Lowerer::Finish() {
  CompiledFunc f;
  f.code = std::move(code_);
  f.param_slots = param_slots_;
  f.local_slots = temp_base_ - param_slots_;
  f.result_slots = SlotsOf(type_.results);
  f.frame_slots = std::max(max_slots_, f.result_slots);
  f.func_index = func_index_;
  return f;
}

}  // namespace

Result<std::shared_ptr<const CompiledModule>> CompileModule(Module module,
                                                            const LowerOptions& options) {
  auto compiled = std::make_shared<CompiledModule>();
  compiled->module = std::move(module);
  const Module& m = compiled->module;
  // Module-level validation first; then each body is validated and lowered together.
  if (auto declarations = ValidateModuleDeclarations(m); !declarations) {
    // ValidateModule orders errors as the reference does (malformed code first).
    RUNW_CHECK(ValidateModule(m));
    return std::unexpected(declarations.error());
  }
  std::vector<bool> declared = DeclaredFuncRefs(m);
  compiled->funcs.reserve(m.codes.size());
  for (uint32_t i = 0; i < m.codes.size(); ++i) {
    const uint32_t func_index = m.num_imported_funcs + i;
    Lowerer lowerer(m, func_index, m.codes[i], options);
    BodyPass<Lowerer> pass(m, lowerer, /*validate=*/true);
    pass.set_declared_refs(&declared);
    auto ok = pass.RunFunction(func_index, m.codes[i]);
    if (!ok) {
      // Report as ValidateModule would (a later malformed body outranks this error).
      RUNW_CHECK(ValidateModule(m));
      return std::unexpected(ok.error());
    }
    compiled->funcs.push_back(lowerer.Finish());
  }
  return std::shared_ptr<const CompiledModule>(std::move(compiled));
}

}  // namespace runw::wasm
