// Sync across restarts and crashes of the real binary: change ids are remembered after a
// restart, and an upload killed part-way (SIGKILL) is either all there or not at all.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "storage/libsql/tursodb_process.h"
#include "support/api_client.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

// A database both server runs share: a file in `dir`, or one local tursodb when the suite
// runs on the remote backend.
class SharedDatabase {
 public:
  explicit SharedDatabase(const std::filesystem::path& dir) {
    if (TestBackendIsLibsql()) {
      auto binary = storage::TursodbProcess::FindBinary();
      EXPECT_TRUE(binary.has_value());
      if (!binary) return;
      auto started = storage::TursodbProcess::Start(*binary, dir / "remote.db");
      EXPECT_TRUE(started.ok()) << started.status().ToString();
      if (!started.ok()) return;
      tursodb_ = std::move(started).value();
      url_ = tursodb_->url();
    } else {
      url_ = "file:" + (dir / "shared.db").string();
    }
  }
  ServerConfig Config() const {
    return AuthServerConfig({{"TURSO_URL", url_}, {"RATE_LIMIT_SYNC_PER_MIN", "100000"}});
  }

 private:
  std::unique_ptr<storage::TursodbProcess> tursodb_;
  std::string url_;
};

// Signs in again after a restart (the session survives in the database).
json::array HistoryChanges(const std::string& prefix, int count) {
  json::array changes;
  for (int i = 0; i < count; ++i) {
    std::string id = prefix + std::to_string(i);
    changes.push_back(Change(id, "query_history", id, "create", 0,
                             json::object{{"query", "SELECT " + std::to_string(i)},
                                          {"padding", std::string(200, 'p')}}));
  }
  return changes;
}

TEST(SyncDurabilityTest, ChangeIdsAreRememberedAcrossARestart) {
  TempDir dir;
  SharedDatabase db(dir.path());
  TestAccount a;
  json::array changes = HistoryChanges("r", 3);
  {
    ServerProcess server(dir.path(), db.Config());
    ASSERT_TRUE(server.ready());
    ApiClient api(server.base_url());
    a = CreateAccount(api, "dur");
    EXPECT_EQ(Statuses(Upload(api, a.token, "d", changes)),
              (std::vector<std::string>{"applied", "applied", "applied"}));
  }
  ServerProcess server(dir.path(), db.Config());
  ASSERT_TRUE(server.ready());
  ApiClient api(server.base_url());
  EXPECT_EQ(Statuses(Upload(api, a.token, "d", changes)),
            (std::vector<std::string>{"duplicate", "duplicate", "duplicate"}));
  EXPECT_EQ(DownloadAll(api, a.token, "other").items.size(), 3u);
}

TEST(SyncDurabilityTest, AnUploadKilledPartWayIsAllOrNothing) {
  TempDir dir;
  SharedDatabase db(dir.path());
  TestAccount a;
  std::size_t expected = 0;
  // Kill at a few different moments of a 500-change upload.
  for (int round = 0; round < 4; ++round) {
    ServerProcess server(dir.path(), db.Config());
    ASSERT_TRUE(server.ready()) << server.Output();
    ApiClient api(server.base_url());
    if (round == 0) a = CreateAccount(api, "kill");
    auto upload = std::async(std::launch::async, [&api, &a, round] {
      return Upload(api, a.token, "d", HistoryChanges("k" + std::to_string(round) + "-", 500));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + round * 15));
    server.Kill();
    ApiResponse response = upload.get();
    {
      ServerProcess after(dir.path(), db.Config());
      ASSERT_TRUE(after.ready()) << after.Output();
      ApiClient api2(after.base_url());
      const std::size_t count = DownloadAll(api2, a.token, "check").items.size();
      const std::size_t added = count - expected;
      EXPECT_TRUE(added == 0 || added == 500) << "round " << round << ": " << added;
      if (response.status() == 200) EXPECT_EQ(added, 500u) << "acknowledged but lost";
      expected = count;
    }
  }
}

}  // namespace
}  // namespace howler::testing
