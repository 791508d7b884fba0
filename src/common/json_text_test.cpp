#include "common/json_text.h"

#include <gtest/gtest.h>

#include "common/utf8.h"

namespace howler {
namespace {

TEST(JsonTextTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonString("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonString("l1\nl2\r\t"), R"("l1\nl2\r\t")");
  EXPECT_EQ(JsonString(std::string_view("\0\x1f\x7f", 3)), R"("\u0000\u001f\u007f")");
}

TEST(JsonTextTest, KeepsUtf8AndReplacesIllFormedBytes) {
  EXPECT_EQ(JsonString("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
  EXPECT_EQ(JsonString("\xFF\xFE"), R"("\ufffd\ufffd")");
  EXPECT_EQ(JsonString("a\xC3"), R"("a\ufffd")");
  EXPECT_EQ(JsonString("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");  // a surrogate
  for (int b = 0; b < 256; ++b) {
    const std::string one(1, static_cast<char>(b));
    EXPECT_TRUE(IsValidUtf8(JsonString(one + "\xE2\x82" + one))) << b;
  }
}

// Plain runs are copied in one piece: the escapes and UTF-8 around and between them keep
// their places, whatever the run lengths.
TEST(JsonTextTest, RunsOfPlainTextAroundEscapesKeepTheirOrder) {
  EXPECT_EQ(JsonString("plain text only"), R"("plain text only")");
  EXPECT_EQ(JsonString("\"quoted\" and \\ back"), R"("\"quoted\" and \\ back")");
  EXPECT_EQ(JsonString("x\n\ny\xC3\xA9z\x01"), "\"x\\n\\ny\xC3\xA9z\\u0001\"");
  std::string out = "prefix:";  // appends after what the string holds
  AppendJsonString(out, "a\"b");
  EXPECT_EQ(out, R"(prefix:"a\"b")");
}

}  // namespace
}  // namespace howler
