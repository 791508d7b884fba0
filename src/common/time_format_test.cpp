#include "common/time_format.h"

#include <gtest/gtest.h>

namespace howler {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

std::int64_t MillisOf(std::string_view s) {
  auto r = ParseRfc3339(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? ToUnixMillis(*r) : 0;
}

TEST(FormatRfc3339Test, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(1795607795055)), "2026-11-25T11:56:35.055Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(951782400000)), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(-1)), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(-86400000)), "1969-12-31T00:00:00.000Z");
}

TEST(FormatRfc3339Test, TruncatesSubMilliseconds) {
  EXPECT_EQ(FormatRfc3339(TimePoint(nanoseconds(1'999'999))), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(FormatRfc3339(TimePoint(nanoseconds(-1))), "1969-12-31T23:59:59.999Z");
}

TEST(ParseRfc3339Test, ParsesUtc) {
  EXPECT_EQ(MillisOf("2026-11-25T11:56:35.055Z"), 1795607795055);
  EXPECT_EQ(MillisOf("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(MillisOf("1970-01-01t00:00:00z"), 0);
  EXPECT_EQ(MillisOf("1970-01-01 00:00:01Z"), 1000);
}

TEST(ParseRfc3339Test, ParsesFractionsOfEveryLength) {
  EXPECT_EQ(MillisOf("1970-01-01T00:00:00.5Z"), 500);
  EXPECT_EQ(MillisOf("1970-01-01T00:00:00.05Z"), 50);
  EXPECT_EQ(MillisOf("1970-01-01T00:00:00.123456789Z"), 123);
  auto r = ParseRfc3339("1970-01-01T00:00:00.123456789Z");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::chrono::duration_cast<nanoseconds>(r->time_since_epoch()).count(), 123456789);
}

TEST(ParseRfc3339Test, AppliesOffsets) {
  EXPECT_EQ(MillisOf("2026-11-25T13:56:35.055+02:00"), 1795607795055);
  EXPECT_EQ(MillisOf("2026-11-25T06:26:35.055-05:30"), 1795607795055);
  EXPECT_EQ(MillisOf("1970-01-01T00:00:00+00:00"), 0);
  EXPECT_EQ(MillisOf("1970-01-01T00:00:00-00:00"), 0);
  EXPECT_EQ(MillisOf("1970-01-01T23:59:00+23:59"), 0);
}

TEST(ParseRfc3339Test, NegativeOffsetCrossesDateBoundary) {
  auto r = ParseRfc3339("2025-12-31T22:30:00-03:00");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FormatRfc3339(*r), "2026-01-01T01:30:00.000Z");
  auto leap = ParseRfc3339("2024-02-28T23:00:00-01:00");
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(FormatRfc3339(*leap), "2024-02-29T00:00:00.000Z");
  auto back = ParseRfc3339("2024-03-01T00:30:00+01:00");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(FormatRfc3339(*back), "2024-02-29T23:30:00.000Z");
}

TEST(ParseRfc3339Test, LeapDays) {
  EXPECT_TRUE(ParseRfc3339("2024-02-29T00:00:00Z").ok());
  EXPECT_TRUE(ParseRfc3339("2000-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("2023-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("2100-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("2024-02-30T00:00:00Z").ok());
}

TEST(ParseRfc3339Test, RejectsOutOfRangeFields) {
  for (const char* s : {"2026-00-10T00:00:00Z", "2026-13-10T00:00:00Z", "2026-01-00T00:00:00Z",
                        "2026-01-32T00:00:00Z", "2026-04-31T00:00:00Z", "2026-01-01T24:00:00Z",
                        "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:00+24:00",
                        "2026-01-01T00:00:00+01:60"}) {
    auto r = ParseRfc3339(s);
    EXPECT_FALSE(r.ok()) << s;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << s;
  }
}

TEST(ParseRfc3339Test, RejectsGarbage) {
  for (const char* s : {"",
                        "garbage",
                        "2026-01-01",
                        "2026-01-01T00:00:00",
                        "2026-01-01T00:00Z",
                        "2026-1-01T00:00:00Z",
                        "26-01-01T00:00:00Z",
                        "2026/01/01T00:00:00Z",
                        "2026-01-01X00:00:00Z",
                        "2026-01-01T00:00:00.Z",
                        "2026-01-01T00:00:00.1234567891Z",
                        "2026-01-01T00:00:00Z ",
                        " 2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:00+0100",
                        "2026-01-01T00:00:00+01",
                        "2026-01-01T00:00:00UTC",
                        "2026-01-01T00:00:00ZZ",
                        "+2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:0aZ",
                        "１９７０-01-01T00:00:00Z"}) {
    auto r = ParseRfc3339(s);
    EXPECT_FALSE(r.ok()) << s;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << s;
  }
}

TEST(ParseRfc3339Test, ErrorMessagesSayWhatIsWrong) {
  EXPECT_EQ(ParseRfc3339("2026-13-01T00:00:00Z").status().message(),
            "invalid RFC 3339 timestamp: month must be 01-12");
  EXPECT_EQ(ParseRfc3339("2026-01-01T00:00:00").status().message(),
            "invalid RFC 3339 timestamp: expected 'Z' or a +HH:MM/-HH:MM offset");
}

TEST(ParseRfc3339Test, RejectsYearsTimePointCannotHold) {
  EXPECT_FALSE(ParseRfc3339("0001-01-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("9999-12-31T23:59:59Z").ok());
  EXPECT_TRUE(ParseRfc3339("1700-01-01T00:00:00Z").ok());
  EXPECT_TRUE(ParseRfc3339("2200-12-31T23:59:59.999999999Z").ok());
}

TEST(TimeFormatTest, RoundTrips) {
  for (std::int64_t ms :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{1795607795055},
        std::int64_t{951868799999}, std::int64_t{4102444800000}, std::int64_t{-2208988800001}}) {
    const std::string text = FormatRfc3339(FromUnixMillis(ms));
    EXPECT_EQ(MillisOf(text), ms) << text;
  }
  // Every day of a leap year and the following year.
  for (std::int64_t day = 19722; day < 19722 + 731; ++day) {
    const std::int64_t ms = day * 86400000 + 12345;
    EXPECT_EQ(MillisOf(FormatRfc3339(FromUnixMillis(ms))), ms);
  }
}

TEST(TimeFormatTest, UnixMillisConversions) {
  EXPECT_EQ(ToUnixMillis(TimePoint(milliseconds(42))), 42);
  EXPECT_EQ(ToUnixMillis(TimePoint(std::chrono::microseconds(-1))), -1);
  EXPECT_EQ(FromUnixMillis(42), TimePoint(milliseconds(42)));
  EXPECT_EQ(FromUnixMillis(INT64_MAX), FromUnixMillis(ToUnixMillis(TimePoint::max())));
  EXPECT_EQ(FromUnixMillis(INT64_MIN), FromUnixMillis(ToUnixMillis(TimePoint::min()) + 1));
}

}  // namespace
}  // namespace howler
