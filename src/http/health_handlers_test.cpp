#include "http/health_handlers.h"

#include <gtest/gtest.h>

#include <future>

#include "common/worker_pool.h"
#include "http/pipeline.h"
#include "metrics/metrics.h"

namespace howler::http {
namespace {

Response Call(const Router& router, const std::string& path) {
  WorkerPool workers("t", 1, 4);
  Pipeline p({}, router, workers, nullptr);
  Request r;
  r.method = "GET";
  r.path = path;
  r.peer_ip = "127.0.0.1";
  std::promise<Response> done;
  p.Handle(std::move(r), [&](Response res) { done.set_value(std::move(res)); });
  return done.get_future().get();
}

TEST(HealthHandlersTest, HealthyWhenThePingSucceeds) {
  std::atomic<Readiness> ready{Readiness::kReady};
  Router router;
  int pings = 0;
  AddHealthRoutes(router, {[&] {
                             ++pings;
                             return Status::Ok();
                           },
                           "1.2.3", std::chrono::steady_clock::now(), &ready});
  Response r = Call(router, "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(pings, 1);
  EXPECT_NE(r.body.find("\"status\":\"healthy\""), std::string::npos);
  EXPECT_NE(r.body.find("\"version\":\"1.2.3\""), std::string::npos);
  EXPECT_NE(r.body.find("\"database\":{\"status\":\"ok\",\"latency_ms\":"), std::string::npos);
}

TEST(HealthHandlersTest, UnhealthyWith503WhenTheDatabaseFails) {
  std::atomic<Readiness> ready{Readiness::kReady};
  Router router;
  AddHealthRoutes(
      router, {[] { return UnavailableError("sqlite: disk I/O error at /secret/path"); }, "1.2.3",
               std::chrono::steady_clock::now(), &ready});
  Response r = Call(router, "/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("\"status\":\"unhealthy\""), std::string::npos);
  EXPECT_NE(r.body.find("\"database\":{\"status\":\"error\""), std::string::npos);
  EXPECT_EQ(r.body.find("/secret/path"), std::string::npos) << "details stay in the log";
  EXPECT_TRUE(r.headers.Has("Retry-After"));
}

TEST(HealthHandlersTest, ReadyFollowsTheLifecycle) {
  std::atomic<Readiness> state{Readiness::kStarting};
  Router router;
  AddHealthRoutes(router,
                  {[] { return Status::Ok(); }, "v", std::chrono::steady_clock::now(), &state});
  EXPECT_EQ(Call(router, "/ready").status, 503);
  state = Readiness::kReady;
  EXPECT_EQ(Call(router, "/ready").status, 200);
  state = Readiness::kDraining;
  Response draining = Call(router, "/ready");
  EXPECT_EQ(draining.status, 503);
  EXPECT_NE(draining.body.find("draining"), std::string::npos);
}

TEST(HealthHandlersTest, MetricsRouteServesPrometheusText) {
  metrics::Metrics m;
  Router router;
  AddMetricsRoutes(router, m);
  Response r = Call(router, "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("process_open_fds"), std::string::npos);
}

}  // namespace
}  // namespace howler::http
