#include "support/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "common/die_with_parent.h"
#include "storage/database.h"
#include "storage/libsql/libsql_database.h"
#include "storage/libsql/tursodb_process.h"
#include "storage/sqlite/sqlite_database.h"
#include "support/http_client.h"

namespace howler::testing {
namespace fs = std::filesystem;

bool TestBackendIsLibsql() {
  const char* backend = getenv("HOWLER_TEST_BACKEND");
  const std::string_view name = backend != nullptr ? backend : "";
  if (name != "sqlite" && name != "libsql") {
    ADD_FAILURE() << "HOWLER_TEST_BACKEND must be sqlite or libsql (ctest sets it; by hand: "
                     "HOWLER_TEST_BACKEND=sqlite ./tests/sync_integration_test)";
  }
  return name == "libsql";
}

std::unique_ptr<storage::Database> OpenServerDatabase(const ServerProcess& server) {
  const std::string& url = server.database_url();
  Result<std::unique_ptr<storage::Database>> db =
      url.rfind("file:", 0) == 0
          ? storage::OpenSqliteDatabase({.path = storage::SqlitePathFromUrl(url)})
          : storage::OpenLibsqlDatabase({.url = url, .auth_token = "integration-test-token"});
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

std::string ServerBinary() {
  return HOWLER_SERVER_BINARY;
}

// Never the same port twice in one process: servers started back to back each ask for
// ports before either binds them, and the kernel may hand a just-closed port out again.
std::uint16_t FreePort() {
  static std::mutex mu;
  static std::set<std::uint16_t> handed_out;
  std::lock_guard lock(mu);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    const std::uint16_t port = ntohs(addr.sin_port);
    if (handed_out.insert(port).second) return port;
  }
  ADD_FAILURE() << "no fresh free port";
  return 0;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("howler-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {

// fork + exec of the server binary with `env` as its whole environment (plus PATH).
pid_t Spawn(const fs::path& work_dir, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env, const fs::path& log_path,
            const fs::path& stdin_path = "/dev/null",
            std::optional<std::pair<int, int>> file_limit = std::nullopt) {
  std::vector<std::string> argv_s = {ServerBinary()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s;
  // PATH, and the sanitizer settings of the sanitizer presets (suppressions, halting).
  for (const char* name :
       {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"}) {
    if (const char* value = getenv(name); value && !env.count(name)) {
      env_s.push_back(std::string(name) + "=" + value);
    }
  }
  for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  // Child: only async-signal-safe calls from here on (no allocation: everything is built).
  DieWithParent(parent);
  const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
  }
  if (file_limit) {
    const rlimit limit{static_cast<rlim_t>(file_limit->first),
                       static_cast<rlim_t>(file_limit->second)};
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  const int devnull = open(stdin_path.c_str(), O_RDONLY);
  if (devnull >= 0) dup2(devnull, 0);
  if (chdir(work_dir.c_str()) != 0) _exit(126);
  execve(argv[0], argv.data(), envp.data());
  _exit(127);
}

std::optional<int> WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return -WTERMSIG(status);
      return -1;
    }
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

ServerProcess::ServerProcess(const fs::path& work_dir, ServerConfig config) {
  tls_ca_file_ = config.tls_ca_file;
  auto& env = config.env;
  // Ports the caller did not fix are picked here, and picked again when the server could
  // not bind one (see Launch).
  const bool own_ports = !env.count("SERVER_HTTP_PORT") && !env.count("SERVER_GRPC_PORT") &&
                         !env.count("SERVER_METRICS_PORT");
  http_port_ = FreePort();
  grpc_port_ = FreePort();
  metrics_port_ = FreePort();
  env.try_emplace("ENVIRONMENT", "test");
  env.try_emplace("SERVER_HOST", "127.0.0.1");
  env.try_emplace("SERVER_HTTP_PORT", std::to_string(http_port_));
  env.try_emplace("SERVER_GRPC_PORT", std::to_string(grpc_port_));
  env.try_emplace("SERVER_METRICS_PORT", std::to_string(metrics_port_));
  env.try_emplace("DATA_DIR", (work_dir / "data").string());
  if (TestBackendIsLibsql() && !env.count("TURSO_URL")) {
    auto binary = storage::TursodbProcess::FindBinary();
    if (!binary) {
      ADD_FAILURE() << "HOWLER_TEST_BACKEND=libsql but tursodb is not installed";
    } else {
      fs::create_directories(work_dir / "data");
      tursodb_database_ = work_dir / "data" / ("remote-" + std::to_string(http_port_) + ".db");
      auto started = storage::TursodbProcess::Start(*binary, tursodb_database_);
      if (started.ok()) {
        tursodb_ = std::move(started).value();
        env["TURSO_URL"] = tursodb_->url();
        env.try_emplace("TURSO_AUTH_TOKEN", "integration-test-token");
      } else {
        ADD_FAILURE() << started.status().ToString();
      }
    }
  }
  env.try_emplace("TURSO_URL", "file:" + (work_dir / "data" / "test.db").string());
  database_url_ = env["TURSO_URL"];
  env.try_emplace("LOG_FORMAT", "json");
  env.try_emplace("PASSWORD_HASH_MEMORY_KIB", "1024");
  env.try_emplace("PASSWORD_HASH_ITERATIONS", "1");
  Launch(work_dir, config, own_ports);
}

// Starts the server and, when asked, waits until /ready answers. A port picked by
// FreePort can be taken by another process (a parallel test's client socket among them)
// before the server binds it; the server then exits at once saying "cannot listen", and
// is started again on new ports, up to three times in all, when the ports are our own.
void ServerProcess::Launch(const fs::path& work_dir, ServerConfig& config, bool own_ports) {
  auto& env = config.env;
  if (config.first_grpc_port) env["SERVER_GRPC_PORT"] = std::to_string(*config.first_grpc_port);
  for (int attempt = 1;; ++attempt) {
    http_port_ = static_cast<std::uint16_t>(std::stoi(env["SERVER_HTTP_PORT"]));
    grpc_port_ = static_cast<std::uint16_t>(std::stoi(env["SERVER_GRPC_PORT"]));
    metrics_port_ = static_cast<std::uint16_t>(std::stoi(env["SERVER_METRICS_PORT"]));
    log_path_ = work_dir / ("server-" + std::to_string(http_port_) + ".log");
    pid_ = Spawn(work_dir, config.args, env, log_path_, "/dev/null", config.file_limit);
    if (!config.wait_ready) return;
    if (WaitReady(config.ready_timeout)) {
      ready_ = true;
      ExpectBackend();
      return;
    }
    const bool port_taken = pid_ <= 0 && Output().find("cannot listen") != std::string::npos;
    if (!port_taken || !own_ports || attempt == 3) break;
    for (const char* name : {"SERVER_HTTP_PORT", "SERVER_GRPC_PORT", "SERVER_METRICS_PORT"}) {
      env[name] = std::to_string(FreePort());
    }
  }
  ADD_FAILURE() << "server did not become ready; output:\n" << Output();
}

// Whether /ready answered 200 within `timeout`; false at once when the server exited
// (pid_ is then -1).
bool ServerProcess::WaitReady(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (WaitFor(pid_, std::chrono::milliseconds(0)).has_value()) {
      pid_ = -1;
      return false;
    }
    const HttpResult ready = tls_ca_file_.empty()
                                 ? HttpGet(base_url() + "/ready")
                                 : HttpsRequest(tls_ca_file_, "GET", base_url() + "/ready");
    if (ready.status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

void ServerProcess::ExpectBackend() const {
  const bool embedded = database_url_.rfind("file:", 0) == 0 || database_url_ == ":memory:";
  const std::string label = embedded ? "backend=\"sqlite\"" : "backend=\"libsql\"";
  const std::string metrics = HttpGet(metrics_url() + "/metrics").body;
  EXPECT_NE(metrics.find(label), std::string::npos)
      << "the server does not run the backend its TURSO_URL names (" << database_url_ << ")";
}

std::vector<fs::path> ServerProcess::database_files() const {
  std::string path = database_url_;
  if (path.rfind("file:", 0) == 0) {
    path = path.substr(5);
  } else if (tursodb_ != nullptr) {
    path = tursodb_database_.string();
  } else {
    return {};
  }
  return {path, path + "-wal"};
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !Stop().has_value()) Kill();
}

void ServerProcess::SendSignal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

std::optional<int> ServerProcess::WaitExit(std::chrono::seconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  auto code = WaitFor(pid_, timeout);
  if (code) pid_ = -1;
  return code;
}

std::optional<int> ServerProcess::Stop(std::chrono::seconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  SendSignal(SIGTERM);
  auto code = WaitExit(timeout);
  if (!code) Kill();
  return code;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  WaitFor(pid_, std::chrono::seconds(10));
  pid_ = -1;
}

std::string ServerProcess::Output() const {
  return ReadFile(log_path_);
}

CommandResult RunServerCommand(const fs::path& work_dir, const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env,
                               std::chrono::seconds timeout, const std::string& stdin_text) {
  const std::string id = std::to_string(FreePort());
  const fs::path log = work_dir / ("command-" + id + ".log");
  const fs::path input = work_dir / ("command-" + id + ".stdin");
  std::ofstream(input) << stdin_text;
  const pid_t pid = Spawn(work_dir, args, env, log, input);
  CommandResult result;
  auto code = WaitFor(pid, timeout);
  if (!code) {
    kill(pid, SIGKILL);
    WaitFor(pid, std::chrono::seconds(10));
  }
  result.exit_code = code.value_or(-9);
  result.output = ReadFile(log);
  return result;
}

}  // namespace howler::testing
