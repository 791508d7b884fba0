// TlsConnection: a blocking TLS connection of the test's own to 127.0.0.1 (OpenSSL),
// verified against one CA file for the name "localhost" and the address 127.0.0.1. It
// serves the TLS tests: several HTTP/1.1 requests on one connection (keep-alive across a
// certificate swap), the certificate the server presented, and raw bytes for a
// WebSocket over TLS. Closed by the destructor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "support/loopback_socket.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace howler::testing {

class TlsConnection {
 public:
  // Connects and completes the handshake within `timeout_ms`; ok() tells whether it did
  // (a certificate the CA did not sign fails here), error() says why not.
  // `max_version` (an OpenSSL TLS1_x_VERSION, 0: any) caps what the client offers; with a
  // cap the client allows every protocol and cipher up to it (security level 0), so a
  // refusal is the server's.
  TlsConnection(std::uint16_t port, const std::string& ca_file, int timeout_ms = 10000,
                int max_version = 0);
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  bool ok() const { return ssl_ != nullptr && error_.empty(); }
  const std::string& error() const { return error_; }
  // Of the certificate the server presented: hex serial and subject ("CN=...").
  std::string PeerSerial() const;
  std::string PeerSubject() const;

  bool Send(std::string_view bytes);
  // Appends what one SSL_read returns to `buffer`; false at the end or on an error.
  bool ReceiveInto(std::string& buffer);
  // Sends `request` and reads one response with a Content-Length body; status 0 when
  // none arrived. `body` receives the body.
  HttpHead Exchange(const std::string& request, std::string* body = nullptr);

 private:
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string error_;
  std::string pending_;  // read past the last response
};

}  // namespace howler::testing
