// Request bodies as JSON objects, with the default memory and with an arena.
#include "http/json_body.h"

#include <gtest/gtest.h>

#include <boost/json/monotonic_resource.hpp>

namespace howler::http {
namespace {

namespace json = boost::json;

Request WithBody(std::string body) {
  Request request;
  request.body = std::move(body);
  return request;
}

TEST(JsonBodyTest, ParsesAnObjectAndRefusesEverythingElse) {
  auto ok = ParseJsonObject(WithBody(R"({"a":[1,"x"]})"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->at("a").as_array().size(), 2u);
  EXPECT_EQ(ParseJsonObject(WithBody("")).status().message(), "request body is required");
  EXPECT_TRUE(ParseJsonObject(WithBody(""), /*allow_empty=*/true)->empty());
  EXPECT_EQ(ParseJsonObject(WithBody("{")).status().message(), "request body is not valid JSON");
  EXPECT_EQ(ParseJsonObject(WithBody("[1]")).status().message(),
            "request body must be a JSON object");
}

// The arena version answers the same and puts the whole tree in the caller's memory.
TEST(JsonBodyTest, TheArenaVersionAllocatesFromTheCallersMemory) {
  json::monotonic_resource arena;
  auto ok = ParseJsonObjectIn(WithBody(R"({"changes":[{"id":"c1","data":{"k":"v"}}]})"), &arena);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->storage().get(), &arena);
  const json::object& change = ok->at("changes").as_array().at(0).as_object();
  EXPECT_EQ(change.storage().get(), &arena);
  EXPECT_EQ(change.at("data").as_object().at("k").as_string(), "v");
  for (const char* bad : {"", "{", "[1]", "\"text\""}) {
    EXPECT_EQ(ParseJsonObjectIn(WithBody(bad), &arena).status().code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace howler::http
