#include "storage/fault_injecting_database.h"

#include <algorithm>
#include <cassert>

namespace howler::storage {

void FaultInjectingDatabase::FailNthCall(int n, Status status) {
  assert(n >= 1 && !status.ok());
  std::lock_guard<std::mutex> lock(mu_);
  scheduled_[calls_ + n] = std::move(status);
}

void FaultInjectingDatabase::FailAllCalls(Status status) {
  assert(!status.ok());
  std::lock_guard<std::mutex> lock(mu_);
  fail_all_ = std::move(status);
}

void FaultInjectingDatabase::FailCallsWhere(std::function<bool(const Statement&)> matches,
                                            Status status) {
  assert(matches && !status.ok());
  std::lock_guard<std::mutex> lock(mu_);
  matches_ = std::move(matches);
  matching_fault_ = std::move(status);
}

void FaultInjectingDatabase::Heal() {
  std::lock_guard<std::mutex> lock(mu_);
  scheduled_.clear();
  fail_all_.reset();
  matches_ = nullptr;
  matching_fault_.reset();
}

int FaultInjectingDatabase::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

std::optional<Status> FaultInjectingDatabase::NextFault(std::span<const Statement> statements) {
  std::lock_guard<std::mutex> lock(mu_);
  ++calls_;
  auto it = scheduled_.find(calls_);
  if (it != scheduled_.end()) {
    Status status = std::move(it->second);
    scheduled_.erase(it);
    return status;
  }
  if (matching_fault_ && std::any_of(statements.begin(), statements.end(), matches_)) {
    return matching_fault_;
  }
  return fail_all_;
}

Result<ResultSet> FaultInjectingDatabase::Query(const Statement& statement) {
  if (auto fault = NextFault(std::span(&statement, 1))) {
    return *std::move(fault);
  }
  return target().Query(statement);
}

Result<ResultSet> FaultInjectingDatabase::Execute(const Statement& statement) {
  if (auto fault = NextFault(std::span(&statement, 1))) {
    return *std::move(fault);
  }
  return target().Execute(statement);
}

Result<std::vector<ResultSet>> FaultInjectingDatabase::Batch(
    const std::vector<Statement>& statements) {
  if (auto fault = NextFault(statements)) {
    return *std::move(fault);
  }
  return target().Batch(statements);
}

Status FaultInjectingDatabase::Ping() {
  if (auto fault = NextFault()) {
    return *std::move(fault);
  }
  return target().Ping();
}

}  // namespace howler::storage
