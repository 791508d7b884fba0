#include "dbmanager/cells.h"

#include <gtest/gtest.h>

namespace howler::dbmanager {
namespace {

TEST(CellsTest, Numbers) {
  EXPECT_EQ(NumberCell("12"), "12");
  EXPECT_EQ(NumberCell("-1.5e3"), "-1.5e3");
  EXPECT_EQ(NumberCell("0.25"), "0.25");
  EXPECT_EQ(NumberCell("NaN"), "\"NaN\"");
  EXPECT_EQ(NumberCell("Infinity"), "\"Infinity\"");
  EXPECT_EQ(NumberCell("1."), "\"1.\"");
  EXPECT_EQ(NumberCell("01"), "\"01\"");
  EXPECT_EQ(NumberCell(""), "\"\"");
  EXPECT_FALSE(IsJsonNumber("+1"));
  EXPECT_FALSE(IsJsonNumber("1e"));
  EXPECT_TRUE(IsJsonNumber("0e-7"));
}

TEST(CellsTest, TextBytesAndJson) {
  EXPECT_EQ(StringCell("a\"b\n"), R"("a\"b\n")");
  EXPECT_EQ(BytesCell(std::string("\x00\xff\x10", 3)), "\"AP8Q\"");
  EXPECT_EQ(BytesCell(""), "\"\"");
  EXPECT_EQ(JsonCell(R"({"a": [1]})"), R"({"a": [1]})");
  EXPECT_EQ(JsonCell("{broken"), "\"{broken\"");
  EXPECT_EQ(BoolCell(true), "true");
}

TEST(CellsTest, TimestampsBecomeIso8601) {
  EXPECT_EQ(TimestampCell("2024-01-02 03:04:05"), "\"2024-01-02T03:04:05\"");
  EXPECT_EQ(TimestampCell("2024-01-02 03:04:05.123456"), "\"2024-01-02T03:04:05.123456\"");
  EXPECT_EQ(TimestampCell("2024-01-02 03:04:05+00"), "\"2024-01-02T03:04:05Z\"");
  EXPECT_EQ(TimestampCell("2024-01-02 03:04:05.5+05:30"), "\"2024-01-02T03:04:05.5+05:30\"");
  EXPECT_EQ(TimestampCell("2024-01-02 03:04:05-08"), "\"2024-01-02T03:04:05-08:00\"");
  EXPECT_EQ(TimestampCell("infinity"), "\"infinity\"");
  EXPECT_EQ(TimestampCell("2024-01-02 03:04:05 BC"), "\"2024-01-02 03:04:05 BC\"");
}

}  // namespace
}  // namespace howler::dbmanager
