#include "storage/sqlite/sqlite_connection_pool.h"

#include <cassert>

namespace howler::storage {

SqliteConnectionPool::SqliteConnectionPool(
    std::vector<std::unique_ptr<SqliteConnection>> connections)
    : connections_(std::move(connections)) {
  for (const auto& connection : connections_) {
    idle_.push_back(connection.get());
  }
}

SqliteConnectionPool::Lease SqliteConnectionPool::Acquire() {
  assert(!empty());
  std::unique_lock<std::mutex> lock(mu_);
  idle_available_.wait(lock, [this] { return !idle_.empty(); });
  SqliteConnection* connection = idle_.back();
  idle_.pop_back();
  return Lease(*this, *connection);
}

void SqliteConnectionPool::Release(SqliteConnection& connection) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(&connection);
  }
  idle_available_.notify_one();
}

}  // namespace howler::storage
