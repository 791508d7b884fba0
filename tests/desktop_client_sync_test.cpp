// The desktop client's own sync dialect (API.md, "The desktop client's sync dialect")
// through the real binary. DesktopDevice replays what the client's sync engine sends and
// does with the answers (its requests, headers and merge rules, from the client's source):
// several cycles on two devices, re-uploads, an edit on
// each, a conflict and its resolution, a delete through the snake_case API, and both
// dialects converging on the same items.
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "support/api_client.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

// JS Date.prototype.toISOString of `ms`.
std::string IsoOfMillis(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

// The client's local stores and its sync cycle (sync-service.ts): upload every record that
// is unsynced or edited after lastSyncAt, download since the pre-upload lastSyncAt, check
// conflicts as the client does, merge, store serverTimestamp.
class DesktopDevice {
 public:
  DesktopDevice(const ApiClient& api, std::string license_key, std::string device_id)
      : api_(api), key_(std::move(license_key)), device_id_(std::move(device_id)) {}

  // A local saved query as the saved-queries store writes it (sync_version 0, unsynced).
  void EditQuery(const std::string& id, const std::string& title, std::int64_t at) {
    json::object& q = queries_[id];
    if (q.empty()) {
      q = {{"id", id},
           {"created_at", IsoOfMillis(at)},
           {"sync_version", 0},
           {"tags", json::array()}};
    }
    q["title"] = title;
    q["query_text"] = "SELECT * FROM t WHERE name = '" + title + "'";
    q["updated_at"] = IsoOfMillis(at);
    q["updated_ms"] = at;
    q["synced"] = false;
  }
  void AddConnection(const std::string& id, const std::string& name, std::int64_t at) {
    connections_[id] = {{"connection_id", id},
                        {"name", name},
                        {"type", "postgres"},
                        {"host", "db.internal"},
                        {"port", 5432},
                        {"database", "app"},
                        {"username", "app"},
                        {"password", "hunter2"},
                        {"ssl_mode", "require"},
                        {"environment_tags", json::array()},
                        {"updated_at", IsoOfMillis(at)},
                        {"updated_ms", at},
                        {"synced", false},
                        {"sync_version", 0}};
  }
  void AddHistory(const std::string& id, std::int64_t at) {
    history_[id] = {{"id", id},
                    {"query_text", "SELECT 42"},
                    {"connection_id", "c-1"},
                    {"execution_time_ms", 3},
                    {"row_count", 1},
                    {"privacy_mode", "normal"},
                    {"executed_at", IsoOfMillis(at)},
                    {"updated_ms", at},
                    {"synced", false},
                    {"sync_version", 0}};
  }

  // One syncNow(). Returns the upload answer; the download answer is in last_download().
  ApiResponse Cycle() {
    const std::int64_t last_sync_at = last_sync_at_;
    ApiResponse up = api_.Call("POST", "/api/sync/upload", UploadBody(last_sync_at), key_);
    EXPECT_EQ(up.status(), 200) << up;
    if (up.status() != 200) return up;
    EXPECT_TRUE(up.Object().at("acceptedCount").is_int64()) << up;
    download_ = api_.Call("GET",
                          "/api/sync/download?since=" + IsoOfMillis(last_sync_at) +
                              "&limit=100&device_id=" + device_id_,
                          std::nullopt, key_);
    EXPECT_EQ(download_.status(), 200) << download_;
    if (download_.status() != 200) return up;
    Merge(download_.Object());
    last_sync_at_ = download_.Object().at("serverTimestamp").as_int64();
    return up;
  }

  const ApiResponse& last_download() const { return download_; }
  const std::map<std::string, json::object>& queries() const { return queries_; }
  const std::map<std::string, json::object>& connections() const { return connections_; }
  int client_crashes() const { return crashes_; }

 private:
  // The client's ChangeSet of a local record.
  json::object ChangeSet(const char* type, const std::string& id, const json::object& record,
                         json::object data) {
    return {{"id", "chg-" + std::to_string(++attempt_)},  // a new UUID per change per attempt
            {"entityType", type},
            {"entityId", id},
            {"action", "update"},
            {"data", std::move(data)},
            {"timestamp", record.at("updated_ms")},
            {"syncVersion", record.at("sync_version")},
            {"deviceId", device_id_}};
  }
  static bool Selected(const json::object& r, std::int64_t last_sync_at) {
    return !r.at("synced").as_bool() || r.at("updated_ms").as_int64() > last_sync_at;
  }
  json::value UploadBody(std::int64_t last_sync_at) {
    json::array connections, queries, history;
    for (const auto& [id, c] : connections_) {
      if (!Selected(c, last_sync_at)) continue;
      json::object data = c;
      data.erase("password");  // prepareConnectionsForSync; the server strips it anyway
      data.erase("updated_ms");
      data["passwordRequired"] = true;
      data["sanitizationFlags"] = {{"passwordRemoved", true}, {"sshPasswordRemoved", false}};
      connections.push_back(ChangeSet("connection", id, c, std::move(data)));
    }
    for (const auto& [id, q] : queries_) {
      if (!Selected(q, last_sync_at)) continue;
      json::object data = {{"id", id},
                           {"user_id", "local-user"},
                           {"name", q.at("title")},
                           {"description", ""},
                           {"query", q.at("query_text")},
                           {"tags", q.at("tags")},
                           {"folder", nullptr},
                           {"favorite", false},
                           {"created_at", q.at("created_at")},
                           {"updated_at", q.at("updated_at")},
                           {"sync_version", q.at("sync_version")}};
      queries.push_back(ChangeSet("saved_query", id, q, std::move(data)));
    }
    for (const auto& [id, h] : history_) {
      if (!Selected(h, last_sync_at)) continue;
      json::object data = h;
      data.erase("updated_ms");
      history.push_back(ChangeSet("query_history", id, h, std::move(data)));
    }
    return json::object{{"deviceId", device_id_},     {"lastSyncAt", last_sync_at},
                        {"connections", connections}, {"savedQueries", queries},
                        {"reports", json::array()},   {"queryHistory", history}};
  }
  // The client's conflict check: differing versions and times crash it (.getTime() on a
  // string), so the server must never send them.
  void Check(const json::object& local, const json::object& remote, const std::string& what) {
    if (local.at("sync_version") != remote.at("sync_version")) {
      ++crashes_;
      ADD_FAILURE() << what << ": local sync_version " << local.at("sync_version")
                    << " but the server sent " << remote.at("sync_version");
    }
  }
  void Merge(const json::object& d) {
    for (const json::value& v : d.at("connections").as_array()) {
      json::object remote = v.as_object();
      ASSERT_TRUE(remote.contains("connection_id")) << "IndexedDB keyPath";
      const std::string id(remote.at("connection_id").as_string());
      if (auto it = connections_.find(id); it != connections_.end()) Check(it->second, remote, id);
      const std::int64_t version = remote.at("sync_version").as_int64();
      json::object stored = remote;
      stored["synced"] = true;
      stored["sync_version"] = version + 1;
      stored["updated_ms"] = *ParseWireTimestamp(remote.at("updated_at").as_string());
      connections_[id] = std::move(stored);
    }
    for (const json::value& v : d.at("savedQueries").as_array()) {
      const json::object& remote = v.as_object();
      const std::string id(remote.at("id").as_string());
      if (auto it = queries_.find(id); it != queries_.end()) Check(it->second, remote, id);
      ASSERT_TRUE(remote.at("sync_version").is_int64()) << remote;
      json::object& q = queries_[id];
      q["id"] = id;
      q["title"] = remote.at("name");
      q["query_text"] = remote.at("query");
      q["tags"] = remote.contains("tags") ? remote.at("tags") : json::array();
      q["created_at"] = remote.at("created_at");
      q["updated_at"] = remote.at("updated_at");
      q["updated_ms"] = *ParseWireTimestamp(remote.at("updated_at").as_string());
      q["sync_version"] = remote.at("sync_version").as_int64() + 1;
      q["synced"] = true;
    }
    for (const json::value& v : d.at("queryHistory").as_array()) {
      json::object h = v.as_object();
      h["updated_ms"] = *ParseWireTimestamp(h.at("executed_at").as_string());
      h["synced"] = true;
      history_[std::string(h.at("id").as_string())] = std::move(h);
    }
    EXPECT_TRUE(d.at("reports").is_array());
    EXPECT_TRUE(d.at("hasMore").is_bool());
  }

  const ApiClient& api_;
  const std::string key_;
  const std::string device_id_;
  std::int64_t last_sync_at_ = 0;
  int attempt_ = 0;
  int crashes_ = 0;
  ApiResponse download_;
  std::map<std::string, json::object> connections_, queries_, history_;
};

// The license key of a sign-up or sign-in answer, checked as the client checks it.
std::string LicenseKeyOf(const ApiResponse& r) {
  const json::value* key = r.Object().at("user").as_object().if_contains("license_key");
  EXPECT_TRUE(key != nullptr && key->is_string()) << r;
  if (key == nullptr || !key->is_string()) return {};
  const std::string text(key->as_string());
  EXPECT_TRUE(std::regex_match(text, std::regex("^SQL-INDIVIDUAL-[0-9a-f-]+-[A-F0-9]{4}$")))
      << text;
  return text;
}

class DesktopClientSyncTest : public SharedServerTest<DesktopClientSyncTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"RATE_LIMIT_SYNC_PER_MIN", "100000"}};
  }
};

TEST_F(DesktopClientSyncTest, TwoDevicesThroughSeveralCyclesWithAConflictAndADelete) {
  const std::string name = UniqueName("desk");
  ApiResponse signup = api().Signup(name, name + "@example.com", std::string(kTestPassword));
  ASSERT_EQ(signup.status(), 201) << signup;
  ApiResponse login = api().Login(name, std::string(kTestPassword));
  ASSERT_EQ(login.status(), 200) << login;
  const std::string token = signup.Str("token");
  const std::string key_a = LicenseKeyOf(signup);
  const std::string key_b = LicenseKeyOf(login);
  ASSERT_NE(key_a, key_b) << "one key per signed-in device";

  DesktopDevice a(api(), key_a, "device_a1b2c3_x7y8z9");
  DesktopDevice b(api(), key_b, "device_d4e5f6_q1w2e3");
  std::int64_t t = NowUnixMillis() - 60'000;
  a.EditQuery("q-1", "first", t);
  a.EditQuery("q-2", "second", t);
  a.AddConnection("c-1", "prod", t);
  a.AddHistory("h-1", t);

  // First sync of each device; B's upload is all empty arrays.
  ApiResponse up = a.Cycle();
  EXPECT_EQ(up.Object().at("acceptedCount").as_int64(), 4) << up;
  EXPECT_TRUE(up.Object().at("serverTimestamp").is_int64());
  const json::object& first = a.last_download().Object();
  EXPECT_TRUE(first.at("serverTimestamp").is_int64());
  EXPECT_EQ(first.at("savedQueries").as_array().size(), 0u) << "its own uploads not echoed";
  up = b.Cycle();
  EXPECT_EQ(up.Object().at("acceptedCount").as_int64(), 0) << up;
  EXPECT_EQ(b.queries().size(), 2u);
  ASSERT_EQ(b.connections().count("c-1"), 1u);
  EXPECT_FALSE(b.connections().at("c-1").contains("password")) << "secrets never stored";
  EXPECT_EQ(b.connections().at("c-1").at("name"), "prod");

  // A re-sends its unsynced records on every cycle: the server's versions do not move.
  for (int i = 0; i < 3; ++i) {
    a.Cycle();
    b.Cycle();
  }
  Downloaded snake = DownloadAll(api(), token, "web");
  ASSERT_NE(FindItem(snake, "q-1"), nullptr);
  EXPECT_EQ(FindItem(snake, "q-1")->at("sync_version").as_int64(), 1);

  // An edit on each device reaches the other.
  a.EditQuery("q-1", "first, edited on A", t += 1000);
  b.EditQuery("q-2", "second, edited on B", t += 1000);
  a.Cycle();
  b.Cycle();
  a.Cycle();
  EXPECT_EQ(b.queries().at("q-1").at("title"), "first, edited on A");
  EXPECT_EQ(a.queries().at("q-2").at("title"), "second, edited on B");

  // Both edit q-1 before syncing; B's edit is later and wins; A's is kept as a conflict.
  a.EditQuery("q-1", "A's concurrent edit", t += 1000);
  b.EditQuery("q-1", "B's concurrent edit", t += 1000);
  a.Cycle();
  b.Cycle();
  a.Cycle();
  EXPECT_EQ(a.queries().at("q-1").at("title"), "B's concurrent edit");
  ApiResponse conflicts = api().Call("GET", "/api/sync/conflicts", std::nullopt, key_a);
  ASSERT_EQ(conflicts.status(), 200) << conflicts;
  ASSERT_TRUE(conflicts.json.is_array()) << "a bare array in this dialect";
  ASSERT_EQ(conflicts.json.as_array().size(), 1u) << conflicts;
  const json::object& conflict = conflicts.json.as_array().at(0).as_object();
  EXPECT_EQ(conflict.at("item_id"), "q-1");
  ApiResponse unknown = api().Call("POST", "/api/sync/conflicts/5b0e2a8c-client-made/resolve",
                                   json::object{{"resolution", "remote"}}, key_a);
  EXPECT_EQ(unknown.status(), 200) << unknown;
  // The user keeps A's version after all: local and remote name the conflict's sides as
  // listed (local: the upload that met the other device's write; here B's, which won).
  const json::object& local = conflict.at("local_version").as_object();
  EXPECT_EQ(local.at("data").at("name"), "B's concurrent edit");
  EXPECT_EQ(conflict.at("remote_version").at("data").at("name"), "A's concurrent edit");
  const std::string conflict_id(conflict.at("id").as_string());
  ApiResponse resolved = api().Call("POST", "/api/sync/conflicts/" + conflict_id + "/resolve",
                                    json::object{{"resolution", "remote"}}, key_a);
  ASSERT_EQ(resolved.status(), 200) << resolved;
  for (int i = 0; i < 2; ++i) {
    a.Cycle();
    b.Cycle();
  }
  EXPECT_EQ(a.queries().at("q-1").at("title"), "A's concurrent edit");
  EXPECT_EQ(b.queries().at("q-1").at("title"), "A's concurrent edit");

  // A third device on the snake_case API deletes q-2: never sent to the desktop devices,
  // and their re-sends do not bring it back.
  snake = DownloadAll(api(), token, "web");
  const json::object* q2 = FindItem(snake, "q-2");
  ASSERT_NE(q2, nullptr);
  ApiResponse del =
      Upload(api(), token, "web",
             {Change("del-1", "saved_query", "q-2", "delete", q2->at("sync_version").as_int64())});
  ASSERT_EQ(Statuses(del), std::vector<std::string>{"applied"}) << del;
  for (int i = 0; i < 2; ++i) {
    a.Cycle();
    b.Cycle();
  }
  snake = DownloadAll(api(), token, "web");
  EXPECT_EQ(FindItem(snake, "q-2"), nullptr);
  EXPECT_EQ(snake.deleted.size(), 1u);

  // Both dialects converge: what the snake_case device holds is what each desktop holds.
  for (const DesktopDevice* device : {&a, &b}) {
    for (const char* id : {"q-1"}) {
      const json::object* item = FindItem(snake, id);
      ASSERT_NE(item, nullptr);
      EXPECT_EQ(item->at("name"), device->queries().at(id).at("title"));
      EXPECT_EQ(item->at("query"), device->queries().at(id).at("query_text"));
    }
    EXPECT_EQ(FindItem(snake, "c-1")->at("name"), device->connections().at("c-1").at("name"));
    EXPECT_EQ(device->client_crashes(), 0);
  }
}

TEST_F(DesktopClientSyncTest, StatusHealthResetAndCredentials) {
  TestAccount account = CreateAccount(api(), "deskst");
  ApiResponse login = api().Login(account.username, account.password);
  ASSERT_EQ(login.status(), 200) << login;
  const std::string key = LicenseKeyOf(login);

  // The first download of a device, `since` the epoch, is a full download, never 410.
  ApiResponse first =
      api().Call("GET", "/api/sync/download?since=1970-01-01T00:00:00.000Z&limit=100&device_id=d1",
                 std::nullopt, key);
  ASSERT_EQ(first.status(), 200) << first;
  EXPECT_TRUE(first.Object().at("hasMore").is_bool());

  ApiResponse status = api().Call("GET", "/api/sync/status?device_id=d1", std::nullopt, key);
  ASSERT_EQ(status.status(), 200) << status;
  EXPECT_TRUE(status.Object().at("lastSyncAt").is_int64());
  EXPECT_TRUE(status.Object().at("pendingChanges").is_int64());
  EXPECT_EQ(status.Object().at("conflicts").as_int64(), 0);
  ApiResponse health = api().Call("GET", "/api/sync/health", std::nullopt, key);
  ASSERT_EQ(health.status(), 200) << health;
  EXPECT_EQ(health.Str("status"), "ok");
  ApiResponse reset = api().Call("POST", "/api/sync/reset", std::nullopt, key);
  ASSERT_EQ(reset.status(), 200) << reset;
  EXPECT_TRUE(reset.Object().at("success").as_bool());

  // The key is a sync credential only; the access token works on sync routes too.
  EXPECT_EQ(api().Me(key).status(), 401);
  EXPECT_EQ(api().Call("GET", "/api/sync/status", std::nullopt, account.token).status(), 200);
  ApiResponse bad = api().Call("GET", "/api/sync/status", std::nullopt,
                               "SQL-INDIVIDUAL-00000000-0000-4000-8000-000000000000-ABCD");
  EXPECT_TRUE(IsApiError(bad, 401, "UNAUTHORIZED")) << bad;
  ApiResponse not_json_error =
      api().Call("POST", "/api/sync/upload", json::object{{"deviceId", ""}}, key);
  EXPECT_TRUE(IsApiError(not_json_error, 400, "INVALID_REQUEST", "deviceId")) << not_json_error;
}

}  // namespace
}  // namespace howler::testing
