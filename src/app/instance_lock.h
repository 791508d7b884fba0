// InstanceLock: at most one process serving (or restoring) an embedded database file on
// this machine. `serve` holds an exclusive flock(2) on "<database>.lock" for as long as it
// runs, and `restore` takes the same lock, so a restore refuses while a server holds the
// database and a second server on the same file refuses to start. The lock goes with the
// process (also when it is killed). Processes on other machines sharing a network file
// system are not covered. Not thread-safe; one owner.
#pragma once

#include <filesystem>

#include "common/result.h"

namespace howler::app {

class InstanceLock {
 public:
  // FAILED_PRECONDITION naming the database when another process holds it; UNAVAILABLE
  // when the lock file cannot be opened.
  static Result<InstanceLock> Acquire(const std::filesystem::path& database);

  InstanceLock(InstanceLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  InstanceLock& operator=(InstanceLock&&) = delete;
  ~InstanceLock();

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace howler::app
