// HttpServer: the Boost.Beast transport of one listener. It accepts connections, parses
// requests within the limits below, hands each to a Pipeline and writes the response of
// whichever kind it is (message.h ResponseKind: a fixed body, a streamed body, an event
// stream, or a WebSocket; DESIGN.md "Response kinds"). This header stays free of Beast
// and Asio; server.cpp is the only translation unit that includes them.
//
// Lifecycle (called from one controlling thread): Start() -> ... -> BeginShutdown()
// -> WaitIdle(deadline) -> Stop(). The pipeline must outlive the server, and anything
// that may still complete a request or deliver a body chunk (worker pools, timer threads)
// must be shut down before the server is destroyed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/tls_key_pair.h"

namespace howler::metrics {
class Metrics;
}

namespace howler::http {

class Pipeline;

struct ServerOptions {
  std::string name = "http";  // for logs: "api", "metrics"
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;  // 0: any free port (see port())
  int threads = 2;            // I/O threads
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  // To read one request once it started; also to write one response, one chunk of a
  // streamed body, or one WebSocket message (a reader that stops reading is dropped), and
  // the WebSocket opening and closing handshakes.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};  // keep-alive wait for the next request
  // Event streams write a ": keep-alive" comment after this long without an event.
  std::chrono::milliseconds event_stream_heartbeat{15000};
  // WebSocket limits: the largest incoming message (larger: close 1009), and the outgoing
  // messages that may wait per connection (more: close 1013).
  std::size_t websocket_max_message = 64 * 1024;
  std::size_t websocket_max_queued_messages = 256;
  std::size_t websocket_max_queued_bytes = 4 << 20;
  // A WebSocket peer that sends nothing for half of this is pinged; one silent for all of
  // it is dropped.
  std::chrono::milliseconds websocket_idle_timeout{300000};
  // When set, every connection is HTTPS (TLS 1.2 or later; the handshake must finish
  // within read_timeout) with this certificate, WebSockets included (wss).
  std::optional<TlsKeyPair> tls;
  // With tls: every answer carries Strict-Transport-Security: max-age=31536000.
  bool hsts = true;
};

class HttpServer {
 public:
  // `metrics` (may be null) receives the sql_studio_http_stream* and websocket families;
  // it must outlive the server.
  HttpServer(ServerOptions options, const Pipeline& pipeline, metrics::Metrics* metrics = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the I/O threads. UNAVAILABLE naming host:port when it cannot bind;
  // INVALID_ARGUMENT when OpenSSL refuses options.tls.
  Status Start();
  // After Start() with options.tls, from any thread: connections accepted from now on use
  // `pair`; open ones keep the certificate they started with. When OpenSSL refuses `pair`
  // (INVALID_ARGUMENT) the current one stays; FAILED_PRECONDITION on a plain listener.
  Status ReloadTls(const TlsKeyPair& pair);
  std::uint16_t port() const;

  // Stops accepting; responses from now on close their connection. Event streams end
  // (their body is ended cleanly and their source cancelled) and WebSockets close with
  // 1001 at once; streamed bodies go on until they end or Stop().
  void BeginShutdown();
  // Waits until no request is being served, or the deadline passes. True when idle.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline);
  // Stops the I/O threads and closes every connection; what still streams is cancelled
  // (BodySource::Cancel, WebSocketHandler::OnClose) on the calling thread. Idempotent.
  void Stop();

  // Requests currently between "headers read" and "response written"; a streamed body,
  // event stream or WebSocket counts until it has ended.
  int active_requests() const;

  struct State;  // public name so that server.cpp's free functions can use it

 private:
  std::unique_ptr<State> state_;
};

}  // namespace howler::http
