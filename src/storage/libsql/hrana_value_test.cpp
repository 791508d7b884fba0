#include "storage/libsql/hrana_value.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <cstring>
#include <limits>

#include "storage/database_contract_test.h"  // PrintTo for Null and Blob
#include "storage/libsql/exact_json.h"

namespace howler::storage {
namespace {

namespace json = boost::json;

json::value Json(std::string_view text) {
  auto parsed = ParseJsonExact(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : json::value();
}

Value Decode(std::string_view text) {
  auto decoded = DecodeHranaValue(Json(text));
  EXPECT_TRUE(decoded.ok()) << text << ": " << decoded.status().ToString();
  return decoded.ok() ? *decoded : Value(Null{});
}

std::string Encode(const Value& value) {
  auto encoded = EncodeHranaValue(value);
  EXPECT_TRUE(encoded.ok()) << encoded.status().ToString();
  return encoded.ok() ? json::serialize(*encoded) : "";
}

// Encodes, serializes, parses and decodes.
Value RoundTrip(const Value& value) {
  return Decode(Encode(value));
}

std::uint64_t Bits(double d) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

TEST(HranaValueTest, EncodesIntegersAsStrings) {
  EXPECT_EQ(Encode(std::int64_t{42}), R"({"type":"integer","value":"42"})");
  EXPECT_EQ(Encode(std::numeric_limits<std::int64_t>::min()),
            R"({"type":"integer","value":"-9223372036854775808"})");
  EXPECT_EQ(Encode(std::numeric_limits<std::int64_t>::max()),
            R"({"type":"integer","value":"9223372036854775807"})");
}

TEST(HranaValueTest, EncodesEveryOtherType) {
  EXPECT_EQ(Encode(Null{}), R"({"type":"null"})");
  EXPECT_EQ(Encode(std::string("a\"b")), R"({"type":"text","value":"a\"b"})");
  EXPECT_EQ(Encode(Blob{std::string("\0\xff", 2)}), R"({"type":"blob","base64":"AP8="})");
  EXPECT_EQ(Encode(Blob{""}), R"({"type":"blob","base64":""})");
  auto encoded = EncodeHranaValue(-2.5);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(encoded->as_object().at("type").as_string(), "float");
  EXPECT_EQ(encoded->as_object().at("value").as_double(), -2.5);
}

TEST(HranaValueTest, NonFiniteFloatsAreRefused) {
  EXPECT_EQ(EncodeHranaValue(std::numeric_limits<double>::infinity()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeHranaValue(std::numeric_limits<double>::quiet_NaN()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(HranaValueTest, DecodesIntegerExtremesFromStrings) {
  EXPECT_EQ(Decode(R"({"type":"integer","value":"-9223372036854775808"})"),
            Value(std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(Decode(R"({"type":"integer","value":"9223372036854775807"})"),
            Value(std::numeric_limits<std::int64_t>::max()));
  EXPECT_EQ(Decode(R"({"type":"integer","value":7})"), Value(std::int64_t{7}));
}

TEST(HranaValueTest, FloatsRoundTripExactly) {
  for (double d : {0.1, 1e300, -2.5, 0.30000000000000004, 5e-324, 1.7976931348623157e308,
                   2.2250738585072014e-308, 1.0 / 3.0, -0.0, 123456789.123456789}) {
    Value back = RoundTrip(d);
    ASSERT_TRUE(std::holds_alternative<double>(back)) << d;
    EXPECT_EQ(Bits(std::get<double>(back)), Bits(d)) << d;
  }
  // A whole-number float written without a fraction is still a float.
  EXPECT_EQ(Decode(R"({"type":"float","value":3})"), Value(3.0));
}

TEST(HranaValueTest, BlobsAcceptPaddedAndUnpaddedBase64) {
  const Value expected = Blob{std::string("\0\xff", 2)};
  EXPECT_EQ(Decode(R"({"type":"blob","base64":"AP8="})"), expected);
  EXPECT_EQ(Decode(R"({"type":"blob","base64":"AP8"})"), expected);
  EXPECT_EQ(Decode(R"({"type":"blob","base64":""})"), Value(Blob{""}));
  EXPECT_EQ(RoundTrip(Blob{"looks like text"}), Value(Blob{"looks like text"}));
}

TEST(HranaValueTest, TextAndNullRoundTrip) {
  const std::string utf8 = "h\xc3\xa9llo \xf0\x9f\xa6\x89";
  EXPECT_EQ(RoundTrip(utf8), Value(utf8));
  EXPECT_EQ(RoundTrip(std::string()), Value(std::string()));
  EXPECT_EQ(RoundTrip(Null{}), Value(Null{}));
  // Unknown fields are ignored.
  EXPECT_EQ(Decode(R"({"type":"text","value":"x","extra":1})"), Value(std::string("x")));
}

TEST(HranaValueTest, MalformedValuesAreInternal) {
  for (std::string_view bad : {
           R"("text")",
           R"({})",
           R"({"type":"date","value":"2024"})",
           R"({"type":"integer","value":"9223372036854775808"})",
           R"({"type":"integer","value":"-9223372036854775809"})",
           R"({"type":"integer","value":"12abc"})",
           R"({"type":"integer","value":""})",
           R"({"type":"integer"})",
           R"({"type":"float","value":"0.1"})",
           R"({"type":"text","value":5})",
           R"({"type":"blob","base64":"!!!"})",
           R"({"type":"blob"})",
       }) {
    EXPECT_EQ(DecodeHranaValue(Json(bad)).status().code(), StatusCode::kInternal) << bad;
  }
}

}  // namespace
}  // namespace howler::storage
