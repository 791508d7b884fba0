#include "support/fake_ai_provider.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "common/json_text.h"

namespace howler::testing {
namespace {

std::string JsonQuoted(const std::string& s) {
  return JsonString(s);
}

bool SendAll(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string FakeAiProvider::ChunkEvent(const std::string& content) {
  return "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1,"
         "\"model\":\"fake-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":" +
         JsonQuoted(content) + "},\"finish_reason\":null}]}\n\n";
}

FakeAiProvider::FakeAiProvider() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 128) != 0) {
    throw std::runtime_error("fake AI provider: cannot listen");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

FakeAiProvider::~FakeAiProvider() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& t : threads_) t.join();
}

void FakeAiProvider::Accept() {
  while (!stopping_) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    open_fds_.push_back(fd);
    threads_.emplace_back([this, fd] { Serve(fd); });
  }
}

void FakeAiProvider::SetScript(FakeAiScript script) {
  std::lock_guard lock(mu_);
  script_ = std::move(script);
}

std::vector<FakeAiRequest> FakeAiProvider::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

int FakeAiProvider::disconnects() const {
  std::lock_guard lock(mu_);
  return disconnects_;
}

bool FakeAiProvider::WaitDisconnects(int n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return disconnects_ >= n; });
}

bool FakeAiProvider::WaitRequests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

bool FakeAiProvider::ReadRequest(int fd, FakeAiRequest& out) {
  std::string raw;
  char buf[16384];
  std::size_t head_end;
  while ((head_end = raw.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0 || raw.size() > (1 << 20)) return false;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  const std::string head = raw.substr(0, head_end);
  std::size_t line_end = head.find("\r\n");
  const std::string request_line = head.substr(0, line_end);
  const std::size_t sp1 = request_line.find(' ');
  const std::size_t sp2 = request_line.find(' ', sp1 + 1);
  out.method = request_line.substr(0, sp1);
  out.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    std::size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    const std::string line = head.substr(pos, end - pos);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      out.headers[Lower(line.substr(0, colon))] = value;
    }
    pos = end + 2;
  }
  const std::size_t length =
      out.headers.count("content-length") ? std::stoul(out.headers["content-length"]) : 0;
  out.body = raw.substr(head_end + 4);
  while (out.body.size() < length) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    out.body.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

bool FakeAiProvider::Wait(int fd, std::chrono::milliseconds delay) {
  const auto until = std::chrono::steady_clock::now() + delay;
  do {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (r > 0) {
      char c;
      if (::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0) return false;  // hung up
    }
    if (stopping_) return false;
  } while (std::chrono::steady_clock::now() < until);
  return true;
}

void FakeAiProvider::Answer(int fd, const FakeAiScript& s) {
  if (s.mode == FakeAiMode::kStatus) {
    const std::string body = "{\"error\":{\"message\":\"fake provider failure " +
                             std::to_string(s.status) + "\",\"type\":\"server_error\"}}";
    std::string head = "HTTP/1.1 " + std::to_string(s.status) + " Fake\r\n";
    if (s.status == 429) head += "Retry-After: 7\r\n";
    SendAll(fd, head + "Content-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    return;
  }
  if (s.mode == FakeAiMode::kWhole) {
    std::string text;
    for (const auto& c : s.chunks) text += c;
    const std::string body =
        "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
        "\"message\":{\"role\":\"assistant\",\"content\":" +
        JsonQuoted(text) + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" +
        std::to_string(s.prompt_tokens) +
        ",\"completion_tokens\":" + std::to_string(s.completion_tokens) + "}}";
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    return;
  }
  SendAll(fd,
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
          "Connection: close\r\n\r\n");
  if (s.mode == FakeAiMode::kGarbage) {
    SendAll(fd, "data: this is not json\n\n");
    return;
  }
  bool hung_up = false;
  for (std::size_t i = 0; i < s.chunks.size() && !hung_up; ++i) {
    if (s.chunk_delay.count() > 0 && !Wait(fd, s.chunk_delay)) hung_up = true;
    if (!hung_up && !SendAll(fd, ChunkEvent(s.chunks[i]))) hung_up = true;
    if (s.mode == FakeAiMode::kBroken) return;
    if (s.mode == FakeAiMode::kHang) {
      hung_up = !Wait(fd, std::chrono::seconds(60));
      break;
    }
  }
  if (!hung_up) {
    hung_up =
        !SendAll(fd,
                 "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\","
                 "\"choices\":[],\"usage\":{\"prompt_tokens\":" +
                     std::to_string(s.prompt_tokens) +
                     ",\"completion_tokens\":" + std::to_string(s.completion_tokens) +
                     ",\"total_tokens\":" + std::to_string(s.prompt_tokens + s.completion_tokens) +
                     "}}\n\ndata: [DONE]\n\n");
  }
  if (hung_up && !stopping_) {
    std::lock_guard lock(mu_);
    ++disconnects_;
    changed_.notify_all();
  }
}

void FakeAiProvider::Serve(int fd) {
  FakeAiRequest request;
  if (ReadRequest(fd, request)) {
    FakeAiScript script;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      script = script_;
      changed_.notify_all();
    }
    if (request.method != "POST" || request.target != "/v1/chat/completions") {
      SendAll(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    } else {
      Answer(fd, script);
    }
  }
  std::lock_guard lock(mu_);
  open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  ::close(fd);
}

}  // namespace howler::testing
