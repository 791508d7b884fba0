// SyncGrpcService: howlerops.v1.SyncService (proto/howlerops/v1/sync.proto) over
// sync::SyncService, the class the HTTP handlers call. It only translates messages; every
// method is authenticated and limited per user (RATE_LIMIT_SYNC_PER_MIN, the same budget
// as HTTP), applied by CallRunner (call_runner.h).
//
// No gRPC header is included here:
//   SyncGrpcService sync_grpc({sync, auth, sync_limiter, &metrics});
//   grpc_server.AddService(sync_grpc.service());
// Thread-safety: calls are answered concurrently; the dependencies and this object must
// outlive the GrpcServer it is registered with.
#pragma once

#include <memory>
#include <string_view>

namespace grpc {
class Service;
}
namespace howler::auth {
class AuthService;
class RateLimiter;
}  // namespace howler::auth
namespace howler::metrics {
class Metrics;
}
namespace howler::sync {
class SyncService;
}

namespace howler::grpcsvc {

struct SyncGrpcDeps {
  sync::SyncService& service;
  auth::AuthService& auth;
  auth::RateLimiter& user_limiter;
  metrics::Metrics* metrics = nullptr;  // optional
};

class SyncGrpcService {
 public:
  static constexpr std::string_view kServiceName = "howlerops.v1.SyncService";

  explicit SyncGrpcService(SyncGrpcDeps deps);
  ~SyncGrpcService();
  SyncGrpcService(const SyncGrpcService&) = delete;
  SyncGrpcService& operator=(const SyncGrpcService&) = delete;

  grpc::Service* service();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace howler::grpcsvc
