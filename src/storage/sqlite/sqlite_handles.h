// Owning handles for SQLite's C objects: a connection closes and a prepared statement
// is finalized when its handle goes away. Like unique_ptr: movable, not shareable.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace howler::storage {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

struct SqliteFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using SqliteStatementHandle = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

}  // namespace howler::storage
