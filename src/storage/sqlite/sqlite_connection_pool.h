// SqliteConnectionPool: a fixed set of connections, each lent to one thread at a time.
//
// Acquire() blocks while every connection is lent. A Lease gives its connection back
// when destroyed. Thread-safe; the pool must outlive its leases.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/sqlite/sqlite_connection.h"

namespace howler::storage {

class SqliteConnectionPool {
 public:
  explicit SqliteConnectionPool(std::vector<std::unique_ptr<SqliteConnection>> connections);

  class Lease {
   public:
    Lease(SqliteConnectionPool& pool, SqliteConnection& connection)
        : pool_(pool), connection_(connection) {}
    ~Lease() { pool_.Release(connection_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    SqliteConnection* operator->() const { return &connection_; }
    SqliteConnection& operator*() const { return connection_; }

   private:
    SqliteConnectionPool& pool_;
    SqliteConnection& connection_;
  };

  // Waits for an idle connection. The pool must not be empty.
  Lease Acquire();
  bool empty() const { return connections_.empty(); }

 private:
  void Release(SqliteConnection& connection);

  std::vector<std::unique_ptr<SqliteConnection>> connections_;
  std::mutex mu_;
  std::condition_variable idle_available_;
  std::vector<SqliteConnection*> idle_;
};

}  // namespace howler::storage
