#include "storage/libsql/exact_json.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cstring>
#include <string>

namespace howler::storage {
namespace {

double FromChars(const std::string& text) {
  double out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

std::uint64_t Bits(double d) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

TEST(ParseJsonExactTest, FloatsAreCorrectlyRounded) {
  for (const std::string text :
       {"0.1", "1e300", "-2.5", "0.30000000000000004", "2.2250738585072011e-308",
        "1.7976931348623157e308", "5e-324", "9007199254740993.0",
        "0.1000000000000000055511151231257827", "123456789012345678901234567890.5",
        "4.9406564584124654e-324", "-0.0"}) {
    auto parsed = ParseJsonExact("{\"value\":" + text + "}");
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    const boost::json::value& v = parsed->as_object().at("value");
    ASSERT_TRUE(v.is_double()) << text;
    EXPECT_EQ(Bits(v.get_double()), Bits(FromChars(text))) << text;
  }
}

TEST(ParseJsonExactTest, KeepsIntegersStringsAndStructure) {
  auto parsed =
      ParseJsonExact(R"({"a":[1,-2,18446744073709551615,true,null,"t\u00e9xt"],"b":{"c":"d"}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const boost::json::array& a = parsed->as_object().at("a").as_array();
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(a[0].as_int64(), 1);
  EXPECT_EQ(a[1].as_int64(), -2);
  EXPECT_EQ(a[2].as_uint64(), 18446744073709551615u);
  EXPECT_TRUE(a[3].as_bool());
  EXPECT_TRUE(a[4].is_null());
  EXPECT_EQ(a[5].as_string(), "t\xc3\xa9xt");
  EXPECT_EQ(parsed->as_object().at("b").as_object().at("c").as_string(), "d");
}

TEST(ParseJsonExactTest, MalformedJsonIsInternal) {
  for (std::string_view bad : {"", "{", "{\"a\":}", "[1,2", "{} extra", "Internal Server Error"}) {
    EXPECT_EQ(ParseJsonExact(bad).status().code(), StatusCode::kInternal) << bad;
  }
}

}  // namespace
}  // namespace howler::storage
