#include "http/health_handlers.h"

#include <cstdio>

#include "common/json_text.h"
#include "http/responses.h"
#include "metrics/metrics.h"

namespace howler::http {
namespace {

Response Health(const HealthContext& ctx) {
  const auto start = std::chrono::steady_clock::now();
  const Status db = ctx.database_ping ? ctx.database_ping() : UnavailableError("no database");
  const double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now() - ctx.started_at)
                          .count();
  char latency[32];
  std::snprintf(latency, sizeof(latency), "%.3f", latency_ms);

  std::string body = db.ok() ? "{\"status\":\"healthy\"" : "{\"status\":\"unhealthy\"";
  body += ",\"service\":\"backend\",\"version\":" + JsonString(ctx.version);
  body += ",\"uptime_seconds\":" + std::to_string(uptime);
  body += ",\"checks\":{\"database\":{\"status\":";
  body += db.ok() ? "\"ok\"" : "\"error\"";
  body += std::string(",\"latency_ms\":") + latency;
  if (!db.ok()) body += ",\"error\":" + JsonString("database unavailable");
  body += "}";
  for (const auto& [name, detail] : ctx.details) body += "," + JsonString(name) + ":" + detail();
  body += "}}";

  Response r = JsonResponse(db.ok() ? 200 : 503, std::move(body));
  if (!db.ok()) {
    r.headers.Set("Retry-After", "5");
    r.log_detail = "health check failed: " + db.ToString();
  }
  return r;
}

Response Ready(const HealthContext& ctx) {
  const Readiness state = ctx.readiness ? ctx.readiness->load() : Readiness::kStarting;
  if (state == Readiness::kReady) return JsonResponse(200, "{\"status\":\"ready\"}");
  Response r = JsonResponse(503, state == Readiness::kDraining ? "{\"status\":\"draining\"}"
                                                               : "{\"status\":\"starting\"}");
  r.headers.Set("Retry-After", "1");
  return r;
}

}  // namespace

void AddHealthRoutes(Router& router, HealthContext context) {
  auto ctx = std::make_shared<const HealthContext>(std::move(context));
  router.AddRead("GET", "/health", [ctx](const Request&) { return Health(*ctx); });
  router.AddInline("GET", "/ready", [ctx](const Request&) { return Ready(*ctx); });
}

void AddMetricsRoutes(Router& router, metrics::Metrics& metrics) {
  router.AddInline("GET", "/metrics", [&metrics](const Request&) {
    Response r;
    r.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = metrics.Serialize();
    return r;
  });
}

}  // namespace howler::http
