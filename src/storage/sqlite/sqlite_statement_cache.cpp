#include "storage/sqlite/sqlite_statement_cache.h"

#include <cassert>

namespace howler::storage {

sqlite3_stmt* StatementCache::Find(std::string_view sql) {
  auto it = index_.find(sql);
  if (it == index_.end()) {
    return nullptr;
  }
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->statement.get();
}

sqlite3_stmt* StatementCache::Insert(std::string sql, SqliteStatementHandle statement) {
  assert(index_.find(sql) == index_.end());
  while (index_.size() >= capacity_) {
    index_.erase(entries_.back().sql);
    entries_.pop_back();
  }
  entries_.push_front(Entry{std::move(sql), std::move(statement)});
  index_.emplace(entries_.front().sql, entries_.begin());
  return entries_.front().statement.get();
}

void StatementCache::Clear() {
  index_.clear();
  entries_.clear();
}

}  // namespace howler::storage
