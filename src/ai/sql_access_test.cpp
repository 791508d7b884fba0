#include "ai/sql_access.h"

#include <gtest/gtest.h>

namespace howler::ai {
namespace {

using sync::SqlDialect;

TEST(SqlAccessTest, ReadsAreReadOnly) {
  for (const char* sql : {"SELECT * FROM t", "select a from t where b = 'DELETE'",
                          "WITH x AS (SELECT 1) SELECT * FROM x", "EXPLAIN SELECT 1", "SHOW TABLES",
                          "VALUES (1), (2)", "SELECT 1; SELECT 2;",
                          "SELECT \"update\" FROM t -- drop table t", "", ";"}) {
    EXPECT_TRUE(ReadsOnly(sql, SqlDialect::kPostgres)) << sql;
  }
}

TEST(SqlAccessTest, AnythingElseWrites) {
  for (const char* sql :
       {"INSERT INTO t VALUES (1)", "update t set a = 1", "DELETE FROM t", "DROP TABLE t",
        "SELECT 1; DELETE FROM t", "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
        "SELECT * INTO copy FROM t", "SELECT * FROM t FOR UPDATE", "EXPLAIN ANALYZE DELETE FROM t",
        "CALL p()", "SET search_path = x", "VACUUM", "BEGIN", "PRAGMA foreign_keys = off"}) {
    EXPECT_FALSE(ReadsOnly(sql, SqlDialect::kPostgres)) << sql;
  }
}

TEST(SqlAccessTest, FollowsTheDialectsLexing) {
  // MySQL reads "..." as a string: the word inside is not a keyword.
  EXPECT_TRUE(ReadsOnly("SELECT \"DELETE\"", SqlDialect::kMySql));
  // A backtick-quoted name is a name, whatever its text.
  EXPECT_TRUE(ReadsOnly("SELECT `insert` FROM t", SqlDialect::kMySql));
}

}  // namespace
}  // namespace howler::ai
