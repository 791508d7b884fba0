// SQLite-specific behaviour; what every backend must do is in the contract suite.
#include "storage/sqlite/sqlite_database.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "common/temp_dir.h"
#include "storage/sqlite/sqlite_handles.h"

namespace howler::storage {
namespace {

std::unique_ptr<Database> MustOpen(const SqliteOptions& options) {
  auto db = OpenSqliteDatabase(options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

Value QueryOne(Database& db, const std::string& sql) {
  auto result = db.Query({sql, {}});
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  if (!result.ok() || result->rows.empty() || result->rows[0].empty()) {
    return Null{};
  }
  return result->rows[0][0];
}

class SqliteDatabaseTest : public testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("howler-sqlite-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_.emplace(std::move(dir).value());
  }

  std::string File(const std::string& name) const { return (dir_->path() / name).string(); }
  std::string DbPath() const { return File("test.db"); }

  std::optional<TempDir> dir_;
};

TEST_F(SqliteDatabaseTest, FileDatabaseUsesWalForeignKeysAndNormalSync) {
  auto db = MustOpen({.path = DbPath()});
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->backend(), "sqlite");
  EXPECT_EQ(QueryOne(*db, "PRAGMA journal_mode"), Value(std::string("wal")));
  EXPECT_EQ(QueryOne(*db, "PRAGMA foreign_keys"), Value(std::int64_t{1}));
  EXPECT_EQ(QueryOne(*db, "PRAGMA synchronous"), Value(std::int64_t{1}));  // NORMAL
  EXPECT_EQ(QueryOne(*db, "PRAGMA temp_store"), Value(std::int64_t{2}));   // MEMORY
}

TEST_F(SqliteDatabaseTest, DatabaseWalAndShmFilesAreOwnerOnly) {
  const mode_t previous = ::umask(022);  // the usual umask: 0644 files unless we say so
  {
    auto db = MustOpen({.path = DbPath()});
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Execute({"CREATE TABLE t (v TEXT)", {}}).ok());
    ASSERT_TRUE(db->Execute({"INSERT INTO t VALUES ('x')", {}}).ok());
    for (const std::string suffix : {"", "-wal", "-shm"}) {
      struct stat st {};
      ASSERT_EQ(::stat((DbPath() + suffix).c_str(), &st), 0) << suffix;
      EXPECT_EQ(st.st_mode & 0777, 0600u) << suffix;
    }
  }
  ::umask(previous);
}

TEST_F(SqliteDatabaseTest, SynchronousFullIsConfigurable) {
  auto db = MustOpen({.path = DbPath(), .synchronous_full = true});
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(QueryOne(*db, "PRAGMA synchronous"), Value(std::int64_t{2}));  // FULL
  auto written = db->Execute({"PRAGMA synchronous", {}});
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->rows[0][0], Value(std::int64_t{2}));
}

TEST_F(SqliteDatabaseTest, MemoryDatabaseKeepsDataAcrossCallsWithForeignKeys) {
  auto db = MustOpen({.path = ":memory:"});
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Execute({"CREATE TABLE t (v INTEGER)", {}}).ok());
  ASSERT_TRUE(db->Execute({"INSERT INTO t (v) VALUES (?)", {std::int64_t{7}}}).ok());
  EXPECT_EQ(QueryOne(*db, "SELECT v FROM t"), Value(std::int64_t{7}));
  EXPECT_EQ(QueryOne(*db, "PRAGMA foreign_keys"), Value(std::int64_t{1}));
}

TEST_F(SqliteDatabaseTest, DataSurvivesReopening) {
  {
    auto db = MustOpen({.path = DbPath()});
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Execute({"CREATE TABLE t (v TEXT)", {}}).ok());
    ASSERT_TRUE(db->Execute({"INSERT INTO t (v) VALUES (?)", {std::string("kept")}}).ok());
  }
  auto db = MustOpen({.path = DbPath()});
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(QueryOne(*db, "SELECT v FROM t"), Value(std::string("kept")));
}

TEST_F(SqliteDatabaseTest, WorksWithoutReaders) {
  auto db = MustOpen({.path = DbPath(), .readers = 0});
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Execute({"CREATE TABLE t (v INTEGER)", {}}).ok());
  EXPECT_EQ(QueryOne(*db, "SELECT COUNT(*) FROM t"), Value(std::int64_t{0}));
}

TEST_F(SqliteDatabaseTest, MissingDirectoryIsUnavailable) {
  auto db = OpenSqliteDatabase({.path = File("missing/dir/test.db")});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable) << db.status().ToString();
  EXPECT_NE(db.status().message().find("cannot open database"), std::string::npos);
}

TEST_F(SqliteDatabaseTest, FileThatIsNotADatabaseIsRefused) {
  std::ofstream(DbPath()) << "this is not an SQLite database, just some text in a file";
  auto db = OpenSqliteDatabase({.path = DbPath()});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kInternal) << db.status().ToString();
}

TEST_F(SqliteDatabaseTest, EmptyPathIsInvalid) {
  auto db = OpenSqliteDatabase({.path = ""});
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteDatabaseTest, WriteLockHeldElsewhereIsUnavailableAfterBusyTimeout) {
  auto db = MustOpen({.path = DbPath(), .busy_timeout = std::chrono::milliseconds(50)});
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Execute({"CREATE TABLE t (v INTEGER)", {}}).ok());
  ASSERT_TRUE(db->Execute({"INSERT INTO t (v) VALUES (1)", {}}).ok());

  // Another connection, as another process would, holds the write lock.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(DbPath().c_str(), &raw), SQLITE_OK);
  SqliteHandle other(raw);
  ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  auto execute = db->Execute({"INSERT INTO t (v) VALUES (2)", {}});
  EXPECT_EQ(execute.status().code(), StatusCode::kUnavailable) << execute.status().ToString();
  auto batch = db->Batch({{"INSERT INTO t (v) VALUES (3)", {}}});
  EXPECT_EQ(batch.status().code(), StatusCode::kUnavailable) << batch.status().ToString();
  // WAL: readers are not blocked by the writer.
  EXPECT_EQ(QueryOne(*db, "SELECT COUNT(*) FROM t"), Value(std::int64_t{1}));

  ASSERT_EQ(sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_TRUE(db->Execute({"INSERT INTO t (v) VALUES (4)", {}}).ok());
  EXPECT_EQ(QueryOne(*db, "SELECT COUNT(*) FROM t"), Value(std::int64_t{2}));
}

// Concurrent batches on the one writer: each one all or nothing, with its own results.
TEST_F(SqliteDatabaseTest, ConcurrentBatchesStayAtomicAndKeepTheirOwnResults) {
  auto db = MustOpen({.path = DbPath()});
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(
      db->Execute({"CREATE TABLE t (w INTEGER, i INTEGER, tag TEXT, UNIQUE (w, i, tag))", {}})
          .ok());
  constexpr int kThreads = 8, kBatches = 60;
  std::atomic<int> wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kBatches; ++i) {
        const bool doomed = i % 7 == 3;  // its second insert repeats the first
        const std::string second = doomed ? "a" : "b";
        const std::string sql = "INSERT INTO t (w, i, tag) VALUES (?, ?, ?) RETURNING w, i";
        auto out = db->Batch({{sql, {std::int64_t{w}, std::int64_t{i}, std::string("a")}},
                              {sql, {std::int64_t{w}, std::int64_t{i}, second}}});
        if (doomed) {
          if (out.ok()) ++wrong;
          ++failed;
          continue;
        }
        if (!out.ok() || (*out)[1].rows[0][0] != Value(std::int64_t{w}) ||
            (*out)[1].rows[0][1] != Value(std::int64_t{i})) {
          ++wrong;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  const std::int64_t committed = kThreads * kBatches - failed.load();
  EXPECT_EQ(QueryOne(*db, "SELECT COUNT(*) FROM t"), Value(2 * committed));
  EXPECT_EQ(QueryOne(*db, "SELECT COUNT(*) FROM t WHERE i % 7 = 3"), Value(std::int64_t{0}));
}

TEST_F(SqliteDatabaseTest, ReadOnlyBatchRunsOnAReaderWhileTheWriteLockIsHeld) {
  auto db = MustOpen({.path = DbPath(), .busy_timeout = std::chrono::milliseconds(50)});
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Execute({"CREATE TABLE t (v INTEGER)", {}}).ok());
  ASSERT_TRUE(db->Execute({"INSERT INTO t (v) VALUES (1)", {}}).ok());
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(DbPath().c_str(), &raw), SQLITE_OK);
  SqliteHandle other(raw);
  ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "INSERT INTO t (v) VALUES (2)", nullptr, nullptr, nullptr),
            SQLITE_OK);

  // On the writer, BEGIN IMMEDIATE would wait for the lock and fail after busy_timeout.
  auto reads = db->Batch({{"SELECT COUNT(*) FROM t", {}}, {" select MAX(v) FROM t", {}}});
  ASSERT_TRUE(reads.ok()) << reads.status().ToString();
  EXPECT_EQ((*reads)[0].rows[0][0], Value(std::int64_t{1})) << "the committed snapshot";
  EXPECT_EQ((*reads)[1].rows[0][0], Value(std::int64_t{1}));
  // A batch with a write (even after reads) still goes to the writer.
  auto mixed = db->Batch({{"SELECT COUNT(*) FROM t", {}}, {"INSERT INTO t (v) VALUES (3)", {}}});
  EXPECT_EQ(mixed.status().code(), StatusCode::kUnavailable) << mixed.status().ToString();
  ASSERT_EQ(sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  auto after = db->Batch({{"SELECT COUNT(*) FROM t", {}}});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ((*after)[0].rows[0][0], Value(std::int64_t{2}));
}

TEST_F(SqliteDatabaseTest, AReadOnlyBatchTheReadersCannotPrepareRunsOnTheWriter) {
  auto db = MustOpen({.path = DbPath()});
  ASSERT_NE(db, nullptr);
  // A temporary table exists on the writer connection only.
  ASSERT_TRUE(db->Execute({"CREATE TEMP TABLE scratch (v INTEGER)", {}}).ok());
  ASSERT_TRUE(db->Execute({"INSERT INTO scratch (v) VALUES (7)", {}}).ok());
  auto reads = db->Batch({{"SELECT v FROM scratch", {}}});
  ASSERT_TRUE(reads.ok()) << reads.status().ToString();
  EXPECT_EQ((*reads)[0].rows[0][0], Value(std::int64_t{7}));
}

TEST_F(SqliteDatabaseTest, QueryThatWritesRunsOnTheWriter) {
  auto db = MustOpen({.path = DbPath()});
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Execute({"CREATE TABLE t (v INTEGER)", {}}).ok());
  auto inserted = db->Query({"INSERT INTO t (v) VALUES (?) RETURNING v", {std::int64_t{5}}});
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  EXPECT_EQ(inserted->rows[0][0], Value(std::int64_t{5}));
}

TEST_F(SqliteDatabaseTest, MoreThanOneStatementPerCallIsRefused) {
  auto db = MustOpen({.path = DbPath()});
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Execute({"CREATE TABLE t (v INTEGER);", {}}).ok());  // a lone `;` is fine
  auto two = db->Execute({"INSERT INTO t (v) VALUES (1); INSERT INTO t (v) VALUES (2)", {}});
  EXPECT_EQ(two.status().code(), StatusCode::kInternal) << two.status().ToString();
  EXPECT_EQ(QueryOne(*db, "SELECT COUNT(*) FROM t"), Value(std::int64_t{0}));
  EXPECT_TRUE(db->Query({"SELECT 1; -- trailing comment", {}}).ok());
}

TEST_F(SqliteDatabaseTest, WrongParameterCountIsInternal) {
  auto db = MustOpen({.path = ":memory:"});
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->Query({"SELECT ?, ?", {std::int64_t{1}}}).status().code(), StatusCode::kInternal);
  EXPECT_EQ(db->Query({"SELECT 1", {std::int64_t{1}}}).status().code(), StatusCode::kInternal);
  EXPECT_TRUE(db->Query({"SELECT ?", {std::int64_t{1}}}).ok());  // the statement was reset
}

TEST_F(SqliteDatabaseTest, LoneTransactionStatementsAreRefusedAndRolledBack) {
  for (const char* path : {":memory:", "file"}) {
    auto db = MustOpen({.path = std::string(path) == "file" ? DbPath() : path});
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->Execute({"BEGIN", {}}).status().code(), StatusCode::kInternal) << path;
    EXPECT_EQ(db->Query({"BEGIN", {}}).status().code(), StatusCode::kInternal) << path;
    // No transaction was left open: a batch (which begins its own) still works.
    EXPECT_TRUE(db->Batch({{"SELECT 1", {}}}).ok()) << path;
  }
}

TEST_F(SqliteDatabaseTest, ManyDistinctStatementsOutgrowTheCacheSafely) {
  auto db = MustOpen({.path = DbPath()});
  ASSERT_NE(db, nullptr);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 150; ++i) {
      const std::string sql = "SELECT " + std::to_string(i) + " + ?";
      auto result = db->Query({sql, {std::int64_t{round}}});
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      EXPECT_EQ(result->rows[0][0], Value(std::int64_t{i + round}));
    }
  }
}

TEST_F(SqliteDatabaseTest, SchemaChangesReachReaders) {
  auto db = MustOpen({.path = DbPath()});
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Execute({"CREATE TABLE t (a INTEGER)", {}}).ok());
  ASSERT_TRUE(db->Query({"SELECT * FROM t", {}}).ok());
  ASSERT_TRUE(db->Execute({"ALTER TABLE t ADD COLUMN b TEXT", {}}).ok());
  auto result = db->Query({"SELECT * FROM t", {}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->columns, (std::vector<std::string>{"a", "b"}));
}

TEST(SqlitePathFromUrlTest, HandlesFileUrlsMemoryAndPlainPaths) {
  EXPECT_EQ(SqlitePathFromUrl("file:./data/development.db"), "./data/development.db");
  EXPECT_EQ(SqlitePathFromUrl("file:data/x.db"), "data/x.db");
  EXPECT_EQ(SqlitePathFromUrl("file:///var/lib/howler/x.db"), "/var/lib/howler/x.db");
  EXPECT_EQ(SqlitePathFromUrl("file://./x.db"), "./x.db");
  EXPECT_EQ(SqlitePathFromUrl("file:./x.db?mode=rwc"), "./x.db");
  EXPECT_EQ(SqlitePathFromUrl(":memory:"), ":memory:");
  EXPECT_EQ(SqlitePathFromUrl("file::memory:"), ":memory:");
  EXPECT_EQ(SqlitePathFromUrl("/tmp/plain.db"), "/tmp/plain.db");
}

}  // namespace
}  // namespace howler::storage
