// The /api/sync handlers through the API pipeline over real services on a SQLite file
// (api/testing/service_harness.h), without sockets: shapes and statuses of API.md "Sync",
// the upload and query checks, sessions and the per-user budget.
#include "http/sync_handlers.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

#include "api/operations.h"
#include "common/time_format.h"
#include "http/testing/api_pipeline.h"

namespace howler::http {
namespace {

namespace json = boost::json;
namespace ops = api::ops;
using api::testing::Account;
using api::testing::HarnessOptions;
using api::testing::ServiceHarness;
using testing::ApiPipeline;
using testing::ApiPipelineOptions;
using testing::CodeOf;
using testing::Get;
using testing::JsonOf;
using testing::MessageOf;
using testing::Post;

json::object Change(const std::string& id, const std::string& item, const std::string& action,
                    std::int64_t base, json::object data) {
  return {{"id", id},         {"item_type", "saved_query"}, {"item_id", item},
          {"action", action}, {"sync_version", base},       {"data", std::move(data)}};
}

std::string UploadBody(const std::string& device, json::array changes) {
  return json::serialize(json::object{{"device_id", device}, {"changes", std::move(changes)}});
}

class SyncHandlersTest : public ::testing::Test {
 protected:
  explicit SyncHandlersTest(HarnessOptions options = {}, ApiPipelineOptions api = {})
      : harness_(std::move(options)), api_(harness_, std::move(api)) {
    alice_ = harness_.SignUp("alice");
  }

  Response Send(Request r) { return api_.Send(std::move(r)); }
  Response Upload(const std::string& device, json::array changes, const Account* who = nullptr) {
    return Send(Post("/api/sync/upload", UploadBody(device, std::move(changes)),
                     (who ? *who : alice_).Bearer()));
  }
  Response Download(const std::string& query, const Account* who = nullptr) {
    Request r = Get("/api/sync/download", (who ? *who : alice_).Bearer());
    std::string rest = query;
    while (!rest.empty()) {
      const std::string pair = rest.substr(0, rest.find('&'));
      rest = pair.size() < rest.size() ? rest.substr(pair.size() + 1) : "";
      const auto eq = pair.find('=');
      r.query.emplace(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
    }
    return Send(std::move(r));
  }
  // A conflict on saved query q1: d2 edits version 1 after d1 moved it to 2.
  std::string MakeConflict() {
    EXPECT_EQ(Upload("d1", {Change("c1", "q1", "create", 0, {{"name", "a"}})}).status, 200);
    EXPECT_EQ(Upload("d1", {Change("c2", "q1", "update", 1, {{"name", "b"}})}).status, 200);
    json::object r = JsonOf(Upload("d2", {Change("c3", "q1", "update", 1, {{"name", "c"}})}));
    json::object result = r["results"].as_array().at(0).as_object();
    EXPECT_EQ(result["status"], "conflict");
    return std::string(result["conflict_id"].as_string());
  }
  Response Resolve(const std::string& id, json::object body) {
    return Send(
        Post("/api/sync/conflicts/" + id + "/resolve", json::serialize(body), alice_.Bearer()));
  }

  ServiceHarness harness_;
  ApiPipeline api_;
  Account alice_;
};

TEST_F(SyncHandlersTest, UploadAnswersTheDocumentedShape) {
  const Response r = Upload("d1", {Change("c1", "q1", "create", 0, {{"name", "first"}})});
  ASSERT_EQ(r.status, 200) << r.body;
  json::object out = JsonOf(r);
  EXPECT_EQ(out["success"], true);
  EXPECT_TRUE(out["synced_at"].as_string().ends_with("Z"));
  EXPECT_FALSE(out["cursor"].as_string().empty());
  EXPECT_EQ(out["message"].as_string(), "Synced 1 items, 0 conflicts, 0 rejected");
  EXPECT_TRUE(out["conflicts"].as_array().empty());
  EXPECT_TRUE(out["rejected"].as_array().empty());
  ASSERT_EQ(out["results"].as_array().size(), 1u);
  const json::object& result = out["results"].as_array()[0].as_object();
  EXPECT_EQ(result.at("change_id"), "c1");
  EXPECT_EQ(result.at("item_type"), "saved_query");
  EXPECT_EQ(result.at("item_id"), "q1");
  EXPECT_EQ(result.at("status"), "applied");
  EXPECT_EQ(result.at("sync_version"), 1);
}

TEST_F(SyncHandlersTest, ARejectedChangeIsEchoedWithItsReasonAndTheOthersApply) {
  json::object bad = Change("c2", "q2", "create", 0, {{"name", "x"}});
  bad["item_type"] = 7;
  const Response r =
      Upload("d1", {Change("c1", "q1", "create", 0, {{"name", "ok"}}), json::value(bad)});
  ASSERT_EQ(r.status, 200) << r.body;
  json::object out = JsonOf(r);
  EXPECT_EQ(out["success"], false);
  json::array results = out["results"].as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].as_object()["status"], "applied");
  EXPECT_EQ(results[1].as_object()["status"], "rejected");
  EXPECT_EQ(results[1].as_object()["reason"], "item_type must be a string");
  ASSERT_EQ(out["rejected"].as_array().size(), 1u);
  json::object rejected = out["rejected"].as_array()[0].as_object();
  EXPECT_EQ(rejected["change"], json::value(bad));
  EXPECT_EQ(rejected["reason"], "item_type must be a string");
}

TEST_F(SyncHandlersTest, SecretsAreStrippedAndListed) {
  json::object change = Change("c1", "c1", "create", 0, {{"name", "db"}, {"password", "hunter2"}});
  change["item_type"] = "connection";
  const Response r = Upload("d1", {json::value(change)});
  ASSERT_EQ(r.status, 200) << r.body;
  json::object result = JsonOf(r)["results"].as_array()[0].as_object();
  EXPECT_EQ(result["stripped"], json::array({"password"}));
  const Response d = Download("device_id=d1");
  EXPECT_EQ(d.body.find("hunter2"), std::string::npos) << d.body;
}

TEST_F(SyncHandlersTest, UploadDeviceIdIsRequiredAndLimited) {
  const std::size_t limit = ops::kUpload.Field("device_id").max_bytes;
  EXPECT_EQ(Upload(std::string(limit, 'd'), {}).status, 200);
  const Response over = Upload(std::string(limit + 1, 'd'), {});
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(MessageOf(over), "device_id is too long");
  const Response missing = Send(Post("/api/sync/upload", R"({"changes":[]})", alice_.Bearer()));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(MessageOf(missing), "device_id is required");
  const Response wrong_type =
      Send(Post("/api/sync/upload", R"({"device_id":5,"changes":[]})", alice_.Bearer()));
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(MessageOf(wrong_type), "device_id must be a string");
  const Response control = Upload("d\x01", {});
  EXPECT_EQ(control.status, 400);
  EXPECT_NE(MessageOf(control).find("device_id"), std::string::npos);
}

TEST_F(SyncHandlersTest, UploadBodyErrorsAre400) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"device_id":"d1"})", "changes is required (an array)"},
      {R"({"device_id":"d1","changes":{}})", "changes is required (an array)"},
      {R"({"device_id":"d1","changes":[)", "request body is not valid JSON"},
      {R"("just a string")", "request body must be a JSON object"},
  };
  for (const auto& [body, message] : cases) {
    const Response r = Send(Post("/api/sync/upload", body, alice_.Bearer()));
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(MessageOf(r), message) << body;
  }
}

TEST_F(SyncHandlersTest, SyncOperationsNeedASession) {
  const Request requests[] = {
      Post("/api/sync/upload", UploadBody("d1", {})),
      Get("/api/sync/download"),
      Get("/api/sync/conflicts"),
      Post("/api/sync/conflicts/x/resolve", R"({"strategy":"keep_both"})"),
      Get("/api/sync/devices"),
  };
  for (const Request& r : requests) {
    for (const std::string& authorization : {std::string(), std::string("Bearer forged")}) {
      Request copy = r;
      if (!authorization.empty()) copy.headers.Set("Authorization", authorization);
      const Response res = Send(std::move(copy));
      EXPECT_EQ(res.status, 401) << r.path;
      EXPECT_EQ(CodeOf(res), "UNAUTHORIZED");
    }
  }
}

TEST_F(SyncHandlersTest, DownloadAnswersItemsTombstonesAndACursor) {
  ASSERT_EQ(Upload("d1", {Change("c1", "q1", "create", 0, {{"name", "one"}}),
                          Change("c2", "q2", "create", 0, {{"name", "two"}}),
                          Change("c3", "q2", "delete", 1, {})})
                .status,
            200);
  const Response r = Download("device_id=d2");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object out = JsonOf(r);
  EXPECT_TRUE(out["connections"].as_array().empty());
  EXPECT_TRUE(out["query_history"].as_array().empty());
  ASSERT_EQ(out["saved_queries"].as_array().size(), 1u);
  json::object item = out["saved_queries"].as_array()[0].as_object();
  EXPECT_EQ(item["id"], "q1");
  EXPECT_EQ(item["name"], "one");
  EXPECT_EQ(item["sync_version"], 1);
  EXPECT_EQ(item["device_id"], "d1");
  EXPECT_TRUE(item["updated_at"].is_string());
  ASSERT_EQ(out["deleted"].as_array().size(), 1u);
  json::object gone = out["deleted"].as_array()[0].as_object();
  EXPECT_EQ(gone["item_type"], "saved_query");
  EXPECT_EQ(gone["item_id"], "q2");
  EXPECT_TRUE(gone["deleted_at"].is_string());
  EXPECT_EQ(out["has_more"], false);
  EXPECT_TRUE(out["sync_timestamp"].is_string());

  const std::string cursor(out["cursor"].as_string());
  json::object after = JsonOf(Download("device_id=d2&cursor=" + cursor));
  EXPECT_TRUE(after["saved_queries"].as_array().empty());
  EXPECT_TRUE(after["deleted"].as_array().empty());
}

TEST_F(SyncHandlersTest, DownloadPagesWithLimit) {
  ASSERT_EQ(Upload("d1", {Change("c1", "q1", "create", 0, {{"name", "one"}}),
                          Change("c2", "q2", "create", 0, {{"name", "two"}})})
                .status,
            200);
  json::object first = JsonOf(Download("device_id=d1&limit=1"));
  EXPECT_EQ(first["has_more"], true);
  ASSERT_EQ(first["saved_queries"].as_array().size(), 1u);
  const std::string cursor(first["cursor"].as_string());
  json::object second = JsonOf(Download("device_id=d1&limit=1&cursor=" + cursor));
  EXPECT_EQ(second["has_more"], false);
  ASSERT_EQ(second["saved_queries"].as_array().size(), 1u);
  EXPECT_EQ(second["saved_queries"].as_array()[0].as_object()["id"], "q2");
}

TEST_F(SyncHandlersTest, DownloadQueryErrorsAre400NamingTheParameter) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "device_id is required"},
      {"device_id=", "device_id is required"},
      {"device_id=d1&since=yesterday", "since must be an RFC 3339 time"},
      {"device_id=d1&limit=ten", "limit must be an integer"},
      {"device_id=d1&limit=5x", "limit must be an integer"},
      {"device_id=d1&limit=99999999999999999999", "limit must be an integer"},
      {"device_id=d1&limit=0", "limit must be at least 1"},
      {"device_id=d1&limit=-3", "limit must be at least 1"},
      {"device_id=d1&cursor=not-a-cursor", "cursor is not valid"},
  };
  for (const auto& [query, message] : cases) {
    const Response r = Download(query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(MessageOf(r), message) << query;
  }
  const Response over =
      Download("device_id=" + std::string(ops::kDownload.Field("device_id").max_bytes + 1, 'd'));
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(MessageOf(over), "device_id is too long");
}

TEST_F(SyncHandlersTest, SinceBeforeTheFirstChangeIsAFullDownloadAfterItBeyondTheHorizon410) {
  ASSERT_EQ(Upload("d1", {Change("c1", "q1", "create", 0, {{"name", "one"}})}).status, 200);
  const Response recent = Download("device_id=d1&since=2025-12-31T00:00:00Z");
  ASSERT_EQ(recent.status, 200) << recent.body;
  EXPECT_EQ(JsonOf(recent)["saved_queries"].as_array().size(), 1u);
  const Response ancient = Download("device_id=d1&since=2020-01-01T00:00:00+02:00");
  ASSERT_EQ(ancient.status, 200) << ancient.body;
  EXPECT_EQ(JsonOf(ancient)["saved_queries"].as_array().size(), 1u);

  const TimePoint first_change = harness_.clock().Now();
  harness_.clock().Advance(std::chrono::hours(24 * 200));  // beyond the 90-day horizon
  auto pair = harness_.auth().Login({alice_.username, alice_.password, ""}, {});
  ASSERT_TRUE(pair.ok()) << pair.status().ToString();
  alice_.access_token = pair->access_token;
  const Response old =
      Download("device_id=d1&since=" + FormatRfc3339(first_change + std::chrono::hours(24)));
  EXPECT_EQ(old.status, 410) << old.body;
  EXPECT_EQ(CodeOf(old), "RESYNC_REQUIRED");
}

TEST_F(SyncHandlersTest, ConflictsAreListedWithBothSides) {
  const std::string id = MakeConflict();
  const Response r = Send(Get("/api/sync/conflicts", alice_.Bearer()));
  ASSERT_EQ(r.status, 200) << r.body;
  json::object out = JsonOf(r);
  EXPECT_EQ(out["count"], 1);
  ASSERT_EQ(out["conflicts"].as_array().size(), 1u);
  json::object c = out["conflicts"].as_array()[0].as_object();
  EXPECT_EQ(c["id"].as_string(), id);
  EXPECT_EQ(c["item_type"], "saved_query");
  EXPECT_EQ(c["item_id"], "q1");
  EXPECT_TRUE(c["detected_at"].is_string());
  json::object local = c["local_version"].as_object();
  json::object remote = c["remote_version"].as_object();
  EXPECT_EQ(local["data"], json::object({{"name", "c"}}));
  EXPECT_EQ(local["device_id"], "d2");
  EXPECT_EQ(local["deleted"], false);
  EXPECT_EQ(remote["data"], json::object({{"name", "b"}}));
  EXPECT_EQ(remote["sync_version"], 2);
  EXPECT_TRUE(remote["updated_at"].is_string());
}

TEST_F(SyncHandlersTest, ResolveAppliesTheChosenSideOnce) {
  const std::string id = MakeConflict();
  const Response r = Resolve(id, {{"strategy", "user_choice"}, {"chosen_version", "local"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json::object out = JsonOf(r);
  EXPECT_EQ(out["success"], true);
  EXPECT_TRUE(out["resolved_at"].is_string());
  EXPECT_FALSE(out["message"].as_string().empty());
  EXPECT_EQ(out["item"].as_object()["name"], "c");
  EXPECT_EQ(out["item"].as_object()["sync_version"], 3);
  EXPECT_FALSE(out.contains("copy"));
  const Response again = Resolve(id, {{"strategy", "user_choice"}, {"chosen_version", "local"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(CodeOf(again), "CONFLICT");
  EXPECT_EQ(JsonOf(Send(Get("/api/sync/conflicts", alice_.Bearer())))["count"], 0);
}

TEST_F(SyncHandlersTest, KeepBothAnswersTheCopy) {
  const std::string id = MakeConflict();
  const Response r = Resolve(id, {{"strategy", "keep_both"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json::object out = JsonOf(r);
  EXPECT_EQ(out["item"].as_object()["name"], "b");
  ASSERT_TRUE(out["copy"].is_object());
  EXPECT_EQ(out["copy"].as_object()["name"], "c (conflict copy)");
  EXPECT_NE(out["copy"].as_object()["id"], "q1");
}

TEST_F(SyncHandlersTest, ResolveErrors) {
  const std::string id = MakeConflict();
  const std::pair<json::object, std::string> cases[] = {
      {{}, "strategy is required"},
      {{{"strategy", 3}}, "strategy is required"},
      {{{"strategy", "coin_flip"}}, "strategy must be last_write_wins, keep_both or user_choice"},
      {{{"strategy", "user_choice"}, {"chosen_version", 1}}, "chosen_version must be a string"},
      {{{"strategy", "user_choice"}, {"merged_data", "x"}}, "merged_data must be an object"},
      {{{"strategy", "keep_both"}, {"device_id", std::string(129, 'd')}}, "device_id is too long"},
      {{{"strategy", std::string(65, 's')}}, "strategy is too long"},
  };
  for (const auto& [body, message] : cases) {
    const Response r = Resolve(id, body);
    EXPECT_EQ(r.status, 400) << json::serialize(body);
    EXPECT_EQ(MessageOf(r), message) << json::serialize(body);
  }
  const Response long_id = Resolve(std::string(129, 'i'), {{"strategy", "keep_both"}});
  EXPECT_EQ(long_id.status, 400);
  EXPECT_EQ(MessageOf(long_id), "conflict_id is too long");
}

TEST_F(SyncHandlersTest, AnUnknownOrAnotherUsersConflictIs404) {
  const std::string id = MakeConflict();
  const Response unknown = Resolve("no-such-conflict", {{"strategy", "keep_both"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(CodeOf(unknown), "NOT_FOUND");
  const Account bob = harness_.SignUp("bob");
  const Response foreign = Send(
      Post("/api/sync/conflicts/" + id + "/resolve", R"({"strategy":"keep_both"})", bob.Bearer()));
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(Resolve(id, {{"strategy", "keep_both"}}).status, 200) << "still alice's to resolve";
}

TEST_F(SyncHandlersTest, DevicesListsEachDeviceOfTheCaller) {
  ASSERT_EQ(Upload("d1", {Change("c1", "q1", "create", 0, {{"name", "one"}})}).status, 200);
  ASSERT_EQ(Download("device_id=d2").status, 200);
  const Response r = Send(Get("/api/sync/devices", alice_.Bearer()));
  ASSERT_EQ(r.status, 200) << r.body;
  json::array devices = JsonOf(r)["devices"].as_array();
  ASSERT_EQ(devices.size(), 2u);
  for (const json::value& v : devices) {
    json::object d = v.as_object();
    const bool uploader = d["device_id"] == "d1";
    EXPECT_EQ(d["last_upload_at"].is_string(), uploader);
    EXPECT_EQ(d["last_download_at"].is_string(), !uploader);
    EXPECT_EQ(d["changes_uploaded"], uploader ? 1 : 0);
    EXPECT_TRUE(d["behind"].is_int64());
  }
  const Account bob = harness_.SignUp("bob");
  EXPECT_TRUE(JsonOf(Send(Get("/api/sync/devices", bob.Bearer())))["devices"].as_array().empty());
}

class SyncLimitsTest : public SyncHandlersTest {
 protected:
  static constexpr std::size_t kUploadLimit = 600;
  static HarnessOptions Small() {
    HarnessOptions o;
    o.sync.max_changes = 3;
    o.sync_per_minute = 3;
    return o;
  }
  static ApiPipelineOptions SmallUploads() {
    ApiPipelineOptions o;
    o.max_upload_bytes = kUploadLimit;
    return o;
  }
  SyncLimitsTest() : SyncHandlersTest(Small(), SmallUploads()) {}
};

TEST_F(SyncLimitsTest, MoreChangesThanTheLimitIs413AndAppliesNothing) {
  json::array four;
  for (int i = 0; i < 4; ++i) {
    four.push_back(Change("c" + std::to_string(i), "q" + std::to_string(i), "create", 0, {}));
  }
  const Response r = Upload("d1", four);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(CodeOf(r), "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(MessageOf(r), "too many changes: at most 3 per upload");
  json::object out = JsonOf(Download("device_id=d1"));
  EXPECT_TRUE(out["saved_queries"].as_array().empty());
}

TEST_F(SyncLimitsTest, AnUploadOverTheUploadLimitIs413) {
  std::string body = UploadBody("d1", {Change("c1", "q1", "create", 0, {{"name", ""}})});
  body.insert(body.find("\"\"") + 1, kUploadLimit - body.size(), 'n');
  ASSERT_EQ(body.size(), kUploadLimit);
  EXPECT_EQ(Send(Post("/api/sync/upload", body, alice_.Bearer())).status, 200) << "at the limit";
  body.insert(body.find("nnn"), "n");
  const Response r = Send(Post("/api/sync/upload", body, alice_.Bearer()));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(CodeOf(r), "PAYLOAD_TOO_LARGE");
}

TEST_F(SyncLimitsTest, ThePerUserBudgetIsSharedByEverySyncOperation) {
  EXPECT_EQ(Upload("d1", {}).status, 200);
  EXPECT_EQ(Download("device_id=d1").status, 200);
  EXPECT_EQ(Send(Get("/api/sync/conflicts", alice_.Bearer())).status, 200);
  const Response limited = Send(Get("/api/sync/devices", alice_.Bearer()));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(CodeOf(limited), "RATE_LIMITED");
  ASSERT_TRUE(limited.headers.Has("Retry-After"));
  EXPECT_GE(std::stoi(std::string(*limited.headers.Get("Retry-After"))), 1);
  const Account bob = harness_.SignUp("bob");
  EXPECT_EQ(Download("device_id=d1", &bob).status, 200) << "bob has his own budget";
  EXPECT_EQ(Send(Get("/api/auth/me", alice_.Bearer())).status, 200) << "auth is not sync's";
}

}  // namespace
}  // namespace howler::http
