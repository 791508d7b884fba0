#include "storage/sqlite/sqlite_statement_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace howler::storage {
namespace {

class StatementCacheTest : public testing::Test {
 protected:
  void SetUp() override {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
    db_.reset(raw);
  }

  SqliteStatementHandle Prepare(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr), SQLITE_OK);
    return SqliteStatementHandle(raw);
  }

  SqliteHandle db_;  // declared first: closed after the cache's statements
};

TEST_F(StatementCacheTest, FindsWhatWasInserted) {
  StatementCache cache(4);
  EXPECT_EQ(cache.Find("SELECT 1"), nullptr);
  sqlite3_stmt* inserted = cache.Insert("SELECT 1", Prepare("SELECT 1"));
  ASSERT_NE(inserted, nullptr);
  EXPECT_EQ(cache.Find("SELECT 1"), inserted);
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(StatementCacheTest, EvictsTheLeastRecentlyUsed) {
  StatementCache cache(2);
  sqlite3_stmt* one = cache.Insert("SELECT 1", Prepare("SELECT 1"));
  cache.Insert("SELECT 2", Prepare("SELECT 2"));
  EXPECT_EQ(cache.Find("SELECT 1"), one);  // now more recent than SELECT 2
  cache.Insert("SELECT 3", Prepare("SELECT 3"));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find("SELECT 2"), nullptr);
  EXPECT_EQ(cache.Find("SELECT 1"), one);
  EXPECT_NE(cache.Find("SELECT 3"), nullptr);
}

TEST_F(StatementCacheTest, ClearFinalizesEverything) {
  StatementCache cache(2);
  cache.Insert("SELECT 1", Prepare("SELECT 1"));
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.Find("SELECT 1"), nullptr);
  EXPECT_EQ(sqlite3_next_stmt(db_.get(), nullptr), nullptr);
}

}  // namespace
}  // namespace howler::storage
