#include "grpc/health_service.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace howler::grpcsvc {

namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// The sync API has no cancellation callback: a waiting Watch looks this often.
constexpr std::chrono::milliseconds kCancelCheckInterval{100};

}  // namespace

HealthService::HealthService(HealthProbe probe, std::chrono::milliseconds cache_ttl,
                             std::chrono::milliseconds watch_interval)
    : probe_(std::move(probe), cache_ttl), watch_interval_(watch_interval) {}

void HealthService::AddServiceName(std::string name) {
  names_.insert(std::move(name));
}

void HealthService::BeginShutdown() {
  {
    std::lock_guard lock(mu_);
    shutting_down_ = true;
  }
  shutdown_cv_.notify_all();
}

bool HealthService::Known(const std::string& name) const {
  return names_.count(name) > 0;
}

bool HealthService::ShuttingDown() {
  std::lock_guard lock(mu_);
  return shutting_down_;
}

HealthService::ServingStatus HealthService::ProbedStatus() {
  return probe_.Get().ok() ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
}

grpc::Status HealthService::Check(grpc::ServerContext* /*context*/,
                                  const HealthCheckRequest* request,
                                  HealthCheckResponse* response) {
  if (!Known(request->service())) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
  }
  response->set_status(ShuttingDown() ? HealthCheckResponse::NOT_SERVING : ProbedStatus());
  return grpc::Status::OK;
}

grpc::Status HealthService::Watch(grpc::ServerContext* context, const HealthCheckRequest* request,
                                  grpc::ServerWriter<HealthCheckResponse>* writer) {
  const bool known = Known(request->service());
  std::optional<ServingStatus> sent;
  while (true) {
    // Read once per round, so that the round which sees shutdown also sends NOT_SERVING.
    const bool stopping = ShuttingDown();
    ServingStatus status = HealthCheckResponse::SERVICE_UNKNOWN;
    if (known) {
      status = stopping ? HealthCheckResponse::NOT_SERVING : ProbedStatus();
    }
    if (status != sent) {
      HealthCheckResponse response;
      response.set_status(status);
      if (!writer->Write(response)) {
        return grpc::Status(grpc::StatusCode::CANCELLED, "stream closed");
      }
      sent = status;
    }
    if (stopping) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server is shutting down");
    }
    WaitUntil(context, std::chrono::steady_clock::now() + watch_interval_);
    if (context->IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client");
    }
  }
}

void HealthService::WaitUntil(grpc::ServerContext* context,
                              std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mu_);
  while (!shutting_down_ && !context->IsCancelled()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) {
      return;
    }
    shutdown_cv_.wait_until(lock, std::min(until, now + kCancelCheckInterval));
  }
}

}  // namespace howler::grpcsvc
