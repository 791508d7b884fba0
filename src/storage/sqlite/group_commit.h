// GroupCommit: leader/follower batching of write transactions. Threads that call Submit
// while a group is being committed wait; the next leader takes every waiting batch (up to
// `max_group`) and hands them to the runner as one group, which commits them in one
// transaction (SqliteDatabase: one BEGIN IMMEDIATE ... COMMIT with a SAVEPOINT per batch).
// Each Submit returns only after its own batch's fate is known: committed, or failed with
// nothing of it written.
//
// One writer doing one small transaction per request is bound by per-transaction costs
// (locks, WAL frame writes, wake-ups); under concurrency, a group pays them once. A lone
// caller is a group of one, so its latency is unchanged.
//
// Thread-safety: Submit may be called from any number of threads. The runner is called by
// one leader at a time, never concurrently with itself.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "common/result.h"
#include "storage/database.h"

namespace howler::storage {

class GroupCommit {
 public:
  using Batch = std::vector<Statement>;
  using Outcome = Result<std::vector<ResultSet>>;
  // Runs `group` (one or more batches, in arrival order) and sets out[i] for each batch.
  using Runner = std::function<void(std::span<const Batch* const> group, std::span<Outcome> out)>;

  GroupCommit(Runner runner, std::size_t max_group);

  // Queues `batch` and returns its outcome once its group has run.
  Outcome Submit(const Batch& batch);

  // Batches waiting for a leader (for tests).
  std::size_t queued() const;

 private:
  struct Waiter;
  // Takes up to max_group_ waiters off the queue, runs them unlocked, publishes results.
  void Lead(std::unique_lock<std::mutex>& lock);

  Runner runner_;
  std::size_t max_group_;
  mutable std::mutex mu_;
  std::condition_variable done_cv_;
  std::deque<Waiter*> queue_;  // guarded by mu_
  bool leading_ = false;       // guarded by mu_
};

}  // namespace howler::storage
