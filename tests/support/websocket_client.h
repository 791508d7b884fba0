// WebSocketClient: a minimal RFC 6455 client over a LoopbackSocket for integration tests:
// the opening handshake (with the RFC's sample key, so the Sec-WebSocket-Accept answer is
// known: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), masked text, binary and close frames out,
// messages in (continuation frames joined, pings answered, a close frame answered with
// one of its own). A refused handshake keeps the
// HTTP answer (status, headers, body). Not thread-safe: one thread uses it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/loopback_socket.h"

namespace howler::testing {

inline constexpr std::string_view kWebSocketSampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

class WebSocketClient {
 public:
  WebSocketClient(std::uint16_t port, const std::string& path,
                  const std::vector<std::string>& headers = {}, SocketOptions options = {});

  const HttpHead& head() const { return head_; }
  int status() const { return head_.status; }
  // The body of a refused handshake (as far as Content-Length says).
  const std::string& refusal_body() const { return refusal_body_; }

  bool SendText(std::string_view text) { return SendFrame(0x1, text); }
  bool SendBinary(std::string_view bytes) { return SendFrame(0x2, bytes); }
  bool SendClose(std::uint16_t code);

  // The next text message; nullopt when a close frame arrived (close_code() is set) or
  // the connection ended or timed out.
  std::optional<std::string> ReadText();
  std::optional<int> close_code() const { return close_code_; }
  bool timed_out() const { return socket_.timed_out(); }
  void Close() { socket_.Close(); }

 private:
  bool SendFrame(int opcode, std::string_view payload);
  bool Need(std::size_t bytes);

  LoopbackSocket socket_;
  HttpHead head_;
  std::string refusal_body_;
  std::string raw_;
  std::optional<int> close_code_;
  bool close_sent_ = false;
};

}  // namespace howler::testing
