#include "http/desktop_sync_json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "common/time_format.h"

namespace howler::http {
namespace {
namespace json = boost::json;

// Trimmed from a wire capture of the desktop client's upload.
constexpr std::string_view kCapturedUpload = R"({
  "deviceId": "device_kyatuw_j0g7h9", "lastSyncAt": 0,
  "connections": [{"id":"4f1c","entityType":"connection","entityId":"c-1","action":"update",
     "data":{"connection_id":"c-1","name":"prod","type":"postgres","host":"db","port":5432,
             "passwordRequired":true,"sanitizationFlags":{"passwordRemoved":true}},
     "timestamp":1795607756096,"syncVersion":0,"deviceId":"device_kyatuw_j0g7h9"}],
  "savedQueries": [{"id":"9a2e","entityType":"saved_query","entityId":"q-1","action":"update",
     "data":{"id":"q-1","name":"n","query":"SELECT 1","favorite":true},
     "timestamp":1795607756000,"syncVersion":0,"deviceId":"device_kyatuw_j0g7h9"}],
  "reports": [],
  "queryHistory": [{"id":"77","entityType":"query_history","entityId":"h-1","action":"update",
     "data":{"id":"h-1","query_text":"SELECT 2"},"timestamp":1795607750000,"syncVersion":0}]
})";

TEST(DesktopSyncJsonTest, CapturedUploadMapsOntoChanges) {
  json::object body = json::parse(kCapturedUpload).as_object();
  ASSERT_TRUE(IsDesktopUpload(body));
  auto request = ParseDesktopUpload(body, 100);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->device_id, "device_kyatuw_j0g7h9");
  EXPECT_EQ(request->rules, sync::UploadRules::kDesktop);
  ASSERT_EQ(request->changes.size(), 3u);
  const sync::ChangeInput& c = request->changes[0];
  EXPECT_EQ(c.item_type, "connection");
  EXPECT_EQ(c.item_id, "c-1");
  EXPECT_EQ(c.action, "update");
  EXPECT_EQ(c.edited_at, 1795607756096);
  EXPECT_TRUE(c.problem.empty());
  EXPECT_EQ(request->changes[1].item_type, "saved_query");
  EXPECT_EQ(request->changes[2].item_type, "query_history");
}

TEST(DesktopSyncJsonTest, BadShapesAreClearErrors) {
  auto parse = [](std::string_view text) {
    return ParseDesktopUpload(json::parse(text).as_object(), 2);
  };
  EXPECT_EQ(parse(R"({"deviceId":""})").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parse(R"({"deviceId":7})").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parse(R"({"deviceId":"d","connections":{}})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(parse(R"({"deviceId":"d","reports":[1,2],"savedQueries":[3]})").status().code(),
            StatusCode::kResourceExhausted);
  auto empty = parse(R"({"deviceId":"d","connections":[],"savedQueries":[]})");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->changes.empty());
  auto wrong = parse(
      R"({"deviceId":"d","connections":[{"entityType":"report","entityId":"x","timestamp":"t"},
          {"entityId":"y","action":"delete"}]})");
  ASSERT_TRUE(wrong.ok());
  EXPECT_NE(wrong->changes[0].problem.find("entityType"), std::string::npos);
  EXPECT_NE(wrong->changes[1].problem.find("no deletes"), std::string::npos);
}

// Found by desktop_sync_json_fuzz: a number too large for int64 was cast (undefined).
TEST(DesktopSyncJsonTest, NumbersOutsideInt64AreNotIntegers) {
  auto version = [](std::string_view number) {
    std::string text = R"({"deviceId":"d","connections":[{"entityId":"c","syncVersion":)";
    text.append(number).append("}]}");
    auto request = ParseDesktopUpload(json::parse(text).as_object(), 2);
    EXPECT_TRUE(request.ok());
    return request->changes.at(0);
  };
  EXPECT_NE(version("2.5e89").problem.find("syncVersion must be an integer"), std::string::npos);
  EXPECT_NE(version("-1e19").problem.find("syncVersion must be an integer"), std::string::npos);
  EXPECT_NE(version("9223372036854775808.0").problem.find("must be an integer"), std::string::npos);
  EXPECT_NE(version("1.5").problem.find("must be an integer"), std::string::npos);
  EXPECT_EQ(version("3.0").problem, "");
  EXPECT_EQ(version("3.0").sync_version, 3);
}

TEST(DesktopSyncJsonTest, DownloadHasTheFieldsTheClientReads) {
  sync::DesktopDownloadResult r;
  r.server_time = FromUnixMillis(1795607760000);
  storage::SyncItemRecord conn;
  conn.item_type = "connection";
  conn.item_id = "c-1";
  conn.data = R"({"connection_id":"stale","name":"prod"})";
  conn.sync_version = 4;
  conn.updated_at = 1795607759000;
  conn.edited_at = 1795607756096;
  storage::SyncItemRecord query = conn;
  query.item_type = "saved_query";
  query.item_id = "q-1";
  query.data = R"({"name":"n","query":"SELECT 1"})";
  r.items = {{conn, 2}, {query, 0}};
  json::object out = json::parse(DesktopDownloadJson(r)).as_object();
  for (const char* key : {"connections", "savedQueries", "queryHistory", "reports"}) {
    EXPECT_TRUE(out.at(key).is_array()) << key;
  }
  EXPECT_EQ(out.at("serverTimestamp").as_int64(), 1795607760000);
  EXPECT_FALSE(out.at("hasMore").as_bool());
  const json::object& c = out.at("connections").as_array().at(0).as_object();
  EXPECT_EQ(c.at("connection_id").as_string(), "c-1") << "the item id is the key";
  EXPECT_EQ(c.at("sync_version").as_int64(), 2) << "the version the device holds";
  EXPECT_EQ(c.at("updated_at").as_string(), "2026-11-25T11:55:56.096Z") << "its own edit time";
  const json::object& q = out.at("savedQueries").as_array().at(0).as_object();
  EXPECT_EQ(q.at("id").as_string(), "q-1");
  EXPECT_EQ(q.at("query").as_string(), "SELECT 1");
}

TEST(DesktopSyncJsonTest, ResolutionsMapOntoStrategies) {
  auto parse = [](std::string_view text) {
    return ParseDesktopResolve(json::parse(text).as_object());
  };
  EXPECT_EQ(parse(R"({"resolution":"local"})")->chosen_version, "local");
  EXPECT_EQ(parse(R"({"resolution":"remote"})")->strategy, "user_choice");
  EXPECT_EQ(parse(R"({"resolution":"keep-both"})")->strategy, "keep_both");
  EXPECT_TRUE(parse(R"({"resolution":"manual","merged_data":{"name":"m"}})")->merged_data);
  EXPECT_FALSE(parse(R"({"resolution":"manual"})").ok());
  EXPECT_FALSE(parse(R"({"resolution":"mine"})").ok());
}

}  // namespace
}  // namespace howler::http
