// TursodbProcess: a local `tursodb FILE --sync-server 127.0.0.1:PORT` for tests of the
// libSQL backend (LIBRARIES.md: npm turso, installed by scripts/setup.sh).
//
// Start() picks a free port, starts the server with stdin, stdout and stderr on
// /dev/null, and returns once it answers a pipeline. The destructor sends SIGTERM and
// reaps the process. Not thread-safe; one owner.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

namespace howler::storage {

class TursodbProcess {
 public:
  // <source tree>/.tools/node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb (the tree
  // is compiled in), or nullopt when that file is not executable.
  static std::optional<std::filesystem::path> FindBinary();

  // UNAVAILABLE when the server cannot be started or does not answer within 10 s.
  // With `port`, the server listens there (tests that stop a server and start it again
  // where its clients expect it); otherwise on a free port.
  static Result<std::unique_ptr<TursodbProcess>> Start(const std::filesystem::path& binary,
                                                       const std::filesystem::path& database,
                                                       std::optional<int> port = std::nullopt);

  TursodbProcess(const TursodbProcess&) = delete;
  TursodbProcess& operator=(const TursodbProcess&) = delete;
  ~TursodbProcess();

  // "http://127.0.0.1:PORT"
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  TursodbProcess(pid_t pid, int port) : pid_(pid), port_(port) {}

  pid_t pid_;
  int port_;
};

}  // namespace howler::storage
