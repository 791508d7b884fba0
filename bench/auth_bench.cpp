// The cost of authenticating a sync request through api::Gate: an access token against the
// desktop client's license key, both on the cached path (every request after the first
// within SESSION_CACHE_TTL), and the license key when the caches must read the session
// from the embedded store (the first request, or once per TTL). Compare in the same run.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <limits>

#include "api/gate.h"
#include "api/operations.h"
#include "api/testing/service_harness.h"

namespace howler::api {
namespace {

testing::HarnessOptions Unthrottled() {
  testing::HarnessOptions o;
  o.sync_per_minute = std::numeric_limits<std::uint32_t>::max();
  return o;
}

void Authorize(benchmark::State& state, testing::ServiceHarness& harness,
               const std::string& authorization) {
  const Gate& gate = harness.gate();
  for (auto _ : state) {
    auto who = gate.Authorize(ops::kDownload, authorization);
    if (!who.ok()) state.SkipWithError(who.status().ToString().c_str());
    benchmark::DoNotOptimize(who);
  }
}

void BM_AccessTokenCached(benchmark::State& state) {
  testing::ServiceHarness harness(Unthrottled());
  const testing::Account a = harness.SignUp("bench");
  Authorize(state, harness, a.Bearer());
}
BENCHMARK(BM_AccessTokenCached);

void BM_LicenseKeyCached(benchmark::State& state) {
  testing::ServiceHarness harness(Unthrottled());
  const testing::Account a = harness.SignUp("bench");
  Authorize(state, harness, a.LicenseBearer());
}
BENCHMARK(BM_LicenseKeyCached);

// Each iteration moves the clock past SESSION_CACHE_TTL (10 s in the harness), so every
// lookup reads the session by its key hash; 20000 iterations stay within the session's
// lifetime.
void BM_LicenseKeyStoreRead(benchmark::State& state) {
  testing::ServiceHarness harness(Unthrottled());
  const testing::Account a = harness.SignUp("bench");
  const Gate& gate = harness.gate();
  const std::string authorization = a.LicenseBearer();
  for (auto _ : state) {
    harness.clock().Advance(std::chrono::seconds(11));
    auto who = gate.Authorize(ops::kDownload, authorization);
    if (!who.ok()) state.SkipWithError(who.status().ToString().c_str());
    benchmark::DoNotOptimize(who);
  }
}
BENCHMARK(BM_LicenseKeyStoreRead)->Iterations(20000);

}  // namespace
}  // namespace howler::api

BENCHMARK_MAIN();
