#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace howler::testing {
namespace {

constexpr auto kPollSlice = std::chrono::milliseconds(50);
constexpr auto kMessageTimeout = std::chrono::seconds(30);
constexpr std::string_view kFaultBody = "Internal Server Error: injected fault";

sockaddr_in Loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// The Content-Length of a header block (lower-cased), 0 when absent.
std::size_t ContentLength(std::string headers) {
  std::transform(headers.begin(), headers.end(), headers.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::size_t at = headers.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return std::strtoul(headers.c_str() + at + 17, nullptr, 10);
}

// Where the body of a buffered message starts, once its header block is complete.
std::optional<std::size_t> BodyStart(const std::string& message) {
  const std::size_t end = message.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  return end + 4;
}

// `response` with its Content-Length header line removed.
std::string WithoutContentLength(std::string response) {
  const std::size_t head = BodyStart(response).value_or(response.size());
  std::string lower = response.substr(0, head);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::size_t at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos) return response;
  const std::size_t end = lower.find("\r\n", at + 2);
  return response.erase(at, end - at);
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::unique_ptr<FaultProxy> FaultProxy::Start(std::uint16_t upstream_port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, 64) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<FaultProxy>(new FaultProxy(fd, ntohs(addr.sin_port), upstream_port));
}

FaultProxy::FaultProxy(int listen_fd, std::uint16_t port, std::uint16_t upstream_port)
    : listen_fd_(listen_fd), port_(port), upstream_port_(upstream_port) {
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  acceptor_.join();
  std::vector<std::unique_ptr<Connection>> connections;
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    connections.swap(connections_);
  }
  for (auto& c : connections) c->thread.join();
  ::close(listen_fd_);
}

bool FaultProxy::SleepUnlessStopped(std::chrono::milliseconds duration) const {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (!stopping_ && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        kPollSlice, std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())));
  }
  return !stopping_;
}

void FaultProxy::set_target(std::string needle) {
  std::lock_guard lock(mu_);
  target_ = std::move(needle);
}

FaultProxy::Mode FaultProxy::ModeFor(const std::string& request) {
  std::lock_guard lock(mu_);
  return request.find(target_) == std::string::npos ? Mode::kPass : mode_.load();
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(kPollSlice.count())) <= 0) continue;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard lock(mu_);
    ReapLocked();
    open_fds_.push_back(client);
    auto& connection = connections_.emplace_back(std::make_unique<Connection>());
    connection->thread = std::thread([this, client, c = connection.get()] {
      Serve(client);
      c->done = true;
    });
  }
}

void FaultProxy::ReapLocked() {
  auto ended = std::partition(connections_.begin(), connections_.end(),
                              [](const auto& c) { return !c->done; });
  for (auto it = ended; it != connections_.end(); ++it) (*it)->thread.join();
  connections_.erase(ended, connections_.end());
}

namespace {

// Reads one HTTP message from `fd` into `out`: the header block and Content-Length bytes
// of body; a message without Content-Length ends with the stream. False on a read error,
// a stream that ends early, a timeout, or when `stopping` turns true.
bool ReadMessage(int fd, std::string& out, const std::atomic<bool>& stopping) {
  const auto deadline = std::chrono::steady_clock::now() + kMessageTimeout;
  char buf[16384];
  while (!stopping && std::chrono::steady_clock::now() < deadline) {
    if (const auto start = BodyStart(out)) {
      const std::size_t length = ContentLength(out.substr(0, *start));
      if (length > 0 && out.size() >= *start + length) return true;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(kPollSlice.count())) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0) return false;
    if (n == 0) {  // end of stream: complete only for a message without Content-Length
      const auto start = BodyStart(out);
      return start && ContentLength(out.substr(0, *start)) == 0;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (const auto start = BodyStart(out);
        start && ContentLength(out.substr(0, *start)) == 0 && out.compare(0, 4, "HTTP") != 0) {
      return true;  // a request without a body (GET)
    }
  }
  return false;
}

}  // namespace

void FaultProxy::Serve(int client) {
  auto close_fd = [this](int fd) {
    std::lock_guard lock(mu_);
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
    ::close(fd);
  };
  std::string request;
  if (!ReadMessage(client, request, stopping_)) return close_fd(client);
  const Mode mode = ModeFor(request);
  if (mode != Mode::kPass) ++faults_;
  if (mode == Mode::kHttp500) {
    SendAll(client,
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
            "Content-Length: " +
                std::to_string(kFaultBody.size()) + "\r\nConnection: close\r\n\r\n" +
                std::string(kFaultBody));
    return close_fd(client);
  }
  const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  {
    std::lock_guard lock(mu_);
    open_fds_.push_back(upstream);
  }
  sockaddr_in addr = Loopback(upstream_port_);
  std::string response;
  const bool relayed = ::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                       SendAll(upstream, request) && ReadMessage(upstream, response, stopping_);
  close_fd(upstream);
  if (!relayed) return close_fd(client);
  if (mode == Mode::kDelay && !SleepUnlessStopped(std::chrono::milliseconds(delay_ms_.load()))) {
    return close_fd(client);
  }
  if (mode == Mode::kTruncate || mode == Mode::kTruncateUnframed) {
    const std::size_t start = BodyStart(response).value_or(response.size());
    response.resize(start + (response.size() - start) / 2);
  }
  if (mode == Mode::kTruncateUnframed) response = WithoutContentLength(std::move(response));
  SendAll(client, response);
  close_fd(client);
}

}  // namespace howler::testing
