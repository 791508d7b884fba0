// StatementCache: the prepared statements of one SQLite connection, keyed by SQL text,
// bounded; the least recently used statement is finalized when a new one needs room.
//
// Not thread-safe: it belongs to its connection, which one thread uses at a time. A
// statement returned by Find/Insert stays valid until the next Insert or Clear.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/sqlite/sqlite_handles.h"

namespace howler::storage {

class StatementCache {
 public:
  // `capacity` >= 1.
  explicit StatementCache(std::size_t capacity) : capacity_(capacity) {}

  // The cached statement for `sql` (now the most recently used), or nullptr.
  sqlite3_stmt* Find(std::string_view sql);
  // Caches `statement` for `sql` (not yet cached) and returns it.
  sqlite3_stmt* Insert(std::string sql, SqliteStatementHandle statement);
  // Finalizes every cached statement.
  void Clear();
  std::size_t size() const { return index_.size(); }

 private:
  struct Entry {
    std::string sql;
    SqliteStatementHandle statement;
  };

  std::size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  // Keys view the sql of the entries (list nodes never move).
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

}  // namespace howler::storage
