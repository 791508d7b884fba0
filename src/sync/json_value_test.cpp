#include "sync/json_value.h"

#include <gtest/gtest.h>

#include <random>

namespace howler::sync {
namespace {

TEST(JsonValueTest, RoundTripsCompactText) {
  const std::string text =
      R"({"a":1,"b":[true,false,null,-2.5e3,"x"],"c":{"d":"\"q\"\\\n"},"e":{}})";
  auto parsed = ParseJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(SerializeJson(*parsed), text);
}

TEST(JsonValueTest, KeepsMemberOrderAndLastOfRepeatedKeys) {
  auto parsed = ParseJson(R"({ "z": 1, "a": 2, "z": 3 })");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(SerializeJson(*parsed), R"({"z":3,"a":2})");
}

TEST(JsonValueTest, DecodesEscapesToUtf8) {
  auto parsed = ParseJson(R"("\u00e9\ud83d\ude00\/")");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text(), "\xC3\xA9\xF0\x9F\x98\x80/");
}

TEST(JsonValueTest, RejectsMalformedText) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"\\x\"",
                          "\"\\ud800\"", "{} x", "\"a\nb\"", "{'a':1}", "1e"}) {
    EXPECT_FALSE(ParseJson(bad).ok()) << bad;
  }
}

TEST(JsonValueTest, LimitsNesting) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(ParseJson(deep, 64).ok());
  EXPECT_TRUE(ParseJson(deep, 100).ok());
}

TEST(JsonValueTest, SetFindEraseOnObjects) {
  JsonValue o = JsonValue::Object();
  o.Set("a", JsonValue::Number("1"));
  o.Set("b", JsonValue::String("x"));
  o.Set("a", JsonValue::Bool(true));
  ASSERT_NE(o.Find("a"), nullptr);
  EXPECT_TRUE(o.Find("a")->bool_value());
  EXPECT_TRUE(o.Erase("a"));
  EXPECT_FALSE(o.Erase("a"));
  EXPECT_EQ(SerializeJson(o), R"({"b":"x"})");
  EXPECT_EQ(JsonValue().Find("a"), nullptr);
}

TEST(JsonValueTest, EveryTruncationAndByteFlipIsHandled) {
  const std::string doc =
      R"({"a":[1,-2.5e-3,true,null,{"b":"\u00e9\"x\n"}],"c":{},"d":[],"e":"\ud83d\ude00"})";
  ASSERT_TRUE(ParseJson(doc).ok());
  std::minstd_rand random(42);
  EXPECT_FALSE(ParseJson("{\"a\":\"\xff\"}").ok());
  EXPECT_FALSE(ParseJson(R"({"a":"\ud800"})").ok());
  for (std::size_t cut = 0; cut < doc.size(); ++cut) {
    EXPECT_FALSE(ParseJson(doc.substr(0, cut)).ok()) << cut;
  }
  for (int i = 0; i < 5000; ++i) {
    std::string mutated = doc;
    mutated[random() % mutated.size()] = static_cast<char>(random() % 256);
    Result<JsonValue> parsed = ParseJson(mutated);
    if (parsed.ok()) {  // whatever parses must serialize to text that parses the same
      Result<JsonValue> again = ParseJson(SerializeJson(*parsed));
      ASSERT_TRUE(again.ok()) << mutated;
      EXPECT_EQ(*again, *parsed) << mutated;
    }
  }
}

}  // namespace
}  // namespace howler::sync
