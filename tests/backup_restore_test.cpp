// `backup` and `restore` through the real binary (README "Backups"): a backup taken while
// four devices upload opens, passes PRAGMA integrity_check and holds every change that was
// acknowledged before it began; restore refuses while a server holds the database and
// brings the backup back once it is stopped. On the remote backend, backup exports the
// tursodb database through the Hrana client.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "support/api_client.h"
#include "support/server_process.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

// The ids in sync_items of a SQLite file, and its integrity check's answer.
struct FileContents {
  std::string integrity;
  std::set<std::string> item_ids;
};

FileContents ReadBackup(const std::filesystem::path& file) {
  FileContents out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  auto each = [](void* target, int, char** values, char**) {
    static_cast<std::set<std::string>*>(target)->insert(values[0] ? values[0] : "");
    return 0;
  };
  std::set<std::string> integrity;
  sqlite3_exec(db, "PRAGMA integrity_check", each, &integrity, nullptr);
  out.integrity = integrity.size() == 1 ? *integrity.begin() : "several answers";
  sqlite3_exec(db, "SELECT item_id FROM sync_items", each, &out.item_ids, nullptr);
  sqlite3_close(db);
  return out;
}

std::map<std::string, std::string> CommandEnv(const ServerProcess& server,
                                              const std::filesystem::path& dir) {
  std::map<std::string, std::string> env = {{"ENVIRONMENT", "test"},
                                            {"TURSO_URL", server.database_url()},
                                            {"DATA_DIR", (dir / "data").string()}};
  if (TestBackendIsLibsql()) env["TURSO_AUTH_TOKEN"] = "integration-test-token";
  return env;
}

TEST(BackupRestoreTest, BackupWhileFourDevicesUploadThenRestore) {
  TempDir dir;
  auto server = std::make_unique<ServerProcess>(
      dir.path(), AuthServerConfig({{"RATE_LIMIT_SYNC_PER_MIN", "100000"}}));
  ASSERT_TRUE(server->ready()) << server->Output();
  ApiClient api(server->base_url());
  const TestAccount account = CreateAccount(api, "backup");

  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<bool> failed{false};
  std::vector<std::thread> devices;
  for (int d = 0; d < 4; ++d) {
    devices.emplace_back([&, d] {
      for (int batch = 0; batch < 40 && !failed; ++batch) {
        json::array changes;
        std::vector<std::string> ids;
        for (int i = 0; i < 5; ++i) {
          ids.push_back("d" + std::to_string(d) + "-" + std::to_string(batch * 5 + i));
          changes.push_back(Change(ids.back(), "query_history", ids.back(), "create", 0,
                                   json::object{{"query", "SELECT " + ids.back()}}));
        }
        ApiResponse r = Upload(api, account.token, "device-" + std::to_string(d), changes);
        if (r.status() != 200) {
          failed = true;
          ADD_FAILURE() << r;
          return;
        }
        std::lock_guard lock(mu);
        acknowledged.insert(ids.begin(), ids.end());
      }
    });
  }
  // Once uploads are under way: take the backup while they go on.
  while (!failed) {
    {
      std::lock_guard lock(mu);
      if (acknowledged.size() >= 100) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::set<std::string> before;
  {
    std::lock_guard lock(mu);
    before = acknowledged;
  }
  const std::filesystem::path file = dir.path() / "backup.db";
  CommandResult backup = RunServerCommand(dir.path(), {"backup", "--to", file.string()},
                                          CommandEnv(*server, dir.path()));
  for (auto& t : devices) t.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  EXPECT_NE(backup.output.find("backup written"), std::string::npos) << backup.output;

  const FileContents copy = ReadBackup(file);
  EXPECT_EQ(copy.integrity, "ok");
  for (const std::string& id : before) {
    EXPECT_EQ(copy.item_ids.count(id), 1u) << id << " was acknowledged before the backup";
  }
  EXPECT_GE(copy.item_ids.size(), before.size());
  EXPECT_LE(copy.item_ids.size(), 800u);

  CommandResult again = RunServerCommand(dir.path(), {"backup", "--to", file.string()},
                                         CommandEnv(*server, dir.path()));
  EXPECT_NE(again.exit_code, 0) << "an existing file is never overwritten";

  CommandResult busy = RunServerCommand(dir.path(), {"restore", "--from", file.string()},
                                        CommandEnv(*server, dir.path()));
  EXPECT_NE(busy.exit_code, 0) << busy.output;
  if (TestBackendIsLibsql()) {
    EXPECT_NE(busy.output.find("remote"), std::string::npos) << busy.output;
    return;  // restoring a remote database is the provider's job
  }
  EXPECT_NE(busy.output.find("holds"), std::string::npos) << busy.output;

  // Stopped: the restore brings back exactly the backup's items.
  const auto env = CommandEnv(*server, dir.path());
  server.reset();
  CommandResult restored = RunServerCommand(dir.path(), {"restore", "--from", file.string()}, env);
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  ServerConfig config = AuthServerConfig({{"TURSO_URL", env.at("TURSO_URL")}});
  ServerProcess after(dir.path(), config);
  ASSERT_TRUE(after.ready()) << after.Output();
  ApiClient api_after(after.base_url());
  ApiResponse login = api_after.Login(account.username, account.password);
  ASSERT_EQ(login.status(), 200) << login;
  EXPECT_EQ(DownloadAll(api_after, login.Str("token"), "checker").items.size(),
            copy.item_ids.size());
}

// An embedded file serves one instance; a remote database serves many.
TEST(BackupRestoreTest, ASecondServerOnTheSameFileRefusesToStart) {
  TempDir dir;
  ServerProcess first(dir.path());
  ASSERT_TRUE(first.ready());
  ServerConfig config;
  config.env = {{"TURSO_URL", first.database_url()}};
  if (TestBackendIsLibsql()) {
    config.env["TURSO_AUTH_TOKEN"] = "integration-test-token";
    ServerProcess second(dir.path(), config);
    EXPECT_TRUE(second.ready()) << second.Output();
    return;
  }
  config.wait_ready = false;
  ServerProcess second(dir.path(), config);
  const std::optional<int> code = second.WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(second.Output().find("another howlerops-server process holds"), std::string::npos)
      << second.Output();
}

}  // namespace
}  // namespace howler::testing
