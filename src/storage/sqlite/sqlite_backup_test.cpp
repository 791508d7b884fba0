#include "storage/sqlite/sqlite_backup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "storage/libsql/tursodb_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "storage/sqlite/sqlite_database.h"

namespace howler::storage {
namespace {

namespace fs = std::filesystem;

class SqliteBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/howler-backup-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A migrated database at `path` with `users` accounts in it.
  std::unique_ptr<Database> Populated(const fs::path& path, int users) {
    auto db = OpenSqliteDatabase({path.string()});
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_TRUE(ApplyMigrations(**db, EmbeddedMigrations(), 0).ok());
    for (int i = 0; i < users; ++i) AddUser(**db, i);
    return std::move(db).value();
  }
  static void AddUser(Database& db, int i) {
    const std::string id = "u" + std::to_string(i);
    ASSERT_TRUE(db.Execute({"INSERT INTO users (id, username, username_key, email, "
                            "password_hash, tier, created_at, updated_at) VALUES "
                            "(?, ?, ?, ?, 'x', 'free', 0, 0)",
                            {id, id, id, id + "@example.com"}})
                    .ok());
  }
  static std::int64_t CountUsers(const fs::path& path) {
    auto db = OpenSqliteDatabase({path.string()});
    EXPECT_TRUE(db.ok());
    auto rs = (*db)->Query({"SELECT COUNT(*) FROM users", {}});
    EXPECT_TRUE(rs.ok()) << rs.status().ToString();
    return rs.ok() ? AsInt(rs->rows[0][0]) : -1;
  }

  fs::path dir_;
};

TEST_F(SqliteBackupTest, BackupOfALiveDatabaseHoldsEveryCommitBeforeIt) {
  const fs::path live = dir_ / "live.db";
  auto db = Populated(live, 50);  // stays open: commits sit in its WAL
  ASSERT_TRUE(BackupSqliteFile(live, dir_ / "copy.db").ok());
  AddUser(*db, 50);  // after the backup: not in it
  EXPECT_EQ(CountUsers(dir_ / "copy.db"), 50);
  EXPECT_FALSE(fs::exists(dir_ / "copy.db.partial"));

  const Status again = BackupSqliteFile(live, dir_ / "copy.db");
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();
  EXPECT_FALSE(BackupSqliteFile(dir_ / "missing.db", dir_ / "other.db").ok());
  EXPECT_FALSE(fs::exists(dir_ / "other.db"));
}

TEST_F(SqliteBackupTest, RestoreChecksTheFileThenReplacesTheDatabase) {
  const fs::path live = dir_ / "live.db";
  Populated(live, 3).reset();
  Populated(dir_ / "backup-src.db", 7).reset();
  ASSERT_TRUE(BackupSqliteFile(dir_ / "backup-src.db", dir_ / "backup.db").ok());

  std::ofstream(dir_ / "junk.db") << "not a database at all, not even close to one";
  EXPECT_FALSE(RestoreSqliteFile(dir_ / "junk.db", live).ok());
  auto foreign = OpenSqliteDatabase({(dir_ / "foreign.db").string()});
  ASSERT_TRUE((*foreign)->Execute({"CREATE TABLE t (x)", {}}).ok());
  foreign->reset();
  const Status not_ours = RestoreSqliteFile(dir_ / "foreign.db", live);
  EXPECT_EQ(not_ours.code(), StatusCode::kFailedPrecondition) << not_ours.ToString();
  EXPECT_EQ(RestoreSqliteFile(dir_ / "absent.db", live).code(), StatusCode::kNotFound);
  EXPECT_EQ(CountUsers(live), 3) << "a refused restore changes nothing";

  ASSERT_TRUE(RestoreSqliteFile(dir_ / "backup.db", live).ok());
  EXPECT_EQ(CountUsers(live), 7);
}

// The export of a remote database, from a real tursodb, and of an embedded one.
TEST_F(SqliteBackupTest, ExportCopiesEveryTableAndIndexInPages) {
  for (const char* backend : {"sqlite", "libsql"}) {
    auto source = OpenTestDatabase(backend);
    ASSERT_TRUE(source.ok()) << backend << ": " << source.status().ToString();
    ASSERT_TRUE(ApplyMigrations(**source, EmbeddedMigrations(), 0).ok());
    for (int i = 0; i < 25; ++i) AddUser(**source, i);
    const fs::path out = dir_ / (std::string(backend) + "-export.db");
    ASSERT_TRUE(ExportToSqlite(**source, out, /*page_rows=*/10).ok()) << backend;
    EXPECT_EQ(CountUsers(out), 25) << backend;
    auto copy = OpenSqliteDatabase({out.string()});
    auto indexes =
        (*copy)->Query({"SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' "
                        "AND name = 'idx_sessions_user_id'",
                        {}});
    ASSERT_TRUE(indexes.ok());
    EXPECT_EQ(AsInt(indexes->rows[0][0]), 1) << backend;
    auto migrations = (*copy)->Query({"SELECT COUNT(*) FROM schema_migrations", {}});
    ASSERT_TRUE(migrations.ok());
    EXPECT_EQ(AsInt(migrations->rows[0][0]),
              static_cast<std::int64_t>(EmbeddedMigrations().size()));
    EXPECT_EQ(ExportToSqlite(**source, out).code(), StatusCode::kAlreadyExists);
  }
}

}  // namespace
}  // namespace howler::storage
