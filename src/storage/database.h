// Database: the one executor interface both storage backends implement
// (embedded SQLite in storage/sqlite, remote libSQL in storage/libsql).
//
// Contract (checked by database_contract_test.cpp against every backend):
// - Parameters are positional (`?`) only; never build SQL from input.
// - Query() is for reads. Execute() runs one write and returns the rows of its
//   RETURNING clause (read results from RETURNING, never from affected-row counts:
//   one remote server always reports 0).
// - Batch() runs an ordered list of statements all-or-nothing: either every statement
//   commits, or none does and the first failing statement's Status is returned. On the
//   remote backend it is one round trip. Services never hold a transaction open
//   across calls.
// - Errors are Status values: a UNIQUE/PRIMARY KEY violation is ALREADY_EXISTS, another
//   constraint (NOT NULL, CHECK, FOREIGN KEY) is FAILED_PRECONDITION, a busy/locked or
//   unreachable database is UNAVAILABLE, malformed SQL is INTERNAL. Messages are safe
//   to show a client; details go to the log.
// - Text parameters must be valid UTF-8: a statement with another one fails with
//   INVALID_ARGUMENT before anything is sent or bound (so a batch applies nothing).
// - Implementations are safe to call from many threads at once.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/value.h"

namespace howler::storage {

class Database {
 public:
  virtual ~Database() = default;

  virtual Result<ResultSet> Query(const Statement& statement) = 0;
  virtual Result<ResultSet> Execute(const Statement& statement) = 0;
  // One ResultSet per statement, in order.
  virtual Result<std::vector<ResultSet>> Batch(const std::vector<Statement>& statements) = 0;

  // A cheap real round trip (`SELECT 1`), for health checks.
  virtual Status Ping() = 0;

  // "sqlite" or "libsql": the `backend` label of db_* metrics.
  virtual std::string_view backend() const = 0;
};

}  // namespace howler::storage
