#include "dbmanager/postgres/pg_values.h"

#include <gtest/gtest.h>

namespace howler::dbmanager {
namespace {

TEST(PgValuesTest, Scalars) {
  EXPECT_EQ(PgCell(16, "t"), "true");
  EXPECT_EQ(PgCell(16, "f"), "false");
  EXPECT_EQ(PgCell(23, "-7"), "-7");
  EXPECT_EQ(PgCell(20, "9223372036854775807"), "\"9223372036854775807\"");
  EXPECT_EQ(PgCell(1700, "1.10"), "\"1.10\"");
  EXPECT_EQ(PgCell(701, "-Infinity"), "\"-Infinity\"");
  EXPECT_EQ(PgCell(17, "\\x0001"), "\"AAE=\"");
  EXPECT_EQ(PgCell(17, "not-hex"), "\"not-hex\"");
  EXPECT_EQ(PgCell(3802, "[1, 2]"), "[1, 2]");
  EXPECT_EQ(PgCell(1184, "2024-01-02 03:04:05+00"), "\"2024-01-02T03:04:05Z\"");
  EXPECT_EQ(PgCell(99999, "custom"), "\"custom\"");
  EXPECT_EQ(PgTypeName(20), "int8");
  EXPECT_EQ(PgTypeName(99999), "oid 99999");
}

TEST(PgValuesTest, Arrays) {
  EXPECT_EQ(PgCell(1007, "{}"), "[]");
  EXPECT_EQ(PgCell(1007, "{1,NULL,3}"), "[1,null,3]");
  EXPECT_EQ(PgCell(1009, R"({"a,b","c\"d","NULL",plain})"), R"(["a,b","c\"d","NULL","plain"])");
  EXPECT_EQ(PgCell(1007, "{{1,2},{3,4}}"), "[[1,2],[3,4]]");
  EXPECT_EQ(PgCell(1000, "{t,f}"), "[true,false]");
  EXPECT_EQ(PgCell(1001, R"({"\\x00ff"})"), R"(["AP8="])");
  EXPECT_EQ(PgCell(3807, R"({"{\"a\": 1}"})"), R"([{"a": 1}])");
  // Bounds-decorated and malformed literals stay text.
  EXPECT_EQ(PgCell(1007, "[0:1]={1,2}"), "\"[0:1]={1,2}\"");
  EXPECT_EQ(PgCell(1007, "{1,2"), "\"{1,2\"");
}

}  // namespace
}  // namespace howler::dbmanager
