// Limits and fairness of the Sync endpoints through the real binary: body size, change
// count, item size, per-user rate limit, quotas by tier; plus the purge of tombstones
// making old cursors stale.
#include <gtest/gtest.h>

#include <thread>

#include "support/api_client.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

class SyncLimitsTest : public SharedServerTest<SyncLimitsTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"SYNC_MAX_CHANGES", "20"},
            {"SYNC_MAX_UPLOAD_SIZE", "600KiB"},
            {"SYNC_QUOTA_FREE", "connections=3"},
            {"SYNC_QUOTA_TEAM", "connections=100"},
            {"RATE_LIMIT_SYNC_PER_MIN", "100000"}};
  }
};

TEST_F(SyncLimitsTest, TooManyChangesIs413AndAppliesNothing) {
  TestAccount a = CreateAccount(api(), "lim");
  json::array changes;
  for (int i = 0; i < 21; ++i) {
    changes.push_back(Change("c" + std::to_string(i), "saved_query", "q" + std::to_string(i),
                             "create", 0, json::object{}));
  }
  EXPECT_TRUE(IsApiError(Upload(api(), a.token, "d", changes), 413, "PAYLOAD_TOO_LARGE"));
  EXPECT_TRUE(DownloadAll(api(), a.token, "d").items.empty());
}

TEST_F(SyncLimitsTest, BodyOverTheUploadLimitIs413) {
  TestAccount a = CreateAccount(api(), "lim");
  json::array changes;
  for (int i = 0; i < 3; ++i) {
    changes.push_back(Change("c" + std::to_string(i), "saved_query", "q" + std::to_string(i),
                             "create", 0, json::object{{"query", std::string(250 * 1024, 'x')}}));
  }
  EXPECT_TRUE(IsApiError(Upload(api(), a.token, "d", changes), 413, "PAYLOAD_TOO_LARGE"));
  EXPECT_TRUE(DownloadAll(api(), a.token, "d").items.empty());
}

TEST_F(SyncLimitsTest, OneItemOver256KiBIsRejectedAndTheOthersApply) {
  TestAccount a = CreateAccount(api(), "lim");
  ApiResponse r =
      Upload(api(), a.token, "d",
             {Change("big", "saved_query", "big", "create", 0,
                     json::object{{"query", std::string(257 * 1024, 'x')}}),
              Change("small", "saved_query", "small", "create", 0, json::object{{"query", "x"}})});
  ASSERT_EQ(r.status(), 200) << r.status();
  EXPECT_EQ(Statuses(r), (std::vector<std::string>{"rejected", "applied"}));
  EXPECT_NE(std::string(r.Object().at("rejected").at(0).at("reason").as_string()).find("256 KiB"),
            std::string::npos);
}

TEST_F(SyncLimitsTest, QuotaDependsOnTheTier) {
  TestAccount a = CreateAccount(api(), "lim");
  json::array changes;
  for (int i = 0; i < 4; ++i) {
    changes.push_back(Change("c" + std::to_string(i), "connection", "c" + std::to_string(i),
                             "create", 0, json::object{}));
  }
  ApiResponse r = Upload(api(), a.token, "d", changes);
  EXPECT_EQ(Statuses(r), (std::vector<std::string>{"applied", "applied", "applied", "rejected"}));
  EXPECT_NE(
      std::string(r.Object().at("rejected").at(0).at("reason").as_string()).find("quota exceeded"),
      std::string::npos);
  // Saved queries have their own (default) quota.
  EXPECT_EQ(Statuses(Upload(api(), a.token, "d",
                            {Change("s", "saved_query", "s", "create", 0, json::object{})})),
            std::vector<std::string>{"applied"});
}

TEST(SyncRateLimitTest, PerUserLimitAnswers429WithRetryAfter) {
  TempDir dir;
  ServerProcess server(dir.path(), AuthServerConfig({{"RATE_LIMIT_SYNC_PER_MIN", "5"}}));
  ASSERT_TRUE(server.ready());
  ApiClient api(server.base_url());
  TestAccount a = CreateAccount(api, "rl");
  TestAccount b = CreateAccount(api, "rl");
  int ok = 0;
  ApiResponse limited;
  for (int i = 0; i < 10; ++i) {
    ApiResponse r = Download(api, a.token, "d");
    if (r.status() == 200) ++ok;
    if (r.status() == 429) {
      limited = r;
      break;
    }
  }
  EXPECT_EQ(ok, 5);
  EXPECT_TRUE(IsApiError(limited, 429, "RATE_LIMITED"));
  EXPECT_GE(std::stoi(limited.Header("retry-after")), 1);
  // Another user is not affected.
  EXPECT_EQ(Download(api, b.token, "d").status(), 200);
}

TEST(SyncPurgeTest, PurgedTombstonesMakeOlderCursorsResync) {
  TempDir dir;
  ServerProcess server(dir.path(), AuthServerConfig({{"SYNC_TOMBSTONE_RETENTION", "1s"},
                                                     {"JOBS_INTERVAL", "1s"},
                                                     {"RATE_LIMIT_SYNC_PER_MIN", "100000"}}));
  ASSERT_TRUE(server.ready());
  ApiClient api(server.base_url());
  TestAccount a = CreateAccount(api, "purge");
  Upload(api, a.token, "d", {Change("c1", "connection", "x", "create", 0, json::object{})});
  std::string old_cursor = DownloadAll(api, a.token, "phone").cursor;
  Upload(api, a.token, "d", {Change("c2", "connection", "x", "delete", 1)});
  ApiResponse stale;
  for (int i = 0; i < 50; ++i) {  // the purge job runs every second
    stale = Download(api, a.token, "phone", "cursor=" + old_cursor);
    if (stale.status() == 410) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(IsApiError(stale, 410, "RESYNC_REQUIRED"));
  // Starting over works, and the tombstone is gone.
  Downloaded fresh = DownloadAll(api, a.token, "phone");
  EXPECT_TRUE(fresh.items.empty());
  EXPECT_TRUE(fresh.deleted.empty());
  EXPECT_EQ(Download(api, a.token, "phone", "cursor=" + fresh.cursor).status(), 200);
}

}  // namespace
}  // namespace howler::testing
