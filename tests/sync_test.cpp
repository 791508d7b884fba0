// The Sync endpoints of API.md through the real binary: outcomes, versions, conflicts and
// their resolution, tombstones, sanitizing, pagination, user isolation.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/api_client.h"
#include "support/http_client.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

class SyncTest : public SharedServerTest<SyncTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"RATE_LIMIT_SYNC_PER_MIN", "100000"}};
  }

 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    alice_ = CreateAccount(api(), "sync");
  }
  ApiResponse Up(const std::string& device, const json::array& changes) {
    return Upload(api(), alice_.token, device, changes);
  }

  TestAccount alice_;
};

TEST_F(SyncTest, EveryOutcomeKindWithExactVersions) {
  ApiResponse first = Up("laptop", {Change("c1", "saved_query", "q1", "create", 0,
                                           json::object{{"name", "Q"}, {"query", "SELECT 1"}})});
  ASSERT_EQ(first.status(), 200) << first;
  EXPECT_EQ(Statuses(first), std::vector<std::string>{"applied"});
  EXPECT_EQ(first.Object().at("results").at(0).at("sync_version").as_int64(), 1);
  EXPECT_TRUE(first.Object().at("success").as_bool());

  ApiResponse r =
      Up("laptop", {Change("c2", "saved_query", "q1", "update", 1, json::object{{"name", "Q2"}}),
                    Change("c3", "saved_query", "q1", "update", 2, json::object{{"name", "Q2"}}),
                    Change("c1", "saved_query", "q1", "create", 0, json::object{{"name", "Q"}}),
                    Change("c4", "saved_query", "q1", "update", 1, json::object{{"name", "stale"}}),
                    Change("c5", "saved_query", "", "create", 0, json::object{})});
  ASSERT_EQ(r.status(), 200) << r;
  EXPECT_EQ(Statuses(r), (std::vector<std::string>{"applied", "unchanged", "duplicate", "conflict",
                                                   "rejected"}));
  const auto& results = r.Object().at("results").as_array();
  EXPECT_EQ(results.at(0).at("sync_version").as_int64(), 2);
  EXPECT_EQ(results.at(1).at("sync_version").as_int64(), 2);
  EXPECT_FALSE(r.Object().at("success").as_bool());
  const auto& rejected = r.Object().at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected.at(0).at("change").at("id").as_string(), "c5");
  EXPECT_NE(std::string(rejected.at(0).at("reason").as_string()).find("item_id"),
            std::string::npos);
  const auto& conflicts = r.Object().at("conflicts").as_array();
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts.at(0).at("local_version").at("data").at("name").as_string(), "stale");
  EXPECT_EQ(conflicts.at(0).at("remote_version").at("data").at("name").as_string(), "Q2");
  EXPECT_EQ(conflicts.at(0).at("remote_version").at("sync_version").as_int64(), 2);
  EXPECT_TRUE(IsWireTimestamp(conflicts.at(0).at("detected_at")));
  EXPECT_EQ(r.Str("message"), "Synced 1 items, 1 conflicts, 1 rejected");

  // The server copy is untouched by the conflict.
  Downloaded d = DownloadAll(api(), alice_.token, "phone");
  const json::object* q1 = FindItem(d, "q1");
  ASSERT_NE(q1, nullptr);
  EXPECT_EQ(q1->at("name").as_string(), "Q2");
  EXPECT_EQ(q1->at("sync_version").as_int64(), 2);
  EXPECT_EQ(q1->at("device_id").as_string(), "laptop");
  EXPECT_TRUE(IsWireTimestamp(q1->at("updated_at")));
}

TEST_F(SyncTest, DeletesReachOtherDevicesAsTombstones) {
  Up("laptop", {Change("a", "connection", "c9", "create", 0, json::object{{"name", "db"}})});
  Downloaded before = DownloadAll(api(), alice_.token, "phone");
  ASSERT_NE(FindItem(before, "c9"), nullptr);
  ApiResponse del = Up("laptop", {Change("b", "connection", "c9", "delete", 1)});
  EXPECT_EQ(Statuses(del), std::vector<std::string>{"applied"});
  Downloaded after = DownloadAll(api(), alice_.token, "phone", 500, before.cursor);
  EXPECT_TRUE(after.items.empty());
  ASSERT_EQ(after.deleted.size(), 1u);
  EXPECT_EQ(after.deleted[0].at("item_type").as_string(), "connection");
  EXPECT_EQ(after.deleted[0].at("item_id").as_string(), "c9");
  EXPECT_EQ(after.deleted[0].at("sync_version").as_int64(), 2);
  EXPECT_TRUE(IsWireTimestamp(after.deleted[0].at("deleted_at")));
  // Deleting again changes nothing.
  EXPECT_EQ(Statuses(Up("laptop", {Change("c", "connection", "c9", "delete", 2)})),
            std::vector<std::string>{"unchanged"});
}

TEST_F(SyncTest, SecretsAreStrippedReportedAndNeverReturned) {
  json::object data = {
      {"name", "prod"},
      {"host", "db.internal"},
      {"password", "hunter2"},
      {"metadata",
       json::object{{"ssh", json::object{{"ssh_password", "x"}, {"private_key", "k"}}}}}};
  ApiResponse r = Up("laptop", {Change("s1", "connection", "conn", "create", 0, data)});
  ASSERT_EQ(r.status(), 200) << r;
  const auto& stripped = r.Object().at("results").at(0).at("stripped").as_array();
  EXPECT_EQ(stripped.size(), 3u);
  ApiResponse page = Download(api(), alice_.token, "phone");
  EXPECT_EQ(page.http.body.find("hunter2"), std::string::npos);
  EXPECT_EQ(page.http.body.find("password"), std::string::npos);
  EXPECT_EQ(page.http.body.find("private_key"), std::string::npos);
  EXPECT_NE(page.http.body.find("db.internal"), std::string::npos);
}

TEST_F(SyncTest, HistoryLiteralsAreReplacedAndHistoryIsAppendOnly) {
  json::object h = {{"query", "SELECT * FROM users WHERE email = 'a@b.c' AND age > 30"},
                    {"duration_ms", 12},
                    {"success", true}};
  Up("laptop", {Change("h1", "query_history", "h1", "create", 0, h)});
  h["query"] = "DELETE FROM users";
  EXPECT_EQ(Statuses(Up("phone", {Change("h2", "query_history", "h1", "update", 0, h)})),
            std::vector<std::string>{"unchanged"});
  Downloaded d = DownloadAll(api(), alice_.token, "tablet");
  const json::object* item = FindItem(d, "h1");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->at("query").as_string(), "SELECT * FROM users WHERE email = ? AND age > ?");
  EXPECT_EQ(item->at("duration_ms").as_int64(), 12);
}

TEST_F(SyncTest, UnknownFieldsAreKeptAndServerFieldsAreTheServers) {
  json::object data = {{"name", "n"},
                       {"id", "spoofed"},
                       {"sync_version", 99},
                       {"user_id", "someone-else"},
                       {"custom", json::object{{"nested", json::array{1, 2.5, "x"}}}}};
  Up("laptop", {Change("u1", "saved_query", "real-id", "create", 0, data)});
  Downloaded d = DownloadAll(api(), alice_.token, "phone");
  const json::object* item = FindItem(d, "real-id");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->at("sync_version").as_int64(), 1);
  EXPECT_EQ(item->if_contains("user_id"), nullptr);
  const auto& nested = item->at("custom").at("nested").as_array();
  ASSERT_EQ(nested.size(), 3u);
  EXPECT_EQ(nested.at(0).as_int64(), 1);
  EXPECT_EQ(nested.at(1).as_double(), 2.5);
  EXPECT_EQ(nested.at(2).as_string(), "x");
}

TEST_F(SyncTest, PaginationOver1200ChangesReturnsEachOnceInOrder) {
  for (int batch = 0; batch < 2; ++batch) {
    json::array changes;
    for (int i = 0; i < 600; ++i) {
      std::string id = std::to_string(batch * 600 + i);
      changes.push_back(Change("p" + id, "query_history", "h" + id, "create", 0,
                               json::object{{"query", "SELECT 1"}, {"n", batch * 600 + i}}));
    }
    ApiResponse r = Up("laptop", changes);
    ASSERT_EQ(r.status(), 200) << r;
  }
  Downloaded d = DownloadAll(api(), alice_.token, "phone", 500);
  EXPECT_EQ(d.pages, 3);
  ASSERT_EQ(d.items.size(), 1200u);
  for (int i = 0; i < 1200; ++i) EXPECT_EQ(d.items[i].at("n").as_int64(), i);
  // Nothing more after the last cursor.
  EXPECT_TRUE(DownloadAll(api(), alice_.token, "phone", 500, d.cursor).items.empty());
}

TEST_F(SyncTest, PagesStayCompleteWhileAnotherDeviceUploads) {
  for (int i = 0; i < 300; ++i) {
    if (i % 100 == 0) {
      json::array changes;
      for (int j = i; j < i + 100; ++j) {
        changes.push_back(Change("o" + std::to_string(j), "query_history",
                                 "old" + std::to_string(j), "create", 0, json::object{}));
      }
      ASSERT_EQ(Up("laptop", changes).status(), 200);
    }
  }
  // Another device uploads 200 more while this one pages through in small pages.
  std::thread writer([&] {
    for (int round = 0; round < 20; ++round) {
      json::array changes;
      for (int j = 0; j < 10; ++j) {
        std::string id = std::to_string(round * 10 + j);
        changes.push_back(
            Change("n" + id, "query_history", "new" + id, "create", 0, json::object{}));
      }
      EXPECT_EQ(Up("phone", changes).status(), 200);
    }
  });
  Downloaded d = DownloadAll(api(), alice_.token, "tablet", 7);
  writer.join();
  Downloaded rest = DownloadAll(api(), alice_.token, "tablet", 50, d.cursor);
  std::set<std::string> ids;
  for (const auto* list : {&d.items, &rest.items}) {
    for (const auto& item : *list) {
      EXPECT_TRUE(ids.insert(std::string(item.at("id").as_string())).second) << item.at("id");
    }
  }
  EXPECT_EQ(ids.size(), 300u + 200u);
}

TEST_F(SyncTest, SinceAndCursorBothWork) {
  Up("laptop", {Change("a", "saved_query", "first", "create", 0, json::object{})});
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const std::int64_t mid = NowUnixMillis();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ApiResponse second =
      Up("laptop", {Change("b", "saved_query", "second", "create", 0, json::object{})});
  // `since`: changes written at or after that server time.
  char since[64];
  std::time_t secs = mid / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::snprintf(since, sizeof(since), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(mid % 1000));
  ApiResponse by_time = Download(api(), alice_.token, "phone", std::string("since=") + since);
  ASSERT_EQ(by_time.status(), 200) << by_time;
  const auto& queries = by_time.Object().at("saved_queries").as_array();
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries.at(0).at("id").as_string(), "second");
  // The upload's cursor is the position after it: nothing newer.
  ApiResponse after = Download(api(), alice_.token, "phone", "cursor=" + second.Str("cursor"));
  EXPECT_EQ(after.Object().at("saved_queries").as_array().size(), 0u);
  EXPECT_TRUE(IsApiError(Download(api(), alice_.token, "phone", "cursor=AAAA"), 400,
                         "INVALID_REQUEST", "cursor"));
  EXPECT_TRUE(IsApiError(Download(api(), alice_.token, "phone", "since=yesterday"), 400,
                         "INVALID_REQUEST", "since"));
  // A `since` before the account's first change is a full download, never 410 (a `since`
  // after it but beyond the horizon is 410: sync_handlers_test, which controls the clock).
  ApiResponse full = Download(api(), alice_.token, "phone", "since=2000-01-01T00:00:00Z");
  ASSERT_EQ(full.status(), 200) << full;
  EXPECT_EQ(full.Object().at("saved_queries").as_array().size(), 2u);
  EXPECT_TRUE(IsApiError(Download(api(), alice_.token, ""), 400, "INVALID_REQUEST", "device_id"));
}

TEST_F(SyncTest, ConflictResolutionStrategies) {
  auto make_conflict = [&](const std::string& id) {
    Up("laptop", {Change(id + "1", "saved_query", id, "create", 0, json::object{{"name", "a"}})});
    Up("laptop",
       {Change(id + "2", "saved_query", id, "update", 1, json::object{{"name", "server"}})});
    // The local edit is later than the server's (last_write_wins keeps it; a tie keeps
    // the server's).
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    ApiResponse r =
        Up("phone",
           {Change(id + "3", "saved_query", id, "update", 1, json::object{{"name", "mine"}})});
    return std::string(r.Object().at("conflicts").at(0).at("id").as_string());
  };
  std::string c1 = make_conflict("r1");
  std::string c2 = make_conflict("r2");
  std::string c3 = make_conflict("r3");
  ApiResponse listed = api().Call("GET", "/api/sync/conflicts", std::nullopt, alice_.token);
  EXPECT_EQ(listed.Object().at("count").as_int64(), 3);

  Downloaded before = DownloadAll(api(), alice_.token, "tablet");
  ApiResponse local =
      Resolve(api(), alice_.token, c1, {{"strategy", "user_choice"}, {"chosen_version", "local"}});
  ASSERT_EQ(local.status(), 200) << local;
  EXPECT_EQ(local.Object().at("item").at("name").as_string(), "mine");
  EXPECT_EQ(local.Object().at("item").at("sync_version").as_int64(), 3);
  ApiResponse both = Resolve(api(), alice_.token, c2, {{"strategy", "keep_both"}});
  ASSERT_EQ(both.status(), 200) << both;
  EXPECT_EQ(both.Object().at("item").at("name").as_string(), "server");
  EXPECT_EQ(both.Object().at("copy").at("name").as_string(), "mine (conflict copy)");
  ApiResponse lww = Resolve(api(), alice_.token, c3, {{"strategy", "last_write_wins"}});
  ASSERT_EQ(lww.status(), 200) << lww;
  EXPECT_EQ(lww.Object().at("item").at("name").as_string(), "mine");

  // Resolutions are changes other devices download.
  Downloaded after = DownloadAll(api(), alice_.token, "tablet", 500, before.cursor);
  EXPECT_EQ(after.items.size(), 4u);  // r1, r2, its copy, r3
  EXPECT_EQ(FindItem(after, "r1")->at("name").as_string(), "mine");

  EXPECT_EQ(api()
                .Call("GET", "/api/sync/conflicts", std::nullopt, alice_.token)
                .Object()
                .at("count")
                .as_int64(),
            0);
  EXPECT_TRUE(
      IsApiError(Resolve(api(), alice_.token, c1, {{"strategy", "keep_both"}}), 409, "CONFLICT"));
  EXPECT_TRUE(
      IsApiError(Resolve(api(), alice_.token, "no-such-conflict", {{"strategy", "keep_both"}}), 404,
                 "NOT_FOUND"));
  std::string c4 = make_conflict("r4");
  EXPECT_TRUE(IsApiError(Resolve(api(), alice_.token, c4, {{"strategy", "coin_flip"}}), 400,
                         "INVALID_REQUEST", "strategy"));
  EXPECT_TRUE(IsApiError(Resolve(api(), alice_.token, c4, {{"strategy", "user_choice"}}), 400,
                         "INVALID_REQUEST", "chosen_version"));
  ApiResponse merged = Resolve(api(), alice_.token, c4,
                               {{"strategy", "user_choice"},
                                {"merged_data", json::object{{"name", "merged"}, {"token", "t"}}}});
  ASSERT_EQ(merged.status(), 200) << merged;
  EXPECT_EQ(merged.Object().at("item").at("name").as_string(), "merged");
  EXPECT_EQ(merged.Object().at("item").as_object().if_contains("token"), nullptr);
}

TEST_F(SyncTest, UsersNeverSeeOrChangeEachOthersData) {
  TestAccount bob = CreateAccount(api(), "bob");
  Up("laptop",
     {Change("a1", "connection", "shared-id", "create", 0, json::object{{"name", "alice"}})});
  Up("laptop",
     {Change("a2", "connection", "shared-id", "update", 1, json::object{{"name", "alice2"}})});
  ApiResponse conflict = Up(
      "phone", {Change("a3", "connection", "shared-id", "update", 1, json::object{{"name", "x"}})});
  std::string conflict_id(conflict.Object().at("conflicts").at(0).at("id").as_string());

  EXPECT_TRUE(DownloadAll(api(), bob.token, "bobs").items.empty());
  // Bob writing the same item id makes his own item; deleting it touches nothing of alice's.
  ApiResponse mine =
      Upload(api(), bob.token, "bobs",
             {Change("a1", "connection", "shared-id", "update", 2, json::object{{"name", "bob"}})});
  EXPECT_EQ(Statuses(mine), std::vector<std::string>{"applied"});
  EXPECT_EQ(mine.Object().at("results").at(0).at("sync_version").as_int64(), 1);
  Upload(api(), bob.token, "bobs", {Change("b2", "connection", "shared-id", "delete", 1)});
  EXPECT_EQ(api()
                .Call("GET", "/api/sync/conflicts", std::nullopt, bob.token)
                .Object()
                .at("count")
                .as_int64(),
            0);
  EXPECT_TRUE(IsApiError(Resolve(api(), bob.token, conflict_id,
                                 {{"strategy", "user_choice"}, {"chosen_version", "local"}}),
                         404, "NOT_FOUND"));
  const Downloaded seen = DownloadAll(api(), alice_.token, "tablet");
  const json::object* alices = FindItem(seen, "shared-id");
  ASSERT_NE(alices, nullptr);
  EXPECT_EQ(alices->at("name").as_string(), "alice2");
  // A user_id in the body is ignored.
  ApiResponse spoof = api().Call(
      "POST", "/api/sync/upload",
      json::value(json::object{{"device_id", "bobs"},
                               {"user_id", alice_.user_id},
                               {"changes", json::array{Change("s", "connection", "spoof", "create",
                                                              0, json::object{})}}}),
      bob.token);
  EXPECT_EQ(spoof.status(), 200);
  EXPECT_EQ(FindItem(DownloadAll(api(), alice_.token, "tablet"), "spoof"), nullptr);
}

TEST_F(SyncTest, DevicesReportUploadsAndHowFarBehindTheyAre) {
  Up("laptop", {Change("d1", "connection", "x", "create", 0, json::object{}),
                Change("d2", "connection", "y", "create", 0, json::object{})});
  ASSERT_EQ(Download(api(), alice_.token, "phone", "limit=1").status(), 200);
  ApiResponse r = api().Call("GET", "/api/sync/devices", std::nullopt, alice_.token);
  ASSERT_EQ(r.status(), 200) << r;
  const auto& devices = r.Object().at("devices").as_array();
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices.at(0).at("device_id").as_string(), "laptop");
  EXPECT_EQ(devices.at(0).at("changes_uploaded").as_int64(), 2);
  EXPECT_TRUE(IsWireTimestamp(devices.at(0).at("last_upload_at")));
  EXPECT_TRUE(devices.at(0).at("last_download_at").is_null());
  EXPECT_EQ(devices.at(1).at("device_id").as_string(), "phone");
  EXPECT_EQ(devices.at(1).at("behind").as_int64(), 1);
  EXPECT_TRUE(IsWireTimestamp(devices.at(1).at("last_download_at")));
}

TEST_F(SyncTest, OperationsAreCountedInMetrics) {
  Up("laptop", {Change("m1", "saved_query", "m", "create", 0, json::object{{"name", "a"}})});
  Up("phone", {Change("m2", "saved_query", "m", "update", 0, json::object{{"name", "b"}})});
  ASSERT_EQ(Download(api(), alice_.token, "phone").status(), 200);
  const std::string text = HttpGet(server().metrics_url() + "/metrics").body;
  for (const char* series :
       {"sql_studio_sync_operations_total{operation=\"upload\",status=\"ok\"}",
        "sql_studio_sync_operations_total{operation=\"download\",status=\"ok\"}",
        "sql_studio_sync_changes_total{item_type=\"saved_query\",status=\"applied\"}",
        "sql_studio_sync_conflicts_total{resolution=\"detected\"}",
        "sql_studio_sync_payload_bytes_count{operation=\"upload\"}",
        "sql_studio_sync_payload_bytes_count{operation=\"download\"}"}) {
    EXPECT_NE(text.find(series), std::string::npos) << series;
  }
}

TEST_F(SyncTest, EveryRouteNeedsABearerToken) {
  for (auto [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/api/sync/upload"},
                                                        {"GET", "/api/sync/download?device_id=x"},
                                                        {"GET", "/api/sync/conflicts"},
                                                        {"POST", "/api/sync/conflicts/x/resolve"},
                                                        {"GET", "/api/sync/devices"}}) {
    EXPECT_TRUE(
        IsApiError(api().Call(method, path, json::value(json::object{})), 401, "UNAUTHORIZED"))
        << path;
    EXPECT_TRUE(IsApiError(api().Call(method, path, json::value(json::object{}), "not-a-jwt"), 401,
                           "UNAUTHORIZED"))
        << path;
  }
}

TEST_F(SyncTest, MalformedBodiesGetFieldNamedErrors) {
  EXPECT_TRUE(
      IsApiError(api().Call("POST", "/api/sync/upload",
                            json::value(json::object{{"changes", json::array{}}}), alice_.token),
                 400, "INVALID_REQUEST", "device_id"));
  EXPECT_TRUE(IsApiError(api().Call("POST", "/api/sync/upload",
                                    json::value(json::object{{"device_id", "d"}}), alice_.token),
                         400, "INVALID_REQUEST", "changes"));
  ApiResponse empty = Up("laptop", {});
  EXPECT_EQ(empty.status(), 200) << empty;
  EXPECT_TRUE(empty.Object().at("success").as_bool());
  ApiResponse typed =
      Up("laptop", {json::object{{"id", "t"},
                                 {"item_type", "connection"},
                                 {"item_id", "x"},
                                 {"action", "create"},
                                 {"sync_version", "three"},
                                 {"data", json::object{}}},
                    json::value("not an object"),
                    Change("ok", "connection", "fine", "create", 0, json::object{})});
  EXPECT_EQ(Statuses(typed), (std::vector<std::string>{"rejected", "rejected", "applied"}));
  EXPECT_TRUE(IsApiError(api().Raw("POST", "/api/sync/upload",
                                   {"Content-Type: application/json", BearerHeader(alice_.token)},
                                   "{\"device_id\": \"d\", \"changes\": ["),
                         400, "INVALID_REQUEST"));
}

}  // namespace
}  // namespace howler::testing
