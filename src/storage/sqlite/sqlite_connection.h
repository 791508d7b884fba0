// SqliteConnection: one SQLite connection with its prepared-statement cache.
//
// Opened with SQLITE_OPEN_NOMUTEX: it is NOT thread-safe, and its owner (the database's
// writer mutex or reader pool) lets one thread use it at a time. Every statement runs
// to completion and is reset, with its bindings cleared, before Run returns.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/sqlite/sqlite_handles.h"
#include "storage/sqlite/sqlite_statement_cache.h"
#include "storage/value.h"

namespace howler::storage {

struct SqliteConnectionOptions {
  bool read_only = false;  // otherwise read-write, creating the file when missing
  bool wal = false;        // switch the database to WAL (read-write file databases)
  bool synchronous_full = false;
  std::chrono::milliseconds busy_timeout{5000};
  std::size_t statement_cache_size = 64;
};

class SqliteConnection {
 public:
  // Opens `path` (a file path or ":memory:") and applies the PRAGMAs: foreign_keys=ON,
  // synchronous, busy_timeout, temp_store=MEMORY, and journal_mode=WAL when asked.
  // A missing directory or unreadable file is UNAVAILABLE; the message names the path.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                        const SqliteConnectionOptions& options);

  // Runs exactly one statement (more than one in `sql` is INTERNAL) and returns its
  // rows. Errors are mapped by SqliteStatus.
  Result<ResultSet> Run(const Statement& statement);
  // Whether the statement only reads the database (prepares and caches it).
  Result<bool> IsReadOnly(std::string_view sql);
  // True while a transaction is open.
  bool InTransaction() const;

  // Called after each commit on this connection with the WAL's size in pages, on the
  // committing thread; replaces SQLite's automatic checkpoint (wal_checkpointer.h).
  void SetCommitHook(std::function<void(int wal_pages)> hook);
  // A PASSIVE checkpoint: copies what it can from the WAL into the database without
  // waiting for readers or writers. UNAVAILABLE/INTERNAL on failure.
  Status CheckpointPassive();

 private:
  SqliteConnection(SqliteHandle db, std::size_t cache_size)
      : db_(std::move(db)), cache_(cache_size) {}

  Result<sqlite3_stmt*> Prepare(std::string_view sql);
  Status ApplyPragmas(const SqliteConnectionOptions& options);
  Status Error(int code) const;

  SqliteHandle db_;  // declared first: closed after the cached statements
  std::function<void(int)> commit_hook_;
  StatementCache cache_;  // finalized before the connection closes
};

}  // namespace howler::storage
