#include "storage/libsql/tursodb_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "common/die_with_parent.h"
#include "storage/libsql/http_client.h"

extern char** environ;

namespace howler::storage {
namespace {

constexpr int kStartAttempts = 3;
constexpr auto kReadyTimeout = std::chrono::seconds(10);
constexpr auto kPollInterval = std::chrono::milliseconds(20);

// A port the kernel just handed out (and released): free unless someone races us.
Result<int> FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return UnavailableError("socket() failed");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) {
    return UnavailableError("cannot find a free port");
  }
  return static_cast<int>(ntohs(addr.sin_port));
}

Result<pid_t> Spawn(const std::filesystem::path& binary, const std::filesystem::path& database,
                    int port) {
  std::string bin = binary.string();
  std::string db = database.string();
  std::string flag = "--sync-server";
  std::string address = "127.0.0.1:" + std::to_string(port);
  std::vector<char*> argv = {bin.data(), db.data(), flag.data(), address.data(), nullptr};
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    return UnavailableError("cannot start tursodb");
  }
  if (pid == 0) {  // async-signal-safe calls only
    const int null_in = ::open("/dev/null", O_RDONLY);
    const int null_out = ::open("/dev/null", O_WRONLY);
    if (null_in < 0 || null_out < 0 || ::dup2(null_in, 0) < 0 || ::dup2(null_out, 1) < 0 ||
        ::dup2(null_out, 2) < 0) {
      ::_exit(126);
    }
    DieWithParent(parent);  // a crashed test leaves no tursodb behind
    ::execve(argv[0], argv.data(), environ);
    ::_exit(127);
  }
  return pid;
}

// Waits until the server answers a pipeline; false when it exits (then `exited`, and
// the process is reaped) or never answers.
bool WaitUntilReady(pid_t pid, int port, bool& exited) {
  HttpClient http({.base_url = "http://127.0.0.1:" + std::to_string(port),
                   .connect_timeout = std::chrono::milliseconds(500),
                   .request_timeout = std::chrono::milliseconds(2000),
                   .max_connections = 1});
  const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      return false;
    }
    auto response = http.Post("/v2/pipeline", R"({"baton":null,"requests":[]})");
    if (response.ok() && response->status == 200) {
      return true;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return false;
}

void Stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

std::optional<std::filesystem::path> TursodbProcess::FindBinary() {
  std::filesystem::path binary = std::filesystem::path(HOWLER_SOURCE_DIR) / ".tools" /
                                 "node_modules" / "@tursodatabase" / "cli-linux-x64-gnu" /
                                 "tursodb";
  if (::access(binary.c_str(), X_OK) != 0) {
    return std::nullopt;
  }
  return binary;
}

Result<std::unique_ptr<TursodbProcess>> TursodbProcess::Start(const std::filesystem::path& binary,
                                                              const std::filesystem::path& database,
                                                              std::optional<int> fixed_port) {
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    HOWLER_ASSIGN_OR_RETURN(int port, fixed_port ? Result<int>(*fixed_port) : FreePort());
    HOWLER_ASSIGN_OR_RETURN(pid_t pid, Spawn(binary, database, port));
    bool exited = false;
    if (WaitUntilReady(pid, port, exited)) {
      return std::unique_ptr<TursodbProcess>(new TursodbProcess(pid, port));
    }
    if (!exited) {
      Stop(pid);
    }
  }
  return UnavailableError("tursodb did not start");
}

TursodbProcess::~TursodbProcess() {
  Stop(pid_);
}

}  // namespace howler::storage
