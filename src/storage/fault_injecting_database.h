// FaultInjectingDatabase: a Database decorator for tests that makes chosen calls fail.
//
// Every Query, Execute, Batch and Ping counts as one call. A call chosen to fail (by its
// number, or by a statement it carries) returns the given Status without reaching the
// wrapped database; the others are forwarded unchanged. Thread-safe; the wrapped
// database must outlive the wrapper.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>

#include "storage/database_wrapper.h"

namespace howler::storage {

class FaultInjectingDatabase : public DatabaseWrapper {
 public:
  explicit FaultInjectingDatabase(Database& inner) : DatabaseWrapper(inner) {}

  // The n-th call from now (1 = the next one) fails with `status` (not OK). Several
  // scheduled failures may be pending at once.
  void FailNthCall(int n, Status status);
  // Every call fails with `status` (not OK) until Heal().
  void FailAllCalls(Status status);
  // Every Query, Execute or Batch call with a statement for which `matches` is true
  // fails with `status` (not OK) until Heal(): for example the writes of one user only.
  // `matches` runs on the calling threads and must be thread-safe.
  void FailCallsWhere(std::function<bool(const Statement&)> matches, Status status);
  // Cancels every scheduled and permanent failure.
  void Heal();
  // Calls made so far, failed ones included.
  int calls() const;

  Result<ResultSet> Query(const Statement& statement) override;
  Result<ResultSet> Execute(const Statement& statement) override;
  Result<std::vector<ResultSet>> Batch(const std::vector<Statement>& statements) override;
  Status Ping() override;

 private:
  // Counts a call carrying `statements`; the Status it must fail with, if any.
  std::optional<Status> NextFault(std::span<const Statement> statements = {});

  mutable std::mutex mu_;
  int calls_ = 0;
  std::map<int, Status> scheduled_;  // call number -> failure
  std::optional<Status> fail_all_;
  std::function<bool(const Statement&)> matches_;  // with matching_fault_
  std::optional<Status> matching_fault_;
};

}  // namespace howler::storage
