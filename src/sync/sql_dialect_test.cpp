#include "sync/sql_dialect.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace howler::sync {
namespace {

using D = SqlDialect;

TEST(SqlDialectTest, ConnectionTypesMapCaseInsensitively) {
  const std::vector<std::pair<std::string, D>> cases = {
      {"postgres", D::kPostgres},   {"PostgreSQL", D::kPostgres}, {"cockroachdb", D::kPostgres},
      {"supabase", D::kPostgres},   {"neon", D::kPostgres},       {"DuckDB", D::kPostgres},
      {"redshift", D::kRedshift},   {"mysql", D::kMySql},         {"MariaDB", D::kMySql},
      {"tidb", D::kMySql},          {"planetscale", D::kMySql},   {"sqlite", D::kSqlite},
      {"libsql", D::kSqlite},       {"TURSO", D::kSqlite},        {"sqlserver", D::kSqlServer},
      {"mssql", D::kSqlServer},     {"Azure-SQL", D::kSqlServer}, {"oracle", D::kOracle},
      {"snowflake", D::kSnowflake}, {"BigQuery", D::kBigQuery},   {"clickhouse", D::kClickHouse},
  };
  for (const auto& [type, dialect] : cases) {
    EXPECT_EQ(DialectFromConnectionType(type), dialect) << type;
  }
}

TEST(SqlDialectTest, AnythingElseIsUnknown) {
  for (const char* type : {"", "mongodb", "redis", "postgres ", " mysql", "my sql", "sql",
                           "azure_sql", "postgresql2", "\xc3\xa9", "unknown"}) {
    EXPECT_EQ(DialectFromConnectionType(type), D::kUnknown) << type;
  }
}

TEST(SqlDialectTest, NamesRoundTrip) {
  for (D dialect : kKnownDialects) {
    EXPECT_EQ(DialectFromConnectionType(DialectName(dialect)), dialect) << DialectName(dialect);
  }
  EXPECT_EQ(DialectName(D::kUnknown), "unknown");
}

TEST(SqlDialectTest, KnownDialectHasExactlyItsOwnReading) {
  for (D dialect : kKnownDialects) {
    const std::vector<LexOptions> readings = PlausibleReadings(dialect);
    ASSERT_EQ(readings.size(), 1u) << DialectName(dialect);
    EXPECT_EQ(readings.front(), LexOptionsFor(dialect)) << DialectName(dialect);
  }
}

TEST(SqlDialectTest, DialectRulesThatDecideLiterals) {
  EXPECT_FALSE(LexOptionsFor(D::kPostgres).backslash_escapes);
  EXPECT_TRUE(LexOptionsFor(D::kRedshift).backslash_escapes);
  EXPECT_TRUE(LexOptionsFor(D::kMySql).backslash_escapes);
  EXPECT_TRUE(LexOptionsFor(D::kMySql).double_quoted_strings);
  EXPECT_TRUE(LexOptionsFor(D::kBigQuery).double_quoted_strings);
  EXPECT_FALSE(LexOptionsFor(D::kSqlite).backslash_escapes);
  EXPECT_FALSE(LexOptionsFor(D::kSqlServer).backslash_escapes);
  EXPECT_FALSE(LexOptionsFor(D::kOracle).backslash_escapes);
  EXPECT_TRUE(LexOptionsFor(D::kSnowflake).backslash_escapes);
  EXPECT_TRUE(LexOptionsFor(D::kClickHouse).backslash_escapes);
  EXPECT_FALSE(LexOptionsFor(D::kClickHouse).double_quoted_strings);
  EXPECT_EQ(LexOptionsFor(D::kSqlServer).brackets, BracketRule::kIdentifier);
  EXPECT_EQ(LexOptionsFor(D::kSqlite).brackets, BracketRule::kSimpleIdentifier);
  EXPECT_EQ(LexOptionsFor(D::kPostgres).brackets, BracketRule::kOperator);
  EXPECT_EQ(LexOptionsFor(D::kMySql).hash, HashRule::kComment);
  EXPECT_EQ(LexOptionsFor(D::kPostgres).hash, HashRule::kNoComment);
  EXPECT_EQ(LexOptionsFor(D::kUnknown), LexOptions{});
}

TEST(SqlDialectTest, UnknownHasEveryDialectAndEveryAmbiguousOptionCombination) {
  const std::vector<LexOptions> readings = PlausibleReadings(D::kUnknown);
  const auto has = [&](const LexOptions& o) {
    return std::find(readings.begin(), readings.end(), o) != readings.end();
  };
  for (D dialect : kKnownDialects) {
    EXPECT_TRUE(has(LexOptionsFor(dialect))) << DialectName(dialect);
  }
  for (BracketRule brackets :
       {BracketRule::kHeuristic, BracketRule::kIdentifier, BracketRule::kOperator}) {
    for (bool escapes : {false, true}) {
      for (bool strings : {false, true}) {
        LexOptions o;
        o.brackets = brackets;
        o.backslash_escapes = escapes;
        o.double_quoted_strings = strings;
        EXPECT_TRUE(has(o)) << static_cast<int>(brackets) << escapes << strings;
      }
    }
  }
  EXPECT_EQ(readings.size(), 12u + std::size(kKnownDialects));
}

}  // namespace
}  // namespace howler::sync
