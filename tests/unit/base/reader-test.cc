// Tests of the byte reader: the LEB128 forms of spec 5.2.2, fixed-width reads,
// length checks and UTF-8 validation (spec 5.2.4).
//
// Error offsets are asserted exactly: the decoder's diagnostics and the spec
// testsuite's expectations both depend on where a bad integer is reported (at its
// first byte) and where a truncated one is (at the end of the readable region).
#include "base/reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "test-support.h"

namespace runw {
namespace {

using test::FailsWith;
using test::Succeeds;
using Bytes = std::vector<uint8_t>;

Reader Over(const Bytes& bytes, ErrorCode eos = ErrorCode::kUnexpectedEnd) {
  return Reader(std::span<const uint8_t>(bytes), eos);
}

// Reads one value with `Method` from the whole of `bytes` and checks that it equals
// `expected` and that the encoding was consumed completely.
template <auto Method, typename T>
void ExpectReads(const Bytes& bytes, T expected) {
  Reader r = Over(bytes);
  auto v = (r.*Method)();
  ASSERT_TRUE(Succeeds(v));
  EXPECT_EQ(*v, expected);
  EXPECT_EQ(r.pos(), bytes.size()) << "the whole encoding must be consumed";
}

// Reads one value with `Method` after skipping `skip` bytes, so that an offset of 0
// cannot pass by accident, and checks the error.
template <auto Method>
void ExpectError(const Bytes& bytes, size_t skip, ErrorCode code, uint32_t offset) {
  Reader r(bytes.data(), skip, bytes.size(), ErrorCode::kUnexpectedEnd);
  EXPECT_TRUE(FailsWith((r.*Method)(), code, offset));
}

// --- u32 -------------------------------------------------------------------------

TEST(ReaderTest, U32_OneByteValues) {
  ExpectReads<&Reader::U32>({0x00}, 0u);
  ExpectReads<&Reader::U32>({0x01}, 1u);
  ExpectReads<&Reader::U32>({0x7f}, 127u);
}

TEST(ReaderTest, U32_MultiByteValues) {
  ExpectReads<&Reader::U32>({0x80, 0x01}, 128u);
  ExpectReads<&Reader::U32>({0xe5, 0x8e, 0x26}, 624485u);
  ExpectReads<&Reader::U32>({0xff, 0xff, 0xff, 0xff, 0x0f}, 0xffffffffu);
  ExpectReads<&Reader::U32>({0x80, 0x80, 0x80, 0x80, 0x08}, 0x80000000u);
}

TEST(ReaderTest, U32_PaddedEncodings_AreLegal) {
  // Trailing 0x80/0x00 padding is allowed up to the maximum length (5 bytes).
  ExpectReads<&Reader::U32>({0x80, 0x00}, 0u);
  ExpectReads<&Reader::U32>({0x81, 0x80, 0x00}, 1u);
  ExpectReads<&Reader::U32>({0x80, 0x80, 0x80, 0x80, 0x00}, 0u);
  ExpectReads<&Reader::U32>({0xff, 0x80, 0x80, 0x80, 0x00}, 127u);
}

TEST(ReaderTest, U32_SixthByte_IsRepresentationTooLong) {
  ExpectError<&Reader::U32>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 1,
                            ErrorCode::kIntRepresentationTooLong, 1);
  ExpectError<&Reader::U32>({0xaa, 0xff, 0xff, 0xff, 0xff, 0x8f, 0x00}, 1,
                            ErrorCode::kIntRepresentationTooLong, 1);
}

TEST(ReaderTest, U32_UnusedBitsOfLastByte_AreTooLarge) {
  // The fifth byte carries only 4 value bits; any of the upper 3 set overflows.
  ExpectError<&Reader::U32>({0xaa, 0xff, 0xff, 0xff, 0xff, 0x1f}, 1, ErrorCode::kIntTooLarge, 1);
  ExpectError<&Reader::U32>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x10}, 1, ErrorCode::kIntTooLarge, 1);
  ExpectError<&Reader::U32>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x70}, 1, ErrorCode::kIntTooLarge, 1);
}

TEST(ReaderTest, U32_Truncated_ReportsEosCodeAtEnd) {
  ExpectError<&Reader::U32>({}, 0, ErrorCode::kUnexpectedEnd, 0);
  ExpectError<&Reader::U32>({0xaa, 0x80}, 1, ErrorCode::kUnexpectedEnd, 2);
  ExpectError<&Reader::U32>({0xaa, 0xff, 0xff, 0xff, 0xff}, 1, ErrorCode::kUnexpectedEnd, 5);
}

TEST(ReaderTest, U32_Truncated_UsesTheOwnersEosCode) {
  Bytes b{0x80, 0x80};
  Reader r = Over(b, ErrorCode::kUnexpectedEndOfSection);
  EXPECT_TRUE(FailsWith(r.U32(), ErrorCode::kUnexpectedEndOfSection, 2));
}

TEST(ReaderTest, U32_RegionEnd_StopsAContinuedEncoding) {
  // The region is [1, 3): the byte at 3 would complete the integer but lies outside.
  Bytes b{0xaa, 0x80, 0x80, 0x01};
  Reader r(b.data(), 1, 3, ErrorCode::kUnexpectedEndOfSection);
  EXPECT_TRUE(FailsWith(r.U32(), ErrorCode::kUnexpectedEndOfSection, 3));
}

// --- u1 (the one-bit flags of limits) ---------------------------------------------

TEST(ReaderTest, U1_ZeroAndOne) {
  ExpectReads<&Reader::U1>({0x00}, 0u);
  ExpectReads<&Reader::U1>({0x01}, 1u);
}

TEST(ReaderTest, U1_OtherValues_AreTooLarge) {
  ExpectError<&Reader::U1>({0xaa, 0x02}, 1, ErrorCode::kIntTooLarge, 1);
  ExpectError<&Reader::U1>({0xaa, 0x7f}, 1, ErrorCode::kIntTooLarge, 1);
}

TEST(ReaderTest, U1_ContinuationBit_IsRepresentationTooLong) {
  // A u1 has room for one byte only, so even a padded 0 is too long.
  ExpectError<&Reader::U1>({0xaa, 0x80, 0x00}, 1, ErrorCode::kIntRepresentationTooLong, 1);
  ExpectError<&Reader::U1>({0xaa, 0x81, 0x00}, 1, ErrorCode::kIntRepresentationTooLong, 1);
}

TEST(ReaderTest, U1_Empty_IsUnexpectedEnd) {
  ExpectError<&Reader::U1>({0xaa}, 1, ErrorCode::kUnexpectedEnd, 1);
}

// --- s32 -------------------------------------------------------------------------

TEST(ReaderTest, S32_OneByteValues_SignExtendFromBit6) {
  ExpectReads<&Reader::S32>({0x00}, 0);
  ExpectReads<&Reader::S32>({0x3f}, 63);
  ExpectReads<&Reader::S32>({0x40}, -64);
  ExpectReads<&Reader::S32>({0x7f}, -1);
}

TEST(ReaderTest, S32_MultiByteValues) {
  ExpectReads<&Reader::S32>({0xc0, 0x00}, 64);
  ExpectReads<&Reader::S32>({0x80, 0x7f}, -128);
  ExpectReads<&Reader::S32>({0xc0, 0xbb, 0x78}, -123456);
}

TEST(ReaderTest, S32_Extremes) {
  ExpectReads<&Reader::S32>({0xff, 0xff, 0xff, 0xff, 0x07}, std::numeric_limits<int32_t>::max());
  ExpectReads<&Reader::S32>({0x80, 0x80, 0x80, 0x80, 0x78}, std::numeric_limits<int32_t>::min());
}

TEST(ReaderTest, S32_PaddedEncodings_AreLegal) {
  ExpectReads<&Reader::S32>({0x80, 0x00}, 0);
  ExpectReads<&Reader::S32>({0xff, 0x7f}, -1);
  ExpectReads<&Reader::S32>({0x80, 0x80, 0x80, 0x80, 0x00}, 0);
  ExpectReads<&Reader::S32>({0xff, 0xff, 0xff, 0xff, 0x7f}, -1);
}

TEST(ReaderTest, S32_SixthByte_IsRepresentationTooLong) {
  ExpectError<&Reader::S32>({0xaa, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, 1,
                            ErrorCode::kIntRepresentationTooLong, 1);
  ExpectError<&Reader::S32>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 1,
                            ErrorCode::kIntRepresentationTooLong, 1);
}

TEST(ReaderTest, S32_UnusedBitsNotMatchingSign_AreTooLarge) {
  // Fifth byte: bits 0-3 are value bits (bit 3 is the sign), bits 4-6 must copy it.
  // Sign 1, unused 000: 2^31, one past the maximum.
  ExpectError<&Reader::S32>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x08}, 1, ErrorCode::kIntTooLarge, 1);
  ExpectError<&Reader::S32>({0xaa, 0xff, 0xff, 0xff, 0xff, 0x0f}, 1, ErrorCode::kIntTooLarge, 1);
  // Sign 0, unused 111.
  ExpectError<&Reader::S32>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x70}, 1, ErrorCode::kIntTooLarge, 1);
  // Sign 1, unused bits only partly set.
  ExpectError<&Reader::S32>({0xaa, 0xff, 0xff, 0xff, 0xff, 0x4f}, 1, ErrorCode::kIntTooLarge, 1);
}

TEST(ReaderTest, S32_Truncated_ReportsEosCodeAtEnd) {
  ExpectError<&Reader::S32>({0xaa}, 1, ErrorCode::kUnexpectedEnd, 1);
  ExpectError<&Reader::S32>({0xaa, 0xff, 0xff}, 1, ErrorCode::kUnexpectedEnd, 3);
}

// --- s33 (block types) ------------------------------------------------------------

TEST(ReaderTest, S33_Values) {
  ExpectReads<&Reader::S33>({0x40}, int64_t{-64});
  ExpectReads<&Reader::S33>({0x05}, int64_t{5});
  // 2^32 - 1 and -2^32, the extremes of 33 bits.
  ExpectReads<&Reader::S33>({0xff, 0xff, 0xff, 0xff, 0x0f}, int64_t{0xffffffff});
  ExpectReads<&Reader::S33>({0x80, 0x80, 0x80, 0x80, 0x70}, -int64_t{0x100000000});
  ExpectReads<&Reader::S33>({0xff, 0xff, 0xff, 0xff, 0x7f}, int64_t{-1});
  ExpectReads<&Reader::S33>({0x80, 0x80, 0x80, 0x80, 0x00}, int64_t{0});
}

TEST(ReaderTest, S33_UnusedBitsNotMatchingSign_AreTooLarge) {
  // Fifth byte: bits 0-4 are value bits (bit 4 is the sign), bits 5-6 must copy it.
  ExpectError<&Reader::S33>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x10}, 1, ErrorCode::kIntTooLarge, 1);
  ExpectError<&Reader::S33>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x20}, 1, ErrorCode::kIntTooLarge, 1);
  ExpectError<&Reader::S33>({0xaa, 0xff, 0xff, 0xff, 0xff, 0x1f}, 1, ErrorCode::kIntTooLarge, 1);
}

TEST(ReaderTest, S33_SixthByte_IsRepresentationTooLong) {
  ExpectError<&Reader::S33>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 1,
                            ErrorCode::kIntRepresentationTooLong, 1);
}

// --- s64 -------------------------------------------------------------------------

TEST(ReaderTest, S64_Extremes) {
  ExpectReads<&Reader::S64>({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00},
                            std::numeric_limits<int64_t>::max());
  ExpectReads<&Reader::S64>({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f},
                            std::numeric_limits<int64_t>::min());
}

TEST(ReaderTest, S64_ShortAndPaddedValues) {
  ExpectReads<&Reader::S64>({0x7f}, int64_t{-1});
  ExpectReads<&Reader::S64>({0x80, 0x80, 0x80, 0x80, 0x10}, int64_t{1} << 32);
  ExpectReads<&Reader::S64>({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
                            int64_t{-1});
  ExpectReads<&Reader::S64>({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
                            int64_t{0});
}

TEST(ReaderTest, S64_UnusedBitsNotMatchingSign_AreTooLarge) {
  // The tenth byte has one value bit (the sign); bits 1-6 must copy it.
  ExpectError<&Reader::S64>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 1,
                            ErrorCode::kIntTooLarge, 1);
  ExpectError<&Reader::S64>({0xaa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7e}, 1,
                            ErrorCode::kIntTooLarge, 1);
  ExpectError<&Reader::S64>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02}, 1,
                            ErrorCode::kIntTooLarge, 1);
}

TEST(ReaderTest, S64_EleventhByte_IsRepresentationTooLong) {
  ExpectError<&Reader::S64>(
      {0xaa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, 1,
      ErrorCode::kIntRepresentationTooLong, 1);
}

TEST(ReaderTest, S64_Truncated_ReportsEosCodeAtEnd) {
  ExpectError<&Reader::S64>({0xaa, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80}, 1,
                            ErrorCode::kUnexpectedEnd, 10);
}

// --- fixed-width reads, raw bytes ----------------------------------------------------

TEST(ReaderTest, FixedWidth_AreLittleEndian) {
  Bytes b{0x00, 0x61, 0x73, 0x6d, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  Reader r = Over(b);
  auto magic = r.U32Fixed();
  ASSERT_TRUE(Succeeds(magic));
  EXPECT_EQ(*magic, 0x6d736100u);
  auto wide = r.U64Fixed();
  ASSERT_TRUE(Succeeds(wide));
  EXPECT_EQ(*wide, 0x0807060504030201u);
  EXPECT_TRUE(r.AtEnd());
}

TEST(ReaderTest, FixedWidth_Truncated_ReportsEndAndDoesNotAdvance) {
  Bytes b{0x01, 0x02, 0x03};
  Reader r = Over(b, ErrorCode::kUnexpectedEndOfSection);
  EXPECT_TRUE(FailsWith(r.U32Fixed(), ErrorCode::kUnexpectedEndOfSection, 3));
  EXPECT_EQ(r.pos(), 0u);
  EXPECT_TRUE(FailsWith(r.U64Fixed(), ErrorCode::kUnexpectedEndOfSection, 3));
}

TEST(ReaderTest, U8_AtEnd_ReportsEosCode) {
  Bytes b{0x2a};
  Reader r = Over(b);
  auto v = r.U8();
  ASSERT_TRUE(Succeeds(v));
  EXPECT_EQ(*v, 0x2a);
  EXPECT_TRUE(FailsWith(r.U8(), ErrorCode::kUnexpectedEnd, 1));
  r.set_eos_code(ErrorCode::kUnexpectedEndOfSection);
  EXPECT_EQ(r.eos_code(), ErrorCode::kUnexpectedEndOfSection);
  EXPECT_TRUE(FailsWith(r.U8(), ErrorCode::kUnexpectedEndOfSection, 1));
}

TEST(ReaderTest, Bytes_ReturnsAViewAndAdvances) {
  Bytes b{0x01, 0x02, 0x03, 0x04};
  Reader r = Over(b);
  auto span = r.Bytes(3);
  ASSERT_TRUE(Succeeds(span));
  ASSERT_EQ(span->size(), 3u);
  EXPECT_EQ(span->data(), b.data()) << "a view into the buffer, not a copy";
  EXPECT_EQ(r.pos(), 3u);
  EXPECT_EQ(r.remaining(), 1u);
  EXPECT_TRUE(FailsWith(r.Bytes(2), ErrorCode::kUnexpectedEnd, 4));
  EXPECT_EQ(r.pos(), 3u);
}

// --- Length() ----------------------------------------------------------------------

TEST(ReaderTest, Length_WithinBuffer_IsReturned) {
  Bytes b{0x03, 'a', 'b', 'c'};
  Reader r = Over(b);
  auto n = r.Length();
  ASSERT_TRUE(Succeeds(n));
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(r.pos(), 1u);
}

TEST(ReaderTest, Length_CountsFromItsOwnEncoding) {
  // 4 is one more than the bytes after the length, but not more than the bytes from
  // the length's first byte: the reference interpreter's rule accepts it, leaving
  // the shortfall to be reported as "unexpected end" by the read that follows.
  Bytes b{0x04, 'a', 'b', 'c'};
  Reader r = Over(b);
  auto n = r.Length();
  ASSERT_TRUE(Succeeds(n));
  EXPECT_EQ(*n, 4u);
  EXPECT_TRUE(FailsWith(r.Bytes(*n), ErrorCode::kUnexpectedEnd, 4));
}

TEST(ReaderTest, Length_PastTheBuffer_IsOutOfBoundsAtTheLength) {
  Bytes b{0xaa, 0x05, 'a', 'b', 'c'};
  Reader r(b.data(), 1, b.size(), ErrorCode::kUnexpectedEnd);
  EXPECT_TRUE(FailsWith(r.Length(), ErrorCode::kLengthOutOfBounds, 1));
}

TEST(ReaderTest, Length_HostileCount_IsOutOfBounds) {
  Bytes b{0xff, 0xff, 0xff, 0xff, 0x0f, 0x00};
  Reader r = Over(b);
  EXPECT_TRUE(FailsWith(r.Length(), ErrorCode::kLengthOutOfBounds, 0));
}

TEST(ReaderTest, Length_BadEncoding_PropagatesLebError) {
  Bytes b{0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r = Over(b);
  EXPECT_TRUE(FailsWith(r.Length(), ErrorCode::kIntRepresentationTooLong, 0));
}

// --- IsValidUtf8 ---------------------------------------------------------------------

bool Utf8(std::initializer_list<uint8_t> bytes) {
  Bytes b(bytes);
  return IsValidUtf8(b);
}

TEST(IsValidUtf8Test, AsciiAndEmpty_AreValid) {
  EXPECT_TRUE(Utf8({}));
  EXPECT_TRUE(Utf8({'a', 'b', 0x00, 0x7f}));
}

TEST(IsValidUtf8Test, MultibyteSequences_AreValid) {
  EXPECT_TRUE(Utf8({0xc2, 0x80}));              // U+0080, smallest 2-byte
  EXPECT_TRUE(Utf8({0xdf, 0xbf}));              // U+07FF
  EXPECT_TRUE(Utf8({0xe0, 0xa0, 0x80}));        // U+0800, smallest 3-byte
  EXPECT_TRUE(Utf8({0xe2, 0x82, 0xac}));        // U+20AC euro sign
  EXPECT_TRUE(Utf8({0xed, 0x9f, 0xbf}));        // U+D7FF, just below the surrogates
  EXPECT_TRUE(Utf8({0xee, 0x80, 0x80}));        // U+E000, just above them
  EXPECT_TRUE(Utf8({0xef, 0xbf, 0xbf}));        // U+FFFF
  EXPECT_TRUE(Utf8({0xf0, 0x90, 0x80, 0x80}));  // U+10000, smallest 4-byte
  EXPECT_TRUE(Utf8({0xf0, 0x9f, 0x98, 0x80}));  // U+1F600
  EXPECT_TRUE(Utf8({0xf4, 0x8f, 0xbf, 0xbf}));  // U+10FFFF, the last code point
  EXPECT_TRUE(Utf8({'x', 0xc3, 0xa9, 'y', 0xe2, 0x82, 0xac}));
}

TEST(IsValidUtf8Test, OverlongForms_AreInvalid) {
  EXPECT_FALSE(Utf8({0xc0, 0x80}));              // U+0000 in 2 bytes
  EXPECT_FALSE(Utf8({0xc1, 0xbf}));              // U+007F in 2 bytes
  EXPECT_FALSE(Utf8({0xe0, 0x80, 0x80}));        // U+0000 in 3 bytes
  EXPECT_FALSE(Utf8({0xe0, 0x9f, 0xbf}));        // U+07FF in 3 bytes
  EXPECT_FALSE(Utf8({0xf0, 0x80, 0x80, 0x80}));  // U+0000 in 4 bytes
  EXPECT_FALSE(Utf8({0xf0, 0x8f, 0xbf, 0xbf}));  // U+FFFF in 4 bytes
}

TEST(IsValidUtf8Test, Surrogates_AreInvalid) {
  EXPECT_FALSE(Utf8({0xed, 0xa0, 0x80}));  // U+D800
  EXPECT_FALSE(Utf8({0xed, 0xbf, 0xbf}));  // U+DFFF
  // A CESU-8 style surrogate pair is two invalid code points, not one valid one.
  EXPECT_FALSE(Utf8({0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80}));
}

TEST(IsValidUtf8Test, BeyondU10FFFF_IsInvalid) {
  EXPECT_FALSE(Utf8({0xf4, 0x90, 0x80, 0x80}));              // U+110000
  EXPECT_FALSE(Utf8({0xf7, 0xbf, 0xbf, 0xbf}));              // U+1FFFFF
  EXPECT_FALSE(Utf8({0xf8, 0x88, 0x80, 0x80, 0x80}));        // old 5-byte form
  EXPECT_FALSE(Utf8({0xfc, 0x84, 0x80, 0x80, 0x80, 0x80}));  // old 6-byte form
  EXPECT_FALSE(Utf8({0xfe}));
  EXPECT_FALSE(Utf8({0xff}));
}

TEST(IsValidUtf8Test, TruncatedSequences_AreInvalid) {
  EXPECT_FALSE(Utf8({0xc2}));
  EXPECT_FALSE(Utf8({0xe2, 0x82}));
  EXPECT_FALSE(Utf8({0xf0, 0x9f, 0x98}));
  EXPECT_FALSE(Utf8({'a', 0xf0}));
}

TEST(IsValidUtf8Test, BadContinuationBytes_AreInvalid) {
  EXPECT_FALSE(Utf8({0x80}));  // continuation without a lead byte
  EXPECT_FALSE(Utf8({0xbf, 'a'}));
  EXPECT_FALSE(Utf8({0xc2, 'a'}));         // lead byte followed by ASCII
  EXPECT_FALSE(Utf8({0xe2, 0x82, 0xc0}));  // lead byte where a continuation belongs
  EXPECT_FALSE(Utf8({0xf0, 0x9f, 0x98, 0x41}));
}

}  // namespace
}  // namespace runw
