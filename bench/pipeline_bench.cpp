// The cost of the transport-free part of a request: middleware, routing and response
// decoration, for /health-sized responses. Compare against BM_Baseline (building the
// same response by hand) in the same run.
#include <benchmark/benchmark.h>

#include <future>

#include "common/worker_pool.h"
#include "http/pipeline.h"
#include "http/responses.h"

namespace howler::http {
namespace {

Response Small(const Request&) {
  return JsonResponse(200, "{\"status\":\"ready\"}");
}

void BM_Baseline(benchmark::State& state) {
  for (auto _ : state) {
    Request r;
    r.method = "GET";
    r.path = "/ready";
    Response res = Small(r);
    benchmark::DoNotOptimize(res);
  }
}
BENCHMARK(BM_Baseline);

void BM_PipelineInline(benchmark::State& state) {
  Router router;
  router.AddInline("GET", "/ready", Small);
  WorkerPool workers("bench", 1, 16);
  PipelineOptions options;
  options.access_log = false;
  Pipeline pipeline(options, router, workers, nullptr);
  for (auto _ : state) {
    Request r;
    r.method = "GET";
    r.path = "/ready";
    r.peer_ip = "127.0.0.1";
    r.headers.Set("X-Request-Id", "bench-1");
    Response out;
    pipeline.Handle(std::move(r), [&](Response res) { out = std::move(res); });
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_PipelineInline);

}  // namespace
}  // namespace howler::http

BENCHMARK_MAIN();
