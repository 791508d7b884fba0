// AuthGrpcService: howlerops.v1.AuthService (proto/howlerops/v1/auth.proto) over
// auth::AuthService, the class the HTTP handlers call. It only translates messages; each
// method's policy (public or session, budget, hash pool, field limits, message) is its
// operation's declaration (api/operations.h), applied by CallRunner (call_runner.h).
//
// No gRPC header is included here, so the composition root stays cheap to compile:
//   AuthGrpcService auth_grpc(auth, CallDeps{&gate, &metrics, &hash_pool, trusted_proxies});
//   grpc_server.AddService(auth_grpc.service());
//   grpc_server.AddHealthService(std::string(AuthGrpcService::kServiceName));
// Thread-safety: the service answers calls concurrently; the dependencies and this object
// must outlive the GrpcServer it is registered with.
#pragma once

#include <memory>
#include <string_view>

#include "grpc/call_deps.h"

namespace grpc {
class Service;
}
namespace howler::auth {
class AuthService;
}

namespace howler::grpcsvc {

class AuthGrpcService {
 public:
  static constexpr std::string_view kServiceName = "howlerops.v1.AuthService";

  AuthGrpcService(auth::AuthService& service, CallDeps deps);
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
