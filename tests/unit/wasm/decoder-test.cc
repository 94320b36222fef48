// Tests of the module decoder (spec 5.5): what each section decodes to, and the
// exact error code and byte offset of each kind of malformed input.
//
// Offsets are written out as numbers with the byte layout in a comment, rather than
// computed from the builder, so that a test also catches a builder or decoder that
// miscounts the bytes of a LEB128.
#include "wasm/decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test-support.h"
#include "wasm/module-builder.h"

namespace runw::wasm {
namespace {

using namespace runw::wasm::test;
using runw::test::FailsWith;
using runw::test::Succeeds;

// The bytes of `r` inside the module, for comparing ranges with what was encoded.
Bytes BytesOf(const Module& m, ByteRange r) {
  auto s = m.span(r);
  return Bytes(s.begin(), s.end());
}

const Bytes kEmptyType = Section(kTypeId, Vec({Sig({}, {})}));  // bytes 8..13

// --- Header -------------------------------------------------------------------------

TEST(DecoderTest, Header_Only_IsAnEmptyModule) {
  Bytes b = ModuleBytes({});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->bytes, b) << "the module keeps its own copy of the binary";
  EXPECT_TRUE(m->types.empty());
  EXPECT_TRUE(m->imports.empty());
  EXPECT_EQ(m->num_funcs(), 0u);
  EXPECT_TRUE(m->codes.empty());
  EXPECT_FALSE(m->start.has_value());
  EXPECT_FALSE(m->data_count.has_value());
}

TEST(DecoderTest, Header_Empty_IsUnexpectedEnd) {
  EXPECT_TRUE(FailsWith(Decode({}), ErrorCode::kUnexpectedEnd, 0));
}

TEST(DecoderTest, Header_Truncated_IsUnexpectedEndAtTheEnd) {
  EXPECT_TRUE(FailsWith(Decode({0x00, 0x61, 0x73}), ErrorCode::kUnexpectedEnd, 3));
  EXPECT_TRUE(FailsWith(Decode({0x00, 0x61, 0x73, 0x6d}), ErrorCode::kUnexpectedEnd, 4));
  EXPECT_TRUE(
      FailsWith(Decode({0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00}), ErrorCode::kUnexpectedEnd, 7));
}

TEST(DecoderTest, Header_WrongMagic_IsMagicHeaderAt0) {
  EXPECT_TRUE(FailsWith(Decode({0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00}),
                        ErrorCode::kMagicHeader, 0));
  // The magic in the wrong byte order ("asm\0").
  EXPECT_TRUE(FailsWith(Decode({0x61, 0x73, 0x6d, 0x00, 0x01, 0x00, 0x00, 0x00}),
                        ErrorCode::kMagicHeader, 0));
  EXPECT_TRUE(FailsWith(Decode({0x00, 0x00, 0x00, 0x00}), ErrorCode::kMagicHeader, 0));
}

TEST(DecoderTest, Header_WrongVersion_IsUnknownVersionAt4) {
  EXPECT_TRUE(FailsWith(Decode({0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00}),
                        ErrorCode::kUnknownVersion, 4));
  // 0x0d was the version of the pre-release binary format.
  EXPECT_TRUE(FailsWith(Decode({0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x00, 0x00}),
                        ErrorCode::kUnknownVersion, 4));
  EXPECT_TRUE(FailsWith(Decode({0x00, 0x61, 0x73, 0x6d, 0x00, 0x00, 0x00, 0x01}),
                        ErrorCode::kUnknownVersion, 4));
}

// --- Section framing ------------------------------------------------------------------

TEST(DecoderTest, SectionId_PastDataCount_IsMalformedAtTheId) {
  EXPECT_TRUE(FailsWith(Decode(ModuleBytes({Bytes{13, 0x00}})), ErrorCode::kMalformedSectionId, 8));
  EXPECT_TRUE(
      FailsWith(Decode(ModuleBytes({Bytes{0x7f, 0x00}})), ErrorCode::kMalformedSectionId, 8));
  // After a good section, the offset is the bad id's own.
  EXPECT_TRUE(FailsWith(Decode(ModuleBytes({kEmptyType, Bytes{0x0d, 0x00}})),
                        ErrorCode::kMalformedSectionId, 14));
}

TEST(DecoderTest, SectionOrder_OutOfOrder_IsJunkAfterLastSection) {
  // function (8..10), then type at 11.
  Bytes b = ModuleBytes({Section(kFunctionId, Vec({})), Section(kTypeId, Vec({}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kJunkAfterLastSection, 11));
}

TEST(DecoderTest, SectionOrder_Duplicate_IsJunkAfterLastSection) {
  Bytes b = ModuleBytes({Section(kTypeId, Vec({})), Section(kTypeId, Vec({}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kJunkAfterLastSection, 11));
}

TEST(DecoderTest, SectionOrder_DataCountBetweenElementAndCode_IsAccepted) {
  Bytes b = ModuleBytes({Section(kElementId, Vec({})), Section(kDataCountId, Leb(0)),
                         Section(kCodeId, Vec({})), Section(kDataId, Vec({}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->data_count, 0u);
}

TEST(DecoderTest, SectionOrder_DataCountAfterCode_IsJunk) {
  // code (8..10), then datacount at 11.
  Bytes b = ModuleBytes({Section(kCodeId, Vec({})), Section(kDataCountId, Leb(0))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kJunkAfterLastSection, 11));
}

TEST(DecoderTest, SectionOrder_CustomSectionDoesNotResetTheOrder) {
  // type (8..10), custom "c" (11..14), type at 15.
  Bytes b = ModuleBytes(
      {Section(kTypeId, Vec({})), Section(kCustomId, Name("c")), Section(kTypeId, Vec({}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kJunkAfterLastSection, 15));
}

TEST(DecoderTest, SectionSize_LargerThanContent_IsMismatchAtPayloadStart) {
  // Type section: id 8, size 9 (says 5), payload 10..13 is one type, then a stray 0.
  Bytes b = ModuleBytes({Bytes{kTypeId, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00}});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kSectionSizeMismatch, 10));
}

TEST(DecoderTest, SectionSize_SmallerThanContent_IsMismatchAtPayloadStart) {
  // The size says 3 but the type takes 4 bytes: decoding reads on, then sees the
  // section ended elsewhere than declared.
  Bytes b = ModuleBytes({Bytes{kTypeId, 0x03, 0x01, 0x60, 0x00, 0x00}});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kSectionSizeMismatch, 10));
}

TEST(DecoderTest, SectionSize_PastTheEnd_IsLengthOutOfBoundsAtTheSize) {
  Bytes b = ModuleBytes({Bytes{kTypeId, 0x10, 0x00}});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kLengthOutOfBounds, 9));
}

TEST(DecoderTest, SectionSize_Truncated_IsUnexpectedEnd) {
  // The size is read before the section starts, so it is the plain "unexpected end".
  EXPECT_TRUE(FailsWith(Decode(ModuleBytes({Bytes{kTypeId}})), ErrorCode::kUnexpectedEnd, 9));
  EXPECT_TRUE(
      FailsWith(Decode(ModuleBytes({Bytes{kTypeId, 0x80}})), ErrorCode::kUnexpectedEnd, 10));
}

TEST(DecoderTest, SectionBody_Truncated_IsUnexpectedEndOfSection) {
  // The size (4) passes the length rule, which counts from the size's own byte, but
  // the results count of the type is missing: the read fails at the end (13).
  Bytes b = ModuleBytes({Bytes{kTypeId, 0x04, 0x01, 0x60, 0x00}});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kUnexpectedEndOfSection, 13));
}

TEST(DecoderTest, ConcatenatedModules_IsLengthOutOfBounds) {
  // The second header reads as a custom section (id 0) of size 0x61 ('a').
  Bytes b = ModuleBytes({Bytes(std::begin(kHeader), std::end(kHeader))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kLengthOutOfBounds, 9));
}

// Every vector count is checked against the bytes left before anything is
// allocated for it; a count of 2^32-1 with no elements must fail at once.
TEST(DecoderTest, HostileVectorCount_InEverySection_IsLengthOutOfBounds) {
  const Bytes huge = Leb(0xffffffff);
  for (uint8_t id : {kTypeId, kImportId, kFunctionId, kTableId, kMemoryId, kGlobalId, kExportId,
                     kElementId, kCodeId, kDataId}) {
    SCOPED_TRACE(::testing::Message() << "section id " << int{id});
    // id at 8, size at 9, count at 10.
    EXPECT_TRUE(
        FailsWith(Decode(ModuleBytes({Section(id, huge)})), ErrorCode::kLengthOutOfBounds, 10));
  }
}

// --- Type section ---------------------------------------------------------------------

TEST(DecoderTest, TypeSection_DecodesParamsAndResults) {
  Bytes b = ModuleBytes({Section(
      kTypeId, Vec({Sig({}, {}), Sig({vt::kI32, vt::kI64}, {vt::kF32, vt::kF64}),
                    Sig({vt::kV128, vt::kFuncRef, vt::kExternRef}, {vt::kI32, vt::kI32})}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  ASSERT_EQ(m->types.size(), 3u);
  EXPECT_EQ(m->types[0], (wasm::FuncType{{}, {}}));
  EXPECT_EQ(m->types[1],
            (wasm::FuncType{{ValType::kI32, ValType::kI64}, {ValType::kF32, ValType::kF64}}));
  EXPECT_EQ(m->types[2], (wasm::FuncType{{ValType::kV128, ValType::kFuncRef, ValType::kExternRef},
                                         {ValType::kI32, ValType::kI32}}));
}

TEST(DecoderTest, TypeSection_FormOtherThan0x60_IsMalformedFuncType) {
  // id 8, size 9, count 10, form 11.
  Bytes b = ModuleBytes({Section(kTypeId, Bytes{0x01, 0x61, 0x00, 0x00})});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedFuncType, 11));
}

TEST(DecoderTest, TypeSection_BadValueType_IsMalformedRefTypeAtTheByte) {
  // count 10, form 11, param count 12, param 13 (0x40 is the empty block type, not
  // a value type).
  Bytes b = ModuleBytes({Section(kTypeId, Bytes{0x01, 0x60, 0x01, 0x40, 0x00})});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedRefType, 13));
  // The same in the results: result count 13, result 14.
  b = ModuleBytes({Section(kTypeId, Bytes{0x01, 0x60, 0x00, 0x01, 0x00})});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedRefType, 14));
}

TEST(DecoderTest, TypeSection_FormWithContinuationBit_IsRepresentationTooLong) {
  // The form is an s7: 0xe0 0x7f is -0x20 in two bytes, one more than it may take.
  Bytes b = ModuleBytes({Section(kTypeId, Bytes{0x01, 0xe0, 0x7f, 0x00, 0x00})});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kIntRepresentationTooLong, 11));
}

// Value and reference types are s7 LEB128s too: the reference decoder reads a byte
// of 0x80 or more as a number type (value_type dispatches on `n >= 0x7c`) with
// vs7, which fails on the continuation bit with "integer representation too long"
// before any type is looked at.
TEST(DecoderTest, ValueType_WithContinuationBit_IsRepresentationTooLong) {
  // count 10, form 11, param count 12, param 13.
  Bytes b = ModuleBytes({Section(kTypeId, Bytes{0x01, 0x60, 0x01, 0xff, 0x7f, 0x00})});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kIntRepresentationTooLong, 13));
  // A global's value type: count 10, type 11.
  b = ModuleBytes({Section(kGlobalId, Vec({Bytes{0x80, 0x00, 0x00, op::kI32Const, 0, op::kEnd}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kIntRepresentationTooLong, 11));
}

TEST(DecoderTest, RefType_WithContinuationBit_IsRepresentationTooLong) {
  // A table's element type: count 10, type 11.
  Bytes b = ModuleBytes({Section(kTableId, Vec({Bytes{0xf0, 0x7f, 0x00, 0x00}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kIntRepresentationTooLong, 11));
}

TEST(DecoderTest, TypeSection_TooManyParams_IsImplementationLimit) {
  Bytes params(kMaxFunctionParams + 1, vt::kI32);
  Bytes b = ModuleBytes({Section(kTypeId, Vec({Sig(params, {})}))});
  // Reported at the type's form byte: id 8, size 9-10 (two bytes), count 11, form 12.
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kImplLimit, 12));
  // One fewer is fine.
  params.pop_back();
  EXPECT_TRUE(Succeeds(Decode(ModuleBytes({Section(kTypeId, Vec({Sig(params, {})}))}))));
}

// --- Import section -------------------------------------------------------------------

TEST(DecoderTest, ImportSection_DecodesAllFourKinds) {
  Bytes b = ModuleBytes({
      kEmptyType,
      Section(kImportId,
              Vec({Cat({Name("env"), Name("f"), Bytes{0x00}, Leb(0)}),
                   Cat({Name("env"), Name("t"), Bytes{0x01, vt::kFuncRef, 0x01, 0x01, 0x0a}}),
                   Cat({Name("env"), Name("m"), Bytes{0x02, 0x00, 0x02}}),
                   Cat({Name("sys"), Name("g"), Bytes{0x03, vt::kI64, 0x01}})})),
  });
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  ASSERT_EQ(m->imports.size(), 4u);

  const Import& f = m->imports[0];
  EXPECT_EQ(f.module, "env");
  EXPECT_EQ(f.name, "f");
  EXPECT_EQ(f.kind, ExternKind::kFunc);
  EXPECT_EQ(f.type_index, 0u);
  // type section 8..13; import section id 14, size 15, count 16, first entry 17.
  EXPECT_EQ(f.offset, 17u);

  EXPECT_EQ(m->imports[1].kind, ExternKind::kTable);
  EXPECT_EQ(m->imports[2].kind, ExternKind::kMemory);
  EXPECT_EQ(m->imports[3].kind, ExternKind::kGlobal);
  EXPECT_EQ(m->imports[3].module, "sys");

  // Imports open the index spaces.
  EXPECT_EQ(m->num_imported_funcs, 1u);
  EXPECT_EQ(m->func_types, std::vector<uint32_t>{0});
  ASSERT_EQ(m->tables.size(), 1u);
  EXPECT_EQ(m->num_imported_tables, 1u);
  EXPECT_EQ(m->tables[0].elem, ValType::kFuncRef);
  EXPECT_EQ(m->tables[0].limits.min, 1u);
  EXPECT_EQ(m->tables[0].limits.max, 10u);
  ASSERT_EQ(m->memories.size(), 1u);
  EXPECT_EQ(m->num_imported_memories, 1u);
  EXPECT_EQ(m->memories[0].limits.min, 2u);
  EXPECT_FALSE(m->memories[0].limits.max.has_value());
  ASSERT_EQ(m->globals.size(), 1u);
  EXPECT_EQ(m->num_imported_globals, 1u);
  EXPECT_EQ(m->globals[0].type.type, ValType::kI64);
  EXPECT_TRUE(m->globals[0].type.is_mutable);
}

TEST(DecoderTest, ImportSection_KindPast3_IsMalformedImportKind) {
  // count 10, "a" 11-12, "b" 13-14, kind 15.
  Bytes b =
      ModuleBytes({Section(kImportId, Vec({Cat({Name("a"), Name("b"), Bytes{0x04, 0x00}})}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedImportKind, 15));
}

TEST(DecoderTest, ImportSection_TableOfI32_IsMalformedRefType) {
  // kind 15, element type 16.
  Bytes b = ModuleBytes(
      {Section(kImportId, Vec({Cat({Name("a"), Name("b"), Bytes{0x01, vt::kI32, 0x00, 0x00}})}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedRefType, 16));
}

TEST(DecoderTest, ImportSection_GlobalMutability2_IsMalformedMutability) {
  // kind 15, type 16, mutability 17.
  Bytes b = ModuleBytes(
      {Section(kImportId, Vec({Cat({Name("a"), Name("b"), Bytes{0x03, vt::kI32, 0x02}})}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedMutability, 17));
}

TEST(DecoderTest, ImportSection_MalformedUtf8_IsReportedAtTheNamesLength) {
  // Module name at 11: an overlong encoding of '/'.
  Bytes b = ModuleBytes(
      {Section(kImportId, Vec({Cat({Name("\xc0\xaf"), Name("b"), Bytes{0x00, 0x00}})}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedUtf8, 11));
  // Field name at 13, after "a" (11-12): a lone continuation byte.
  b = ModuleBytes({Section(kImportId, Vec({Cat({Name("a"), Name("\x80"), Bytes{0x00, 0x00}})}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedUtf8, 13));
}

TEST(DecoderTest, ImportSection_HostileNameLength_IsLengthOutOfBounds) {
  Bytes b = ModuleBytes({Section(kImportId, Cat({Leb(1), Leb(0xffffffff)}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kLengthOutOfBounds, 11));
}

// --- Function section -----------------------------------------------------------------

TEST(DecoderTest, FunctionSection_AppendsToTheFunctionIndexSpace) {
  Bytes b = ModuleBytes({
      Section(kTypeId, Vec({Sig({}, {}), Sig({vt::kI32}, {})})),
      Section(kImportId, Vec({Cat({Name("m"), Name("f"), Bytes{0x00}, Leb(1)})})),
      Section(kFunctionId, Vec({Leb(0), Leb(1)})),
      Section(kCodeId, Vec({CodeEntry({}, {op::kEnd}), CodeEntry({}, {op::kEnd})})),
  });
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->func_types, (std::vector<uint32_t>{1, 0, 1}));
  EXPECT_EQ(m->num_imported_funcs, 1u);
  EXPECT_EQ(m->codes.size(), 2u);
  EXPECT_EQ(&m->func_type(2), &m->types[1]);
}

TEST(DecoderTest, FunctionSection_OverlongIndex_IsRepresentationTooLong) {
  // type 8..13; function id 14, size 15, count 16, index 17.
  Bytes b = ModuleBytes(
      {kEmptyType, Section(kFunctionId, Vec({Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kIntRepresentationTooLong, 17));
}

TEST(DecoderTest, FunctionWithoutCode_IsFuncCodeMismatchAtFunctionSection) {
  // type 8..13; function id 14, size 15, payload 16.
  Bytes b = ModuleBytes({kEmptyType, Section(kFunctionId, Vec({Leb(0)}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kFuncCodeMismatch, 16));
}

TEST(DecoderTest, FewerBodiesThanFunctions_IsFuncCodeMismatchAtCodeSection) {
  // type 8..13; function 14..18; code id 19, size 20, payload 21.
  Bytes b = ModuleBytes({kEmptyType, Section(kFunctionId, Vec({Leb(0), Leb(0)})),
                         Section(kCodeId, Vec({CodeEntry({}, {op::kEnd})}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kFuncCodeMismatch, 21));
}

TEST(DecoderTest, CodeWithoutFunctionSection_IsFuncCodeMismatchAtCodeSection) {
  // type 8..13; code id 14, size 15, payload 16.
  Bytes b = ModuleBytes({kEmptyType, Section(kCodeId, Vec({CodeEntry({}, {op::kEnd})}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kFuncCodeMismatch, 16));
}

// --- Table and memory sections -----------------------------------------------------------

TEST(DecoderTest, TableSection_DecodesTypesAndLimits) {
  Bytes b = ModuleBytes({Section(
      kTableId, Vec({Bytes{vt::kFuncRef, 0x00, 0x01}, Bytes{vt::kExternRef, 0x01, 0x00, 0x0a},
                     Bytes{vt::kFuncRef, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f}}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  ASSERT_EQ(m->tables.size(), 3u);
  EXPECT_EQ(m->num_imported_tables, 0u);
  EXPECT_EQ(m->tables[0].elem, ValType::kFuncRef);
  EXPECT_EQ(m->tables[0].limits.min, 1u);
  EXPECT_FALSE(m->tables[0].limits.max.has_value());
  EXPECT_EQ(m->tables[1].elem, ValType::kExternRef);
  EXPECT_EQ(m->tables[1].limits.min, 0u);
  EXPECT_EQ(m->tables[1].limits.max, 10u);
  EXPECT_EQ(m->tables[2].limits.max, 0xffffffffu);
}

TEST(DecoderTest, TableSection_NonReferenceElemType_IsMalformedRefType) {
  // count 10, element type 11.
  Bytes b = ModuleBytes({Section(kTableId, Vec({Bytes{vt::kI32, 0x00, 0x00}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedRefType, 11));
  b = ModuleBytes({Section(kTableId, Vec({Bytes{0x40, 0x00, 0x00}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedRefType, 11));
}

TEST(DecoderTest, MemorySection_DecodesLimits) {
  Bytes b = ModuleBytes({Section(kMemoryId, Vec({Bytes{0x01, 0x01, 0x02}}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  ASSERT_EQ(m->memories.size(), 1u);
  EXPECT_EQ(m->memories[0].limits.min, 1u);
  EXPECT_EQ(m->memories[0].limits.max, 2u);
}

TEST(DecoderTest, MemorySection_PaddedLimits_AreLegal) {
  // As in the spec testsuite: "\01\82\00" min 2, "\82\80\80\80\00" max 2.
  Bytes b = ModuleBytes(
      {Section(kMemoryId, Vec({Bytes{0x01, 0x82, 0x00, 0x82, 0x80, 0x80, 0x80, 0x00}}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->memories[0].limits.min, 2u);
  EXPECT_EQ(m->memories[0].limits.max, 2u);
}

TEST(DecoderTest, Limits_FlagsOtherThan0Or1_AreIntegerErrors) {
  // The flags are a u1 in WebAssembly 2.0; count 10, flags 11.
  EXPECT_TRUE(FailsWith(Decode(ModuleBytes({Section(kMemoryId, Vec({Bytes{0x02, 0x00}}))})),
                        ErrorCode::kIntTooLarge, 11));
  EXPECT_TRUE(FailsWith(Decode(ModuleBytes({Section(kMemoryId, Vec({Bytes{0x81, 0x00, 0x00}}))})),
                        ErrorCode::kIntRepresentationTooLong, 11));
  // In a table type the flags follow the element type: flags 12.
  EXPECT_TRUE(
      FailsWith(Decode(ModuleBytes({Section(kTableId, Vec({Bytes{vt::kFuncRef, 0x04, 0x00}}))})),
                ErrorCode::kIntTooLarge, 12));
}

TEST(DecoderTest, Limits_MissingMaximum_IsUnexpectedEndOfSection) {
  // count 10, flags 11 (has max), min 12, then the module ends at 13.
  Bytes b = ModuleBytes({Section(kMemoryId, Bytes{0x01, 0x01, 0x01})});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kUnexpectedEndOfSection, 13));
}

// --- Global section -------------------------------------------------------------------

TEST(DecoderTest, GlobalSection_DecodesTypesAndInitRanges) {
  Bytes b = ModuleBytes(
      {Section(kGlobalId, Vec({Bytes{vt::kI32, 0x01, op::kI32Const, 0x2a, op::kEnd},
                               Bytes{vt::kF64, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, op::kEnd},
                               Bytes{vt::kFuncRef, 0x00, op::kRefNull, vt::kFuncRef, op::kEnd}}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  ASSERT_EQ(m->globals.size(), 3u);
  EXPECT_EQ(m->globals[0].type.type, ValType::kI32);
  EXPECT_TRUE(m->globals[0].type.is_mutable);
  // count 10, type 11, mutability 12, init 13..15 including `end`.
  EXPECT_EQ(m->globals[0].init.range.begin, 13u);
  EXPECT_EQ(m->globals[0].init.range.end, 16u);
  EXPECT_EQ(m->globals[1].type.type, ValType::kF64);
  EXPECT_FALSE(m->globals[1].type.is_mutable);
  EXPECT_EQ(BytesOf(*m, m->globals[1].init.range),
            (Bytes{0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, op::kEnd}));
  EXPECT_EQ(BytesOf(*m, m->globals[2].init.range), (Bytes{op::kRefNull, vt::kFuncRef, op::kEnd}));
}

TEST(DecoderTest, GlobalSection_Mutability2_IsMalformedMutability) {
  // count 10, type 11, mutability 12.
  Bytes b =
      ModuleBytes({Section(kGlobalId, Vec({Bytes{vt::kI32, 0x02, op::kI32Const, 0, op::kEnd}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedMutability, 12));
}

TEST(DecoderTest, GlobalSection_BadValueType_IsMalformedRefType) {
  Bytes b = ModuleBytes({Section(kGlobalId, Vec({Bytes{0x60, 0x00, op::kI32Const, 0, op::kEnd}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedRefType, 11));
}

TEST(DecoderTest, GlobalSection_InitWithoutEnd_IsUnexpectedEndOfSection) {
  // count 10, type 11, mutability 12, i32.const 0 at 13-14; the module ends at 15.
  Bytes b = ModuleBytes({Section(kGlobalId, Vec({Bytes{vt::kI32, 0x00, op::kI32Const, 0x00}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kUnexpectedEndOfSection, 15));
}

TEST(DecoderTest, GlobalSection_IllegalOpcodeInInit_IsIllegalOpcode) {
  Bytes b = ModuleBytes({Section(kGlobalId, Vec({Bytes{vt::kI32, 0x00, 0xff, op::kEnd}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kIllegalOpcode, 13));
}

// --- Export and start sections ------------------------------------------------------------

TEST(DecoderTest, ExportSection_DecodesAllFourKinds) {
  Bytes b = ModuleBytes({
      kEmptyType,
      Section(kFunctionId, Vec({Leb(0)})),
      Section(kTableId, Vec({Bytes{vt::kFuncRef, 0x00, 0x00}})),
      Section(kMemoryId, Vec({Bytes{0x00, 0x00}})),
      Section(kGlobalId, Vec({Bytes{vt::kI32, 0x00, op::kI32Const, 0x00, op::kEnd}})),
      Section(kExportId,
              Vec({Cat({Name("f"), Bytes{0x00, 0x00}}), Cat({Name("tbl"), Bytes{0x01, 0x00}}),
                   Cat({Name("mem"), Bytes{0x02, 0x00}}),
                   Cat({Name("\xe2\x82\xac"), Bytes{0x03, 0x00}})})),
      Section(kCodeId, Vec({CodeEntry({}, {op::kEnd})})),
  });
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  ASSERT_EQ(m->exports.size(), 4u);
  EXPECT_EQ(m->exports[0].name, "f");
  EXPECT_EQ(m->exports[0].kind, ExternKind::kFunc);
  EXPECT_EQ(m->exports[1].name, "tbl");
  EXPECT_EQ(m->exports[1].kind, ExternKind::kTable);
  EXPECT_EQ(m->exports[2].kind, ExternKind::kMemory);
  EXPECT_EQ(m->exports[3].name, "\xe2\x82\xac");
  EXPECT_EQ(m->exports[3].kind, ExternKind::kGlobal);
  EXPECT_EQ(m->exports[3].index, 0u);
}

TEST(DecoderTest, ExportSection_KindPast3_IsMalformedExportKind) {
  // count 10, "x" 11-12, kind 13.
  Bytes b = ModuleBytes({Section(kExportId, Vec({Cat({Name("x"), Bytes{0x04, 0x00}})}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedExportKind, 13));
}

TEST(DecoderTest, ExportSection_MalformedUtf8_IsMalformedUtf8) {
  // A surrogate (U+D800) encoded in UTF-8 is not a valid name.
  Bytes b =
      ModuleBytes({Section(kExportId, Vec({Cat({Name("\xed\xa0\x80"), Bytes{0x00, 0x00}})}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedUtf8, 11));
}

TEST(DecoderTest, StartSection_DecodesTheIndexAndItsOffset) {
  Bytes b = ModuleBytes({kEmptyType, Section(kFunctionId, Vec({Leb(0)})), Section(kStartId, Leb(0)),
                         Section(kCodeId, Vec({CodeEntry({}, {op::kEnd})}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->start, 0u);
  // type 8..13, function 14..17, start id 18, size 19, index 20.
  EXPECT_EQ(m->start_offset, 20u);
}

TEST(DecoderTest, StartSection_TrailingBytes_IsSectionSizeMismatch) {
  Bytes b = ModuleBytes({Section(kStartId, Bytes{0x00, 0x00})});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kSectionSizeMismatch, 10));
}

// --- Element section ------------------------------------------------------------------

// One segment of each of the eight encodings (spec 5.5.12).
Bytes AllElementEncodings() {
  const Bytes i32_0 = {op::kI32Const, 0x00, op::kEnd};
  const Bytes i32_5 = {op::kI32Const, 0x05, op::kEnd};
  return ModuleBytes({
      kEmptyType,
      Section(kFunctionId, Vec({Leb(0), Leb(0)})),
      Section(kTableId, Vec({Bytes{vt::kFuncRef, 0x00, 0x08}, Bytes{vt::kFuncRef, 0x00, 0x08}})),
      Section(kElementId,
              Vec({
                  // 0: active in table 0, function indices.
                  Cat({Bytes{0x00}, i32_0, Vec({Leb(0), Leb(1)})}),
                  // 1: passive, element kind, function indices.
                  Cat({Bytes{0x01, 0x00}, Vec({Leb(1)})}),
                  // 2: active with a table index, element kind, function indices.
                  Cat({Bytes{0x02, 0x01}, i32_5, Bytes{0x00}, Vec({Leb(0)})}),
                  // 3: declarative, element kind, function indices.
                  Cat({Bytes{0x03, 0x00}, Vec({Leb(0)})}),
                  // 4: active in table 0, expressions.
                  Cat({Bytes{0x04}, i32_0,
                       Vec({Bytes{op::kRefFunc, 0x00, op::kEnd},
                            Bytes{op::kRefNull, vt::kFuncRef, op::kEnd}})}),
                  // 5: passive, reference type, expressions.
                  Cat({Bytes{0x05, vt::kExternRef},
                       Vec({Bytes{op::kRefNull, vt::kExternRef, op::kEnd}})}),
                  // 6: active with a table index, reference type, expressions.
                  Cat({Bytes{0x06, 0x01}, i32_0, Bytes{vt::kFuncRef},
                       Vec({Bytes{op::kRefFunc, 0x01, op::kEnd}})}),
                  // 7: declarative, reference type, expressions.
                  Cat({Bytes{0x07, vt::kFuncRef}, Vec({Bytes{op::kRefFunc, 0x00, op::kEnd}})}),
              })),
      Section(kCodeId, Vec({CodeEntry({}, {op::kEnd}), CodeEntry({}, {op::kEnd})})),
  });
}

TEST(DecoderTest, ElementSection_DecodesAllEightEncodings) {
  auto m = Decode(AllElementEncodings());
  ASSERT_TRUE(Succeeds(m));
  ASSERT_EQ(m->elems.size(), 8u);
  const auto& e = m->elems;

  EXPECT_EQ(e[0].mode, SegmentMode::kActive);
  EXPECT_EQ(e[0].table_index, 0u);
  EXPECT_EQ(e[0].type, ValType::kFuncRef);
  EXPECT_FALSE(e[0].uses_exprs);
  EXPECT_EQ(e[0].func_indices, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(BytesOf(*m, e[0].offset_expr.range), (Bytes{op::kI32Const, 0x00, op::kEnd}));

  EXPECT_EQ(e[1].mode, SegmentMode::kPassive);
  EXPECT_EQ(e[1].type, ValType::kFuncRef);
  EXPECT_EQ(e[1].func_indices, std::vector<uint32_t>{1});

  EXPECT_EQ(e[2].mode, SegmentMode::kActive);
  EXPECT_EQ(e[2].table_index, 1u);
  EXPECT_EQ(BytesOf(*m, e[2].offset_expr.range), (Bytes{op::kI32Const, 0x05, op::kEnd}));
  EXPECT_EQ(e[2].func_indices, std::vector<uint32_t>{0});

  EXPECT_EQ(e[3].mode, SegmentMode::kDeclarative);
  EXPECT_EQ(e[3].func_indices, std::vector<uint32_t>{0});

  EXPECT_EQ(e[4].mode, SegmentMode::kActive);
  EXPECT_EQ(e[4].table_index, 0u);
  EXPECT_EQ(e[4].type, ValType::kFuncRef);
  EXPECT_TRUE(e[4].uses_exprs);
  ASSERT_EQ(e[4].exprs.size(), 2u);
  EXPECT_EQ(e[4].size(), 2u);
  EXPECT_EQ(BytesOf(*m, e[4].exprs[0].range), (Bytes{op::kRefFunc, 0x00, op::kEnd}));
  EXPECT_EQ(BytesOf(*m, e[4].exprs[1].range), (Bytes{op::kRefNull, vt::kFuncRef, op::kEnd}));

  EXPECT_EQ(e[5].mode, SegmentMode::kPassive);
  EXPECT_EQ(e[5].type, ValType::kExternRef);
  EXPECT_TRUE(e[5].uses_exprs);
  EXPECT_EQ(e[5].size(), 1u);

  EXPECT_EQ(e[6].mode, SegmentMode::kActive);
  EXPECT_EQ(e[6].table_index, 1u);
  EXPECT_EQ(e[6].type, ValType::kFuncRef);
  ASSERT_EQ(e[6].exprs.size(), 1u);
  EXPECT_EQ(BytesOf(*m, e[6].exprs[0].range), (Bytes{op::kRefFunc, 0x01, op::kEnd}));

  EXPECT_EQ(e[7].mode, SegmentMode::kDeclarative);
  EXPECT_EQ(e[7].type, ValType::kFuncRef);
  EXPECT_TRUE(e[7].uses_exprs);
}

TEST(DecoderTest, ElementSection_AllEightEncodings_AlsoValidate) {
  EXPECT_TRUE(Succeeds(Load(AllElementEncodings())));
}

TEST(DecoderTest, ElementSection_FlagsPast7_IsMalformedElemSegmentKind) {
  // count 10, flags 11.
  Bytes b = ModuleBytes({Section(kElementId, Vec({Bytes{0x08, 0x00, 0x00}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedElemSegmentKind, 11));
}

TEST(DecoderTest, ElementSection_ElemKindOtherThan0_IsMalformedElemKind) {
  // count 10, flags 11, element kind 12.
  Bytes b = ModuleBytes({Section(kElementId, Vec({Bytes{0x01, 0x01, 0x00}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedElemKind, 12));
}

TEST(DecoderTest, ElementSection_NonReferenceType_IsMalformedRefType) {
  Bytes b = ModuleBytes({Section(kElementId, Vec({Bytes{0x05, vt::kI32, 0x00}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedRefType, 12));
}

TEST(DecoderTest, ElementSection_HostileIndexCount_IsLengthOutOfBounds) {
  // count 10, flags 11, element kind 12, index count 13.
  Bytes b = ModuleBytes({Section(kElementId, Cat({Leb(1), Bytes{0x01, 0x00}, Leb(0xffffffff)}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kLengthOutOfBounds, 13));
}

// --- Code section -----------------------------------------------------------------------

// type 8..13, function 14..17, code id 18, size 19, count 20, entry size 21, local
// run count 22, runs from 23.
Bytes OneBody(const Bytes& entry) {
  return ModuleBytes(
      {kEmptyType, Section(kFunctionId, Vec({Leb(0)})), Section(kCodeId, Cat({Leb(1), entry}))});
}

TEST(DecoderTest, CodeSection_DecodesLocalRunsAndBodyRange) {
  auto m = Decode(OneBody(CodeEntry({{2, vt::kI32}, {0, vt::kI64}, {1, vt::kF64}}, {op::kEnd})));
  ASSERT_TRUE(Succeeds(m));
  ASSERT_EQ(m->codes.size(), 1u);
  const Code& c = m->codes[0];
  // The empty run declares nothing and is dropped.
  ASSERT_EQ(c.locals.size(), 2u);
  EXPECT_EQ(c.locals[0].count, 2u);
  EXPECT_EQ(c.locals[0].type, ValType::kI32);
  EXPECT_EQ(c.locals[1].count, 1u);
  EXPECT_EQ(c.locals[1].type, ValType::kF64);
  EXPECT_EQ(c.local_count, 3u);
  EXPECT_EQ(c.offset, 21u);
  // Runs 23..28, body 29.
  EXPECT_EQ(c.body.begin, 29u);
  EXPECT_EQ(c.body.end, 30u);
  EXPECT_EQ(m->code_section_offset, 20u);
  EXPECT_EQ(m->function_section_offset, 16u);
}

TEST(DecoderTest, CodeSection_LocalsAtTheLimit_AreAccepted) {
  auto m = Decode(OneBody(CodeEntry({{kMaxLocals - 1, vt::kI32}, {1, vt::kI64}}, {op::kEnd})));
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->codes[0].local_count, kMaxLocals);
}

TEST(DecoderTest, CodeSection_TooManyLocals_IsReportedAtTheLocals) {
  EXPECT_TRUE(FailsWith(Decode(OneBody(CodeEntry({{kMaxLocals + 1, vt::kI32}}, {op::kEnd}))),
                        ErrorCode::kTooManyLocals, 22));
  EXPECT_TRUE(
      FailsWith(Decode(OneBody(CodeEntry({{kMaxLocals, vt::kI32}, {1, vt::kI32}}, {op::kEnd}))),
                ErrorCode::kTooManyLocals, 22));
}

TEST(DecoderTest, CodeSection_LocalCountsOverflowing32Bits_AreTooManyLocals) {
  // The spec's own bound is 2^32 - 1 in total; two runs of 2^32 - 1 must not wrap
  // around to a small number.
  EXPECT_TRUE(
      FailsWith(Decode(OneBody(CodeEntry(
                    {{0xffffffff, vt::kI32}, {0xffffffff, vt::kI32}, {2, vt::kI32}}, {op::kEnd}))),
                ErrorCode::kTooManyLocals, 22));
}

TEST(DecoderTest, CodeSection_HostileRunCount_IsLengthOutOfBounds) {
  Bytes entry = Cat({Leb(6), Leb(0xffffffff), Bytes{op::kEnd}});
  EXPECT_TRUE(FailsWith(Decode(OneBody(entry)), ErrorCode::kLengthOutOfBounds, 22));
}

TEST(DecoderTest, CodeSection_HostileBodySize_IsLengthOutOfBounds) {
  EXPECT_TRUE(FailsWith(Decode(OneBody(Cat({Leb(0xffffffff), Bytes{0x00, op::kEnd}}))),
                        ErrorCode::kLengthOutOfBounds, 21));
}

TEST(DecoderTest, CodeSection_BadLocalType_IsMalformedRefType) {
  // Run count 23, type 24.
  EXPECT_TRUE(FailsWith(Decode(OneBody(CodeEntry({{1, 0x40}}, {op::kEnd}))),
                        ErrorCode::kMalformedRefType, 24));
}

TEST(DecoderTest, CodeSection_LocalsPastTheBodySize_IsSectionSizeMismatch) {
  // The entry says 1 byte, but its locals alone take 3.
  Bytes entry = {0x01, 0x01, 0x01, vt::kI32, op::kEnd};
  EXPECT_TRUE(FailsWith(Decode(OneBody(entry)), ErrorCode::kSectionSizeMismatch, 22));
}

// --- Data and data count sections -----------------------------------------------------------

TEST(DecoderTest, DataSection_DecodesAllThreeEncodings) {
  Bytes b = ModuleBytes({
      Section(kMemoryId, Vec({Bytes{0x00, 0x01}})),
      Section(kDataId, Vec({
                           // 0: active in memory 0.
                           Cat({Bytes{0x00, op::kI32Const, 0x08, op::kEnd}, Name("abc")}),
                           // 1: passive.
                           Cat({Bytes{0x01}, Name("hi")}),
                           // 2: active with an explicit memory index, empty.
                           Cat({Bytes{0x02, 0x00, op::kI32Const, 0x10, op::kEnd}, Name("")}),
                       })),
  });
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  ASSERT_EQ(m->datas.size(), 3u);
  EXPECT_EQ(m->datas[0].mode, SegmentMode::kActive);
  EXPECT_EQ(m->datas[0].memory_index, 0u);
  EXPECT_EQ(BytesOf(*m, m->datas[0].offset_expr.range), (Bytes{op::kI32Const, 0x08, op::kEnd}));
  EXPECT_EQ(BytesOf(*m, m->datas[0].init), (Bytes{'a', 'b', 'c'}));
  EXPECT_EQ(m->datas[1].mode, SegmentMode::kPassive);
  EXPECT_EQ(BytesOf(*m, m->datas[1].init), (Bytes{'h', 'i'}));
  EXPECT_EQ(m->datas[2].mode, SegmentMode::kActive);
  EXPECT_EQ(BytesOf(*m, m->datas[2].offset_expr.range), (Bytes{op::kI32Const, 0x10, op::kEnd}));
  EXPECT_EQ(m->datas[2].init.size(), 0u);
  EXPECT_FALSE(m->data_count.has_value());
}

TEST(DecoderTest, DataSection_PaddedFlags_AreLegal) {
  // From the spec testsuite: an active segment whose flags (2) and memory index (0)
  // take two bytes each.
  Bytes b = ModuleBytes({Section(kMemoryId, Vec({Bytes{0x00, 0x00}})),
                         Section(kDataId, Vec({Bytes{0x82, 0x00, 0x80, 0x00, op::kI32Const, 0x00,
                                                     op::kEnd, 0x00}}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->datas[0].mode, SegmentMode::kActive);
}

TEST(DecoderTest, DataSection_Flags3_IsMalformedDataSegmentKind) {
  // count 10, flags 11.
  Bytes b = ModuleBytes({Section(kDataId, Vec({Bytes{0x03, 0x00}}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedDataSegmentKind, 11));
}

TEST(DecoderTest, DataSection_HostileLength_IsLengthOutOfBounds) {
  // count 10, flags 11, length 12.
  Bytes b = ModuleBytes({Section(kDataId, Cat({Leb(1), Bytes{0x01}, Leb(0xffffffff)}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kLengthOutOfBounds, 12));
}

TEST(DecoderTest, DataCount_MatchingDataSection_IsRecorded) {
  Bytes b = ModuleBytes(
      {Section(kDataCountId, Leb(2)),
       Section(kDataId, Vec({Cat({Bytes{0x01}, Name("a")}), Cat({Bytes{0x01}, Name("b")})}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->data_count, 2u);
  EXPECT_EQ(m->datas.size(), 2u);
}

TEST(DecoderTest, DataCount_DifferentFromDataSection_IsMismatch) {
  // datacount 8..10; data id 11, size 12, count 13; reported after the count.
  Bytes b = ModuleBytes(
      {Section(kDataCountId, Leb(2)), Section(kDataId, Vec({Cat({Bytes{0x01}, Name("a")})}))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kDataCountMismatch, 14));
}

TEST(DecoderTest, DataCount_WithoutDataSection_IsMismatchAtTheEnd) {
  Bytes b = ModuleBytes({Section(kDataCountId, Leb(1))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kDataCountMismatch, 11));
}

TEST(DecoderTest, DataCount_ZeroWithoutDataSection_IsAccepted) {
  auto m = Decode(ModuleBytes({Section(kDataCountId, Leb(0))}));
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->data_count, 0u);
}

// --- Custom sections ------------------------------------------------------------------------

TEST(DecoderTest, CustomSection_AnywhereKeepsNameAndPayload) {
  Bytes b = ModuleBytes({Section(kCustomId, Cat({Name("hello"), Bytes{1, 2, 3}})), kEmptyType,
                         Section(kCustomId, Name("empty")), Section(kFunctionId, Vec({})),
                         Section(kCustomId, Cat({Name("\xe2\x82\xac"), Bytes{9}}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  ASSERT_EQ(m->customs.size(), 3u);
  EXPECT_EQ(m->customs[0].name, "hello");
  // id 8, size 9, name 10..15, payload 16..18.
  EXPECT_EQ(m->customs[0].payload.begin, 16u);
  EXPECT_EQ(m->customs[0].payload.end, 19u);
  EXPECT_EQ(BytesOf(*m, m->customs[0].payload), (Bytes{1, 2, 3}));
  EXPECT_EQ(m->customs[1].name, "empty");
  EXPECT_EQ(m->customs[1].payload.size(), 0u);
  EXPECT_EQ(m->customs[2].name, "\xe2\x82\xac");
  EXPECT_EQ(BytesOf(*m, m->customs[2].payload), Bytes{9});
  EXPECT_EQ(m->types.size(), 1u);
}

TEST(DecoderTest, CustomSection_MalformedUtf8Name_IsMalformedUtf8) {
  Bytes b = ModuleBytes({Section(kCustomId, Name("\xf4\x90\x80\x80"))});
  EXPECT_TRUE(FailsWith(Decode(b), ErrorCode::kMalformedUtf8, 10));
}

TEST(DecoderTest, CustomSection_NameAtTheEnd_IsUnexpectedEnd) {
  // A custom section of size 0 has no room for its name; it is read at the end (10).
  Bytes b = ModuleBytes({Bytes{kCustomId, 0x00}});
  auto m = Decode(b);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().phase(), ErrorPhase::kDecode);
  EXPECT_TRUE(m.error().Message().starts_with("unexpected end")) << m.error().Message();
  EXPECT_EQ(m.error().offset(), 10u);
}

TEST(DecoderTest, CustomSection_NameOverrunningTheSection_IsUnexpectedEnd) {
  // From the spec testsuite (custom.wast): a custom section of size 0 whose name is
  // read from the bytes after it. The reference interpreter then has a negative
  // payload length to skip and reports "unexpected end".
  Bytes b = ModuleBytes({Bytes{0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x07, 0x00, 0x00}});
  auto m = Decode(b);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().phase(), ErrorPhase::kDecode);
  EXPECT_TRUE(m.error().Message().starts_with("unexpected end"))
      << "got " << runw::test::Describe(m.error());
}

// The `name` section (spec 7.4.1) with a module name, function names and a
// subsection the decoder does not read (local names).
Bytes NameSection(const Bytes& func_names_payload) {
  const Bytes module_name = Name("mod");
  const Bytes local_names = Vec({Cat({Leb(0), Vec({Cat({Leb(0), Name("x")})})})});
  return Section(kCustomId, Cat({Name("name"), Bytes{0x00}, Leb(module_name.size()), module_name,
                                 Bytes{0x01}, Leb(func_names_payload.size()), func_names_payload,
                                 Bytes{0x02}, Leb(local_names.size()), local_names}));
}

TEST(DecoderTest, NameSection_GivesModuleAndFunctionNames) {
  Bytes b = ModuleBytes(
      {kEmptyType, Section(kFunctionId, Vec({Leb(0), Leb(0)})),
       Section(kCodeId, Vec({CodeEntry({}, {op::kEnd}), CodeEntry({}, {op::kEnd})})),
       NameSection(Vec({Cat({Leb(0), Name("first")}), Cat({Leb(1), Name("second")})}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  EXPECT_EQ(m->module_name, "mod");
  ASSERT_EQ(m->func_names.size(), 2u);
  EXPECT_EQ(m->func_names.at(0), "first");
  EXPECT_EQ(m->func_names.at(1), "second");
  ASSERT_EQ(m->customs.size(), 1u);
  EXPECT_EQ(m->customs[0].name, "name");
}

TEST(DecoderTest, NameSection_Malformed_IsIgnoredNotAnError) {
  // A function name that is not UTF-8, then a subsection whose size runs past the
  // payload: the name section is advisory, so the module still decodes.
  Bytes bad_names = Vec({Cat({Leb(0), Name("ok")}), Cat({Leb(1), Name("\xff")})});
  Bytes b = ModuleBytes({Section(kCustomId, Cat({Name("name"), Bytes{0x01}, Leb(bad_names.size()),
                                                 bad_names, Bytes{0x00, 0x7f}}))});
  auto m = Decode(b);
  ASSERT_TRUE(Succeeds(m));
  EXPECT_FALSE(m->func_names.contains(1));
  EXPECT_EQ(m->customs.size(), 1u);
}

}  // namespace
}  // namespace runw::wasm
