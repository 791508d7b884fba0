// ChildProcess: a test server (PostgreSQL, MariaDB) run as the unprivileged user
// `nobody`, since initdb, postgres and mariadbd refuse to run as root.
//
// Start() forks; the child drops to nobody's uid and gid (when the parent is root),
// sends stdin to /dev/null and stdout and stderr to `log`, and executes argv[0]. The
// destructor stops the process (SIGTERM, then SIGKILL after 10 s) and reaps it. Not
// thread-safe; one owner.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace howler::dbmanager::testing {

class ChildProcess {
 public:
  // UNAVAILABLE when the process cannot be started.
  static Result<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv,
                                                     const std::filesystem::path& log);

  // Runs argv as Start does and waits for it; INTERNAL naming argv[0] when it exits
  // with a failure or does not end within `timeout` (then it is killed).
  static Status Run(const std::vector<std::string>& argv, const std::filesystem::path& log,
                    std::chrono::seconds timeout);

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // True while the process has not exited (reaps it when it has).
  bool Running();
  // Sends `signal` and reaps the process; later calls do nothing.
  void Stop(int signal);
  pid_t pid() const { return pid_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}

  pid_t pid_;
  bool reaped_ = false;
};

// Gives `path` (and everything below it) to the user the children run as.
Status GiveToChildUser(const std::filesystem::path& path);

// A loopback TCP port the kernel just handed out and released.
Result<int> FreeLoopbackPort();

}  // namespace howler::dbmanager::testing
