// Implementation of BodyPass (function-body.h). Included only from there.
#pragma once

namespace runw::wasm {

namespace body_detail {

// Stable one-element spans for single-result block types.
inline constexpr ValType kSingleTypes[] = {ValType::kI32,      ValType::kI64,  ValType::kF32,
                                           ValType::kF64,      ValType::kV128, ValType::kFuncRef,
                                           ValType::kExternRef};
inline std::span<const ValType> SingleSpan(ValType t) {
  for (const ValType& s : kSingleTypes)
    if (s == t) return std::span<const ValType>(&s, 1);
  return {};
}

// Lanes of the vector shape an instruction works on, for lane-index checks.
inline uint32_t LaneCount(Opcode op) {
  auto sub = static_cast<uint16_t>(op) - kPrefixFD;
  if (sub >= 0x15 && sub <= 0x17) return 16;
  if (sub >= 0x18 && sub <= 0x1a) return 8;
  if (sub >= 0x1b && sub <= 0x1c) return 4;
  if (sub >= 0x1d && sub <= 0x1e) return 2;
  if (sub >= 0x1f && sub <= 0x20) return 4;
  return 2;  // f64x2 lanes
}

}  // namespace body_detail

template <typename C>
Result<void> BodyPass<C>::RunFunction(uint32_t func_index, const Code& code) {
  Reader r(module_.bytes.data(), code.body.begin, code.body.end,
           ErrorCode::kUnexpectedEndOfSection);
  body_end_ = code.body.end;
  locals_.clear();
  stack_.clear();
  frames_.clear();
  first_invalid_.reset();
  if (validate_) {
    const FuncType& ft = module_.func_type(func_index);
    locals_.reserve(ft.params.size() + code.local_count);
    locals_.assign(ft.params.begin(), ft.params.end());
    for (const LocalRun& run : code.locals)
      locals_.insert(locals_.end(), run.count, run.type);
    frames_.push_back(Frame{FrameKind::kFunction, false, 0, {}, {}, ft.results});
  } else {
    frames_.push_back(Frame{FrameKind::kFunction, false, 0, {}, {}, {}});
  }
  return Run(r, false);
}

template <typename C>
Result<size_t> BodyPass<C>::RunConstExpr(size_t begin, size_t end, ValType type,
                                         uint32_t num_globals) {
  Reader r(module_.bytes.data(), begin, end, ErrorCode::kUnexpectedEndOfSection);
  body_end_ = 0;  // a constant expression has no declared size
  stack_.clear();
  frames_.clear();
  first_invalid_.reset();
  const_type_ = type;
  const_globals_ = num_globals;
  frames_.push_back(Frame{FrameKind::kFunction, false, 0, {}, {}, body_detail::SingleSpan(type)});
  RUNW_CHECK(Run(r, true));
  return r.pos();
}

template <typename C>
Result<void> BodyPass<C>::Run(Reader& r, bool const_expr) {
  bool done = false;
  while (!done) {
    if (r.AtEnd()) {
      // A body that runs out before its final `end`. When more of the module
      // follows, the reference decoder would read on and meet a non-`end` byte.
      // The reference decoder reads on into the following bytes: an `end` byte there
      // closes the function and leaves the entry longer than declared; anything
      // else cannot be the missing `end`.
      instr_offset_ = r.Offset();
      ErrorCode code = ErrorCode::kUnexpectedEndOfSection;
      if (body_end_ != 0 && body_end_ < module_.bytes.size()) {
        code = module_.bytes[body_end_] == 0x0b && frames_.size() == 1
                   ? ErrorCode::kSectionSizeMismatch
                   : ErrorCode::kEndOpcodeExpected;
      }
      return Fail(code);
    }
    RUNW_CHECK(Step(r, const_expr, done));
  }
  if (body_end_ != 0 && r.pos() != body_end_) {
    return std::unexpected(Error(ErrorCode::kSectionSizeMismatch, r.Offset()));
  }
  if (first_invalid_) return std::unexpected(*first_invalid_);
  return {};
}

template <typename C>
Result<void> BodyPass<C>::Step(Reader& r, bool const_expr, bool& done) {
  instr_offset_ = r.Offset();
  uint16_t code = RUNW_TRY(r.U8());
  if (code == 0xfc || code == 0xfd) {
    uint32_t sub = RUNW_TRY(r.U32());
    uint16_t base = code == 0xfc ? kPrefixFC : kPrefixFD;
    if (sub > 0xff || !IsAssigned(base + sub)) return Fail(ErrorCode::kIllegalOpcode);
    code = static_cast<uint16_t>(base + sub);
  } else if (!IsAssigned(code)) {
    return Fail(ErrorCode::kIllegalOpcode);
  }
  Instr in;
  in.op = static_cast<Opcode>(code);
  in.offset = instr_offset_;
  const OpInfo& info = kOpTable[code];
  RUNW_CHECK(DecodeImmediates(r, info, in));

  if (!validate_ || first_invalid_) {
    // Decode only: follow the nesting so the sequence's end is found.
    switch (in.op) {
      case Opcode::kBlock:
      case Opcode::kLoop:
        frames_.push_back(Frame{FrameKind::kBlock, false, 0, {}, {}, {}});
        break;
      case Opcode::kIf:
        frames_.push_back(Frame{FrameKind::kIf, false, 0, {}, {}, {}});
        break;
      case Opcode::kElse:
        // The reference decoder reads a block's instructions up to an `else` or
        // `end` byte and then requires `end` unless the block is an `if`.
        if (frames_.back().kind != FrameKind::kIf) return Fail(ErrorCode::kEndOpcodeExpected);
        frames_.back().kind = FrameKind::kElse;
        break;
      case Opcode::kEnd:
        frames_.pop_back();
        done = frames_.empty();
        break;
      default:
        break;
    }
    return {};
  }

  Result<void> checked = const_expr ? CheckConstOp(in) : Result<void>{};
  if (checked) checked = Check(in, info, done);
  if (!checked) {
    if (checked.error().phase() == ErrorPhase::kDecode) return checked;
    // Keep decoding; a later malformed instruction outranks this error.
    first_invalid_ = checked.error();
    // Checks fail before they change the frame stack, so apply this instruction's
    // nesting the way decode-only mode does.
    switch (in.op) {
      case Opcode::kBlock:
      case Opcode::kLoop:
        frames_.push_back(Frame{FrameKind::kBlock, false, 0, {}, {}, {}});
        break;
      case Opcode::kIf:
        frames_.push_back(Frame{FrameKind::kIf, false, 0, {}, {}, {}});
        break;
      case Opcode::kElse:
        frames_.back().kind = FrameKind::kElse;
        break;
      case Opcode::kEnd:
        frames_.pop_back();
        done = frames_.empty();
        break;
      default:
        break;
    }
    return {};
  }
  if constexpr (!std::is_same_v<C, NullConsumer>) consumer_.OnInstr(in);
  return {};
}

template <typename C>
Result<BlockType> BodyPass<C>::ReadBlockType(Reader& r) {
  BlockType bt;
  if (r.AtEnd()) return std::unexpected(Error(r.eos_code(), r.Offset()));
  uint8_t b = r.Peek();
  if (b == 0x40) {
    (void)r.U8();
    return bt;
  }
  if ((b & 0xc0) == 0x40) {
    // A one-byte negative s33: a value type (spec 5.4.1).
    size_t at = r.pos();
    (void)r.U8();
    auto t = ValTypeFromByte(b);
    if (!t) return std::unexpected(Error(ErrorCode::kMalformedRefType, r.Offset(at)));
    bt.form = BlockType::Form::kSingle;
    bt.single = *t;
    return bt;
  }
  size_t at = r.pos();
  int64_t index = RUNW_TRY(r.S33());
  if (index < 0) return std::unexpected(Error(ErrorCode::kMalformedBlockType, r.Offset(at)));
  bt.form = BlockType::Form::kIndex;
  bt.type_index = static_cast<uint32_t>(index);
  return bt;
}

template <typename C>
Result<void> BodyPass<C>::DecodeImmediates(Reader& r, const OpInfo& info, Instr& in) {
  auto zero_byte = [&]() -> Result<void> {
    size_t at = r.pos();
    uint8_t b = RUNW_TRY(r.U8());
    if (b != 0) return std::unexpected(Error(ErrorCode::kZeroByteExpected, r.Offset(at)));
    return {};
  };
  auto memarg = [&]() -> Result<void> {
    size_t at = r.pos();
    in.align = RUNW_TRY(r.U32());
    // Alignment exponents past 32 can never be valid; the reference decoder
    // rejects them as malformed (bit 6 is reserved for multiple memories).
    if (in.align >= 32) return std::unexpected(Error(ErrorCode::kMalformedMemop, r.Offset(at)));
    in.mem_offset = RUNW_TRY(r.U32());
    return {};
  };
  switch (info.imm) {
    case Imm::kNone:
      return {};
    case Imm::kBlockType:
      in.block = RUNW_TRY(ReadBlockType(r));
      return {};
    case Imm::kLabel:
    case Imm::kFunc:
    case Imm::kLocal:
    case Imm::kGlobal:
    case Imm::kTable:
    case Imm::kData:
    case Imm::kElem:
      in.index = RUNW_TRY(r.U32());
      return {};
    case Imm::kBrTable: {
      size_t at = r.pos();
      uint32_t n = RUNW_TRY(r.U32());
      // Each target takes at least one byte; refuse counts the bytes cannot back.
      if (n > r.remaining())
        return std::unexpected(Error(r.eos_code(), r.Offset(std::max(at, r.end()))));
      targets_.resize(n);
      for (uint32_t i = 0; i < n; ++i)
        targets_[i] = RUNW_TRY(r.U32());
      in.index = RUNW_TRY(r.U32());
      in.targets = std::span<const uint32_t>(targets_.data(), n);
      return {};
    }
    case Imm::kCallIndirect:
      in.index = RUNW_TRY(r.U32());   // type
      in.index2 = RUNW_TRY(r.U32());  // table
      return {};
    case Imm::kMemArg:
      return memarg();
    case Imm::kMemZero:
      return zero_byte();
    case Imm::kI32:
      in.bits = static_cast<uint64_t>(static_cast<int64_t>(RUNW_TRY(r.S32())));
      return {};
    case Imm::kI64:
      in.bits = static_cast<uint64_t>(RUNW_TRY(r.S64()));
      return {};
    case Imm::kF32:
      in.bits = RUNW_TRY(r.U32Fixed());
      return {};
    case Imm::kF64:
      in.bits = RUNW_TRY(r.U64Fixed());
      return {};
    case Imm::kV128:
    case Imm::kShuffle: {
      auto bytes = RUNW_TRY(r.Bytes(16));
      std::memcpy(in.v128, bytes.data(), 16);
      return {};
    }
    case Imm::kLane:
      in.lane = RUNW_TRY(r.U8());
      return {};
    case Imm::kMemArgLane:
      RUNW_CHECK(memarg());
      in.lane = RUNW_TRY(r.U8());
      return {};
    case Imm::kSelectT: {
      uint32_t n = RUNW_TRY(r.U32());
      if (n != 1) {
        // Decode them anyway so that errors are reported where the bytes end.
        for (uint32_t i = 0; i < n; ++i) {
          size_t at = r.pos();
          uint8_t b = RUNW_TRY(r.U8());
          if (!ValTypeFromByte(b))
            return std::unexpected(Error(ErrorCode::kMalformedRefType, r.Offset(at)));
        }
        in.index = n;
        return {};
      }
      size_t at = r.pos();
      uint8_t b = RUNW_TRY(r.U8());
      auto t = ValTypeFromByte(b);
      if (!t) return std::unexpected(Error(ErrorCode::kMalformedRefType, r.Offset(at)));
      in.type = *t;
      in.index = 1;
      return {};
    }
    case Imm::kRefType: {
      size_t at = r.pos();
      uint8_t b = RUNW_TRY(r.U8());
      auto t = ValTypeFromByte(b);
      if (!t || !IsRefType(*t))
        return std::unexpected(Error(ErrorCode::kMalformedRefType, r.Offset(at)));
      in.type = *t;
      return {};
    }
    case Imm::kMemoryInit:
      in.index = RUNW_TRY(r.U32());
      return zero_byte();
    case Imm::kMemoryCopy:
      RUNW_CHECK(zero_byte());
      return zero_byte();
    case Imm::kTableInit:
      in.index = RUNW_TRY(r.U32());   // elem
      in.index2 = RUNW_TRY(r.U32());  // table
      return {};
    case Imm::kTableCopy:
      in.index = RUNW_TRY(r.U32());   // destination
      in.index2 = RUNW_TRY(r.U32());  // source
      return {};
  }
  return {};
}

template <typename C>
Result<ValType> BodyPass<C>::Pop() {
  Frame& f = frames_.back();
  if (stack_.size() == f.height) {
    if (f.unreachable) return kBottom;
    return Fail(ErrorCode::kTypeMismatch);
  }
  ValType t = stack_.back();
  stack_.pop_back();
  return t;
}

template <typename C>
Result<ValType> BodyPass<C>::Pop(ValType expected) {
  ValType actual = RUNW_TRY(Pop());
  if (actual != expected && actual != kBottom && expected != kBottom)
    return Fail(ErrorCode::kTypeMismatch);
  return actual == kBottom ? expected : actual;
}

template <typename C>
Result<void> BodyPass<C>::PopAll(std::span<const ValType> ts) {
  for (size_t i = ts.size(); i-- > 0;)
    RUNW_CHECK(Pop(ts[i]));
  return {};
}

template <typename C>
void BodyPass<C>::SetUnreachable() {
  Frame& f = frames_.back();
  stack_.resize(f.height);
  f.unreachable = true;
}

template <typename C>
Result<void> BodyPass<C>::ResolveBlockType(BlockType& bt, std::span<const ValType>& params,
                                           std::span<const ValType>& results) {
  switch (bt.form) {
    case BlockType::Form::kEmpty:
      params = results = {};
      return {};
    case BlockType::Form::kSingle:
      params = {};
      results = body_detail::SingleSpan(bt.single);
      return {};
    case BlockType::Form::kIndex:
      if (bt.type_index >= module_.types.size())
        return Fail(ErrorCode::kUnknownType, bt.type_index);
      params = module_.types[bt.type_index].params;
      results = module_.types[bt.type_index].results;
      return {};
  }
  return {};
}

template <typename C>
Result<void> BodyPass<C>::PushFrame(FrameKind kind, BlockType type) {
  std::span<const ValType> params, results;
  RUNW_CHECK(ResolveBlockType(type, params, results));
  if (kind == FrameKind::kIf) RUNW_CHECK(Pop(ValType::kI32));
  RUNW_CHECK(PopAll(params));
  if (frames_.size() >= kMaxControlDepth) return Fail(ErrorCode::kImplLimit);
  frames_.push_back(
      Frame{kind, false, static_cast<uint32_t>(stack_.size()), type, params, results});
  PushAll(params);
  return {};
}

template <typename C>
Result<void> BodyPass<C>::CheckFrameEnd(const Frame& f) {
  RUNW_CHECK(PopAll(f.results));
  if (stack_.size() != f.height) return Fail(ErrorCode::kTypeMismatch);
  return {};
}

template <typename C>
Result<void> BodyPass<C>::CheckConstOp(const Instr& in) {
  switch (in.op) {
    case Opcode::kI32Const:
    case Opcode::kI64Const:
    case Opcode::kF32Const:
    case Opcode::kF64Const:
    case Opcode::kV128Const:
    case Opcode::kRefNull:
    case Opcode::kRefFunc:
    case Opcode::kEnd:
      return {};
    case Opcode::kGlobalGet:
      if (in.index >= const_globals_) return Fail(ErrorCode::kUnknownGlobal, in.index);
      if (module_.globals[in.index].type.is_mutable) return Fail(ErrorCode::kConstExprRequired);
      return {};
    default:
      return Fail(ErrorCode::kConstExprRequired);
  }
}

template <typename C>
Result<void> BodyPass<C>::Check(const Instr& in, const OpInfo& info, bool& done) {
  if (!info.special) {
    // Plain typing by signature; memory accesses also check the memory and alignment.
    if (info.imm == Imm::kMemArg || info.imm == Imm::kMemArgLane) {
      RUNW_CHECK(NeedMemory(0));
      if (in.align > info.align) return Fail(ErrorCode::kAlignmentTooLarge);
      if (info.imm == Imm::kMemArgLane && in.lane >= (16u >> info.align))
        return Fail(ErrorCode::kInvalidLaneIndex);
    } else if (info.imm == Imm::kMemZero) {
      RUNW_CHECK(NeedMemory(0));
    } else if (info.imm == Imm::kLane) {
      if (in.lane >= body_detail::LaneCount(in.op)) return Fail(ErrorCode::kInvalidLaneIndex);
    } else if (info.imm == Imm::kShuffle) {
      for (uint8_t lane : in.v128)
        if (lane >= 32) return Fail(ErrorCode::kInvalidLaneIndex);
    } else if (info.imm == Imm::kMemoryCopy) {
      RUNW_CHECK(NeedMemory(0));
    } else if (info.imm == Imm::kMemoryInit || info.imm == Imm::kData) {
      // Data indices in code need the data count section (spec 5.5.13). That is a
      // decode rule, but wast2json omits the section for text modules whose
      // expected error is a validation one, so the validation checks come first.
      // (The data section's length equals the data count whenever both exist.)
      if (info.imm == Imm::kMemoryInit) RUNW_CHECK(NeedMemory(0));
      if (in.index >= module_.datas.size()) return Fail(ErrorCode::kUnknownDataSegment, in.index);
      if (!module_.data_count) return Fail(ErrorCode::kDataCountRequired);
    } else if (info.imm == Imm::kElem) {
      if (in.index >= module_.elems.size()) return Fail(ErrorCode::kUnknownElemSegment, in.index);
    } else if (info.imm == Imm::kTableInit) {
      const TableType* table = RUNW_TRY(NeedTable(in.index2));
      if (in.index >= module_.elems.size()) return Fail(ErrorCode::kUnknownElemSegment, in.index);
      if (module_.elems[in.index].type != table->elem) return Fail(ErrorCode::kTypeMismatch);
    } else if (info.imm == Imm::kTableCopy) {
      const TableType* dst = RUNW_TRY(NeedTable(in.index));
      const TableType* src = RUNW_TRY(NeedTable(in.index2));
      if (dst->elem != src->elem) return Fail(ErrorCode::kTypeMismatch);
    } else if (info.imm == Imm::kTable) {
      RUNW_CHECK(NeedTable(in.index));
    }
    for (int i = info.num_params; i-- > 0;)
      RUNW_CHECK(Pop(info.params[i]));
    if (info.num_results) Push(info.result);
    return {};
  }
  return CheckSpecial(in, done);
}

template <typename C>
Result<void> BodyPass<C>::CheckSpecial(const Instr& in, bool& done) {
  switch (in.op) {
    case Opcode::kUnreachable:
      SetUnreachable();
      return {};
    case Opcode::kNop:
      return {};
    case Opcode::kBlock:
      return PushFrame(FrameKind::kBlock, in.block);
    case Opcode::kLoop:
      return PushFrame(FrameKind::kLoop, in.block);
    case Opcode::kIf:
      return PushFrame(FrameKind::kIf, in.block);
    case Opcode::kElse: {
      Frame& f = frames_.back();
      if (f.kind != FrameKind::kIf) return Fail(ErrorCode::kEndOpcodeExpected);
      RUNW_CHECK(CheckFrameEnd(f));
      f.kind = FrameKind::kElse;
      f.unreachable = false;
      PushAll(f.params);
      return {};
    }
    case Opcode::kEnd: {
      Frame f = frames_.back();
      RUNW_CHECK(CheckFrameEnd(f));
      // An `if` without `else` passes its params through the empty else branch.
      if (f.kind == FrameKind::kIf && !std::ranges::equal(f.params, f.results))
        return Fail(ErrorCode::kTypeMismatch);
      frames_.pop_back();
      if (frames_.empty()) {
        done = true;
        return {};
      }
      PushAll(f.results);
      return {};
    }
    case Opcode::kBr: {
      if (in.index >= frames_.size()) return Fail(ErrorCode::kUnknownLabel, in.index);
      RUNW_CHECK(PopAll(LabelTypes(frames_[frames_.size() - 1 - in.index])));
      SetUnreachable();
      return {};
    }
    case Opcode::kBrIf: {
      if (in.index >= frames_.size()) return Fail(ErrorCode::kUnknownLabel, in.index);
      RUNW_CHECK(Pop(ValType::kI32));
      auto types = LabelTypes(frames_[frames_.size() - 1 - in.index]);
      RUNW_CHECK(PopAll(types));
      PushAll(types);
      return {};
    }
    case Opcode::kBrTable: {
      RUNW_CHECK(Pop(ValType::kI32));
      if (in.index >= frames_.size()) return Fail(ErrorCode::kUnknownLabel, in.index);
      auto default_types = LabelTypes(frames_[frames_.size() - 1 - in.index]);
      const size_t arity = default_types.size();
      for (uint32_t target : in.targets) {
        if (target >= frames_.size()) return Fail(ErrorCode::kUnknownLabel, target);
        auto types = LabelTypes(frames_[frames_.size() - 1 - target]);
        if (types.size() != arity) return Fail(ErrorCode::kTypeMismatch);
        // Check the operands against this label without consuming them.
        std::vector<ValType> saved(
            stack_.end() - std::min(stack_.size() - frames_.back().height, types.size()),
            stack_.end());
        RUNW_CHECK(PopAll(types));
        stack_.insert(stack_.end(), saved.begin(), saved.end());
      }
      RUNW_CHECK(PopAll(default_types));
      SetUnreachable();
      return {};
    }
    case Opcode::kReturn:
      RUNW_CHECK(PopAll(frames_.front().results));
      SetUnreachable();
      return {};
    case Opcode::kCall: {
      if (in.index >= module_.num_funcs()) return Fail(ErrorCode::kUnknownFunction, in.index);
      const FuncType& ft = module_.func_type(in.index);
      RUNW_CHECK(PopAll(ft.params));
      PushAll(ft.results);
      return {};
    }
    case Opcode::kCallIndirect: {
      const TableType* table = RUNW_TRY(NeedTable(in.index2));
      if (table->elem != ValType::kFuncRef) return Fail(ErrorCode::kTypeMismatch);
      if (in.index >= module_.types.size()) return Fail(ErrorCode::kUnknownType, in.index);
      const FuncType& ft = module_.types[in.index];
      RUNW_CHECK(Pop(ValType::kI32));
      RUNW_CHECK(PopAll(ft.params));
      PushAll(ft.results);
      return {};
    }
    case Opcode::kDrop:
      RUNW_CHECK(Pop());
      return {};
    case Opcode::kSelect: {
      RUNW_CHECK(Pop(ValType::kI32));
      ValType t1 = RUNW_TRY(Pop());
      ValType t2 = RUNW_TRY(Pop());
      // Untyped select works on numeric and vector types only (spec 3.3.4).
      if ((t1 != kBottom && IsRefType(t1)) || (t2 != kBottom && IsRefType(t2)))
        return Fail(ErrorCode::kTypeMismatch);
      if (t1 != kBottom && t2 != kBottom && t1 != t2) return Fail(ErrorCode::kTypeMismatch);
      Push(t1 == kBottom ? t2 : t1);
      return {};
    }
    case Opcode::kSelectT: {
      if (in.index != 1) return Fail(ErrorCode::kInvalidResultArity);
      RUNW_CHECK(Pop(ValType::kI32));
      RUNW_CHECK(Pop(in.type));
      RUNW_CHECK(Pop(in.type));
      Push(in.type);
      return {};
    }
    case Opcode::kLocalGet:
      if (in.index >= locals_.size()) return Fail(ErrorCode::kUnknownLocal, in.index);
      Push(locals_[in.index]);
      return {};
    case Opcode::kLocalSet:
      if (in.index >= locals_.size()) return Fail(ErrorCode::kUnknownLocal, in.index);
      RUNW_CHECK(Pop(locals_[in.index]));
      return {};
    case Opcode::kLocalTee:
      if (in.index >= locals_.size()) return Fail(ErrorCode::kUnknownLocal, in.index);
      RUNW_CHECK(Pop(locals_[in.index]));
      Push(locals_[in.index]);
      return {};
    case Opcode::kGlobalGet:
      if (in.index >= module_.globals.size()) return Fail(ErrorCode::kUnknownGlobal, in.index);
      Push(module_.globals[in.index].type.type);
      return {};
    case Opcode::kGlobalSet: {
      if (in.index >= module_.globals.size()) return Fail(ErrorCode::kUnknownGlobal, in.index);
      const GlobalType& g = module_.globals[in.index].type;
      if (!g.is_mutable) return Fail(ErrorCode::kGlobalImmutable, in.index);
      RUNW_CHECK(Pop(g.type));
      return {};
    }
    case Opcode::kTableGet: {
      const TableType* table = RUNW_TRY(NeedTable(in.index));
      RUNW_CHECK(Pop(ValType::kI32));
      Push(table->elem);
      return {};
    }
    case Opcode::kTableSet: {
      const TableType* table = RUNW_TRY(NeedTable(in.index));
      RUNW_CHECK(Pop(table->elem));
      RUNW_CHECK(Pop(ValType::kI32));
      return {};
    }
    case Opcode::kTableGrow: {
      const TableType* table = RUNW_TRY(NeedTable(in.index));
      RUNW_CHECK(Pop(ValType::kI32));
      RUNW_CHECK(Pop(table->elem));
      Push(ValType::kI32);
      return {};
    }
    case Opcode::kTableFill: {
      const TableType* table = RUNW_TRY(NeedTable(in.index));
      RUNW_CHECK(Pop(ValType::kI32));
      RUNW_CHECK(Pop(table->elem));
      RUNW_CHECK(Pop(ValType::kI32));
      return {};
    }
    case Opcode::kRefNull:
      Push(in.type);
      return {};
    case Opcode::kRefIsNull: {
      ValType t = RUNW_TRY(Pop());
      if (t != kBottom && !IsRefType(t)) return Fail(ErrorCode::kTypeMismatch);
      Push(ValType::kI32);
      return {};
    }
    case Opcode::kRefFunc:
      if (in.index >= module_.num_funcs()) return Fail(ErrorCode::kUnknownFunction, in.index);
      if (!IsDeclaredFuncRef(in.index)) return Fail(ErrorCode::kUndeclaredFuncRef);
      Push(ValType::kFuncRef);
      return {};
    default:
      return Fail(ErrorCode::kIllegalOpcode);
  }
}

}  // namespace runw::wasm
