#include "email/loopback_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace howler::email {
namespace {

constexpr int kReadTimeoutMs = 5000;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  const std::size_t begin = s.find_first_not_of(" \t");
  const std::size_t end = s.find_last_not_of(" \t\r");
  return begin == std::string::npos ? std::string() : s.substr(begin, end - begin + 1);
}

// Appends what arrives within the timeout; false on timeout, error or end of stream.
bool ReadMore(int fd, std::string& into) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, kReadTimeoutMs) <= 0) return false;
  char buf[4096];
  const ssize_t n = read(fd, buf, sizeof(buf));
  if (n <= 0) return false;
  into.append(buf, static_cast<std::size_t>(n));
  return true;
}

RecordedRequest ParseHead(const std::string& head) {
  RecordedRequest request;
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  std::istringstream first(line);
  first >> request.method >> request.target;
  while (std::getline(lines, line)) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    request.headers[Lower(line.substr(0, colon))] = Trim(line.substr(colon + 1));
  }
  return request;
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    default:
      return "Status";
  }
}

void WriteAll(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string RecordedRequest::Header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

LoopbackHttpServer::LoopbackHttpServer() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      listen(listen_fd_, 16) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return;  // port() stays 0; requests to it fail
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void LoopbackHttpServer::Respond(ScriptedResponse response) {
  std::lock_guard lock(mu_);
  script_.push_back(std::move(response));
}

std::vector<RecordedRequest> LoopbackHttpServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void LoopbackHttpServer::Serve() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Handle(fd);
    close(fd);
  }
}

void LoopbackHttpServer::Handle(int fd) {
  std::string data;
  std::size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadMore(fd, data)) return;
  }
  RecordedRequest request = ParseHead(data.substr(0, head_end));
  const std::string length = request.Header("content-length");
  const std::size_t body_size = std::strtoul(length.c_str(), nullptr, 10);
  request.body = data.substr(head_end + 4);
  while (request.body.size() < body_size) {
    if (!ReadMore(fd, request.body)) return;
  }
  ScriptedResponse response = NextResponse();
  const auto answer_at = std::chrono::steady_clock::now() + response.delay;
  while (!stopping_ && std::chrono::steady_clock::now() < answer_at) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  {
    std::lock_guard lock(mu_);
    requests_.push_back(std::move(request));
  }
  WriteAll(fd, "HTTP/1.1 " + std::to_string(response.status) + " " + ReasonPhrase(response.status) +
                   "\r\nContent-Type: " + response.content_type +
                   "\r\nContent-Length: " + std::to_string(response.body.size()) +
                   "\r\nConnection: close\r\n\r\n" + response.body);
  shutdown(fd, SHUT_WR);
}

ScriptedResponse LoopbackHttpServer::NextResponse() {
  std::lock_guard lock(mu_);
  if (script_.empty()) return {500, "{\"message\":\"no scripted response\"}"};
  ScriptedResponse next = std::move(script_.front());
  script_.pop_front();
  return next;
}

}  // namespace howler::email
