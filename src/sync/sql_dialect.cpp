#include "sync/sql_dialect.h"

#include <algorithm>

namespace howler::sync {
namespace {

struct TypeName {
  std::string_view type;
  SqlDialect dialect;
};

constexpr TypeName kTypeNames[] = {
    {"postgres", SqlDialect::kPostgres},    {"postgresql", SqlDialect::kPostgres},
    {"cockroachdb", SqlDialect::kPostgres}, {"supabase", SqlDialect::kPostgres},
    {"neon", SqlDialect::kPostgres},        {"duckdb", SqlDialect::kPostgres},
    {"redshift", SqlDialect::kRedshift},    {"mysql", SqlDialect::kMySql},
    {"mariadb", SqlDialect::kMySql},        {"tidb", SqlDialect::kMySql},
    {"planetscale", SqlDialect::kMySql},    {"sqlite", SqlDialect::kSqlite},
    {"libsql", SqlDialect::kSqlite},        {"turso", SqlDialect::kSqlite},
    {"sqlserver", SqlDialect::kSqlServer},  {"mssql", SqlDialect::kSqlServer},
    {"azure-sql", SqlDialect::kSqlServer},  {"oracle", SqlDialect::kOracle},
    {"snowflake", SqlDialect::kSnowflake},  {"bigquery", SqlDialect::kBigQuery},
    {"clickhouse", SqlDialect::kClickHouse}};

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [&](char x, char y) { return lower(x) == lower(y); });
}

// The rules every known dialect starts from: standard SQL.
LexOptions Standard() {
  LexOptions o;
  o.backslash_escapes = false;
  o.brackets = BracketRule::kOperator;
  o.hash = HashRule::kNoComment;
  o.nested_comments = false;
  o.dollar_quotes = false;
  o.postgres_prefixes = false;
  o.oracle_quotes = false;
  return o;
}

LexOptions Postgres() {
  LexOptions o = Standard();
  o.nested_comments = true;
  o.dollar_quotes = true;
  o.postgres_prefixes = true;
  return o;
}

LexOptions MySql() {
  LexOptions o = Standard();
  o.double_quoted_strings = true;
  o.backslash_escapes = true;
  o.hash = HashRule::kComment;
  o.dash_comment_needs_space = true;
  return o;
}

LexOptions SqlServer() {
  LexOptions o = Standard();
  o.brackets = BracketRule::kIdentifier;
  o.nested_comments = true;
  o.money_literals = true;
  return o;
}

}  // namespace

SqlDialect DialectFromConnectionType(std::string_view type) {
  for (const TypeName& name : kTypeNames) {
    if (EqualsIgnoringAsciiCase(type, name.type)) {
      return name.dialect;
    }
  }
  return SqlDialect::kUnknown;
}

std::string_view DialectName(SqlDialect dialect) {
  for (const TypeName& name : kTypeNames) {
    if (name.dialect == dialect) {
      return name.type;
    }
  }
  return "unknown";
}

// Each dialect's rules are documented field by field in sql_lexer.h.
LexOptions LexOptionsFor(SqlDialect dialect) {
  LexOptions o = Standard();
  switch (dialect) {
    case SqlDialect::kUnknown:
      return LexOptions{};
    case SqlDialect::kPostgres:
      return Postgres();
    case SqlDialect::kRedshift:
      o = Postgres();
      o.backslash_escapes = true;
      return o;
    case SqlDialect::kMySql:
      return MySql();
    case SqlDialect::kSqlite:
      o.brackets = BracketRule::kSimpleIdentifier;
      return o;
    case SqlDialect::kSqlServer:
      return SqlServer();
    case SqlDialect::kOracle:
      o.oracle_quotes = true;
      return o;
    case SqlDialect::kSnowflake:
      o.backslash_escapes = true;
      o.slash_comments = true;
      o.dollar_quotes = true;
      return o;
    case SqlDialect::kBigQuery:
      o = MySql();
      o.dash_comment_needs_space = false;
      o.triple_quotes = true;
      return o;
    case SqlDialect::kClickHouse:
      o.backslash_escapes = true;
      o.hash = HashRule::kComment;
      o.nested_comments = true;
      o.dollar_quotes = true;
      return o;
  }
  return LexOptions{};
}

std::vector<LexOptions> PlausibleReadings(SqlDialect dialect) {
  if (dialect != SqlDialect::kUnknown) {
    return {LexOptionsFor(dialect)};
  }
  std::vector<LexOptions> readings;
  for (BracketRule brackets :
       {BracketRule::kHeuristic, BracketRule::kIdentifier, BracketRule::kOperator}) {
    for (bool escapes : {true, false}) {
      for (bool double_quoted_strings : {false, true}) {
        LexOptions o;
        o.brackets = brackets;
        o.backslash_escapes = escapes;
        o.double_quoted_strings = double_quoted_strings;
        readings.push_back(o);
      }
    }
  }
  for (SqlDialect known : kKnownDialects) {
    readings.push_back(LexOptionsFor(known));
  }
  return readings;
}

}  // namespace howler::sync
