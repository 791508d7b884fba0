// SessionManager over the real PostgreSQL engine and a PostgreSQL server the test starts.
#include "dbmanager/session_manager.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>

#include "dbmanager/postgres/postgres_engine.h"
#include "dbmanager/testing/postgres_server.h"
#include "dbmanager/testing/sync_calls.h"

namespace howler::dbmanager {
namespace {

using testing::PostgresServer;

PostgresServer& Server() {
  static auto server = PostgresServer::Start();
  if (!server.ok()) {
    ADD_FAILURE() << "PostgreSQL test server: " << server.status().ToString()
                  << " (run scripts/setup.sh)";
    std::abort();
  }
  return **server;
}

class SessionManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Server();
    Make(AddressPolicyOptions{.allow_loopback = true});
  }

  void Make(AddressPolicyOptions options, SessionLimits limits = {}) {
    manager_.reset();
    policy_ = std::make_unique<AddressPolicy>(*AddressPolicy::Create(options));
    manager_ = std::make_unique<SessionManager>(
        std::map<EngineKind, Engine*>{{EngineKind::kPostgres, engine_.get()}}, *policy_, *resolver_,
        clock_, limits, &metrics_);
  }

  ConnectionSpec Spec() {
    return {.engine = EngineKind::kPostgres,
            .host = "localhost",
            .port = Server().port(),
            .database = Server().database(),
            .username = Server().user()};
  }

  Result<SessionInfo> OpenSync(const std::string& user, std::string password = "") {
    std::promise<Result<SessionInfo>> promise;
    manager_->Open(user, Spec(), Secret(password.empty() ? Server().password() : password),
                   [&](Result<SessionInfo> info) { promise.set_value(std::move(info)); });
    return promise.get_future().get();
  }

  metrics::Metrics metrics_;
  Reactor reactor_;
  std::unique_ptr<Engine> engine_ = MakePostgresEngine(reactor_);
  std::unique_ptr<Resolver> resolver_ = MakeSystemResolver();
  ManualClock clock_;
  std::unique_ptr<AddressPolicy> policy_;
  std::unique_ptr<SessionManager> manager_;
};

TEST_F(SessionManagerTest, SessionsBelongToTheirUser) {
  auto mine = OpenSync("alice");
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  EXPECT_EQ(mine->id.size(), 32u);
  EXPECT_EQ(mine->host, "localhost");

  auto connection = manager_->Use("alice", mine->id);
  ASSERT_TRUE(connection.ok());
  EXPECT_TRUE(testing::QuerySync(**connection, {.sql = "SELECT 1"}).ok());

  // Another user's id is exactly as unknown as a made-up one.
  EXPECT_EQ(manager_->Use("mallory", mine->id).status(), NotFoundError("session not found"));
  EXPECT_EQ(manager_->Close("mallory", mine->id), NotFoundError("session not found"));
  EXPECT_EQ(manager_->Use("alice", "no-such-id").status(), NotFoundError("session not found"));
  EXPECT_TRUE(manager_->List("mallory").empty());
  ASSERT_EQ(manager_->List("alice").size(), 1u);
  EXPECT_EQ(manager_->OpenCounts()[EngineKind::kPostgres], 1);

  EXPECT_TRUE(manager_->Close("alice", mine->id).ok());
  EXPECT_TRUE(manager_->List("alice").empty());
  EXPECT_EQ(testing::QuerySync(**connection, {.sql = "SELECT 1"}).status().message(),
            "session is closed");
}

TEST_F(SessionManagerTest, CapsSessionsPerUser) {
  Make({.allow_loopback = true}, {.max_sessions_per_user = 2});
  auto first = OpenSync("alice");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(OpenSync("alice").ok());
  auto third = OpenSync("alice");
  EXPECT_EQ(third.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(OpenSync("bob").ok());  // another user's sessions do not count
  ASSERT_TRUE(manager_->Close("alice", first->id).ok());
  EXPECT_TRUE(OpenSync("alice").ok());
}

TEST_F(SessionManagerTest, FailedOpensDoNotCountAgainstTheCap) {
  Make({.allow_loopback = true}, {.max_sessions_per_user = 1});
  auto wrong = OpenSync("alice", "wrong-password");
  EXPECT_EQ(wrong.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(OpenSync("alice").ok());
}

TEST_F(SessionManagerTest, ProductionRefusesLoopbackBeforeConnecting) {
  Make({});
  auto refused = OpenSync("alice");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(refused.status().message(), "database host is not allowed");
  EXPECT_TRUE(manager_->List("alice").empty());
  // An operator may allow the database's network.
  Make({.allowed_networks = {"127.0.0.0/8", "::1/128"}});
  EXPECT_TRUE(OpenSync("alice").ok());
}

TEST_F(SessionManagerTest, SweepClosesIdleOldAndBrokenSessions) {
  Make({.allow_loopback = true}, {.max_sessions_per_user = 5,
                                  .idle_timeout = std::chrono::minutes(15),
                                  .max_age = std::chrono::hours(1)});
  auto idle = OpenSync("alice");
  auto busy = OpenSync("alice");
  ASSERT_TRUE(idle.ok() && busy.ok());
  clock_.Advance(std::chrono::minutes(10));
  ASSERT_TRUE(manager_->Use("alice", busy->id).ok());
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_EQ(manager_->Sweep(), 1);  // idle for 20 minutes
  EXPECT_FALSE(manager_->Use("alice", idle->id).ok());
  for (int i = 0; i < 5; ++i) {  // used every 10 minutes, but older than an hour at the end
    clock_.Advance(std::chrono::minutes(10));
    ASSERT_TRUE(manager_->Use("alice", busy->id).ok());
  }
  EXPECT_EQ(manager_->Sweep(), 1);
  EXPECT_TRUE(manager_->List("alice").empty());

  auto broken = OpenSync("alice");
  ASSERT_TRUE(broken.ok());
  auto connection = manager_->Use("alice", broken->id);
  auto ended =
      testing::QuerySync(**connection, {.sql = "SELECT pg_terminate_backend(pg_backend_pid())"});
  EXPECT_EQ(ended.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(manager_->Sweep(), 1);
  EXPECT_TRUE(manager_->List("alice").empty());
}

TEST_F(SessionManagerTest, PingAllClosesSessionsWhoseServerConnectionIsGone) {
  auto alive = OpenSync("alice");
  auto doomed = OpenSync("alice");
  ASSERT_TRUE(alive.ok() && doomed.ok());
  auto connection = manager_->Use("alice", doomed->id);
  auto pid = testing::QuerySync(**connection, {.sql = "SELECT pg_backend_pid()"});
  ASSERT_TRUE(pid.ok());
  const std::string backend = pid->rows.at(0).at(0);
  ASSERT_TRUE(Server().Sql("SELECT pg_terminate_backend(" + backend + ")").ok());
  // Just used: known alive, not pinged (nor closed) yet.
  EXPECT_EQ(manager_->PingAll(std::chrono::seconds(10)), 0);
  EXPECT_EQ(manager_->List("alice").size(), 2u);
  clock_.Advance(SessionManager::kPingAfterIdle);
  EXPECT_EQ(manager_->PingAll(std::chrono::seconds(10)), 1);
  auto left = manager_->List("alice");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, alive->id);
}

TEST_F(SessionManagerTest, MetricsCountSessionsAndQueries) {
  auto session = OpenSync("alice");
  ASSERT_TRUE(session.ok());
  auto connection = manager_->Use("alice", session->id);
  ASSERT_TRUE(testing::QuerySync(**connection, {.sql = "SELECT generate_series(1, 3)"}).ok());
  EXPECT_FALSE(testing::QuerySync(**connection, {.sql = "SELECT * FROM missing"}).ok());
  std::string text = metrics_.Serialize();
  EXPECT_NE(text.find(R"(sql_studio_dbmanager_sessions_open{engine="postgres"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(sql_studio_dbmanager_queries_total{engine="postgres",result="ok"} 1)"),
            std::string::npos);
  EXPECT_NE(
      text.find(
          R"(sql_studio_dbmanager_queries_total{engine="postgres",result="INVALID_ARGUMENT"} 1)"),
      std::string::npos);
  EXPECT_NE(text.find(R"(sql_studio_dbmanager_rows_streamed_total{engine="postgres"} 3)"),
            std::string::npos);
  ASSERT_TRUE(manager_->Close("alice", session->id).ok());
  text = metrics_.Serialize();
  EXPECT_NE(text.find(R"(sql_studio_dbmanager_sessions_open{engine="postgres"} 0)"),
            std::string::npos);
}

// Everything a whole session leaves behind: what clients and logs are given (every
// Status, its message and its detail), the metrics, and every file of the database
// server (its data and its log). Neither the right password nor a wrong one is in any.
TEST_F(SessionManagerTest, PasswordsAppearNowhere) {
  const std::string right = Server().password();
  const std::string wrong = "wrong-" + right + "-guess";
  std::string seen;
  auto note = [&seen](const Status& status) { seen += status.ToString() + "\n"; };

  note(OpenSync("alice", wrong).status());
  auto session = OpenSync("alice");
  ASSERT_TRUE(session.ok());
  auto connection = *manager_->Use("alice", session->id);
  note(testing::QuerySync(*connection, {.sql = "SELECT 1"}).status());
  note(testing::QuerySync(*connection, {.sql = "SELEC oops"}).status());
  note(testing::QuerySync(*connection, {.sql = "SELECT pg_sleep(5)",
                                        .statement_timeout = std::chrono::milliseconds(50)})
           .status());
  auto stream = connection->Query({.sql = "SELECT pg_sleep(5)"});
  stream->Cancel();
  note(testing::CollectSync(stream).status());
  note(testing::SchemaSync(*connection).status());
  note(testing::CollectSync(connection->Explain("SELECT 1")).status());
  note(manager_->Close("alice", session->id));
  note(testing::QuerySync(*connection, {.sql = "SELECT 1"}).status());
  seen += metrics_.Serialize();
  for (const auto& entry : std::filesystem::recursive_directory_iterator(Server().directory())) {
    if (entry.is_regular_file()) {
      std::ifstream file(entry.path(), std::ios::binary);
      seen.append(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
  }
  EXPECT_GT(seen.size(), 1000000u);  // the server's files were read
  EXPECT_NE(seen.find("password authentication failed"), std::string::npos);  // its log
  EXPECT_EQ(seen.find(right), std::string::npos);
  EXPECT_EQ(seen.find(wrong), std::string::npos);
}

TEST_F(SessionManagerTest, ShutdownCancelsARunningQueryAndClosesEverything) {
  auto session = OpenSync("alice");
  ASSERT_TRUE(session.ok());
  auto connection = manager_->Use("alice", session->id);
  auto stream = (*connection)->Query({.sql = "SELECT pg_sleep(30)"});
  auto result = std::async(std::launch::async, [stream] { return testing::CollectSync(stream); });
  for (int i = 0; i < 500; ++i) {  // until the server runs it (at most 10 s)
    auto running = Server().Scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'");
    if (running.ok() && *running == "1") {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(manager_->CloseAll(), 1);
  auto ended = result.get();
  ASSERT_FALSE(ended.ok());
  EXPECT_TRUE(ended.status().code() == StatusCode::kCancelled ||
              ended.status().code() == StatusCode::kFailedPrecondition)
      << ended.status().ToString();
  EXPECT_EQ(OpenSync("alice").status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace howler::dbmanager
