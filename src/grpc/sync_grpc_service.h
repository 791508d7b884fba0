// SyncGrpcService: howlerops.v1.SyncService (proto/howlerops/v1/sync.proto) over
// sync::SyncService, the class the HTTP handlers call. It only translates messages; each
// method's policy (a session, the per-user budget RATE_LIMIT_SYNC_PER_MIN shared with HTTP,
// field limits) is its operation's declaration (api/operations.h), applied by CallRunner.
//
// An upload message larger than `max_upload_bytes` (SYNC_MAX_UPLOAD_SIZE, the limit HTTP
// applies to upload bodies) is RESOURCE_EXHAUSTED / PAYLOAD_TOO_LARGE and applies nothing.
//
// No gRPC header is included here:
//   SyncGrpcService sync_grpc(sync, CallDeps{&gate, &metrics, nullptr, trusted_proxies},
//                             options.sync_max_upload_size);
//   grpc_server.AddService(sync_grpc.service());
// Thread-safety: calls are answered concurrently; the dependencies and this object must
// outlive the GrpcServer it is registered with.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "api/live_identity.h"
#include "grpc/call_deps.h"

namespace grpc {
class Service;
}
namespace howler::metrics {
class Metrics;
}
namespace howler::sync {
class SyncService;
class LiveNotifier;
}  // namespace howler::sync

namespace howler::grpcsvc {

class SyncGrpcService {
 public:
  static constexpr std::string_view kServiceName = "howlerops.v1.SyncService";

  SyncGrpcService(sync::SyncService& service, CallDeps deps, std::uint64_t max_upload_bytes);
  ~SyncGrpcService();
  SyncGrpcService(const SyncGrpcService&) = delete;
  SyncGrpcService& operator=(const SyncGrpcService&) = delete;

  grpc::Service* service();

  // Serves Watch (UNIMPLEMENTED until called) from `notifier`; `authenticate` reads the
  // token's expiry; `metrics` (may be null) counts connections and messages. Call before the server
  // starts; `notifier` must outlive the server.
  void EnableWatch(sync::LiveNotifier& notifier, api::LiveAuthenticator authenticate,
                   metrics::Metrics* metrics = nullptr);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace howler::grpcsvc
