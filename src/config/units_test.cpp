#include "config/units.h"

#include <gtest/gtest.h>

namespace howler::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

milliseconds Duration(std::string_view text) {
  auto r = ParseDuration(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : milliseconds(-1);
}

std::uint64_t Size(std::string_view text) {
  auto r = ParseSize(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : 0;
}

TEST(ParseDurationTest, EveryUnit) {
  EXPECT_EQ(Duration("1500ms"), milliseconds(1500));
  EXPECT_EQ(Duration("30s"), seconds(30));
  EXPECT_EQ(Duration("15m"), minutes(15));
  EXPECT_EQ(Duration("720h"), hours(720));
  EXPECT_EQ(Duration("90d"), hours(90 * 24));
}

TEST(ParseDurationTest, CombinedFormsAndZero) {
  EXPECT_EQ(Duration("1h30m"), minutes(90));
  EXPECT_EQ(Duration("1d2h3m4s5ms"), milliseconds(93784005));
  EXPECT_EQ(Duration("1m1m"), minutes(2));
  EXPECT_EQ(Duration("0"), milliseconds(0));
  EXPECT_EQ(Duration("0s"), milliseconds(0));
  EXPECT_EQ(Duration("000"), milliseconds(0));
  EXPECT_EQ(Duration("9223372036854775807ms"), milliseconds::max());
}

TEST(ParseDurationTest, Errors) {
  for (std::string_view bad : {"",
                               "15",
                               "-5s",
                               "+5s",
                               "5 s",
                               " 5s",
                               "5s ",
                               "1.5h",
                               "h",
                               "15x",
                               "15M",
                               "15S",
                               "1h30",
                               "5sec",
                               "ms",
                               "1h-",
                               "0x10s",
                               "9223372036854775808ms",
                               "106751991167301d",
                               "99999999999999999999s",
                               "5s\n"}) {
    auto r = ParseDuration(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(ParseDurationTest, ErrorMessagesQuoteTheProblem) {
  EXPECT_EQ(ParseDuration("15x").status().message(), "unknown unit 'x' in '15x'");
  EXPECT_EQ(ParseDuration("15").status().message(), "missing unit (ms, s, m, h or d) in '15'");
  EXPECT_EQ(ParseDuration("").status().message(), "empty duration");
  EXPECT_EQ(ParseDuration("999999999999d").status().message(),
            "duration '999999999999d' is too large");
}

TEST(ParseSizeTest, EveryUnit) {
  EXPECT_EQ(Size("1500"), 1500u);
  EXPECT_EQ(Size("0"), 0u);
  EXPECT_EQ(Size("12B"), 12u);
  EXPECT_EQ(Size("512KiB"), 512u * 1024);
  EXPECT_EQ(Size("10MiB"), 10u * 1024 * 1024);
  EXPECT_EQ(Size("2GiB"), 2ULL << 30);
  EXPECT_EQ(Size("3KB"), 3000u);
  EXPECT_EQ(Size("3MB"), 3000000u);
  EXPECT_EQ(Size("3GB"), 3000000000u);
  EXPECT_EQ(Size("16kib"), 16u * 1024);
  EXPECT_EQ(Size("1mb"), 1000000u);
  EXPECT_EQ(Size("18446744073709551615"), UINT64_MAX);
}

TEST(ParseSizeTest, Errors) {
  for (std::string_view bad : {"", "MiB", "-1", "10 MiB", "10MiB ", "1.5MiB", "10TiB", "10Mi",
                               "10MiBs", "0x10", "18446744073709551616", "17179869184GiB", "abc"}) {
    auto r = ParseSize(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(ParseSize("10TiB").status().message(),
            "unknown unit 'TiB' in '10TiB' (use B, KiB, MiB, GiB, KB, MB or GB)");
}

TEST(ParseBoolTest, AcceptsTheUsualSpellings) {
  for (std::string_view yes : {"true", "TRUE", "True", "1", "yes", "YES", "on", "On"}) {
    auto r = ParseBool(yes);
    ASSERT_TRUE(r.ok()) << yes;
    EXPECT_TRUE(*r) << yes;
  }
  for (std::string_view no : {"false", "FALSE", "0", "no", "No", "off", "OFF"}) {
    auto r = ParseBool(no);
    ASSERT_TRUE(r.ok()) << no;
    EXPECT_FALSE(*r) << no;
  }
  for (std::string_view bad : {"", "2", "y", "n", "enabled", "true ", "t"}) {
    EXPECT_FALSE(ParseBool(bad).ok()) << bad;
  }
}

TEST(FormatDurationTest, LargestExactUnit) {
  EXPECT_EQ(FormatDuration(minutes(15)), "15m");
  EXPECT_EQ(FormatDuration(hours(720)), "30d");
  EXPECT_EQ(FormatDuration(hours(25)), "25h");
  EXPECT_EQ(FormatDuration(hours(90 * 24)), "90d");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(FormatDuration(seconds(90)), "90s");
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(-5)), "-5ms");
}

TEST(FormatDurationTest, RoundTripsThroughParse) {
  for (milliseconds d : {milliseconds(1), milliseconds(999), milliseconds(61000),
                         milliseconds(3600000), milliseconds(86400001), milliseconds::max()}) {
    EXPECT_EQ(Duration(FormatDuration(d)), d);
  }
}

TEST(FormatSizeTest, LargestExactBinaryUnit) {
  EXPECT_EQ(FormatSize(10ULL << 20), "10MiB");
  EXPECT_EQ(FormatSize(16ULL << 10), "16KiB");
  EXPECT_EQ(FormatSize(1ULL << 30), "1GiB");
  EXPECT_EQ(FormatSize(1536ULL << 10), "1536KiB");
  EXPECT_EQ(FormatSize(1000), "1000B");
  EXPECT_EQ(FormatSize(0), "0B");
  for (std::uint64_t bytes : {std::uint64_t{1}, std::uint64_t{1000000}, std::uint64_t{3} << 30}) {
    EXPECT_EQ(Size(FormatSize(bytes)), bytes);
  }
}

}  // namespace
}  // namespace howler::config
