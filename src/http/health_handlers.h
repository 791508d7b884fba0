// The operational endpoints of the foundation: GET /health and GET /ready on the API
// listener, GET /metrics on the metrics listener (API.md "Health and metrics").
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "http/router.h"

namespace howler::metrics {
class Metrics;
}

namespace howler::http {

enum class Readiness : int { kStarting = 0, kReady = 1, kDraining = 2 };

struct HealthContext {
  // A real database round trip; called from a worker thread.
  std::function<Status()> database_ping;
  std::string version;
  std::chrono::steady_clock::time_point started_at;
  // Owned by app; read on I/O threads.
  const std::atomic<Readiness>* readiness = nullptr;
  // More entries of /health's "checks": a name and a function returning its JSON object
  // text (cheap, called on the worker per request; informational: they do not change the
  // status).
  std::vector<std::pair<std::string, std::function<std::string()>>> details;
};

// /health (a read route: it pings the database) and /ready (I/O thread).
void AddHealthRoutes(Router& router, HealthContext context);

// /metrics: Prometheus text of `metrics`, which must outlive the router.
void AddMetricsRoutes(Router& router, metrics::Metrics& metrics);

}  // namespace howler::http
