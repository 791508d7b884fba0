#include "support/websocket_client.h"

namespace howler::testing {

WebSocketClient::WebSocketClient(std::uint16_t port, const std::string& path,
                                 const std::vector<std::string>& headers, SocketOptions options)
    : socket_(port, options) {
  std::string request = "GET " + path +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                        "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  for (const std::string& h : headers) request += h + "\r\n";
  request += "\r\n";
  if (!socket_.Send(request)) return;
  head_ = socket_.ReadHead(raw_);
  if (head_.status == 101) return;
  const std::string length = head_.Header("content-length");
  const std::size_t want = length.empty() ? 0 : std::stoul(length);
  while (raw_.size() < want && socket_.ReceiveInto(raw_)) {
  }
  refusal_body_ = raw_.substr(0, want);
}

bool WebSocketClient::SendFrame(int opcode, std::string_view payload) {
  std::string frame;
  frame += static_cast<char>(0x80 | opcode);  // FIN
  const std::size_t n = payload.size();
  if (n < 126) {
    frame += static_cast<char>(0x80 | n);  // masked
  } else if (n < 65536) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(n >> 8);
    frame += static_cast<char>(n & 0xff);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((n >> shift) & 0xff);
  }
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  frame.append(mask, 4);
  for (std::size_t i = 0; i < n; ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  return socket_.Send(frame);
}

bool WebSocketClient::SendClose(std::uint16_t code) {
  close_sent_ = true;
  const char payload[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  return SendFrame(0x8, std::string_view(payload, 2));
}

bool WebSocketClient::Need(std::size_t bytes) {
  while (raw_.size() < bytes) {
    if (!socket_.ReceiveInto(raw_)) return false;
  }
  return true;
}

std::optional<std::string> WebSocketClient::ReadText() {
  std::string message;
  for (;;) {
    if (!Need(2)) return std::nullopt;
    const auto b0 = static_cast<unsigned char>(raw_[0]);
    const auto b1 = static_cast<unsigned char>(raw_[1]);
    std::size_t header = 2;
    std::uint64_t length = b1 & 0x7f;
    if (length >= 126) {
      const std::size_t extra = length == 126 ? 2 : 8;
      if (!Need(2 + extra)) return std::nullopt;
      length = 0;
      for (std::size_t i = 0; i < extra; ++i) {
        length = (length << 8) | static_cast<unsigned char>(raw_[2 + i]);
      }
      header += extra;
    }
    if (!Need(header + length)) return std::nullopt;  // server frames are not masked
    std::string payload = raw_.substr(header, length);
    raw_.erase(0, header + length);
    const int opcode = b0 & 0x0f;
    if (opcode == 0x8) {
      close_code_ = payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) |
                                              static_cast<unsigned char>(payload[1])
                                        : 1005;
      if (!close_sent_) SendClose(static_cast<std::uint16_t>(*close_code_));  // RFC 6455 5.5.1
      return std::nullopt;
    }
    if (opcode == 0x9) {
      SendFrame(0xA, payload);  // pong
      continue;
    }
    if (opcode == 0xA) continue;
    message += payload;
    if (b0 & 0x80) return message;  // FIN
  }
}

}  // namespace howler::testing
