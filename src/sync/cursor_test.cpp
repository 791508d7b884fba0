#include "sync/cursor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "common/crypto.h"

namespace howler::sync {
namespace {

// The cursor bytes for `seq` with a given version and a correct or broken checksum.
std::string RawCursor(char version, std::uint64_t seq, bool good_checksum = true) {
  std::string bytes(1, version);
  for (int shift = 56; shift >= 0; shift -= 8) {
    bytes += static_cast<char>((seq >> shift) & 0xFF);
  }
  std::string checksum = Sha256(bytes).substr(0, 4);
  if (!good_checksum) {
    checksum[0] = static_cast<char>(checksum[0] ^ 1);
  }
  return bytes + checksum;
}

void ExpectInvalid(std::string_view text) {
  Result<Cursor> cursor = DecodeCursor(text);
  ASSERT_FALSE(cursor.ok()) << text;
  EXPECT_EQ(cursor.status().code(), StatusCode::kInvalidArgument) << text;
  EXPECT_EQ(cursor.status().message(), "invalid cursor") << text;
}

TEST(CursorTest, RoundTrips) {
  for (std::int64_t seq : {std::int64_t{0}, std::int64_t{1}, std::int64_t{255},
                           std::int64_t{1} << 40, std::numeric_limits<std::int64_t>::max()}) {
    const std::string text = EncodeCursor(Cursor{seq});
    EXPECT_EQ(text.size(), 18u);
    EXPECT_EQ(
        text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << text;
    Result<Cursor> decoded = DecodeCursor(text);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded->seq, seq);
  }
}

TEST(CursorTest, MatchesTheDocumentedLayout) {
  EXPECT_EQ(EncodeCursor(Cursor{0x0102030405060708}),
            Base64UrlEncode(RawCursor(0x01, 0x0102030405060708)));
}

TEST(CursorTest, RejectsGarbage) {
  for (std::string_view text : {"", "x", "not a cursor at all", "!!!!!!!!!!!!!!!!!!",
                                "AAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAA"}) {
    ExpectInvalid(text);
  }
}

TEST(CursorTest, RejectsWrongLength) {
  const std::string good = RawCursor(0x01, 5);
  ExpectInvalid(Base64UrlEncode(good.substr(0, 12)));
  ExpectInvalid(Base64UrlEncode(good + "x"));
  ExpectInvalid(EncodeCursor(Cursor{5}) + "A");
  ExpectInvalid(EncodeCursor(Cursor{5}).substr(0, 17));
}

TEST(CursorTest, RejectsPaddedSpelling) {
  const std::string text = EncodeCursor(Cursor{5});
  ASSERT_TRUE(Base64UrlDecode(text + "==").ok());  // the decoder alone would accept it
  ExpectInvalid(text + "==");
}

TEST(CursorTest, RejectsWrongVersion) {
  ExpectInvalid(Base64UrlEncode(RawCursor(0x00, 5)));
  ExpectInvalid(Base64UrlEncode(RawCursor(0x02, 5)));
}

TEST(CursorTest, RejectsBadChecksum) {
  ExpectInvalid(Base64UrlEncode(RawCursor(0x01, 5, false)));
  // A flipped bit in the sequence.
  std::string bytes = RawCursor(0x01, 5);
  bytes[8] = static_cast<char>(bytes[8] ^ 0x02);
  ExpectInvalid(Base64UrlEncode(bytes));
}

TEST(CursorTest, RejectsNegativeSequence) {
  ExpectInvalid(Base64UrlEncode(RawCursor(0x01, std::uint64_t{1} << 63)));
  ExpectInvalid(Base64UrlEncode(RawCursor(0x01, ~std::uint64_t{0})));
}

TEST(CursorTest, RejectsNonCanonicalTrailingBits) {
  // 13 bytes leave 4 unused bits in the last character; setting them is another spelling.
  std::string text = EncodeCursor(Cursor{5});
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::size_t last = alphabet.find(text.back());
  ASSERT_NE(last, std::string::npos);
  text.back() = alphabet[last ^ 1];
  ExpectInvalid(text);
}

// Cursors compare by sequence; their strings promise no order, so callers must decode.
TEST(CursorTest, OrderComesFromTheSequenceNotTheText) {
  EXPECT_LT(Cursor{1}, Cursor{2});
  EXPECT_EQ(Cursor{7}, Cursor{7});
  bool text_order_differs = false;
  for (std::int64_t seq = 1; seq < 64 && !text_order_differs; ++seq) {
    text_order_differs = EncodeCursor(Cursor{seq}) < EncodeCursor(Cursor{seq - 1});
  }
  EXPECT_TRUE(text_order_differs);
}

}  // namespace
}  // namespace howler::sync
