#include "support/loopback_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace howler::testing {

std::string HttpHead::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

LoopbackSocket::LoopbackSocket(std::uint16_t port, SocketOptions options) {
  // CLOEXEC: a process the test starts later (a restarted tursodb) must not keep the
  // connection open after the test closed it.
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (options.receive_buffer > 0) {
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer, sizeof(options.receive_buffer));
  }
  timeval tv{options.read_timeout_ms / 1000, (options.read_timeout_ms % 1000) * 1000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Close();
}

LoopbackSocket::~LoopbackSocket() {
  Close();
}

void LoopbackSocket::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool LoopbackSocket::Send(std::string_view bytes) {
  while (fd_ >= 0 && !bytes.empty()) {
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return fd_ >= 0;
}

bool LoopbackSocket::ReceiveInto(std::string& buffer, std::size_t max) {
  if (fd_ < 0) return false;
  const std::size_t old_size = buffer.size();
  buffer.resize(old_size + max);
  const ssize_t n = recv(fd_, buffer.data() + old_size, max, 0);
  buffer.resize(old_size + (n > 0 ? static_cast<std::size_t>(n) : 0));
  timed_out_ = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  return n > 0;
}

HttpHead LoopbackSocket::ReadHead(std::string& buffer) {
  HttpHead head;
  std::size_t end;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!ReceiveInto(buffer)) return head;
  }
  const std::string text = buffer.substr(0, end + 2);
  buffer.erase(0, end + 4);
  std::size_t line_end = text.find("\r\n");
  const std::string status_line = text.substr(0, line_end);
  if (status_line.size() >= 12) head.status = std::atoi(status_line.c_str() + 9);
  for (std::size_t start = line_end + 2; start < text.size(); start = line_end + 2) {
    line_end = text.find("\r\n", start);
    const std::string line = text.substr(start, line_end - start);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    std::size_t value_start = colon + 1;
    while (value_start < line.size() && line[value_start] == ' ') ++value_start;
    head.headers.emplace(name, line.substr(value_start));
  }
  return head;
}

}  // namespace howler::testing
