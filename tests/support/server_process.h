// ServerProcess: starts the real howlerops-server binary on free loopback ports for an
// integration test, waits until it is ready, and stops it (SIGTERM, then SIGKILL after
// a grace period). Every test that starts a server stops it: the destructor does.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace howler::storage {
class Database;
class TursodbProcess;
}  // namespace howler::storage

namespace howler::testing {

// Whether integration tests run the server on the remote backend: HOWLER_TEST_BACKEND=libsql
// makes every ServerProcess without its own TURSO_URL start a local tursodb for itself.
// ctest sets the variable for every test (sqlite, or libsql for the `libsql.` variants);
// unset or anything else fails the calling test, so a variant cannot be lost silently.
bool TestBackendIsLibsql();

// A port that was free a moment ago on 127.0.0.1.
std::uint16_t FreePort();

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct ServerConfig {
  // Extra environment; ENVIRONMENT=test, the three ports, DATA_DIR and TURSO_URL (a file
  // in the work dir) are set unless given here.
  std::map<std::string, std::string> env;
  std::vector<std::string> args = {"serve"};
  std::chrono::seconds ready_timeout{30};
  bool wait_ready = true;
  // For the test of the start-again path: the first attempt's gRPC port, taken by the
  // test; the harness's own ports are used afterwards (see ServerProcess::Launch).
  std::optional<std::uint16_t> first_grpc_port;
  // RLIMIT_NOFILE {soft, hard} of the server process, when set.
  std::optional<std::pair<int, int>> file_limit;
  // With TLS_CERT_FILE in `env`: the CA that signed it. base_url() is then https:// and
  // readiness is asked over TLS trusting only this CA.
  std::string tls_ca_file;
};

class ServerProcess {
 public:
  // Starts the server in `work_dir` (its current directory). Fails the calling test
  // (ADD_FAILURE) when it does not become ready.
  ServerProcess(const std::filesystem::path& work_dir, ServerConfig config = {});
  ~ServerProcess();

  std::uint16_t http_port() const { return http_port_; }
  std::uint16_t grpc_port() const { return grpc_port_; }
  std::uint16_t metrics_port() const { return metrics_port_; }
  std::string base_url() const {
    return (tls_ca_file_.empty() ? "http://" : "https://") + std::string("127.0.0.1:") +
           std::to_string(http_port_);
  }
  std::string metrics_url() const { return "http://127.0.0.1:" + std::to_string(metrics_port_); }
  bool ready() const { return ready_; }
  // The TURSO_URL the server runs on: a `file:` path, or a local tursodb's URL.
  const std::string& database_url() const { return database_url_; }
  // The files that hold the server's data (the database and its WAL), whichever backend;
  // empty for a remote database this process did not start.
  std::vector<std::filesystem::path> database_files() const;
  pid_t pid() const { return pid_; }

  // Sends SIGTERM and waits; returns the exit code (-signal when killed by a signal),
  // or nullopt if it had to be killed after `timeout`.
  std::optional<int> Stop(std::chrono::seconds timeout = std::chrono::seconds(40));
  void Kill();  // SIGKILL and reap
  void SendSignal(int signal);
  // Waits for the process to exit by itself; exit code as for Stop().
  std::optional<int> WaitExit(std::chrono::seconds timeout);
  // Everything the process wrote to stdout and stderr so far.
  std::string Output() const;

 private:
  // Fails the test unless /metrics shows the backend that database_url() names, so a
  // remote-backend variant cannot quietly run the embedded one.
  void ExpectBackend() const;
  void Launch(const std::filesystem::path& work_dir, ServerConfig& config, bool own_ports);
  bool WaitReady(std::chrono::milliseconds timeout);

  std::unique_ptr<storage::TursodbProcess> tursodb_;  // outlives the server process
  std::filesystem::path tursodb_database_;
  std::string database_url_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  std::uint16_t http_port_ = 0, grpc_port_ = 0, metrics_port_ = 0;
  bool ready_ = false;
  std::string tls_ca_file_;
};

// Runs the binary to completion (for subcommands such as migrate and check-config).
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};
CommandResult RunServerCommand(const std::filesystem::path& work_dir,
                               const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env,
                               std::chrono::seconds timeout = std::chrono::seconds(60),
                               const std::string& stdin_text = "");

std::string ServerBinary();

// A connection of the test's own to the database `server` runs on (either backend), for
// checks of what was stored. Fails the calling test and returns null when it cannot open.
std::unique_ptr<storage::Database> OpenServerDatabase(const ServerProcess& server);

}  // namespace howler::testing
