#include "storage/value.h"

#include <gtest/gtest.h>

namespace howler::storage {
namespace {

TEST(ValueTest, TypedAccessorsReadTheirTypeAndFallBackOtherwise) {
  EXPECT_EQ(AsInt(Value(std::int64_t{42})), 42);
  EXPECT_EQ(AsInt(Value(Null{}), -1), -1);
  EXPECT_EQ(AsInt(Value(std::string("42")), -1), -1);
  EXPECT_EQ(AsDouble(Value(0.5)), 0.5);
  EXPECT_EQ(AsDouble(Value(std::int64_t{3})), 3.0);
  EXPECT_EQ(AsDouble(Value(std::string("x")), -1.0), -1.0);
  EXPECT_EQ(AsText(Value(std::string("hi"))), "hi");
  EXPECT_EQ(AsText(Value(Null{}), "none"), "none");
  EXPECT_EQ(AsText(Value(Blob{"bytes"}), "none"), "none");
}

TEST(ValueTest, AsBytesReadsBlobsAndText) {
  EXPECT_EQ(AsBytes(Value(Blob{std::string("\0a", 2)})), std::string("\0a", 2));
  EXPECT_EQ(AsBytes(Value(std::string("t"))), "t");
  EXPECT_EQ(AsBytes(Value(std::int64_t{1})), "");
}

TEST(ValueTest, OptionalAccessorsMapNullToNullopt) {
  EXPECT_EQ(AsOptionalInt(Value(std::int64_t{5})), 5);
  EXPECT_EQ(AsOptionalInt(Value(Null{})), std::nullopt);
  EXPECT_EQ(AsOptionalText(Value(std::string("s"))), "s");
  EXPECT_EQ(AsOptionalText(Value(Null{})), std::nullopt);
}

TEST(ValueTest, OrNullHelpersBindAbsentValuesAsNull) {
  EXPECT_TRUE(IsNull(IntOrNull(std::nullopt)));
  EXPECT_EQ(IntOrNull(7), Value(std::int64_t{7}));
  EXPECT_TRUE(IsNull(TextOrNull(std::nullopt)));
  EXPECT_EQ(TextOrNull(std::string("a")), Value(std::string("a")));
}

TEST(ValueTest, ColumnIndexFindsColumnsByName) {
  ResultSet result{{"id", "name"}, {}};
  EXPECT_EQ(result.ColumnIndex("id"), 0);
  EXPECT_EQ(result.ColumnIndex("name"), 1);
  EXPECT_EQ(result.ColumnIndex("missing"), -1);
  EXPECT_TRUE(result.empty());
}

}  // namespace
}  // namespace howler::storage
