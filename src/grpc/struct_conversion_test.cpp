#include "grpc/struct_conversion.h"

#include <gtest/gtest.h>

#include <limits>

namespace howler::grpcsvc {
namespace {

TEST(StructConversionTest, StructToJsonKeepsTypesAndWritesWholeNumbersAsIntegers) {
  google::protobuf::Struct in;
  auto& f = *in.mutable_fields();
  f["n"].set_number_value(5);
  f["x"].set_number_value(2.5);
  f["big"].set_number_value(1e300);
  f["inf"].set_number_value(std::numeric_limits<double>::infinity());
  f["s"].set_string_value("\"q\"");
  f["b"].set_bool_value(false);
  f["z"].set_null_value(google::protobuf::NULL_VALUE);
  auto* list = f["l"].mutable_list_value();
  list->add_values()->set_number_value(-1);
  (*list->add_values()->mutable_struct_value()->mutable_fields())["k"].set_string_value("v");
  sync::JsonValue json = FromStruct(in);
  EXPECT_EQ(json.Find("n")->text(), "5");
  EXPECT_EQ(json.Find("x")->text(), "2.5");
  EXPECT_EQ(json.Find("big")->text(), "1e+300");
  EXPECT_EQ(json.Find("inf")->kind(), sync::JsonValue::Kind::kNull);
  EXPECT_EQ(json.Find("s")->text(), "\"q\"");
  EXPECT_EQ(sync::SerializeJson(*json.Find("l")), R"([-1,{"k":"v"}])");

  google::protobuf::Struct back;
  ToStruct(json, &back);
  EXPECT_EQ(back.fields().at("n").number_value(), 5);
  EXPECT_EQ(back.fields().at("s").string_value(), "\"q\"");
  EXPECT_FALSE(back.fields().at("b").bool_value());
  EXPECT_EQ(
      back.fields().at("l").list_value().values(1).struct_value().fields().at("k").string_value(),
      "v");
}

TEST(StructConversionTest, EmptyArraysAndObjectsStayLists) {
  google::protobuf::Struct out;
  ASSERT_TRUE(JsonTextToStruct(R"({"a":[],"o":{}})", &out).ok());
  EXPECT_EQ(out.fields().at("a").kind_case(), google::protobuf::Value::kListValue);
  EXPECT_EQ(out.fields().at("a").list_value().values_size(), 0);
  EXPECT_EQ(out.fields().at("o").kind_case(), google::protobuf::Value::kStructValue);
}

TEST(StructConversionTest, JsonTextMustBeAnObject) {
  google::protobuf::Struct out;
  EXPECT_TRUE(JsonTextToStruct(R"({"a":[1,true,null]})", &out).ok());
  EXPECT_EQ(out.fields().at("a").list_value().values_size(), 3);
  EXPECT_EQ(JsonTextToStruct("[1]", &out).code(), StatusCode::kInternal);
  EXPECT_EQ(JsonTextToStruct("{", &out).code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace howler::grpcsvc
