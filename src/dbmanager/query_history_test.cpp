// QueryHistoryRecorder over a real SyncService on an in-memory SQLite with migrations.
#include "dbmanager/query_history.h"

#include <gtest/gtest.h>

#include "storage/libsql/tursodb_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "storage/sync_store.h"

namespace howler::dbmanager {
namespace {

class QueryHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(storage::ApplyMigrations(*db_, storage::EmbeddedMigrations(), 0).ok());
    for (const char* user : {"alice", "bob"}) {
      ASSERT_TRUE(db_->Execute({"INSERT INTO users (id, username, username_key, email, "
                                "password_hash, tier, created_at, updated_at) VALUES "
                                "(?, ?, ?, ?, 'x', 'free', 0, 0)",
                                {user, user, user, std::string(user) + "@example.com"}})
                      .ok());
    }
  }

  std::vector<storage::SyncItemRecord> Items(const std::string& user) {
    auto downloaded = service_.Download(user, {"reader", std::nullopt, std::nullopt, 100});
    EXPECT_TRUE(downloaded.ok()) << downloaded.status().ToString();
    return downloaded.ok() ? downloaded->items : std::vector<storage::SyncItemRecord>{};
  }

  ManualClock clock_;
  std::unique_ptr<storage::Database> db_ = std::move(storage::OpenTestDatabase("sqlite")).value();
  storage::SyncStore store_{*db_};
  sync::SyncService service_{store_, clock_, sync::SyncOptions{}, nullptr};
  QueryHistoryRecorder recorder_{service_, clock_};
};

TEST_F(QueryHistoryTest, RecordsAnItemOfTheUserWithLiteralsStripped) {
  auto id =
      recorder_.Record("alice", {.connection_id = "conn-1",
                                 .engine = EngineKind::kPostgres,
                                 .sql = "SELECT * FROM users WHERE email = 'a@b.c' AND age > 42",
                                 .execution_time = std::chrono::milliseconds(12),
                                 .row_count = 3,
                                 .executed_at = clock_.Now()});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto items = Items("alice");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].item_type, "query_history");
  EXPECT_EQ(items[0].item_id, *id);
  EXPECT_EQ(items[0].device_id, "dbmanager");
  const std::string& data = items[0].data;
  EXPECT_NE(data.find(R"("query":"SELECT * FROM users WHERE email = ? AND age > ?")"),
            std::string::npos)
      << data;
  EXPECT_EQ(data.find("a@b.c"), std::string::npos);
  EXPECT_NE(data.find(R"("connection_id":"conn-1")"), std::string::npos);
  EXPECT_NE(data.find(R"("row_count":3)"), std::string::npos);
  EXPECT_NE(data.find(R"("execution_time_ms":12)"), std::string::npos);
  EXPECT_NE(data.find(R"("executed_at":"2026-01-01T00:00:00)"), std::string::npos);
  EXPECT_EQ(data.find("error"), std::string::npos);
  EXPECT_TRUE(Items("bob").empty());  // keyed by its user
}

TEST_F(QueryHistoryTest, FailedQueriesKeepTheirErrorAndDialect) {
  auto id = recorder_.Record("bob", {.engine = EngineKind::kMariadb,
                                     .sql = "SELECT \"quoted\" FROM t",
                                     .error = "table t does not exist",
                                     .executed_at = clock_.Now()});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto items = Items("bob");
  ASSERT_EQ(items.size(), 1u);
  // MySQL reads "quoted" as a string literal.
  EXPECT_NE(items[0].data.find(R"("query":"SELECT ? FROM t")"), std::string::npos) << items[0].data;
  EXPECT_NE(items[0].data.find(R"("error":"table t does not exist")"), std::string::npos);
  EXPECT_NE(items[0].data.find(R"("connection_type":"mysql")"), std::string::npos);
  EXPECT_EQ(items[0].data.find("connection_id"), std::string::npos);
}

TEST_F(QueryHistoryTest, UnknownUserIsAnError) {
  auto id = recorder_.Record("nobody", {.sql = "SELECT 1", .executed_at = clock_.Now()});
  EXPECT_FALSE(id.ok());
}

}  // namespace
}  // namespace howler::dbmanager
