// The embedded migrations applied to a real database, and the key rules of the schema
// that the stores rely on.
#include <gtest/gtest.h>

#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "storage/sqlite/sqlite_database.h"

namespace howler::storage {
namespace {

constexpr std::int64_t kNow = 1767225600000;

class InitialSchemaTest : public testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenSqliteDatabase({.path = ":memory:"});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    std::vector<std::string> applied;
    Status status = ApplyMigrations(*db_, EmbeddedMigrations(), kNow, &applied);
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_EQ(applied.size(), EmbeddedMigrations().size());
    EXPECT_EQ(applied.front(), "0001_initial");
  }

  Status Run(const std::string& sql, std::vector<Value> params = {}) {
    return db_->Execute({sql, std::move(params)}).status();
  }

  std::int64_t Count(const std::string& table) {
    auto rows = db_->Query({"SELECT COUNT(*) FROM " + table, {}});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? AsInt(rows->rows[0][0]) : -1;
  }

  Status InsertUser(const std::string& id, const std::string& username_key,
                    const std::string& email) {
    return Run(
        "INSERT INTO users (id, username, username_key, email, password_hash, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, 'hash', ?, ?)",
        {id, username_key, username_key, email, kNow, kNow});
  }

  std::unique_ptr<Database> db_;
};

TEST_F(InitialSchemaTest, CreatesEveryTable) {
  for (const char* table :
       {"users", "sessions", "login_attempts", "account_lockouts", "email_verification_tokens",
        "password_reset_tokens", "auth_events", "sync_state", "sync_items", "sync_change_ids",
        "sync_conflicts", "sync_metadata", "schema_migrations"}) {
    auto rows = db_->Query(
        {"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {std::string(table)}});
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->rows.size(), 1u) << table;
  }
}

TEST_F(InitialSchemaTest, ReapplyingIsANoOp) {
  std::vector<std::string> applied;
  ASSERT_TRUE(ApplyMigrations(*db_, EmbeddedMigrations(), kNow, &applied).ok());
  EXPECT_TRUE(applied.empty());
}

TEST_F(InitialSchemaTest, UsersHaveDefaultsAndUniqueUsernameKeyAndEmail) {
  ASSERT_TRUE(InsertUser("u1", "alice", "alice@example.com").ok());
  auto row = db_->Query(
      {"SELECT role, tier, email_verified, active, last_login_at FROM users WHERE id = ?",
       {std::string("u1")}});
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->rows[0], (Row{std::string("user"), std::string("free"), std::int64_t{0},
                               std::int64_t{1}, Null{}}));
  EXPECT_EQ(InsertUser("u2", "alice", "other@example.com").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(InsertUser("u3", "bob", "alice@example.com").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(InsertUser("u1", "carol", "carol@example.com").code(), StatusCode::kAlreadyExists);
}

TEST_F(InitialSchemaTest, DeletingAUserCascadesToTheirRows) {
  ASSERT_TRUE(InsertUser("u1", "alice", "alice@example.com").ok());
  ASSERT_TRUE(Run("INSERT INTO sessions (id, user_id, refresh_salt, created_at, last_seen_at, "
                  "expires_at) VALUES ('s1', 'u1', 'salt', ?, ?, ?)",
                  {kNow, kNow, kNow + 1000})
                  .ok());
  ASSERT_TRUE(Run("INSERT INTO email_verification_tokens (token_hash, user_id, created_at, "
                  "expires_at) VALUES ('h', 'u1', ?, ?)",
                  {kNow, kNow})
                  .ok());
  ASSERT_TRUE(Run("INSERT INTO sync_state (user_id, last_seq) VALUES ('u1', 1)").ok());
  ASSERT_TRUE(Run("INSERT INTO sync_items (user_id, item_type, item_id, data, sync_version, "
                  "device_id, seq, created_at, updated_at) VALUES ('u1', 'connection', 'c1', "
                  "'{}', 1, 'd1', 1, ?, ?)",
                  {kNow, kNow})
                  .ok());
  ASSERT_TRUE(Run("INSERT INTO sync_metadata (user_id, device_id) VALUES ('u1', 'd1')").ok());

  ASSERT_TRUE(Run("DELETE FROM users WHERE id = 'u1'").ok());
  for (const char* table :
       {"sessions", "email_verification_tokens", "sync_state", "sync_items", "sync_metadata"}) {
    EXPECT_EQ(Count(table), 0) << table;
  }
}

TEST_F(InitialSchemaTest, RowsOfUnknownUsersAreRefused) {
  EXPECT_EQ(Run("INSERT INTO sessions (id, user_id, refresh_salt, created_at, last_seen_at, "
                "expires_at) VALUES ('s1', 'nobody', 'salt', 1, 1, 1)")
                .code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(InitialSchemaTest, SyncSequenceIsUniquePerUser) {
  ASSERT_TRUE(InsertUser("u1", "alice", "alice@example.com").ok());
  ASSERT_TRUE(InsertUser("u2", "bob", "bob@example.com").ok());
  const std::string insert =
      "INSERT INTO sync_items (user_id, item_type, item_id, data, sync_version, device_id, "
      "seq, created_at, updated_at) VALUES (?, 'saved_query', ?, '{}', 1, 'd', ?, 0, 0)";
  auto item = [&](const char* user, const char* id, std::int64_t seq) {
    return Run(insert, {std::string(user), std::string(id), seq});
  };
  ASSERT_TRUE(item("u1", "q1", 1).ok());
  EXPECT_TRUE(item("u2", "q1", 1).ok());  // other user: same item id and seq are fine
  EXPECT_EQ(item("u1", "q2", 1).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(item("u1", "q1", 2).code(), StatusCode::kAlreadyExists);
}

TEST_F(InitialSchemaTest, ChangeIdsAreGuardRows) {
  const std::string insert =
      "INSERT INTO sync_change_ids (user_id, device_id, change_id, outcome, created_at) "
      "VALUES ('u1', 'd1', 'chg-1', '{}', 0)";
  ASSERT_TRUE(Run(insert).ok());
  EXPECT_EQ(Run(insert).code(), StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace howler::storage
