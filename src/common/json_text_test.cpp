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

}  // namespace
}  // namespace howler
