// HealthService: the standard grpc.health.v1.Health service
// (https://github.com/grpc/grpc/blob/master/doc/health-checking.md) answered from a probe.
//
// Internal to src/grpc (it pulls in gRPC headers); the rest of the server uses GrpcServer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/health_probe.h"

namespace howler::grpcsvc {

// Check: a known service name answers SERVING when the probe is OK, NOT_SERVING otherwise;
// an unknown name fails with NOT_FOUND. "" (the whole server) is always known.
// Watch: sends the current status at once, then each change (re-probing every
// `watch_interval`), until the client cancels or BeginShutdown(); an unknown name is
// reported as SERVICE_UNKNOWN. After BeginShutdown() every known name is NOT_SERVING.
// Thread-safe, except AddServiceName, which must happen before serving starts.
class HealthService final : public grpc::health::v1::Health::Service {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  HealthService(HealthProbe probe, std::chrono::milliseconds cache_ttl,
                std::chrono::milliseconds watch_interval);

  void AddServiceName(std::string name);
  // NOT_SERVING from now on; open Watch streams send it and end with UNAVAILABLE.
  void BeginShutdown();

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override;

 private:
  bool Known(const std::string& name) const;
  bool ShuttingDown();
  ServingStatus ProbedStatus();
  // Returns at `until`, at shutdown, or soon after the client cancels.
  void WaitUntil(grpc::ServerContext* context, std::chrono::steady_clock::time_point until);

  CachedHealthProbe probe_;
  const std::chrono::milliseconds watch_interval_;
  std::set<std::string> names_{""};

  std::mutex mu_;
  std::condition_variable shutdown_cv_;
  bool shutting_down_ = false;
};

}  // namespace howler::grpcsvc
