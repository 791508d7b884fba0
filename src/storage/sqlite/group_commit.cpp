#include "storage/sqlite/group_commit.h"

#include <algorithm>

namespace howler::storage {

struct GroupCommit::Waiter {
  const Batch* batch;
  Outcome outcome = InternalError("batch not run");
  bool done = false;
};

GroupCommit::GroupCommit(Runner runner, std::size_t max_group)
    : runner_(std::move(runner)), max_group_(std::max<std::size_t>(1, max_group)) {}

GroupCommit::Outcome GroupCommit::Submit(const Batch& batch) {
  Waiter self{&batch};
  std::unique_lock lock(mu_);
  queue_.push_back(&self);
  while (!self.done) {
    if (!leading_) {
      Lead(lock);  // our own batch may be in this group or a later one
    } else {
      done_cv_.wait(lock);
    }
  }
  return std::move(self.outcome);
}

void GroupCommit::Lead(std::unique_lock<std::mutex>& lock) {
  leading_ = true;
  std::vector<Waiter*> group;
  while (!queue_.empty() && group.size() < max_group_) {
    group.push_back(queue_.front());
    queue_.pop_front();
  }
  lock.unlock();
  std::vector<const Batch*> batches;
  batches.reserve(group.size());
  for (Waiter* w : group) batches.push_back(w->batch);
  std::vector<Outcome> outcomes(group.size(), InternalError("batch not run"));
  try {
    runner_(batches, outcomes);
  } catch (const std::exception& e) {  // every waiter must still be answered
    for (Outcome& o : outcomes) o = InternalError(std::string("group commit threw: ") + e.what());
  }
  lock.lock();
  for (std::size_t i = 0; i < group.size(); ++i) {
    group[i]->outcome = std::move(outcomes[i]);
    group[i]->done = true;
  }
  leading_ = false;
  done_cv_.notify_all();
}

std::size_t GroupCommit::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace howler::storage
