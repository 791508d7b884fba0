// LoopbackSocket: a blocking TCP connection to 127.0.0.1 for tests that read responses
// piece by piece (streamed bodies, event streams, WebSockets): an optional small receive
// buffer so that a slow reader pushes back on the server at once, a read timeout, and the
// HTTP response head parsed off the front of what was read. Closed by the destructor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace howler::testing {

struct SocketOptions {
  int receive_buffer = 0;  // SO_RCVBUF in bytes (0: the system's default)
  int read_timeout_ms = 10000;
};

// A response's status line and headers (names lower-cased).
struct HttpHead {
  int status = 0;  // 0 when no complete head arrived
  std::multimap<std::string, std::string> headers;
  std::string Header(const std::string& lower_name) const;
};

class LoopbackSocket {
 public:
  LoopbackSocket(std::uint16_t port, SocketOptions options);
  ~LoopbackSocket();
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends every byte; false when the connection failed.
  bool Send(std::string_view bytes);
  // Appends what one recv() returns (at most `max` bytes) to `buffer`; false at the end of
  // the stream, on an error, or when the read timed out (timed_out() tells).
  bool ReceiveInto(std::string& buffer, std::size_t max = 16 * 1024);
  bool timed_out() const { return timed_out_; }
  // Reads until a whole head is in `buffer`, parses it and removes it from `buffer`.
  HttpHead ReadHead(std::string& buffer);
  void Close();

 private:
  int fd_ = -1;
  bool timed_out_ = false;
};

}  // namespace howler::testing
