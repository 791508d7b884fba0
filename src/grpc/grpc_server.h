// GrpcServer: the gRPC listener (port 9090 by default) with the standard
// grpc.health.v1.Health service and server reflection. The composition root adds the
// application services before Start().
//
// No gRPC header is included here, so including this file stays cheap.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/tls_key_pair.h"
#include "grpc/health_probe.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace howler::grpcsvc {

struct GrpcServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 9090;         // 0 picks a free port, see GrpcServer::port()
  int max_message_bytes = 16 << 20;  // both directions
  // Threads of the synchronous server waiting for calls. A thread that finishes a call
  // while max_pollers others wait exits, and a new one starts when none waits: too low a
  // maximum creates and destroys a thread per call under load (gRPC's default is 1..2).
  int min_pollers = 1;
  int max_pollers = 16;
  // How long one health probe result answers Check/Watch; 0 probes on every request.
  std::chrono::milliseconds health_cache_ttl{1000};
  // How often an open Watch stream re-runs the (cached) probe.
  std::chrono::milliseconds health_watch_interval{1000};
  // When set, the listener speaks TLS only (1.2 or later) with this certificate.
  std::optional<TlsKeyPair> tls;
};

// Lifecycle: construct, AddService/AddHealthService, Start() once, Shutdown().
// Start, Shutdown and port are thread-safe; the Add* methods must precede Start().
class GrpcServer {
 public:
  GrpcServer(GrpcServerOptions options, HealthProbe probe);
  ~GrpcServer();  // shuts down (cancelling in-flight calls) if still running

  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  // Registers an application service. Not owned: it must outlive this server.
  void AddService(grpc::Service* service);
  // Makes `name` (e.g. "howlerops.v1.AuthService") known to the health service. "" (the
  // whole server) is always known; Check on any other name fails with NOT_FOUND.
  void AddHealthService(std::string name);

  // Binds and starts serving on gRPC's threads. A port that cannot be bound gives
  // UNAVAILABLE naming host:port; a second call gives FAILED_PRECONDITION.
  howler::Status Start();

  // The bound port once Start() succeeded (useful with options.port == 0), else 0.
  std::uint16_t port() const;

  // After Start() with options.tls, from any thread: handshakes from now on use `pair`;
  // established connections keep theirs. FAILED_PRECONDITION on a plain-text listener.
  howler::Status ReloadTls(const TlsKeyPair& pair);

  // Graceful stop: health turns NOT_SERVING and open Watch streams end, new calls are
  // refused, in-flight calls may finish within `budget`, then the rest are cancelled.
  // Blocks until done. Idempotent; after it Start() fails.
  void Shutdown(std::chrono::milliseconds budget);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace howler::grpcsvc
