// GroupCommit: commits all-or-nothing batches of statements from many threads, several
// at a time in one Database::Batch (one transaction; on the remote backend one Hrana
// batch, one round trip), the way LevelDB's writer queue groups writes. Built only on
// Database::Batch.
//
// Commit(batch) queues the batch. The thread of the first queued batch is the leader: it
// takes batches from the front of the queue in arrival order (at most max_batches; more
// than its own only while their estimated size stays within max_bytes), commits them as
// one group, answers every member's thread and hands the lead to the next queued batch.
// So a batch that arrives while no group is being committed is committed at once, alone,
// and batches that arrive while one is in progress wait for it and then go together.
//
// Each batch stays all-or-nothing, and Commit returns only once its own batch's fate is
// known (committed, or rolled back for good):
// - the group's transaction committed: every member gets OK;
// - it failed with UNAVAILABLE (the database busy, unreachable or out of space: its
//   state, not one batch's): every member gets that Status, as it would have alone;
// - it failed otherwise (a statement of some member failed: a guard, a unique key, bad
//   input): the transaction rolled back whole, and each member is committed again
//   alone, in arrival order, and gets its own outcome. One failing batch costs its group
//   one transaction per member and holds back no other member.
// A group's outcome is therefore the same as committing its batches one after another
// in arrival order; batches need not be independent of one another.
//
// Thread-safe; the database must outlive it. Commit blocks the calling thread until its
// batch's fate is known, and a leader runs the group's database calls on its thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "storage/database.h"

namespace howler::storage {

struct GroupCommitOptions {
  std::size_t max_batches = 64;
  // Bytes of SQL text and parameter values (8 per number) a group may hold; a first
  // batch larger than this is committed alone.
  std::size_t max_bytes = 4 * 1024 * 1024;
};

class GroupCommit {
 public:
  struct Stats {
    std::int64_t batches = 0;       // batches answered (not counting empty ones)
    std::int64_t groups = 0;        // groups led, of one batch or more
    std::int64_t split_groups = 0;  // groups of several that failed and went one by one
  };

  explicit GroupCommit(Database& db, GroupCommitOptions options = {});
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Commits `statements` all-or-nothing (see the class comment); an empty batch is OK at
  // once. Returns the batch's own Status.
  Status Commit(std::vector<Statement> statements);
  // Commit, returning the batch's own results (one ResultSet per statement, as
  // Database::Batch) when it committed.
  Result<std::vector<ResultSet>> Run(std::vector<Statement> statements);

  // Batches queued, the group being committed included.
  std::size_t queued() const;
  Stats stats() const;

 private:
  struct Writer;

  std::vector<Writer*> TakeGroup() const;  // requires mu_
  void CommitGroup(const std::vector<Writer*>& group);
  void CommitAlone(Writer& writer);

  Database& db_;
  const GroupCommitOptions options_;
  mutable std::mutex mu_;
  std::deque<Writer*> queue_;  // guarded by mu_; the front one's thread leads
  Stats stats_;                // guarded by mu_
};

}  // namespace howler::storage
