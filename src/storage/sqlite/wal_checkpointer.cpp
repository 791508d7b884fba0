#include "storage/sqlite/wal_checkpointer.h"

#include "common/log.h"

namespace howler::storage {

WalCheckpointer::WalCheckpointer(std::unique_ptr<SqliteConnection> own, SqliteConnection& writer,
                                 int threshold_pages, int limit_pages)
    : own_(std::move(own)),
      writer_(writer),
      threshold_pages_(threshold_pages),
      limit_pages_(limit_pages),
      thread_([this] { Loop(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void WalCheckpointer::Notify(int wal_pages) {
  if (wal_pages >= limit_pages_) {
    (void)writer_.CheckpointPassive();  // far behind: as SQLite's own checkpoint would
    return;
  }
  if (wal_pages < threshold_pages_) return;
  {
    std::lock_guard lock(mu_);
    if (requested_) return;
    requested_ = true;
  }
  cv_.notify_one();
}

int WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mu_);
  return checkpoints_;
}

void WalCheckpointer::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;  // a commit during the checkpoint asks for the next one
    lock.unlock();
    Status s = own_->CheckpointPassive();
    if (!s.ok()) log::Warn("WAL checkpoint failed", {{"error", s.ToString()}});
    lock.lock();
    ++checkpoints_;
  }
}

}  // namespace howler::storage
