// HttpServer: the Boost.Beast transport of one listener. It accepts connections, parses
// requests within the limits below, hands each to a Pipeline and writes the response.
// This header stays free of Beast and Asio; server.cpp is the only translation unit
// that includes them.
//
// Lifecycle (called from one controlling thread): Start() -> ... -> BeginShutdown()
// -> WaitIdle(deadline) -> Stop(). The pipeline must outlive the server, and anything
// that may still complete a request (worker pools) must be shut down before the server
// is destroyed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace howler::http {

class Pipeline;

struct ServerOptions {
  std::string name = "http";  // for logs: "api", "metrics"
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;  // 0: any free port (see port())
  int threads = 2;            // I/O threads
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  std::chrono::milliseconds read_timeout{30000};  // to read one request once it started
  std::chrono::milliseconds idle_timeout{60000};  // keep-alive wait for the next request
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, const Pipeline& pipeline);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the I/O threads. UNAVAILABLE naming host:port when it cannot bind.
  Status Start();
  std::uint16_t port() const;

  // Stops accepting; responses from now on close their connection.
  void BeginShutdown();
  // Waits until no request is being served, or the deadline passes. True when idle.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline);
  // Stops the I/O threads and closes every connection. Idempotent.
  void Stop();

  // Requests currently between "headers read" and "response written".
  int active_requests() const;

  struct State;  // public name so that server.cpp's free functions can use it

 private:
  std::unique_ptr<State> state_;
};

}  // namespace howler::http
