#include "dbmanager/testing/child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "common/die_with_parent.h"

namespace howler::dbmanager::testing {
namespace {

constexpr uid_t kNobodyUid = 65534;
constexpr gid_t kNobodyGid = 65534;
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr auto kPollInterval = std::chrono::milliseconds(10);

// Between fork and exec only async-signal-safe calls: argv is prepared before.
[[noreturn]] void ExecChild(char* const* argv, const char* log, pid_t parent) {
  int in = ::open("/dev/null", O_RDONLY);
  int out = ::open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (in < 0 || out < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) {
    ::_exit(126);
  }
  if (::geteuid() == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(kNobodyGid) != 0 || ::setuid(kNobodyUid) != 0) {
      ::_exit(126);
    }
  }
  DieWithParent(parent);  // after setuid, which would clear it
  ::execv(argv[0], argv);
  ::_exit(127);
}

// Waits for `pid` until `deadline`; true when it was reaped (its wait status in `status`).
bool WaitUntil(pid_t pid, std::chrono::steady_clock::time_point deadline, int& status) {
  while (true) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::Start(const std::vector<std::string>& argv,
                                                          const std::filesystem::path& log) {
  std::vector<std::string> copy = argv;
  std::vector<char*> args;
  for (std::string& arg : copy) {
    args.push_back(arg.data());
  }
  args.push_back(nullptr);
  std::string log_path = log.string();
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    return UnavailableError("fork failed");
  }
  if (pid == 0) {
    ExecChild(args.data(), log_path.c_str(), parent);
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid));
}

Status ChildProcess::Run(const std::vector<std::string>& argv, const std::filesystem::path& log,
                         std::chrono::seconds timeout) {
  HOWLER_ASSIGN_OR_RETURN(auto child, Start(argv, log));
  int status = 0;
  if (!WaitUntil(child->pid_, std::chrono::steady_clock::now() + timeout, status)) {
    child->Stop(SIGKILL);
    return InternalError(argv[0] + " did not finish (see " + log.string() + ")");
  }
  child->reaped_ = true;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return InternalError(argv[0] + " failed (see " + log.string() + ")");
  }
  return Status::Ok();
}

ChildProcess::~ChildProcess() {
  Stop(SIGTERM);
}

bool ChildProcess::Running() {
  if (reaped_) {
    return false;
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    reaped_ = true;
  }
  return !reaped_;
}

void ChildProcess::Stop(int signal) {
  if (reaped_) {
    return;
  }
  ::kill(pid_, signal);
  int status = 0;
  if (!WaitUntil(pid_, std::chrono::steady_clock::now() + kStopTimeout, status)) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  reaped_ = true;
}

Status GiveToChildUser(const std::filesystem::path& path) {
  if (::geteuid() != 0) {
    return Status::Ok();
  }
  if (::chown(path.c_str(), kNobodyUid, kNobodyGid) != 0) {
    return InternalError("cannot chown " + path.string());
  }
  std::error_code error;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, error)) {
    if (::lchown(entry.path().c_str(), kNobodyUid, kNobodyGid) != 0) {
      return InternalError("cannot chown " + entry.path().string());
    }
  }
  return Status::Ok();
}

Result<int> FreeLoopbackPort() {
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

}  // namespace howler::dbmanager::testing
