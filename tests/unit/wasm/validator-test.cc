// Tests of module validation (spec 3) and of the decoding of function bodies, which
// only the validator's single pass over the code performs.
//
// Most cases are text fixtures under fixtures/{valid,invalid}/, assembled by
// wat2wasm at build time: a rule reads best as the few lines of WebAssembly that
// break it. Each invalid fixture states its expected error in a comment, which one
// data-driven test checks for every file, while the tests below assert the exact
// ErrorCode per rule and, where it is fixed by the encoding, the byte offset.
// Cases wat2wasm cannot express (malformed bodies, out-of-range block type indices,
// a missing data count section) are assembled with module-builder.h.
#include "wasm/validator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "base/file.h"
#include "test-support.h"
#include "wasm/decoder.h"
#include "wasm/module-builder.h"

#ifndef RUNW_FIXTURE_DIR
#error "RUNW_FIXTURE_DIR must name the directory of the assembled fixtures"
#endif
#ifndef RUNW_FIXTURE_SOURCE_DIR
#error "RUNW_FIXTURE_SOURCE_DIR must name the directory of the fixture sources"
#endif

namespace runw::wasm {
namespace {

namespace fs = std::filesystem;
using namespace runw::wasm::test;
using runw::test::Describe;
using runw::test::FailsWith;
using runw::test::Succeeds;

// --- Fixture access -----------------------------------------------------------------

Result<std::vector<uint8_t>> FixtureBytes(const std::string& name) {
  return ReadFile((fs::path(RUNW_FIXTURE_DIR) / (name + ".wasm")).string());
}

// Decodes a fixture, which must decode: the invalid fixtures are well-formed.
Module DecodeFixture(const std::string& name) {
  auto bytes = FixtureBytes(name);
  EXPECT_TRUE(Succeeds(bytes)) << name << " was not built";
  if (!bytes) return Module{};
  auto m = DecodeModule(*bytes);
  EXPECT_TRUE(Succeeds(m)) << name;
  return m ? std::move(*m) : Module{};
}

Result<Module> LoadFixture(const std::string& name) {
  auto bytes = FixtureBytes(name);
  if (!bytes) return std::unexpected(bytes.error());
  return LoadModule(*bytes);
}

void ExpectValid(const std::string& name) {
  EXPECT_TRUE(Succeeds(LoadFixture("valid/" + name))) << name;
}

// Checks that invalid/NAME fails validation with `code`, and at byte `offset` when
// one is given.
void ExpectInvalid(const std::string& name, ErrorCode code,
                   std::optional<uint32_t> offset = std::nullopt) {
  Module m = DecodeFixture("invalid/" + name);
  auto r = ValidateModule(m);
  EXPECT_TRUE(FailsWith(r, code, offset)) << name;
  if (!r) {
    EXPECT_EQ(r.error().phase(), ErrorPhase::kValidate) << name;
  }
}

// Same, with the offset given relative to the start of function `code_index`'s
// instructions (after its locals), which does not depend on how wat2wasm lays out
// the sections before the code.
void ExpectInvalidInBody(const std::string& name, ErrorCode code, uint32_t code_index,
                         uint32_t offset_in_body) {
  Module m = DecodeFixture("invalid/" + name);
  ASSERT_LT(code_index, m.codes.size()) << name;
  auto r = ValidateModule(m);
  EXPECT_TRUE(FailsWith(r, code, m.codes[code_index].body.begin + offset_in_body)) << name;
}

// The .wat sources of one fixture folder, by name without extension.
std::vector<std::string> FixtureNames(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(fs::path(RUNW_FIXTURE_SOURCE_DIR) / folder))
    if (entry.path().extension() == ".wat") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The message in a fixture's `;; Expected error: "..."` line.
std::string DocumentedError(const std::string& name) {
  std::ifstream in(fs::path(RUNW_FIXTURE_SOURCE_DIR) / "invalid" / (name + ".wat"));
  const std::string prefix = ";; Expected error: \"";
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(prefix) && line.ends_with("\".")) {
      return line.substr(prefix.size(), line.size() - prefix.size() - 2);
    }
  }
  return "";
}

// --- Every fixture --------------------------------------------------------------------

TEST(ValidatorFixtureTest, EveryValidFixture_Validates) {
  auto names = FixtureNames("valid");
  ASSERT_GE(names.size(), 14u) << "fixture sources not found";
  for (const auto& name : names)
    ExpectValid(name);
}

TEST(ValidatorFixtureTest, EveryInvalidFixture_FailsWithItsDocumentedError) {
  auto names = FixtureNames("invalid");
  ASSERT_GE(names.size(), 70u) << "fixture sources not found";
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const std::string expected = DocumentedError(name);
    ASSERT_FALSE(expected.empty()) << "no `;; Expected error: \"...\".` line";
    // The documented message must be exactly one code's message.
    auto code = std::find_if(std::begin(runw::kAllErrorCodes), std::end(runw::kAllErrorCodes),
                             [&](ErrorCode c) { return ErrorMessage(c) == expected; });
    ASSERT_NE(code, std::end(runw::kAllErrorCodes)) << "no error has the message " << expected;
    auto r = LoadFixture("invalid/" + name);
    EXPECT_TRUE(FailsWith(r, *code));
    if (!r) {
      EXPECT_EQ(r.error().phase(), ErrorPhase::kValidate);
    }
  }
}

// --- Operand stack typing ---------------------------------------------------------------

TEST(ValidatorTest, StackTyping_ValidModule_Validates) {
  ExpectValid("stack-typing");
}

TEST(ValidatorTest, StackTyping_OperandOfWrongType_IsTypeMismatchAtTheInstruction) {
  // i32.const 1 (0-1), i64.const 2 (2-3), i32.add (4).
  ExpectInvalidInBody("stack-operand-type", ErrorCode::kTypeMismatch, 0, 4);
}

TEST(ValidatorTest, StackTyping_PopBelowBlockHeight_IsTypeMismatch) {
  // i32.const 1 (0-1), i32.add (2).
  ExpectInvalidInBody("stack-underflow", ErrorCode::kTypeMismatch, 0, 2);
}

TEST(ValidatorTest, StackTyping_ValueLeftAtEnd_IsTypeMismatchAtTheEnd) {
  ExpectInvalidInBody("stack-leftover", ErrorCode::kTypeMismatch, 0, 2);
}

TEST(ValidatorTest, StackTyping_MissingResult_IsTypeMismatch) {
  ExpectInvalidInBody("missing-result", ErrorCode::kTypeMismatch, 0, 0);
}

TEST(ValidatorTest, StackTyping_ReturnAndCallOperands_AreChecked) {
  ExpectInvalid("return-operand-type", ErrorCode::kTypeMismatch);
  ExpectInvalid("call-argument-type", ErrorCode::kTypeMismatch);
}

TEST(ValidatorTest, UnknownIndices_NameTheIndexInTheMessage) {
  ExpectInvalid("local-unknown", ErrorCode::kUnknownLocal);
  ExpectInvalid("global-unknown", ErrorCode::kUnknownGlobal);
  ExpectInvalid("call-unknown", ErrorCode::kUnknownFunction);
  auto r = LoadFixture("invalid/global-unknown");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().Message(), "unknown global 1");
  r = LoadFixture("invalid/local-unknown");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().Message(), "unknown local 2");
}

TEST(ValidatorTest, GlobalSet_Immutable_IsGlobalImmutable) {
  // i32.const 1 (0-1), global.set 0 (2).
  ExpectInvalidInBody("global-set-immutable", ErrorCode::kGlobalImmutable, 0, 2);
}

// --- Polymorphic stack --------------------------------------------------------------------

TEST(ValidatorTest, PolymorphicStack_AfterUnreachableBrReturn_Validates) {
  ExpectValid("polymorphic-stack");
}

TEST(ValidatorTest, PolymorphicStack_KnownTypesAreStillChecked) {
  // unreachable (0), i64.const 0 (1-2), i32.add (3).
  ExpectInvalidInBody("unreachable-known-operand", ErrorCode::kTypeMismatch, 0, 3);
}

TEST(ValidatorTest, PolymorphicStack_ExtraValuesAtEnd_AreTypeMismatch) {
  ExpectInvalid("br-extra-values", ErrorCode::kTypeMismatch);
}

TEST(ValidatorTest, PolymorphicStack_UntypedSelectOfUnknowns_Validates) {
  // unreachable; select; drop: both operands are the bottom type, which counts as
  // numeric, so select is valid and pushes an unknown value that drop consumes.
  Bytes b = OneFunctionModule({op::kUnreachable, 0x1b, op::kDrop, op::kEnd});
  EXPECT_TRUE(Succeeds(Load(b)));
}

TEST(ValidatorTest, PolymorphicStack_UntypedSelectWithKnownRef_IsTypeMismatch) {
  // unreachable; ref.null func; i32.const 1; select: one operand is a reference.
  Bytes b = OneFunctionModule({op::kUnreachable, op::kRefNull, vt::kFuncRef, op::kI32Const, 0x01,
                               0x1b, op::kDrop, op::kEnd});
  EXPECT_TRUE(FailsWith(Load(b), ErrorCode::kTypeMismatch, FirstInstrOffset() + 5));
}

// --- Blocks -------------------------------------------------------------------------------

TEST(ValidatorTest, Blocks_MultiValueTypeIndexBlockTypes_Validate) {
  ExpectValid("multi-value-blocks");
}

TEST(ValidatorTest, Blocks_ParamsAndResultsAreChecked) {
  ExpectInvalid("block-missing-params", ErrorCode::kTypeMismatch);
  ExpectInvalid("block-wrong-results", ErrorCode::kTypeMismatch);
  ExpectInvalid("else-branch-type", ErrorCode::kTypeMismatch);
  ExpectInvalid("if-condition-type", ErrorCode::kTypeMismatch);
}

TEST(ValidatorTest, Blocks_BrToLoop_TakesTheLoopParams) {
  ExpectInvalid("loop-br-carries-params", ErrorCode::kTypeMismatch);
}

TEST(ValidatorTest, Blocks_IfWithoutElse_NeedsEqualParamsAndResults) {
  // i32.const 1 (0-1), if (2-3), i32.const 2 (4-5), end (6).
  ExpectInvalidInBody("if-without-else", ErrorCode::kTypeMismatch, 0, 6);
}

TEST(ValidatorTest, Blocks_BrValueType_IsChecked) {
  ExpectInvalid("br-value-type", ErrorCode::kTypeMismatch);
}

TEST(ValidatorTest, Blocks_UnknownLabel_IsUnknownLabel) {
  ExpectInvalid("br-unknown-label", ErrorCode::kUnknownLabel);
  auto r = LoadFixture("invalid/br-unknown-label");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().Message(), "unknown label 2");
}

TEST(ValidatorTest, Blocks_TypeIndexOutOfRange_IsUnknownType) {
  // wat2wasm drops an unknown block type index, so this one is built by hand:
  // block (type 5) end end, in a module with one type.
  Bytes b = OneFunctionModule({op::kBlock, 0x05, op::kEnd, op::kEnd});
  auto r = Load(b);
  EXPECT_TRUE(FailsWith(r, ErrorCode::kUnknownType, FirstInstrOffset()));
  if (!r) {
    EXPECT_EQ(r.error().Message(), "unknown type 5");
  }
}

TEST(ValidatorTest, Blocks_CallIndirectTypeOutOfRange_IsUnknownType) {
  Bytes b = OneFunctionModule({op::kI32Const, 0x00, 0x11, 0x09, 0x00, op::kEnd},
                              {Section(kTableId, Vec({Bytes{vt::kFuncRef, 0x00, 0x01}}))});
  auto r = Load(b);
  EXPECT_TRUE(FailsWith(r, ErrorCode::kUnknownType));
  if (!r) {
    EXPECT_EQ(r.error().index(), 9u);
  }
}

// --- br_table -------------------------------------------------------------------------------

TEST(ValidatorTest, BrTable_SameArityLabels_Validate) {
  ExpectValid("br-table");
}

TEST(ValidatorTest, BrTable_DifferentArity_IsTypeMismatchAtTheBrTable) {
  // block (0-1), block (2-3), i32.const 1 (4-5), local.get 0 (6-7), br_table (8).
  ExpectInvalidInBody("br-table-arity", ErrorCode::kTypeMismatch, 0, 8);
}

TEST(ValidatorTest, BrTable_OperandMustMatchEveryLabel) {
  ExpectInvalid("br-table-label-types", ErrorCode::kTypeMismatch);
}

TEST(ValidatorTest, BrTable_UnknownLabel_IsUnknownLabel) {
  ExpectInvalid("br-table-unknown-label", ErrorCode::kUnknownLabel);
}

// --- select ---------------------------------------------------------------------------------

TEST(ValidatorTest, Select_TypedAndUntyped_Validate) {
  ExpectValid("select");
}

TEST(ValidatorTest, Select_UntypedOnReferences_IsTypeMismatch) {
  ExpectInvalid("select-untyped-ref", ErrorCode::kTypeMismatch);
}

TEST(ValidatorTest, Select_OperandsOfDifferentTypes_AreTypeMismatch) {
  ExpectInvalid("select-operand-types", ErrorCode::kTypeMismatch);
  ExpectInvalid("select-typed-mismatch", ErrorCode::kTypeMismatch);
}

TEST(ValidatorTest, Select_TypedWithTwoResults_IsInvalidResultArity) {
  ExpectInvalid("select-typed-arity", ErrorCode::kInvalidResultArity);
}

TEST(ValidatorTest, Select_TypedWithNoResult_IsInvalidResultArity) {
  Bytes b = OneFunctionModule({op::kI32Const, 0x01, op::kI32Const, 0x01, op::kI32Const, 0x01,
                               op::kSelectT, 0x00, op::kDrop, op::kEnd});
  EXPECT_TRUE(FailsWith(Load(b), ErrorCode::kInvalidResultArity, FirstInstrOffset() + 6));
}

// --- Reference types ------------------------------------------------------------------------

TEST(ValidatorTest, References_DeclaredRefFunc_Validates) {
  ExpectValid("reference-types");
}

TEST(ValidatorTest, References_RefIsNullOnNumber_IsTypeMismatch) {
  ExpectInvalid("ref-is-null-number", ErrorCode::kTypeMismatch);
  ExpectInvalid("ref-null-wrong-type", ErrorCode::kTypeMismatch);
}

TEST(ValidatorTest, References_UndeclaredRefFunc_IsUndeclaredFunctionReference) {
  // The second function's body is ref.func 0 (0-1), end (2).
  ExpectInvalidInBody("ref-func-undeclared", ErrorCode::kUndeclaredFuncRef, 1, 0);
}

TEST(ValidatorTest, TypedSelectWithNoResultType_IsInvalidResultArity) {
  // `select (result)`: 0x1c with an empty type vector. Text tools encode an empty
  // result list as the untyped select, so this byte form is only reachable here
  // (the testsuite's select.wast:324 intends it).
  Bytes b =
      OneFunctionModule({op::kNop, op::kNop, op::kI32Const, 0x01, op::kSelectT, 0x00, op::kEnd});
  EXPECT_TRUE(FailsWith(Load(b), ErrorCode::kInvalidResultArity));
}

TEST(ValidatorTest, References_RefFuncOfUnknownFunction_IsUnknownFunction) {
  ExpectInvalid("ref-func-unknown", ErrorCode::kUnknownFunction);
}

TEST(ValidatorTest, References_RefFuncDeclaredByTheStartSectionOnly_IsUndeclared) {
  // C.refs excludes the function bodies and the start function (spec 3.4.10), so
  // naming function 0 as the start does not declare it for ref.func.
  Bytes b = ModuleBytes({
      Section(kTypeId, Vec({Sig({}, {})})),
      Section(kFunctionId, Vec({Leb(0)})),
      Section(kStartId, Leb(0)),
      Section(kCodeId, Vec({CodeEntry({}, {op::kRefFunc, 0x00, op::kDrop, op::kEnd})})),
  });
  EXPECT_TRUE(FailsWith(Load(b), ErrorCode::kUndeclaredFuncRef));
}

// --- Tables and element segments -------------------------------------------------------------

TEST(ValidatorTest, Tables_InstructionsAndSegments_Validate) {
  ExpectValid("tables");
}

TEST(ValidatorTest, Tables_ElementTypesMustMatch) {
  ExpectInvalid("table-set-type", ErrorCode::kTypeMismatch);
  ExpectInvalid("table-copy-types", ErrorCode::kTypeMismatch);
  ExpectInvalid("table-init-types", ErrorCode::kTypeMismatch);
  ExpectInvalid("table-grow-type", ErrorCode::kTypeMismatch);
  ExpectInvalid("call-indirect-externref-table", ErrorCode::kTypeMismatch);
}

TEST(ValidatorTest, Tables_UnknownTable_IsUnknownTable) {
  ExpectInvalid("table-unknown", ErrorCode::kUnknownTable);
}

TEST(ValidatorTest, Tables_UnknownElemSegment_IsUnknownElemSegment) {
  ExpectInvalid("elem-drop-unknown", ErrorCode::kUnknownElemSegment);
}

TEST(ValidatorTest, ElemSegments_AreCheckedAgainstTheirTable) {
  Module m = DecodeFixture("invalid/elem-active-table-type");
  ASSERT_EQ(m.elems.size(), 1u);
  EXPECT_TRUE(FailsWith(ValidateModule(m), ErrorCode::kTypeMismatch, m.elems[0].offset));
  ExpectInvalid("elem-unknown-table", ErrorCode::kUnknownTable);
  ExpectInvalid("elem-unknown-function", ErrorCode::kUnknownFunction);
}

// --- Memory -----------------------------------------------------------------------------------

TEST(ValidatorTest, Memory_NaturalAndSmallerAlignment_Validate) {
  ExpectValid("memory");
}

TEST(ValidatorTest, Memory_AlignmentAboveNatural_IsAlignmentTooLarge) {
  // i32.const 0 (0-1), i32.load (2).
  ExpectInvalidInBody("align-load", ErrorCode::kAlignmentTooLarge, 0, 2);
  ExpectInvalid("align-narrow-store", ErrorCode::kAlignmentTooLarge);
  ExpectInvalid("align-v128-splat", ErrorCode::kAlignmentTooLarge);
}

TEST(ValidatorTest, Memory_WithoutMemory_IsUnknownMemory) {
  ExpectInvalid("memory-missing", ErrorCode::kUnknownMemory);
  ExpectInvalid("memory-size-missing", ErrorCode::kUnknownMemory);
}

// Natural alignments from the spec (3.3.7, 3.3.8), independently of opcodes.def.
// The alignment is checked before the operands (the reference validator computes
// an instruction's type, memarg included, before matching the stack), so an empty
// stack tells the two apart: natural alignment gets as far as the operands.
struct MemoryAccess {
  Bytes opcode;
  uint8_t natural;  // log2 of the access size in bytes
  bool lane = false;
};

TEST(ValidatorTest, Memory_EveryAccess_AllowsExactlyItsNaturalAlignment) {
  const MemoryAccess kAccesses[] = {
      {{0x28}, 2},
      {{0x29}, 3},
      {{0x2a}, 2},
      {{0x2b}, 3},
      {{0x2c}, 0},
      {{0x2d}, 0},
      {{0x2e}, 1},
      {{0x2f}, 1},
      {{0x30}, 0},
      {{0x31}, 0},
      {{0x32}, 1},
      {{0x33}, 1},
      {{0x34}, 2},
      {{0x35}, 2},
      {{0x36}, 2},
      {{0x37}, 3},
      {{0x38}, 2},
      {{0x39}, 3},
      {{0x3a}, 0},
      {{0x3b}, 1},
      {{0x3c}, 0},
      {{0x3d}, 1},
      {{0x3e}, 2},
      // v128.load, the extending loads, the splats, v128.store.
      {{0xfd, 0x00}, 4},
      {{0xfd, 0x01}, 3},
      {{0xfd, 0x02}, 3},
      {{0xfd, 0x03}, 3},
      {{0xfd, 0x04}, 3},
      {{0xfd, 0x05}, 3},
      {{0xfd, 0x06}, 3},
      {{0xfd, 0x07}, 0},
      {{0xfd, 0x08}, 1},
      {{0xfd, 0x09}, 2},
      {{0xfd, 0x0a}, 3},
      {{0xfd, 0x0b}, 4},
      // v128.load32_zero, v128.load64_zero, then the lane loads and stores.
      {{0xfd, 0x5c}, 2},
      {{0xfd, 0x5d}, 3},
      {{0xfd, 0x54}, 0, true},
      {{0xfd, 0x55}, 1, true},
      {{0xfd, 0x56}, 2, true},
      {{0xfd, 0x57}, 3, true},
      {{0xfd, 0x58}, 0, true},
      {{0xfd, 0x59}, 1, true},
      {{0xfd, 0x5a}, 2, true},
      {{0xfd, 0x5b}, 3, true},
  };
  const Bytes memory = Section(kMemoryId, Vec({Bytes{0x00, 0x01}}));
  for (const MemoryAccess& access : kAccesses) {
    SCOPED_TRACE(::testing::Message() << "opcode " << std::hex << int{access.opcode.back()});
    auto with_align = [&](uint8_t align) {
      Bytes body = access.opcode;
      Append(body, Bytes{align, 0x00});
      if (access.lane) body.push_back(0x00);
      body.push_back(op::kEnd);
      return Load(OneFunctionModule(body, {memory}));
    };
    EXPECT_TRUE(FailsWith(with_align(access.natural + 1), ErrorCode::kAlignmentTooLarge));
    EXPECT_TRUE(FailsWith(with_align(access.natural), ErrorCode::kTypeMismatch));
  }
}

TEST(ValidatorTest, Memory_AlignmentExponentPast32_IsMalformedMemop) {
  // i32.const 0 (0-1), i32.load (2) with alignment exponent 33 (3) and offset 0 (4).
  Bytes b = OneFunctionModule({op::kI32Const, 0x00, op::kI32Load, 0x21, 0x00, op::kDrop, op::kEnd},
                              {Section(kMemoryId, Vec({Bytes{0x00, 0x01}}))});
  auto start = Decode(b);
  ASSERT_TRUE(Succeeds(start));
  EXPECT_TRUE(FailsWith(Load(b), ErrorCode::kMalformedMemop, start->codes[0].body.begin + 3));
}

// --- Every instruction with a fixed signature --------------------------------------------

TEST(ValidatorTest, Instructions_AllWithFixedSignatures_Validate) {
  // Also a check of opcodes.def: wat2wasm validated the same file at build time.
  ExpectValid("all-instructions");
}

// --- Vector lanes ------------------------------------------------------------------------------

TEST(ValidatorTest, Lanes_LargestIndices_Validate) {
  ExpectValid("simd-lanes");
}

TEST(ValidatorTest, Lanes_OutOfRange_AreInvalidLaneIndex) {
  // local.get 0 (0-1), i8x16.extract_lane_s (2).
  ExpectInvalidInBody("lane-extract-i8x16", ErrorCode::kInvalidLaneIndex, 0, 2);
  ExpectInvalid("lane-extract-i32x4", ErrorCode::kInvalidLaneIndex);
  ExpectInvalid("lane-replace-f64x2", ErrorCode::kInvalidLaneIndex);
  ExpectInvalid("lane-load32", ErrorCode::kInvalidLaneIndex);
  ExpectInvalid("lane-shuffle", ErrorCode::kInvalidLaneIndex);
}

// --- Data segments and the data count ------------------------------------------------------------

TEST(ValidatorTest, Data_MemoryInitAndDataDrop_Validate) {
  ExpectValid("bulk-data");
}

TEST(ValidatorTest, Data_UnknownSegment_IsUnknownDataSegment) {
  ExpectInvalid("memory-init-unknown-data", ErrorCode::kUnknownDataSegment);
  ExpectInvalid("data-drop-unknown", ErrorCode::kUnknownDataSegment);
}

TEST(ValidatorTest, Data_WithoutMemory_IsUnknownMemory) {
  ExpectInvalid("memory-init-no-memory", ErrorCode::kUnknownMemory);
  Module m = DecodeFixture("invalid/data-active-no-memory");
  ASSERT_EQ(m.datas.size(), 1u);
  EXPECT_TRUE(FailsWith(ValidateModule(m), ErrorCode::kUnknownMemory, m.datas[0].offset));
}

TEST(ValidatorTest, Data_OffsetOfWrongType_IsTypeMismatch) {
  ExpectInvalid("data-offset-type", ErrorCode::kTypeMismatch);
}

// A module with a memory, one function with `instrs`, and one passive data segment,
// with or without the data count section.
Bytes DataModule(const Bytes& instrs, bool with_data_count) {
  Bytes memory = Section(kMemoryId, Vec({Bytes{0x00, 0x01}}));
  Bytes data = Section(kDataId, Vec({Cat({Bytes{0x01}, Name("x")})}));
  if (with_data_count)
    return OneFunctionModule(instrs, {memory, Section(kDataCountId, Leb(1))}, {data});
  return OneFunctionModule(instrs, {memory}, {data});
}

const Bytes kDataDrop0 = {op::kPrefixFC, 0x09, 0x00, op::kEnd};
const Bytes kMemoryInit0 = {op::kI32Const, 0x00, op::kI32Const, 0x00, op::kI32Const, 0x00,
                            op::kPrefixFC, 0x08, 0x00,          0x00, op::kEnd};

TEST(ValidatorTest, DataCount_PresentForDataDropAndMemoryInit_Validates) {
  EXPECT_TRUE(Succeeds(Load(DataModule(kDataDrop0, true))));
  EXPECT_TRUE(Succeeds(Load(DataModule(kMemoryInit0, true))));
}

TEST(ValidatorTest, DataCount_MissingForDataDrop_IsDataCountRequired) {
  auto r = Load(DataModule(kDataDrop0, false));
  EXPECT_TRUE(FailsWith(r, ErrorCode::kDataCountRequired));
  if (!r) {
    EXPECT_EQ(r.error().phase(), ErrorPhase::kDecode);
  }
}

TEST(ValidatorTest, DataCount_MissingForMemoryInit_IsDataCountRequired) {
  auto r = Load(DataModule(kMemoryInit0, false));
  EXPECT_TRUE(FailsWith(r, ErrorCode::kDataCountRequired));
  if (!r) {
    EXPECT_EQ(r.error().phase(), ErrorPhase::kDecode);
  }
}

TEST(ValidatorTest, DataCount_MemoryInitInAGlobalInitializer_IsNotConstant) {
  // The data count requirement is about the code section (spec 5.5.13); memory.init
  // in a global initializer is simply not a constant instruction.
  Bytes b = ModuleBytes({
      Section(kMemoryId, Vec({Bytes{0x00, 0x01}})),
      Section(kGlobalId, Vec({Bytes{vt::kI32, 0x00, op::kPrefixFC, 0x08, 0x00, 0x00, op::kEnd}})),
      Section(kDataId, Vec({Cat({Bytes{0x01}, Name("x")})})),
  });
  EXPECT_TRUE(FailsWith(Load(b), ErrorCode::kConstExprRequired));
}

// --- Constant expressions
// -------------------------------------------------------------------------

TEST(ValidatorTest, ConstExpr_EveryConstantKind_Validates) {
  ExpectValid("const-exprs");
}

TEST(ValidatorTest, ConstExpr_NonConstantInstruction_IsConstExprRequired) {
  Module m = DecodeFixture("invalid/const-non-constant-op");
  ASSERT_EQ(m.globals.size(), 1u);
  // i32.const 1 (0-1), i32.const 2 (2-3), i32.add (4).
  EXPECT_TRUE(FailsWith(ValidateModule(m), ErrorCode::kConstExprRequired,
                        m.globals[0].init.range.begin + 4));
}

TEST(ValidatorTest, ConstExpr_MutableGlobal_IsConstExprRequired) {
  ExpectInvalid("const-mutable-global", ErrorCode::kConstExprRequired);
  ExpectInvalid("const-elem-offset-mutable", ErrorCode::kConstExprRequired);
}

TEST(ValidatorTest, ConstExpr_DefinedGlobalInGlobalInit_IsUnknownGlobal) {
  Module m = DecodeFixture("invalid/const-defined-global");
  ASSERT_EQ(m.globals.size(), 2u);
  EXPECT_TRUE(
      FailsWith(ValidateModule(m), ErrorCode::kUnknownGlobal, m.globals[1].init.range.begin));
}

TEST(ValidatorTest, ConstExpr_DefinedGlobalInDataOffset_IsUnknownGlobal) {
  // In WebAssembly 2.0 segments are validated in the same context C' as globals,
  // whose globals are the imported ones only.
  ExpectInvalid("const-data-offset-defined-global", ErrorCode::kUnknownGlobal);
}

TEST(ValidatorTest, ConstExpr_ResultTypeIsChecked) {
  ExpectInvalid("const-global-type", ErrorCode::kTypeMismatch);
  ExpectInvalid("const-two-values", ErrorCode::kTypeMismatch);
  ExpectInvalid("const-elem-expr-type", ErrorCode::kTypeMismatch);
}

// --- Module-level rules
// -----------------------------------------------------------------------------

TEST(ValidatorTest, Start_NullaryFunction_Validates) {
  ExpectValid("start");
}

TEST(ValidatorTest, Start_FunctionWithParamsOrResults_IsStartFunction) {
  Module m = DecodeFixture("invalid/start-with-params");
  EXPECT_TRUE(FailsWith(ValidateModule(m), ErrorCode::kStartFunction, m.start_offset));
  ExpectInvalid("start-with-results", ErrorCode::kStartFunction);
}

TEST(ValidatorTest, Start_UnknownFunction_IsUnknownFunction) {
  ExpectInvalid("start-unknown", ErrorCode::kUnknownFunction);
}

TEST(ValidatorTest, Exports_DistinctNames_Validate) {
  ExpectValid("imports-exports");
}

TEST(ValidatorTest, Exports_DuplicateName_IsReportedAtTheSecondExport) {
  Module m = DecodeFixture("invalid/duplicate-export");
  ASSERT_EQ(m.exports.size(), 2u);
  EXPECT_TRUE(FailsWith(ValidateModule(m), ErrorCode::kDuplicateExport, m.exports[1].offset));
}

TEST(ValidatorTest, Exports_UnknownIndex_IsUnknownOfItsKind) {
  ExpectInvalid("export-unknown-global", ErrorCode::kUnknownGlobal);
}

TEST(ValidatorTest, Functions_UnknownTypeIndex_IsUnknownType) {
  Module m = DecodeFixture("invalid/function-unknown-type");
  EXPECT_TRUE(FailsWith(ValidateModule(m), ErrorCode::kUnknownType, m.function_section_offset));
}

TEST(ValidatorTest, Memories_MoreThanOne_IsMultipleMemories) {
  ExpectInvalid("multiple-memories", ErrorCode::kMultipleMemories);
  ExpectInvalid("multiple-memories-imported", ErrorCode::kMultipleMemories);
}

TEST(ValidatorTest, Limits_ExtremeLegalValues_Validate) {
  ExpectValid("limits");
}

TEST(ValidatorTest, Limits_MemoryPast65536Pages_IsMemorySizeTooLarge) {
  ExpectInvalid("memory-min-too-large", ErrorCode::kMemorySizeTooLarge);
  ExpectInvalid("memory-max-too-large", ErrorCode::kMemorySizeTooLarge);
  Module m = DecodeFixture("invalid/memory-import-too-large");
  ASSERT_EQ(m.imports.size(), 1u);
  EXPECT_TRUE(FailsWith(ValidateModule(m), ErrorCode::kMemorySizeTooLarge, m.imports[0].offset));
}

TEST(ValidatorTest, Limits_MinAboveMax_IsLimitsMinGreaterThanMax) {
  ExpectInvalid("memory-min-above-max", ErrorCode::kLimitsMinGreaterThanMax);
  ExpectInvalid("table-min-above-max", ErrorCode::kLimitsMinGreaterThanMax);
}

// An error's offset locates it for `runw wasm validate FILE` ("FILE:0xOFFSET:
// message"); offset 0 is the magic number, which is never the culprit of a
// validation error.
TEST(ValidatorTest, ModuleLevelErrors_OfDefinedMemoriesAndTables_PointPastTheHeader) {
  for (const char* name : {"memory-min-too-large", "memory-min-above-max", "table-min-above-max",
                           "multiple-memories"}) {
    SCOPED_TRACE(name);
    auto r = LoadFixture(std::string("invalid/") + name);
    ASSERT_FALSE(r);
    EXPECT_GE(r.error().offset(), kHeaderSize) << Describe(r.error());
  }
}

// --- Malformed function bodies
// ----------------------------------------------------------------------

// The decoder only delimits bodies, so these modules decode and the body pass
// reports them as malformed (decode-phase) errors.
void ExpectMalformedBody(const Bytes& b, ErrorCode code, uint32_t offset) {
  ASSERT_TRUE(Succeeds(Decode(b)));
  auto r = Load(b);
  EXPECT_TRUE(FailsWith(r, code, offset));
  if (!r) {
    EXPECT_EQ(r.error().phase(), ErrorPhase::kDecode);
  }
}

TEST(ValidatorTest, Body_UnassignedOpcode_IsIllegalOpcode) {
  const uint32_t at = FirstInstrOffset();
  ExpectMalformedBody(OneFunctionModule({0x06, op::kEnd}), ErrorCode::kIllegalOpcode, at);
  ExpectMalformedBody(OneFunctionModule({op::kNop, 0xff, op::kEnd}), ErrorCode::kIllegalOpcode,
                      at + 1);
  // An unassigned 0xFC sub-opcode, and a 0xFD sub-opcode above 255.
  ExpectMalformedBody(OneFunctionModule({op::kPrefixFC, 0x7f, op::kEnd}), ErrorCode::kIllegalOpcode,
                      at);
  ExpectMalformedBody(OneFunctionModule({0xfd, 0x80, 0x02, op::kEnd}), ErrorCode::kIllegalOpcode,
                      at);
}

// The reference decoder reads a block's instructions up to the first `else` or
// `end` byte and then requires `end` (decode.ml: instr_block', end_), so an `else`
// that does not belong to an `if` is reported as "END opcode expected" at the else;
// its "misplaced ELSE opcode" branch is unreachable.
TEST(ValidatorTest, Body_ElseAtFunctionLevel_IsEndOpcodeExpected) {
  ExpectMalformedBody(OneFunctionModule({op::kElse, op::kEnd}), ErrorCode::kEndOpcodeExpected,
                      FirstInstrOffset());
}

TEST(ValidatorTest, Body_ElseInsideBlock_IsEndOpcodeExpected) {
  ExpectMalformedBody(
      OneFunctionModule({op::kBlock, vt::kEmptyBlock, op::kElse, op::kEnd, op::kEnd}),
      ErrorCode::kEndOpcodeExpected, FirstInstrOffset() + 2);
}

TEST(ValidatorTest, Body_SecondElseOfAnIf_IsEndOpcodeExpected) {
  ExpectMalformedBody(OneFunctionModule({op::kI32Const, 0x00, op::kIf, vt::kEmptyBlock, op::kElse,
                                         op::kElse, op::kEnd, op::kEnd}),
                      ErrorCode::kEndOpcodeExpected, FirstInstrOffset() + 5);
}

TEST(ValidatorTest, Body_ElseInsideInvalidBlock_IsStillMalformed) {
  // The block's type index is unknown (invalid), and an `else` follows inside it
  // (malformed): after the first validation error the pass only decodes, and it
  // must still see that a block is not an `if`.
  Bytes b = OneFunctionModule({op::kBlock, 0x05, op::kElse, op::kEnd, op::kEnd});
  auto r = Load(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().phase(), ErrorPhase::kDecode) << Describe(r.error());
}

TEST(ValidatorTest, Body_NonZeroReservedByte_IsZeroByteExpected) {
  Bytes b = OneFunctionModule({op::kMemorySize, 0x01, op::kDrop, op::kEnd},
                              {Section(kMemoryId, Vec({Bytes{0x00, 0x01}}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  ExpectMalformedBody(b, ErrorCode::kZeroByteExpected, m->codes[0].body.begin + 1);
}

TEST(ValidatorTest, Body_RefNullOfNumberType_IsMalformedRefType) {
  ExpectMalformedBody(OneFunctionModule({op::kRefNull, vt::kI32, op::kDrop, op::kEnd}),
                      ErrorCode::kMalformedRefType, FirstInstrOffset() + 1);
}

TEST(ValidatorTest, Body_NegativeMultiByteBlockType_IsMalformedBlockType) {
  // 0x80 0x7f is the s33 -128: negative, but not a one-byte value type code.
  ExpectMalformedBody(OneFunctionModule({op::kBlock, 0x80, 0x7f, op::kEnd, op::kEnd}),
                      ErrorCode::kMalformedBlockType, FirstInstrOffset() + 1);
}

TEST(ValidatorTest, Body_BytesAfterFinalEnd_IsSectionSizeMismatch) {
  ExpectMalformedBody(OneFunctionModule({op::kEnd, op::kNop}), ErrorCode::kSectionSizeMismatch,
                      FirstInstrOffset() + 1);
}

TEST(ValidatorTest, Body_MissingEndAtEndOfModule_IsUnexpectedEndOfSection) {
  ExpectMalformedBody(OneFunctionModule({op::kNop}), ErrorCode::kUnexpectedEndOfSection,
                      FirstInstrOffset() + 1);
}

TEST(ValidatorTest, Body_MissingEndBeforeMoreBytes_IsEndOpcodeExpected) {
  // The reference decoder reads on past the body into the custom section that
  // follows, whose first byte (0) is not `end`.
  ExpectMalformedBody(OneFunctionModule({op::kNop}, {}, {Section(kCustomId, Name("c"))}),
                      ErrorCode::kEndOpcodeExpected, FirstInstrOffset() + 1);
}

TEST(ValidatorTest, Body_MissingEndBeforeDataSection_IsSectionSizeMismatch) {
  // Here the byte after the body is the data section's id, 0x0b, which reads as the
  // missing `end`: the function then ends one byte after its declared size.
  ExpectMalformedBody(
      OneFunctionModule({op::kNop}, {Section(kMemoryId, Vec({}))}, {Section(kDataId, Vec({}))}),
      ErrorCode::kSectionSizeMismatch, FirstInstrOffset() + 1 + 3);
}

TEST(ValidatorTest, Body_HostileBrTableCount_FailsWithoutAllocating) {
  // A br_table claiming 2^32-1 targets in a 9-byte body.
  Bytes b = OneFunctionModule(
      {op::kI32Const, 0x00, op::kBrTable, 0xff, 0xff, 0xff, 0xff, 0x0f, op::kEnd});
  auto r = Load(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().phase(), ErrorPhase::kDecode) << Describe(r.error());
}

TEST(ValidatorTest, Body_NestingPastTheControlDepthLimit_IsImplementationLimit) {
  Bytes body;
  for (uint32_t i = 0; i < kMaxControlDepth; ++i) {
    body.push_back(op::kBlock);
    body.push_back(vt::kEmptyBlock);
  }
  Append(body, Bytes(kMaxControlDepth + 1, op::kEnd));
  auto r = Load(OneFunctionModule(body));
  EXPECT_TRUE(FailsWith(r, ErrorCode::kImplLimit));
}

// --- Error precedence
// ----------------------------------------------------------------------------------

TEST(ValidatorTest, Precedence_MalformedLaterFunctionBeatsInvalidEarlierOne) {
  // Function 0: i64.const 0 where an i32 is returned (invalid). Function 1: an
  // unassigned opcode (malformed). The reference interpreter decodes everything
  // before validating, so the malformed error wins.
  Bytes b = ModuleBytes({
      Section(kTypeId, Vec({Sig({}, {vt::kI32})})),
      Section(kFunctionId, Vec({Leb(0), Leb(0)})),
      Section(kCodeId, Vec({CodeEntry({}, {op::kI64Const, 0x00, op::kEnd}),
                            CodeEntry({}, {op::kI32Const, 0x00, 0x06, op::kEnd})})),
  });
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  EXPECT_TRUE(FailsWith(Load(b), ErrorCode::kIllegalOpcode, m->codes[1].body.begin + 2));
}

TEST(ValidatorTest, Precedence_MalformedInstructionAfterInvalidOneInSameBody) {
  // i32.const 0 (0-1), i64.eqz (2, invalid: i32 operand), 0x06 (3, malformed).
  Bytes b = OneFunctionModule({op::kI32Const, 0x00, 0x50, 0x06, op::kEnd});
  EXPECT_TRUE(FailsWith(Load(b), ErrorCode::kIllegalOpcode, FirstInstrOffset() + 3));
}

TEST(ValidatorTest, Precedence_MalformedBodyBeatsInvalidDeclaration) {
  // The start function takes a parameter (invalid), and its body is malformed.
  Bytes b = ModuleBytes({
      Section(kTypeId, Vec({Sig({vt::kI32}, {})})),
      Section(kFunctionId, Vec({Leb(0)})),
      Section(kStartId, Leb(0)),
      Section(kCodeId, Vec({CodeEntry({}, {0x06, op::kEnd})})),
  });
  EXPECT_TRUE(FailsWith(Load(b), ErrorCode::kIllegalOpcode));
}

TEST(ValidatorTest, Precedence_FirstInvalidFunctionIsReported) {
  // Function 0 returns nothing where i32 is due; function 1 reads an unknown local.
  Bytes b = ModuleBytes({
      Section(kTypeId, Vec({Sig({}, {vt::kI32})})),
      Section(kFunctionId, Vec({Leb(0), Leb(0)})),
      Section(kCodeId,
              Vec({CodeEntry({}, {op::kEnd}), CodeEntry({}, {op::kLocalGet, 0x05, op::kEnd})})),
  });
  EXPECT_TRUE(FailsWith(Load(b), ErrorCode::kTypeMismatch));
}

TEST(ValidatorTest, Validate_DecodedModule_MatchesLoadModule) {
  auto bytes = FixtureBytes("invalid/stack-operand-type");
  ASSERT_TRUE(Succeeds(bytes));
  auto decoded = DecodeModule(*bytes);
  ASSERT_TRUE(Succeeds(decoded));
  auto validated = ValidateModule(*decoded);
  auto loaded = LoadModule(*bytes);
  ASSERT_FALSE(validated);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(validated.error().code(), loaded.error().code());
  EXPECT_EQ(validated.error().offset(), loaded.error().offset());
}

}  // namespace
}  // namespace runw::wasm
