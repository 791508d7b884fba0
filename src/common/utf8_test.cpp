#include "common/utf8.h"

#include <gtest/gtest.h>

namespace howler {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("laptop"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));                           // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));                               // U+D7FF
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xFF\xFE"));
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("ok\xC3("));  // bad continuation
}

// ASCII is checked eight bytes at a time: a bad byte is found at every offset of a word,
// and a sequence straddling two words is still checked whole.
TEST(Utf8Test, FindsMalformedBytesAtEveryOffsetOfLongAsciiText) {
  const std::string ascii(40, 'a');
  for (std::size_t at = 0; at <= ascii.size(); ++at) {
    std::string bad = ascii;
    bad.insert(at, "\xFF");
    EXPECT_FALSE(IsValidUtf8(bad)) << at;
    std::string truncated = ascii;
    truncated.insert(at, "\xE2\x82");
    EXPECT_FALSE(IsValidUtf8(truncated)) << at;
    std::string good = ascii;
    good.insert(at, "\xE2\x82\xAC");
    EXPECT_TRUE(IsValidUtf8(good)) << at;
  }
}

TEST(Utf8Test, CleanTextHasNoControlCharacters) {
  EXPECT_TRUE(IsCleanText("Ada's laptop \xC3\xA9"));
  EXPECT_FALSE(IsCleanText(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsCleanText("a\nb"));
  EXPECT_FALSE(IsCleanText("a\tb"));
  EXPECT_FALSE(IsCleanText("a\x7F"));
  EXPECT_FALSE(IsCleanText("a\xC2\x85"));  // U+0085 NEL
  EXPECT_TRUE(IsCleanText("a\xC2\xA0"));   // U+00A0 is not a control
  EXPECT_FALSE(IsCleanText("\xFF"));
}

TEST(Utf8Test, CheckTextFieldNamesTheField) {
  EXPECT_TRUE(CheckTextField("device_id", "laptop", 1, 128).ok());
  const Status bad = CheckTextField("device_id", "\xFF\xFE", 1, 128);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("device_id"), std::string::npos);
  EXPECT_FALSE(CheckTextField("device_id", "", 1, 128).ok());
  EXPECT_FALSE(CheckTextField("device_id", std::string(129, 'a'), 1, 128).ok());
  EXPECT_TRUE(CheckTextField("device_id", std::string(128, 'a'), 1, 128).ok());
}

TEST(Utf8Test, ToCleanTextReplacesAndCuts) {
  EXPECT_EQ(ToCleanText("Mozilla/5.0", 512), "Mozilla/5.0");
  EXPECT_EQ(ToCleanText("a\xFF"
                        "b",
                        512),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToCleanText("a\r\nb", 512), "a  b");
  EXPECT_EQ(ToCleanText("\xC3\xA9\xC3\xA9", 3), "\xC3\xA9");  // never splits a character
  EXPECT_EQ(ToCleanText(std::string(600, 'x'), 512).size(), 512u);
  for (int b = 0; b < 256; ++b) {
    const std::string one(1, static_cast<char>(b));
    EXPECT_TRUE(IsCleanText(ToCleanText(one + "\xE2\x82" + one, 16))) << b;
  }
}

}  // namespace
}  // namespace howler
