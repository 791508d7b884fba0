#include "sync/user_write_runner.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace howler::sync {
namespace {

Status Busy() {
  return UnavailableError("sync is busy for this account, try again").WithRetryAfter(1);
}

// The reads of the attempt went stale: decide again (see the class comment).
bool IsStale(const Status& written) {
  return written.code() == StatusCode::kFailedPrecondition ||
         written.code() == StatusCode::kAlreadyExists;
}

}  // namespace

void JitteredBackOff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const int base_ms = 1 << std::min(attempt, 5);
  std::uniform_int_distribution<int> jitter(0, base_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(base_ms + jitter(random)));
}

// One admitted write of a user (or a refused one: user() is null); gives the admission
// back on destruction.
class UserWriteRunner::Admission {
 public:
  Admission(UserWriteRunner& runner, std::string_view user_id) : runner_(runner) {
    std::lock_guard lock(runner_.mu_);
    auto [it, added] = runner_.users_.try_emplace(std::string(user_id));
    if (it->second.writers < runner_.max_writes_per_user_) {
      ++it->second.writers;
      entry_ = it;
    } else if (added) {
      runner_.users_.erase(it);
    }
  }
  ~Admission() {
    if (!entry_) return;
    std::lock_guard lock(runner_.mu_);
    if (--(*entry_)->second.writers == 0) runner_.users_.erase(*entry_);
  }
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  User* user() const { return entry_ ? &(*entry_)->second : nullptr; }

 private:
  using Entry = std::map<std::string, User, std::less<>>::iterator;
  UserWriteRunner& runner_;
  std::optional<Entry> entry_;
};

UserWriteRunner::UserWriteRunner(storage::SyncStore& store, int max_writes_per_user,
                                 std::function<void(int)> back_off)
    : store_(store), max_writes_per_user_(max_writes_per_user), back_off_(std::move(back_off)) {}

Status UserWriteRunner::RunBatches(std::string_view user_id, const BatchAttempt& attempt) {
  Admission admission(*this, user_id);
  if (admission.user() == nullptr) {
    return UnavailableError("too many sync writes for this account at once, retry shortly")
        .WithRetryAfter(1);
  }
  std::lock_guard turn(admission.user()->turn);
  for (int n = 0; n < kMaxAttempts; ++n) {
    if (n > 0) back_off_(n - 1);
    Result<std::vector<storage::Statement>> batch = attempt();
    if (!batch.ok()) return batch.status();
    if (batch->empty()) return Status::Ok();
    Status written = store_.Write(std::move(batch).value());
    if (!IsStale(written)) return written;
  }
  return Busy();
}

}  // namespace howler::sync
