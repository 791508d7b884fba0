#include "email/escaping.h"

#include <gtest/gtest.h>

namespace howler::email {
namespace {

TEST(HtmlEscapeTest, EscapesMarkupCharacters) {
  EXPECT_EQ(HtmlEscape("<script>alert('x' & \"y\")</script>"),
            "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
}

TEST(HtmlEscapeTest, LeavesPlainAndUtf8TextAlone) {
  EXPECT_EQ(HtmlEscape("alice"), "alice");
  EXPECT_EQ(HtmlEscape("Zoë 🐺"), "Zoë 🐺");
  EXPECT_EQ(HtmlEscape(""), "");
}

TEST(UrlEncodeComponentTest, KeepsUnreservedCharacters) {
  EXPECT_EQ(UrlEncodeComponent("AZaz09-._~"), "AZaz09-._~");
}

TEST(UrlEncodeComponentTest, EncodesEverythingElse) {
  EXPECT_EQ(UrlEncodeComponent("a+b/c=d&e f?#%"), "a%2Bb%2Fc%3Dd%26e%20f%3F%23%25");
  EXPECT_EQ(UrlEncodeComponent("é"), "%C3%A9");
  EXPECT_EQ(UrlEncodeComponent(std::string("\0\n", 2)), "%00%0A");
}

}  // namespace
}  // namespace howler::email
