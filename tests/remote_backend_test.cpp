// The real binary against a real libSQL server (a local tursodb started by the test):
// migrations, health, and the account flow through the remote backend, with its round
// trips counted by db_roundtrips_total. Skipped when tursodb is not installed.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "storage/libsql/tursodb_process.h"
#include "support/api_client.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

int Roundtrips(const ServerProcess& server) {
  const std::string text = HttpGet(server.metrics_url() + "/metrics").body;
  int total = 0;
  const std::regex line(R"(sql_studio_db_roundtrips_total\{op="[a-z]+"\} ([0-9]+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator();
       ++it) {
    total += std::stoi((*it)[1]);
  }
  return total;
}

// Waits until the start-up round of background jobs is done (their calls count too).
void WaitForStartupJobs(const ServerProcess& server) {
  for (int i = 0; i < 200; ++i) {
    if (HttpGet(server.metrics_url() + "/metrics").body.find("job=\"sync_purge\"") !=
        std::string::npos) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "the start-up jobs did not run";
}

TEST(RemoteBackendTest, AccountFlowRunsOnALibsqlServer) {
  const auto binary = storage::TursodbProcess::FindBinary();
  if (!binary) FAIL() << "tursodb is not installed (run scripts/setup.sh)";
  TempDir dir;
  auto tursodb = storage::TursodbProcess::Start(*binary, dir.path() / "remote.db");
  ASSERT_TRUE(tursodb.ok()) << tursodb.status().ToString();

  ServerProcess server(dir.path(), AuthServerConfig({{"TURSO_URL", (*tursodb)->url()},
                                                     {"TURSO_AUTH_TOKEN", "test-token"},
                                                     {"SYNC_DEVICE_FLUSH_INTERVAL", "1h"}}));
  ASSERT_TRUE(server.ready()) << server.Output();
  WaitForStartupJobs(server);
  EXPECT_NE(server.Output().find("\"database\":\"libsql\""), std::string::npos) << server.Output();
  const HttpResult health = HttpGet(server.base_url() + "/health");
  EXPECT_EQ(health.status, 200) << health.body;

  ApiClient api(server.base_url());
  const TestAccount account = CreateAccount(api, "Remote");
  ASSERT_FALSE(account.refresh_token.empty());

  int before = Roundtrips(server);
  const ApiResponse login = api.Login(account.username, account.password);
  ASSERT_EQ(login.status(), 200) << login;
  EXPECT_LE(Roundtrips(server) - before, 3) << "login: at most 3 round trips";

  before = Roundtrips(server);
  const ApiResponse refreshed = api.Refresh(account.refresh_token);
  ASSERT_EQ(refreshed.status(), 200) << refreshed;
  EXPECT_LE(Roundtrips(server) - before, 2) << "refresh: at most 2 round trips";

  const std::string token = login.Str("token");
  ASSERT_EQ(api.Me(token).status(), 200);  // warms the session cache
  before = Roundtrips(server);
  const ApiResponse sessions = api.Call("GET", "/api/auth/sessions", std::nullopt, token);
  ASSERT_EQ(sessions.status(), 200) << sessions;
  EXPECT_EQ(Roundtrips(server) - before, 1) << "listing sessions reads once, no auth read";

  json::array changes;
  for (int i = 0; i < 50; ++i) {
    const std::string id = "q" + std::to_string(i);
    changes.push_back(Change(id, "saved_query", id, "create", 0, json::object{{"name", id}}));
  }
  before = Roundtrips(server);
  const ApiResponse uploaded = Upload(api, token, "laptop", changes);
  ASSERT_EQ(uploaded.status(), 200) << uploaded;
  EXPECT_LE(Roundtrips(server) - before, 2) << "sync upload: at most 2 round trips";
  before = Roundtrips(server);
  const ApiResponse page = Download(api, token, "phone", "limit=20");
  ASSERT_EQ(page.status(), 200) << page;
  EXPECT_EQ(Roundtrips(server) - before, 1) << "sync download: one round trip";
  EXPECT_EQ(page.Object().at("saved_queries").as_array().size(), 20u);
  EXPECT_EQ(server.Stop(), 0) << server.Output();
}

}  // namespace
}  // namespace howler::testing
