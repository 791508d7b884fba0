#include "support/stream_client.h"

#include <algorithm>

namespace howler::testing {

StreamClient::StreamClient(std::uint16_t port, const std::string& target,
                           const std::vector<std::string>& headers, SocketOptions options)
    : socket_(port, options) {
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const std::string& h : headers) request += h + "\r\n";
  Send(request + "\r\n");
}

StreamClient::StreamClient(std::uint16_t port, const std::string& method, const std::string& target,
                           const std::vector<std::string>& headers, const std::string& body,
                           SocketOptions options)
    : socket_(port, options) {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const std::string& h : headers) request += h + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  Send(request + body);
}

void StreamClient::Send(const std::string& request) {
  if (!socket_.Send(request)) {
    cut_ = true;
    return;
  }
  head_ = socket_.ReadHead(raw_);
  chunked_ = head_.Header("transfer-encoding") == "chunked";
  if (head_.status == 0) cut_ = true;
}

bool StreamClient::Fill() {
  if (socket_.ReceiveInto(raw_)) return true;
  // Closed or timed out: only an unchunked body may end at close.
  if (!chunked_ && !socket_.timed_out()) {
    ended_ = true;
  } else {
    cut_ = true;
  }
  return false;
}

bool StreamClient::StartChunk() {
  std::size_t line_end;
  const std::size_t skip = after_chunk_ ? 2 : 0;
  while (raw_.size() < skip || (line_end = raw_.find("\r\n", skip)) == std::string::npos) {
    if (!Fill()) return false;
  }
  const std::uint64_t size = std::stoull(raw_.substr(skip, line_end - skip), nullptr, 16);
  raw_.erase(0, line_end + 2);
  after_chunk_ = false;
  if (size == 0) {
    ended_ = true;  // the trailer's empty line may still follow; nothing more is read
    return false;
  }
  chunk_left_ = size;
  return true;
}

std::string StreamClient::Read(std::size_t max) {
  if (ended_ || cut_) return {};
  if (!chunked_) {
    if (raw_.empty() && !Fill()) return {};
    const std::string out = raw_.substr(0, max);
    raw_.erase(0, out.size());
    return out;
  }
  if (chunk_left_ == 0 && !StartChunk()) return {};
  if (raw_.empty() && !Fill()) return {};
  const std::size_t n =
      static_cast<std::size_t>(std::min<std::uint64_t>({max, chunk_left_, raw_.size()}));
  std::string out = raw_.substr(0, n);
  raw_.erase(0, n);
  chunk_left_ -= n;
  after_chunk_ = chunk_left_ == 0;
  return out;
}

std::optional<std::string> StreamClient::ReadEvent() {
  std::size_t end;
  while ((end = events_.find("\n\n")) == std::string::npos) {
    const std::string more = Read();
    if (more.empty()) return std::nullopt;
    events_ += more;
  }
  std::string event = events_.substr(0, end + 2);
  events_.erase(0, end + 2);
  return event;
}

}  // namespace howler::testing
