// SqlDialect: which database a query was written for, as far as lexing is concerned, and
// the readings (LexOptions, sql_lexer.h) the history sanitizer takes of its text.
//
// - A known dialect has exactly one reading (LexOptionsFor): its lexical rules under the
//   server's default settings. Session settings that change them (MySQL
//   NO_BACKSLASH_ESCAPES / ANSI_QUOTES, SQL Server QUOTED_IDENTIFIER OFF, SQLite's
//   double-quoted strings when no column has that name) are not followed.
// - kUnknown has every plausible reading (PlausibleReadings): each known dialect's, and
//   the tolerant default reading with every combination of backslash escapes on / off,
//   double quotes as strings / identifiers and brackets read by the heuristic / always as
//   identifiers / always as operators; those combinations also stand for the session
//   settings above.
// - DuckDB lexes as PostgreSQL (its parser is PostgreSQL's: `[1, 2]` is a list, not a
//   name); Redshift as PostgreSQL with backslash escapes in '...'.
//
// Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "sync/sql_lexer.h"

namespace howler::sync {

enum class SqlDialect {
  kUnknown,
  kPostgres,   // also CockroachDB, Supabase, Neon, DuckDB
  kRedshift,   // PostgreSQL with backslash escapes in '...'
  kMySql,      // also MariaDB, TiDB, PlanetScale
  kSqlite,     // also libSQL, Turso
  kSqlServer,  // also Azure SQL
  kOracle,
  kSnowflake,
  kBigQuery,
  kClickHouse,
};

// Every dialect but kUnknown, in declaration order.
inline constexpr SqlDialect kKnownDialects[] = {
    SqlDialect::kPostgres,  SqlDialect::kRedshift,  SqlDialect::kMySql,
    SqlDialect::kSqlite,    SqlDialect::kSqlServer, SqlDialect::kOracle,
    SqlDialect::kSnowflake, SqlDialect::kBigQuery,  SqlDialect::kClickHouse};

// The dialect of a desktop-client connection `type`, compared ASCII case-insensitively:
// postgres, postgresql, cockroachdb, supabase, neon, duckdb -> kPostgres; redshift ->
// kRedshift; mysql, mariadb, tidb, planetscale -> kMySql; sqlite, libsql, turso ->
// kSqlite; sqlserver, mssql, azure-sql -> kSqlServer; oracle, snowflake, bigquery,
// clickhouse -> their own; anything else (including "") -> kUnknown.
SqlDialect DialectFromConnectionType(std::string_view type);

// The dialect's name as DialectFromConnectionType accepts it ("unknown" for kUnknown).
std::string_view DialectName(SqlDialect dialect);

// The dialect's reading; kUnknown gives the tolerant default LexOptions{}.
LexOptions LexOptionsFor(SqlDialect dialect);

// The readings whose union the history sanitizer masks (see above). Not deduplicated.
std::vector<LexOptions> PlausibleReadings(SqlDialect dialect);

}  // namespace howler::sync
