// WalCheckpointer: moves WAL checkpoints off the commit path of a file database. SQLite's
// automatic checkpoint runs inside the commit that crosses its threshold, on the writer,
// while every other write waits for it. Instead, the writer's commit hook (Notify) asks
// this object's thread to run a PASSIVE checkpoint on its own connection, which copies
// WAL frames into the database file while writers go on appending. If checkpoints fall far
// behind (the WAL at `limit_pages`), the committing thread checkpoints inline, as SQLite
// would, so the WAL cannot grow without bound.
//
// Thread-safety: Notify is called by the writer (under its mutex); the checkpoint thread
// is internal. Destroy before the connections it uses.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/sqlite/sqlite_connection.h"

namespace howler::storage {

class WalCheckpointer {
 public:
  // `own` is the checkpointing connection; `writer` is only used for the inline fallback.
  WalCheckpointer(std::unique_ptr<SqliteConnection> own, SqliteConnection& writer,
                  int threshold_pages = 1000, int limit_pages = 16000);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // After a commit on the writer, with the WAL's size in pages.
  void Notify(int wal_pages);

  // Background checkpoints run so far (for tests).
  int checkpoints() const;

 private:
  void Loop();

  std::unique_ptr<SqliteConnection> own_;
  SqliteConnection& writer_;
  const int threshold_pages_;
  const int limit_pages_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;  // guarded by mu_; a checkpoint is wanted (cleared as it starts)
  bool stopping_ = false;   // guarded by mu_
  int checkpoints_ = 0;     // guarded by mu_
  std::thread thread_;      // last: started once the rest is ready
};

}  // namespace howler::storage
