// The embedded SQLite backend of Database (the contract is in storage/database.h).
//
// A file database runs in WAL mode with one writer connection, guarded by a mutex, for
// Execute, Batch and any statement that writes, and a pool of read-only connections
// for Query and read-only batches, so reads proceed while a write is in progress. ":memory:" uses
// one connection for everything (each connection would otherwise see its own database). Batch is
// BEGIN IMMEDIATE ... COMMIT on the writer, rolled back on any failure; a batch of only reads
// (every statement a SELECT that SQLite calls read-only) is BEGIN ... COMMIT on a reader instead,
// one snapshot that neither waits for nor holds up the writer. Transactions never outlive a call: a
// lone BEGIN sent through Query or Execute is rolled back and refused. Every connection has
// foreign_keys=ON, synchronous=NORMAL (FULL when asked), temp_store=MEMORY, busy_timeout, and
// caches up to 64 prepared statements. Errors map as described in sqlite_status.h. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/database.h"

namespace howler::storage {

struct SqliteOptions {
  std::string path;  // filesystem path, or ":memory:"
  bool synchronous_full = false;
  std::chrono::milliseconds busy_timeout{5000};
  int readers = 4;  // read-only connections for Query (file databases only; 0: the writer reads)
};

// Opens (creating when missing) the database. A path in a missing directory or an
// unreadable file is UNAVAILABLE, a file that is not a database INTERNAL; the message
// names the path (meant for the start-up log).
Result<std::unique_ptr<Database>> OpenSqliteDatabase(const SqliteOptions& options);

// The SQLite path of a database URL: "file:PATH" and "file://PATH" give PATH
// ("file:///abs/x.db" gives "/abs/x.db"), ":memory:" and "file::memory:" give
// ":memory:", anything else is taken as a path. A "?query" suffix is dropped.
std::string SqlitePathFromUrl(std::string_view url);

}  // namespace howler::storage
