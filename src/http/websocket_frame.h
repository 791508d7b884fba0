// The WebSocket wire format (RFC 6455) on the server's side, without I/O: the opening
// handshake's answer, a parser of the frames a client sends and the encoder of the frames
// the server sends. The transport (server.cpp) drives them; they hold no socket, so an
// idle connection costs only a few bytes of parser state.
//
// What the parser enforces, each with the close code the server answers with:
// - 1002 (protocol error): an unmasked client frame, a reserved bit set (no extension is
//   ever negotiated), an unknown opcode, a control frame that is fragmented or longer than
//   125 bytes, a continuation without a message or a new message inside one, a 64-bit
//   length with its top bit set, a close frame of one byte or with an invalid code;
// - 1003: a binary message (the server's protocols are text only);
// - 1007: a text message or a close reason that is not valid UTF-8;
// - 1009: a message longer than `max_message` bytes (fragments joined).
// Pure; one parser per connection, used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace howler::http {

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key: base64(SHA-1(key + RFC GUID)).
// nullopt when the key is not the base64 of 16 bytes (RFC 6455 section 4.2.1).
std::optional<std::string> WebSocketAcceptKey(std::string_view client_key);

// One complete thing a client said.
struct WebSocketEvent {
  enum class Kind { kText, kPing, kPong, kClose };
  Kind kind;
  std::string payload;  // the text, the ping's data, or the close reason
  int code = 0;         // kClose: the peer's code, or 1005 when it sent none
};

class WebSocketFrameParser {
 public:
  explicit WebSocketFrameParser(std::size_t max_message) : max_message_(max_message) {}

  // Consumes `bytes` and appends each complete event to `out`, in order. Returns 0, or the
  // close code of the first protocol violation (see above); after one, or after a close
  // event, the rest of the input is ignored.
  int Feed(std::string_view bytes, std::vector<WebSocketEvent>& out);

  // Whether part of a frame or message has been received and not yet completed.
  bool mid_message() const { return header_size_ > 0 || in_frame_ || in_message_; }

 private:
  int StartFrame();
  int FinishFrame(std::vector<WebSocketEvent>& out);

  const std::size_t max_message_;
  int failed_ = 0;
  bool closed_ = false;
  // The frame being read.
  unsigned char header_[14] = {};
  std::size_t header_size_ = 0;
  bool in_frame_ = false;  // header complete, payload being read
  bool fin_ = false;
  int opcode_ = 0;
  std::uint64_t remaining_ = 0;
  unsigned char mask_[4] = {};
  std::size_t mask_offset_ = 0;
  std::string control_;  // a control frame's payload
  // The text message being joined from its fragments.
  bool in_message_ = false;
  std::string message_;
};

// A server frame (unmasked, final) with `opcode` 0x1 text, 0x8 close, 0x9 ping or 0xA pong.
std::string EncodeWebSocketFrame(int opcode, std::string_view payload);
// A close frame with `code` and `reason` (cut at a character boundary to fit 123 bytes).
std::string EncodeWebSocketClose(int code, std::string_view reason);

}  // namespace howler::http
