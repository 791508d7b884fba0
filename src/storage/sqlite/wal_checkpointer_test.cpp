#include "storage/sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "common/temp_dir.h"
#include "storage/sqlite/sqlite_database.h"

namespace howler::storage {
namespace {

// Polls a condition another thread makes true soon (a bounded wait, not a measurement).
bool Eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 2000 && !condition(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

std::unique_ptr<SqliteConnection> MustOpen(const std::string& path, bool wal) {
  SqliteConnectionOptions options;
  options.wal = wal;
  auto c = SqliteConnection::Open(path, options);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

TEST(WalCheckpointerTest, CheckpointsInTheBackgroundOnceTheWalCrossesTheThreshold) {
  auto dir = TempDir::Create("howler-wal-");
  ASSERT_TRUE(dir.ok());
  const std::string path = (dir->path() / "c.db").string();
  auto writer = MustOpen(path, true);
  ASSERT_NE(writer, nullptr);
  WalCheckpointer checkpointer(MustOpen(path, false), *writer, /*threshold_pages=*/4,
                               /*limit_pages=*/1000000);
  writer->SetCommitHook([&](int pages) { checkpointer.Notify(pages); });
  ASSERT_TRUE(writer->Run({"CREATE TABLE t (v TEXT)", {}}).ok());
  checkpointer.Notify(3);  // below the threshold: nothing to do
  EXPECT_EQ(checkpointer.checkpoints(), 0);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(writer->Run({"INSERT INTO t (v) VALUES (?)", {std::string(8000, 'x')}}).ok());
  }
  ASSERT_TRUE(Eventually([&] { return checkpointer.checkpoints() > 0; }));
  // The rows reached the database file itself, not only the WAL.
  EXPECT_TRUE(Eventually([&] { return std::filesystem::file_size(path) > 50u * 8000; }))
      << std::filesystem::file_size(path);
}

TEST(WalCheckpointerTest, FarBehindTheCommittingThreadCheckpointsItself) {
  auto dir = TempDir::Create("howler-wal-");
  ASSERT_TRUE(dir.ok());
  const std::string path = (dir->path() / "c.db").string();
  auto writer = MustOpen(path, true);
  ASSERT_NE(writer, nullptr);
  // A threshold never reached and a low limit: only the inline fallback runs.
  WalCheckpointer checkpointer(MustOpen(path, false), *writer, /*threshold_pages=*/1000000,
                               /*limit_pages=*/4);
  writer->SetCommitHook([&](int pages) { checkpointer.Notify(pages); });
  ASSERT_TRUE(writer->Run({"CREATE TABLE t (v TEXT)", {}}).ok());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(writer->Run({"INSERT INTO t (v) VALUES (?)", {std::string(8000, 'x')}}).ok());
  }
  EXPECT_EQ(checkpointer.checkpoints(), 0);
  EXPECT_GT(std::filesystem::file_size(path), 50u * 8000);
  // The WAL restarted from its beginning instead of growing with every row.
  EXPECT_LT(std::filesystem::file_size(path + "-wal"), 50u * 8000);
}

// Through the database: a file database checkpoints off the commit path, and what it
// wrote is all there after reopening.
TEST(WalCheckpointerTest, AFileDatabaseKeepsEveryRowThroughBackgroundCheckpoints) {
  auto dir = TempDir::Create("howler-wal-");
  ASSERT_TRUE(dir.ok());
  const std::string path = (dir->path() / "d.db").string();
  {
    auto db = OpenSqliteDatabase({.path = path});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)->Execute({"CREATE TABLE t (v TEXT)", {}}).ok());
    for (int i = 0; i < 600; ++i) {
      ASSERT_TRUE((*db)->Batch({{"INSERT INTO t (v) VALUES (?)", {std::string(4000, 'y')}}}).ok());
    }
    EXPECT_TRUE(Eventually([&] { return std::filesystem::file_size(path) > 600u * 4000 / 2; }));
  }
  auto reopened = OpenSqliteDatabase({.path = path});
  ASSERT_TRUE(reopened.ok());
  auto count = (*reopened)->Query({"SELECT COUNT(*) FROM t", {}});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->rows[0][0], Value(std::int64_t{600}));
}

}  // namespace
}  // namespace howler::storage
