#include "email/mime_encoding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "common/crypto.h"
#include "common/time_format.h"

namespace howler::email {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The text inside RFC 2047 encoded words, decoded and joined.
std::string DecodeWords(const std::string& header) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const std::size_t begin = pos + 10;
    const std::size_t end = header.find("?=", begin);
    auto decoded = Base64Decode(header.substr(begin, end - begin));
    EXPECT_TRUE(decoded.ok());
    if (decoded.ok()) out += *decoded;
    pos = end + 2;
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text, const std::string& separator) {
  std::vector<std::string> out;
  std::size_t begin = 0, end;
  while ((end = text.find(separator, begin)) != std::string::npos) {
    out.push_back(text.substr(begin, end - begin));
    begin = end + separator.size();
  }
  out.push_back(text.substr(begin));
  return out;
}

TEST(EncodeHeaderTextTest, LeavesPrintableAsciiAlone) {
  EXPECT_EQ(EncodeHeaderText("Verify your email for Howlerops"), "Verify your email for Howlerops");
}

TEST(EncodeHeaderTextTest, EncodesUtf8AsBase64Words) {
  const std::string encoded = EncodeHeaderText("Bienvenue à Howlerops");
  EXPECT_THAT(encoded, StartsWith("=?UTF-8?B?"));
  EXPECT_EQ(DecodeWords(encoded), "Bienvenue à Howlerops");
}

TEST(EncodeHeaderTextTest, SplitsLongTextAtCharacterBoundaries) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "é🐺";  // 2- and 4-byte characters
  const std::string encoded = EncodeHeaderText(text);
  const std::vector<std::string> lines = Lines(encoded, "\r\n ");
  ASSERT_GT(lines.size(), 1u);
  for (const std::string& line : lines) {
    EXPECT_LE(line.size(), 75u) << line;
    const std::string word = DecodeWords(line);
    ASSERT_FALSE(word.empty());
    EXPECT_NE(static_cast<unsigned char>(word.front()) & 0xC0, 0x80) << "split inside a char";
  }
  EXPECT_EQ(DecodeWords(encoded), text);
}

TEST(EncodeHeaderTextTest, NeverLetsALineBreakThrough) {
  const std::string encoded = EncodeHeaderText("Hi\r\nBcc: eve@example.com");
  EXPECT_EQ(encoded, "Hi  Bcc: eve@example.com");
  const std::string utf8 = EncodeHeaderText("é\r\nBcc: eve@example.com");
  EXPECT_THAT(utf8, Not(HasSubstr("\r\nBcc")));
  EXPECT_EQ(DecodeWords(utf8), "é  Bcc: eve@example.com");
}

TEST(EncodeHeaderTextTest, EncodesTextThatLooksLikeAnEncodedWord) {
  EXPECT_EQ(DecodeWords(EncodeHeaderText("=?x?=")), "=?x?=");
}

TEST(QuoteDisplayNameTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(QuoteDisplayName("Howlerops"), "Howlerops");
  EXPECT_EQ(QuoteDisplayName("Howler Ops"), "Howler Ops");
  EXPECT_EQ(QuoteDisplayName("Howler, Inc."), "\"Howler, Inc.\"");
  EXPECT_EQ(QuoteDisplayName("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(QuoteDisplayName("Evil\r\n<x>"), "\"Evil<x>\"");
}

TEST(FormatMailboxTest, CombinesNameAndAddress) {
  EXPECT_EQ(FormatMailbox("Howlerops", "noreply@example.com"), "Howlerops <noreply@example.com>");
  EXPECT_EQ(FormatMailbox("", "noreply@example.com"), "noreply@example.com");
  EXPECT_EQ(FormatMailbox("Howler, Inc.", "n@example.com"), "\"Howler, Inc.\" <n@example.com>");
  const std::string utf8 = FormatMailbox("Hówler", "n@example.com");
  EXPECT_THAT(utf8, StartsWith("=?UTF-8?B?"));
  EXPECT_EQ(DecodeWords(utf8), "Hówler");
}

TEST(FormatRfc5322DateTest, FormatsUtcInEnglish) {
  auto t = ParseRfc3339("2025-11-25T13:59:07.999Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatRfc5322Date(*t), "Tue, 25 Nov 2025 13:59:07 +0000");
  auto leap = ParseRfc3339("2024-02-29T00:00:00Z");
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(FormatRfc5322Date(*leap), "Thu, 29 Feb 2024 00:00:00 +0000");
}

TEST(ToCrlfTest, NormalizesEveryKindOfLineEnd) {
  EXPECT_EQ(ToCrlf("a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
  EXPECT_EQ(ToCrlf("\n\n"), "\r\n\r\n");
  EXPECT_EQ(ToCrlf("plain"), "plain");
}

TEST(Base64LinesTest, WrapsAt76Characters) {
  const std::string data(200, 'x');
  const std::string wrapped = Base64Lines(data);
  std::string joined;
  for (const std::string& line : Lines(wrapped, "\r\n")) {
    EXPECT_LE(line.size(), 76u);
    joined += line;
  }
  auto decoded = Base64Decode(joined);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, data);
  EXPECT_EQ(wrapped.substr(wrapped.size() - 2), "\r\n");
  EXPECT_EQ(Base64Lines(""), "");
}

}  // namespace
}  // namespace howler::email
