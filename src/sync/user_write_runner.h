// UserWriteRunner: the one write loop of every sync write of a user (uploads and conflict
// resolutions; SyncService owns one and sends both through it).
//
// Run(user, attempt):
// 1. Admission: at most `max_writes_per_user` writes of one user run or wait on this
//    instance at once; one more is refused at once with UNAVAILABLE and Retry-After 1,
//    so one user's devices cannot hold every worker.
// 2. Turns: the admitted writes of one user run one at a time (a lock per user id, held
//    for the whole run), so on this instance their sequence guards never fail against
//    each other. Writes of different users do not wait for one another here.
// 3. Attempts: `attempt` reads, decides and returns the batch to write with the result to
//    give once it is written. The batch goes to SyncStore::Write, whose group commit may
//    put it into one transaction with other users' batches (storage/group_commit.h); it
//    stays all-or-nothing, and Run returns only after its own commit. A write failing
//    with FAILED_PRECONDITION or ALREADY_EXISTS means the attempt's reads went stale
//    (another instance moved the user's sequence, or recorded one of the change ids):
//    back off and attempt again from fresh reads, at most kMaxAttempts attempts in all,
//    then UNAVAILABLE with Retry-After 1. Any other failure of the write, and any failure
//    the attempt returns itself, ends the run with that Status.
// Thread-safe. The store must outlive the runner; Run blocks its thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "storage/sync_store.h"

namespace howler::sync {

// Sleeps a little before attempt `attempt` + 1 (a few ms, growing, with jitter), so that
// instances racing for one user's sequence do not collide again at once.
void JitteredBackOff(int attempt);

class UserWriteRunner {
 public:
  static constexpr int kMaxAttempts = 8;

  // What one attempt decided: the statements to write as one all-or-nothing batch (none:
  // nothing is written) and the result to return once they are.
  template <typename T>
  struct Plan {
    std::vector<storage::Statement> batch;
    T result;
  };
  template <typename T>
  using Attempt = std::function<Result<Plan<T>>()>;

  // `back_off(attempt)` runs between attempt `attempt` (0-based) and the next.
  UserWriteRunner(storage::SyncStore& store, int max_writes_per_user,
                  std::function<void(int)> back_off = JitteredBackOff);
  UserWriteRunner(const UserWriteRunner&) = delete;
  UserWriteRunner& operator=(const UserWriteRunner&) = delete;

  // Runs `attempt` for `user_id` as the class comment describes; the result of the
  // attempt whose batch was written, or why none was.
  template <typename T>
  Result<T> Run(std::string_view user_id, const Attempt<T>& attempt) {
    std::optional<T> result;
    Status status = RunBatches(user_id, [&]() -> Result<std::vector<storage::Statement>> {
      Result<Plan<T>> plan = attempt();
      if (!plan.ok()) return plan.status();
      result = std::move(plan->result);
      return std::move(plan->batch);
    });
    if (!status.ok()) return status;
    return std::move(*result);
  }

 private:
  struct User {
    int writers = 0;  // admitted runs, waiting or running; guarded by mu_
    std::mutex turn;  // held by the user's running write
  };
  class Admission;

  using BatchAttempt = std::function<Result<std::vector<storage::Statement>>()>;
  Status RunBatches(std::string_view user_id, const BatchAttempt& attempt);

  storage::SyncStore& store_;
  const int max_writes_per_user_;
  const std::function<void(int)> back_off_;
  std::mutex mu_;
  // Users with admitted writes; an entry goes when its last write ends (map nodes do
  // not move, so an admitted write may hold on to its entry).
  std::map<std::string, User, std::less<>> users_;
};

}  // namespace howler::sync
