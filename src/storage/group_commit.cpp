#include "storage/group_commit.h"

#include <algorithm>
#include <iterator>
#include <utility>
#include <variant>

namespace howler::storage {
namespace {

std::size_t EstimatedBytes(const std::vector<Statement>& statements) {
  std::size_t bytes = 0;
  for (const Statement& s : statements) {
    bytes += s.sql.size();
    for (const Value& v : s.params) {
      if (const auto* text = std::get_if<std::string>(&v)) {
        bytes += text->size();
      } else if (const auto* blob = std::get_if<Blob>(&v)) {
        bytes += blob->bytes.size();
      } else {
        bytes += 8;
      }
    }
  }
  return bytes;
}

}  // namespace

// One Commit call waiting in the queue; lives on its caller's stack.
struct GroupCommit::Writer {
  std::vector<Statement> statements;
  std::size_t bytes = 0;
  Result<std::vector<ResultSet>> outcome = InternalError("batch not committed");
  bool done = false;           // guarded by mu_: status is final
  std::condition_variable cv;  // signalled when done, or when it became the front
};

GroupCommit::GroupCommit(Database& db, GroupCommitOptions options) : db_(db), options_(options) {}

Status GroupCommit::Commit(std::vector<Statement> statements) {
  return Run(std::move(statements)).status();
}

Result<std::vector<ResultSet>> GroupCommit::Run(std::vector<Statement> statements) {
  if (statements.empty()) return std::vector<ResultSet>();
  Writer self;
  self.bytes = EstimatedBytes(statements);
  self.statements = std::move(statements);

  std::unique_lock lock(mu_);
  queue_.push_back(&self);
  self.cv.wait(lock, [&] { return self.done || queue_.front() == &self; });
  if (self.done) return std::move(self.outcome);  // a leader committed it

  const std::vector<Writer*> group = TakeGroup();
  lock.unlock();
  CommitGroup(group);
  lock.lock();
  ++stats_.groups;
  stats_.batches += static_cast<std::int64_t>(group.size());
  for (Writer* member : group) {
    queue_.pop_front();  // the group is the front of the queue, in order
    member->done = true;
    if (member != &self) member->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next leader
  return std::move(self.outcome);
}

std::vector<GroupCommit::Writer*> GroupCommit::TakeGroup() const {
  std::vector<Writer*> group = {queue_.front()};
  std::size_t bytes = queue_.front()->bytes;
  for (auto it = std::next(queue_.begin()); it != queue_.end(); ++it) {
    if (group.size() >= options_.max_batches || bytes + (*it)->bytes > options_.max_bytes) break;
    bytes += (*it)->bytes;
    group.push_back(*it);
  }
  return group;
}

void GroupCommit::CommitGroup(const std::vector<Writer*>& group) {
  if (group.size() == 1) {
    CommitAlone(*group.front());
    return;
  }
  // The members' statements are moved into one batch and back afterwards, not copied.
  std::vector<Statement> all;
  for (Writer* member : group) {
    std::move(member->statements.begin(), member->statements.end(), std::back_inserter(all));
  }
  Result<std::vector<ResultSet>> results = db_.Batch(all);
  auto next = all.begin();
  for (Writer* member : group) {
    for (Statement& s : member->statements) s = std::move(*next++);
  }
  if (results.ok()) {  // each member takes the results of its own statements, in order
    auto result = results->begin();
    for (Writer* member : group) {
      const auto end = result + static_cast<std::ptrdiff_t>(member->statements.size());
      member->outcome =
          std::vector<ResultSet>(std::make_move_iterator(result), std::make_move_iterator(end));
      result = end;
    }
    return;
  }
  if (results.status().code() == StatusCode::kUnavailable) {
    for (Writer* member : group) member->outcome = results.status();
    return;
  }
  {
    std::lock_guard lock(mu_);
    ++stats_.split_groups;
  }
  for (Writer* member : group) CommitAlone(*member);
}

void GroupCommit::CommitAlone(Writer& writer) {
  writer.outcome = db_.Batch(writer.statements);
}

std::size_t GroupCommit::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

GroupCommit::Stats GroupCommit::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace howler::storage
