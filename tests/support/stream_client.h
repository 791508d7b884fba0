// StreamClient: one GET (or a request with a body) over a LoopbackSocket whose body is read as it
// arrives, decoded from chunked transfer encoding (or read until close for an unchunked body), so a
// test can read slowly, stop reading, hang up mid-body, or read server-sent events one by one. Not
// thread-safe: one thread reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/loopback_socket.h"

namespace howler::testing {

class StreamClient {
 public:
  // Connects, sends `GET target` with the extra header lines and reads the head.
  StreamClient(std::uint16_t port, const std::string& target,
               const std::vector<std::string>& headers = {}, SocketOptions options = {});
  // Sends `method target` with the header lines and `body` (Content-Length added).
  StreamClient(std::uint16_t port, const std::string& method, const std::string& target,
               const std::vector<std::string>& headers, const std::string& body,
               SocketOptions options = {});

  const HttpHead& head() const { return head_; }
  int status() const { return head_.status; }

  // Up to `max` more body bytes; empty once the body ended (ended()) or the connection
  // closed or timed out before it did (cut()).
  std::string Read(std::size_t max = 16 * 1024);
  // The next server-sent event block (up to and including its empty line; comment lines
  // such as heartbeats come as blocks of their own), or nullopt when the body ended or
  // was cut first.
  std::optional<std::string> ReadEvent();
  bool ended() const { return ended_; }
  bool cut() const { return cut_; }
  bool timed_out() const { return socket_.timed_out(); }
  // Hangs up.
  void Close() { socket_.Close(); }

 private:
  void Send(const std::string& request);
  bool Fill();
  // Reads the next chunk's size line; false when the body ended or was cut.
  bool StartChunk();

  LoopbackSocket socket_;
  HttpHead head_;
  std::string raw_;  // received and not yet decoded
  bool chunked_ = false;
  std::uint64_t chunk_left_ = 0;
  bool after_chunk_ = false;  // the CRLF after a chunk's data is still to be read
  bool ended_ = false;
  bool cut_ = false;
  std::string events_;  // decoded text not yet returned by ReadEvent
};

}  // namespace howler::testing
