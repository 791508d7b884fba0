// The Sync JSON codecs alone: request bodies into sync's structs, results into text that
// is valid JSON (parsed back with Boost.JSON, which refuses invalid UTF-8) of API.md's
// shapes, whatever the stored text holds.
#include "http/sync_json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "common/time_format.h"
#include "sync/cursor.h"

namespace howler::http {
namespace {

namespace json = boost::json;

json::object Object(std::string_view text) {
  return json::parse(text).as_object();
}

// `text` parsed as a JSON object; a test failure when it is not valid JSON.
json::object Reparsed(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    ADD_FAILURE() << "not a valid JSON object: " << text;
    return {};
  }
  return std::move(v.as_object());
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(ParseUploadBodyTest, ReadsEveryFieldOfAChange) {
  auto r = ParseUploadBody(Object(R"({"device_id":"d1","user_id":"ignored","changes":[
      {"id":"c1","item_type":"saved_query","item_id":"q1","action":"update",
       "sync_version":3,"data":{"name":"n","n":1.5,"tags":["a",true,null]}}]})"),
                           10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->device_id, "d1");
  ASSERT_EQ(r->changes.size(), 1u);
  const sync::ChangeInput& c = r->changes[0];
  EXPECT_EQ(c.change_id, "c1");
  EXPECT_EQ(c.item_type, "saved_query");
  EXPECT_EQ(c.item_id, "q1");
  EXPECT_EQ(c.action, "update");
  EXPECT_EQ(c.sync_version, 3);
  EXPECT_TRUE(c.problem.empty());
  ASSERT_TRUE(c.data);
  EXPECT_EQ(sync::SerializeJson(*c.data), R"({"name":"n","n":1.5,"tags":["a",true,null]})");
}

TEST(ParseUploadBodyTest, DeviceIdFollowsItsDeclaredLimit) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"changes":[]})", "device_id is required"},
      {R"({"device_id":"","changes":[]})", "device_id is required"},
      {R"({"device_id":null,"changes":[]})", "device_id is required"},
      {R"({"device_id":7,"changes":[]})", "device_id must be a string"},
      {R"({"device_id":")" + std::string(129, 'd') + R"(","changes":[]})", "device_id is too long"},
  };
  for (const auto& [body, message] : cases) {
    auto r = ParseUploadBody(Object(body), 10);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << body;
    EXPECT_EQ(r.status().message(), message);
  }
  auto at = ParseUploadBody(
      Object(R"({"device_id":")" + std::string(128, 'd') + R"(","changes":[]})"), 10);
  EXPECT_TRUE(at.ok()) << at.status().ToString();
}

TEST(ParseUploadBodyTest, ChangesMustBeAnArrayOfAtMostTheLimit) {
  for (const char* body : {R"({"device_id":"d"})", R"({"device_id":"d","changes":"x"})"}) {
    EXPECT_EQ(ParseUploadBody(Object(body), 10).status().message(),
              "changes is required (an array)");
  }
  const json::object three = Object(R"({"device_id":"d","changes":[{},{},{}]})");
  auto over = ParseUploadBody(three, 2);
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(over.status().reason(), ApiReason::kPayloadTooLarge);
  EXPECT_EQ(over.status().message(), "too many changes: at most 2 per upload");
  EXPECT_TRUE(ParseUploadBody(three, 3).ok());
  auto none = ParseUploadBody(Object(R"({"device_id":"d","changes":[]})"), 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->changes.empty());
}

TEST(ParseUploadBodyTest, AChangeOfTheWrongShapeKeepsItsFirstProblem) {
  auto r = ParseUploadBody(Object(R"({"device_id":"d","changes":[
      "not an object",
      {"id":1,"item_type":2},
      {"id":"c3","sync_version":"3"},
      {"id":"c4","sync_version":1.5},
      {"id":"c5","sync_version":18446744073709551615},
      {"id":null,"item_type":null,"data":null}]})"),
                           10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->changes.size(), 6u);
  EXPECT_EQ(r->changes[0].problem, "change must be an object");
  EXPECT_EQ(r->changes[1].problem, "id must be a string");
  EXPECT_EQ(r->changes[2].problem, "sync_version must be an integer");
  EXPECT_EQ(r->changes[3].problem, "sync_version must be an integer");
  EXPECT_TRUE(r->changes[4].problem.empty());
  EXPECT_EQ(r->changes[4].sync_version, -1) << "out of range reads as invalid";
  EXPECT_TRUE(r->changes[5].problem.empty());
  EXPECT_EQ(r->changes[5].change_id, "");
  EXPECT_FALSE(r->changes[5].data);
}

TEST(ToSyncJsonTest, NumbersKeepTheirValueAndStructureIsKept) {
  const json::value v = json::parse(
      R"({"i":-42,"u":18446744073709551615,"d":0.1,"big":1e300,"s":"caf\u00e9","o":{"a":[]}})");
  EXPECT_EQ(sync::SerializeJson(ToSyncJson(v)),
            "{\"i\":-42,\"u\":18446744073709551615,\"d\":0.1,\"big\":1e+300,"
            "\"s\":\"caf\xC3\xA9\",\"o\":{\"a\":[]}}");
}

TEST(ParseResolveBodyTest, ReadsEveryField) {
  auto r = ParseResolveBody(Object(R"({"strategy":"user_choice","chosen_version":"remote",
      "device_id":"d9","merged_data":{"name":"m"}})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->strategy, "user_choice");
  EXPECT_EQ(r->chosen_version, "remote");
  EXPECT_EQ(r->device_id, "d9");
  ASSERT_TRUE(r->merged_data);
  EXPECT_EQ(sync::SerializeJson(*r->merged_data), R"({"name":"m"})");
  auto bare = ParseResolveBody(Object(R"({"strategy":"keep_both","chosen_version":null,
      "merged_data":null})"));
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE(bare->chosen_version);
  EXPECT_FALSE(bare->device_id);
  EXPECT_FALSE(bare->merged_data);
}

TEST(ParseResolveBodyTest, FieldErrorsNameTheField) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({})", "strategy is required"},
      {R"({"strategy":""})", "strategy is required"},
      {R"({"strategy":1})", "strategy is required"},
      {R"({"strategy":"s","chosen_version":true})", "chosen_version must be a string"},
      {R"({"strategy":"s","device_id":[]})", "device_id must be a string"},
      {R"({"strategy":"s","merged_data":[1]})", "merged_data must be an object"},
  };
  for (const auto& [body, message] : cases) {
    auto r = ParseResolveBody(Object(body));
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << body;
    EXPECT_EQ(r.status().message(), message) << body;
  }
}

sync::ChangeOutcome Outcome(std::size_t index, std::string id, sync::OutcomeStatus status,
                            std::int64_t version) {
  sync::ChangeOutcome o;
  o.index = index;
  o.change_id = std::move(id);
  o.item_type = "connection";
  o.item_id = "c1";
  o.status = status;
  o.sync_version = version;
  return o;
}

storage::SyncConflictRecord Conflict(std::string item_id) {
  storage::SyncConflictRecord c;
  c.id = "conf-1";
  c.item_type = "saved_query";
  c.item_id = std::move(item_id);
  c.detected_at = 1767225600000;  // 2026-01-01T00:00:00Z
  c.local = {R"({"name":"mine"})", false, 1, "d2", 1767225600000};
  c.remote = {"", true, 2, "d1", 1767225500000};
  return c;
}

sync::UploadResult SampleUpload() {
  sync::UploadResult r;
  r.synced_at = FromUnixMillis(1767225600123);
  r.cursor = {7};
  r.results.push_back(Outcome(0, "a", sync::OutcomeStatus::kApplied, 2));
  r.results.back().stripped = {"password", "metadata.ssh.password"};
  r.results.push_back(Outcome(1, "b", sync::OutcomeStatus::kRejected, 0));
  r.results.back().reason = "action must be create, update or delete";
  r.results.push_back(Outcome(2, "c", sync::OutcomeStatus::kDuplicate, 1));
  r.results.back().first_status = "conflict";
  r.results.back().conflict_id = "conf-1";
  r.results.push_back(Outcome(99, "d", sync::OutcomeStatus::kRejected, 0));
  r.results.back().reason = "lost";
  r.conflicts.push_back(Conflict("q1"));
  r.rejected = 2;
  r.message = "Synced 1 items, 0 conflicts, 2 rejected";
  return r;
}

TEST(UploadResultJsonTest, WritesTheDocumentedShape) {
  const json::array changes = json::parse(R"([{"id":"a"},{"id":"b","action":"x"},{}])").as_array();
  json::object out = Reparsed(UploadResultJson(SampleUpload(), changes));
  EXPECT_EQ(out["success"], false);
  EXPECT_EQ(out["synced_at"], "2026-01-01T00:00:00.123Z");
  auto cursor = sync::DecodeCursor(out["cursor"].as_string());
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(cursor->seq, 7);
  EXPECT_EQ(out["message"], "Synced 1 items, 0 conflicts, 2 rejected");
  json::array results = out["results"].as_array();
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0], json::parse(R"({"change_id":"a","item_type":"connection","item_id":"c1",
      "status":"applied","sync_version":2,"stripped":["password","metadata.ssh.password"]})"));
  EXPECT_EQ(results[1].as_object()["reason"], "action must be create, update or delete");
  EXPECT_EQ(results[2].as_object()["first_status"], "conflict");
  EXPECT_EQ(results[2].as_object()["conflict_id"], "conf-1");
  json::array rejected = out["rejected"].as_array();
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(rejected[0], json::parse(R"({"change":{"id":"b","action":"x"},
      "reason":"action must be create, update or delete"})"));
  EXPECT_TRUE(rejected[1].as_object()["change"].is_null()) << "an index beyond the body";
}

TEST(UploadResultJsonTest, ConflictSidesCarryDataOrADeletion) {
  json::object out = Reparsed(UploadResultJson(SampleUpload(), {}));
  ASSERT_EQ(out["conflicts"].as_array().size(), 1u);
  json::object c = out["conflicts"].as_array()[0].as_object();
  EXPECT_EQ(c["id"], "conf-1");
  EXPECT_EQ(c["detected_at"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(c["local_version"], json::parse(R"({"data":{"name":"mine"},"deleted":false,
      "sync_version":1,"device_id":"d2","updated_at":"2026-01-01T00:00:00.000Z"})"));
  json::object remote = c["remote_version"].as_object();
  EXPECT_TRUE(remote["data"].is_null());
  EXPECT_EQ(remote["deleted"], true);
  EXPECT_EQ(remote["sync_version"], 2);
}

storage::SyncItemRecord Item(std::string type, std::string id, std::string data) {
  storage::SyncItemRecord item;
  item.item_type = std::move(type);
  item.item_id = std::move(id);
  item.data = std::move(data);
  item.sync_version = 3;
  item.device_id = "d1";
  item.updated_at = 1767225600000;
  return item;
}

TEST(DownloadResultJsonTest, SortsItemsIntoTheirCollections) {
  sync::DownloadResult r;
  r.synced_at = FromUnixMillis(1767225600000);
  r.cursor = {12};
  r.has_more = true;
  r.items.push_back(Item("connection", "c1", R"({"host":"h","port":5432})"));
  r.items.push_back(Item("saved_query", "q1", "{}"));
  r.items.push_back(Item("query_history", "h1", R"({"query":"select ?"})"));
  r.items.push_back(Item("widget", "w1", R"({"x":1})"));  // unknown: left out
  storage::SyncItemRecord gone = Item("connection", "c2", "");
  gone.deleted = true;
  gone.deleted_at = 1767225600500;
  r.items.push_back(gone);
  json::object out = Reparsed(DownloadResultJson(r));
  EXPECT_EQ(out["connections"], json::parse(R"([{"id":"c1","sync_version":3,
      "updated_at":"2026-01-01T00:00:00.000Z","device_id":"d1","host":"h","port":5432}])"));
  EXPECT_EQ(out["saved_queries"].as_array().at(0).as_object().size(), 4u);
  EXPECT_EQ(out["query_history"].as_array().at(0).as_object()["query"], "select ?");
  EXPECT_EQ(out["deleted"], json::parse(R"([{"item_type":"connection","item_id":"c2",
      "sync_version":3,"deleted_at":"2026-01-01T00:00:00.500Z"}])"));
  EXPECT_EQ(out["has_more"], true);
  EXPECT_EQ(out["sync_timestamp"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(sync::DecodeCursor(out["cursor"].as_string())->seq, 12);
  EXPECT_EQ(out["reports"], json::array());
  EXPECT_EQ(out.size(), 8u);
}

TEST(SyncJsonTest, InvalidUtf8InStoredTextIsWrittenAsReplacementCharacters) {
  const std::string bad = "d\xff\xc3";
  sync::DownloadResult download;
  download.items.push_back(Item("saved_query", bad, "{}"));
  download.items.back().device_id = bad;
  json::object d = Reparsed(DownloadResultJson(download));
  const json::object item = d["saved_queries"].as_array().at(0).as_object();
  const std::string expected = "d" + std::string(kReplacement) + std::string(kReplacement);
  EXPECT_EQ(item.at("id").as_string(), expected);
  EXPECT_EQ(item.at("device_id").as_string(), expected);

  storage::SyncDeviceRecord device;
  device.device_id = bad;
  json::object devices = Reparsed(DevicesJson({device}));
  EXPECT_EQ(devices["devices"].as_array().at(0).as_object()["device_id"].as_string(), expected);

  json::object conflicts = Reparsed(ConflictsJson({Conflict(bad)}));
  EXPECT_EQ(conflicts["conflicts"].as_array().at(0).as_object()["item_id"].as_string(), expected);

  sync::UploadResult upload;
  upload.results.push_back(Outcome(0, bad, sync::OutcomeStatus::kRejected, 0));
  upload.results.back().reason = bad;
  upload.message = bad;
  const std::string text = UploadResultJson(upload, {});
  EXPECT_NE(text.find("\\ufffd"), std::string::npos) << text;
  json::object u = Reparsed(text);
  EXPECT_EQ(u["results"].as_array().at(0).as_object()["change_id"].as_string(), expected);
  EXPECT_EQ(u["message"].as_string(), expected);
}

TEST(ConflictsJsonTest, CountsTheConflicts) {
  EXPECT_EQ(Reparsed(ConflictsJson({})), json::parse(R"({"conflicts":[],"count":0})"));
  json::object two = Reparsed(ConflictsJson({Conflict("q1"), Conflict("q2")}));
  EXPECT_EQ(two["count"], 2);
  EXPECT_EQ(two["conflicts"].as_array().size(), 2u);
}

TEST(ResolveResultJsonTest, WritesTheItemTheCopyAndTombstones) {
  sync::ResolveResult r;
  r.resolved_at = FromUnixMillis(1767225600000);
  r.message = "conflict resolved";
  r.item = Item("saved_query", "q1", R"({"name":"b"})");
  r.copy = Item("saved_query", "q1-copy", R"j({"name":"c (conflict copy)"})j");
  json::object out = Reparsed(ResolveResultJson(r));
  EXPECT_EQ(out["success"], true);
  EXPECT_EQ(out["resolved_at"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(out["message"], "conflict resolved");
  EXPECT_EQ(out["item"].as_object()["name"], "b");
  EXPECT_FALSE(out["item"].as_object().contains("deleted"));
  EXPECT_EQ(out["copy"].as_object()["id"], "q1-copy");

  r.copy.reset();
  r.item.deleted = true;
  for (const std::string data : {"", "{}", R"({"name":"b"})"}) {
    r.item.data = data;
    json::object tombstone = Reparsed(ResolveResultJson(r));
    EXPECT_FALSE(tombstone.contains("copy"));
    EXPECT_EQ(tombstone["item"].as_object()["deleted"], true) << data;
  }
}

TEST(DevicesJsonTest, TimesAreNullUntilSet) {
  storage::SyncDeviceRecord fresh;
  fresh.device_id = "d1";
  storage::SyncDeviceRecord used;
  used.device_id = "d2";
  used.last_upload_at = 1767225600000;
  used.last_download_at = 1767225601000;
  used.changes_uploaded = 5;
  used.behind = 2;
  json::object out = Reparsed(DevicesJson({fresh, used}));
  EXPECT_EQ(out["devices"], json::parse(R"([
      {"device_id":"d1","last_upload_at":null,"last_download_at":null,
       "changes_uploaded":0,"behind":0},
      {"device_id":"d2","last_upload_at":"2026-01-01T00:00:00.000Z",
       "last_download_at":"2026-01-01T00:00:01.000Z","changes_uploaded":5,"behind":2}])"));
}

}  // namespace
}  // namespace howler::http
