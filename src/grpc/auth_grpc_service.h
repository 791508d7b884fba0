// AuthGrpcService: howlerops.v1.AuthService (proto/howlerops/v1/auth.proto) over
// auth::AuthService, the class the HTTP handlers call. It only translates messages; the
// per-method policy (public or authenticated, per-IP limit, hash pool) is the HTTP API's,
// applied by CallRunner (call_runner.h).
//
// No gRPC header is included here, so the composition root stays cheap to compile:
//   AuthGrpcService auth_grpc({auth, hash_pool, ip_limiter, &metrics});
//   grpc_server.AddService(auth_grpc.service());
//   grpc_server.AddHealthService(std::string(AuthGrpcService::kServiceName));
// Thread-safety: the service answers calls concurrently; the dependencies and this object
// must outlive the GrpcServer it is registered with.
#pragma once

#include <memory>
#include <string_view>

namespace grpc {
class Service;
}
namespace howler {
class WorkerPool;
}
namespace howler::auth {
class AuthService;
class RateLimiter;
}  // namespace howler::auth
namespace howler::metrics {
class Metrics;
}

namespace howler::grpcsvc {

struct AuthGrpcDeps {
  auth::AuthService& service;
  // Runs the calls that hash a password; when its queue is full the call gets UNAVAILABLE.
  WorkerPool& hash_pool;
  // Per client IP, for the public and password methods (shared with HTTP: one budget).
  auth::RateLimiter& ip_limiter;
  metrics::Metrics* metrics = nullptr;  // optional
};

class AuthGrpcService {
 public:
  static constexpr std::string_view kServiceName = "howlerops.v1.AuthService";

  explicit AuthGrpcService(AuthGrpcDeps deps);
  ~AuthGrpcService();
  AuthGrpcService(const AuthGrpcService&) = delete;
  AuthGrpcService& operator=(const AuthGrpcService&) = delete;

  // The generated service to register with GrpcServer::AddService; owned by this object.
  grpc::Service* service();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace howler::grpcsvc
