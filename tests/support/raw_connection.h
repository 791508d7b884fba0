// RawConnection: a blocking loopback TCP connection for tests that must send bytes no
// HTTP client would (malformed framing, invented methods). Closed by the destructor.
#pragma once

#include <cstdint>
#include <string>

namespace howler::testing {

class RawConnection {
 public:
  // Connects to 127.0.0.1:`port`; reads time out after `read_timeout_seconds`.
  explicit RawConnection(std::uint16_t port, int read_timeout_seconds = 10);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  // Sends every byte; a failed or short send fails the calling test.
  void Send(const std::string& bytes);
  // Reads until the peer closes or the read timeout passes.
  std::string ReadAll();

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace howler::testing
