#include "grpc/health_probe.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace howler::grpcsvc {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

TEST(CachedHealthProbeTest, ReusesResultWithinTtl) {
  std::atomic<int> runs{0};
  std::atomic<bool> healthy{true};
  CachedHealthProbe probe(
      [&] {
        ++runs;
        return healthy ? Status::Ok() : UnavailableError("database down");
      },
      hours(1));

  EXPECT_TRUE(probe.Get().ok());
  healthy = false;
  EXPECT_TRUE(probe.Get().ok());  // still the cached result
  EXPECT_EQ(runs, 1);
}

TEST(CachedHealthProbeTest, ZeroTtlProbesEveryTime) {
  std::atomic<int> runs{0};
  std::atomic<bool> healthy{true};
  CachedHealthProbe probe(
      [&] {
        ++runs;
        return healthy ? Status::Ok() : UnavailableError("database down");
      },
      milliseconds(0));

  EXPECT_TRUE(probe.Get().ok());
  healthy = false;
  Status failed = probe.Get();
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable);
  EXPECT_EQ(failed.message(), "database down");
  healthy = true;
  EXPECT_TRUE(probe.Get().ok());
  EXPECT_EQ(runs, 3);
}

TEST(CachedHealthProbeTest, BurstOfCallersRunsProbeOnce) {
  std::atomic<int> runs{0};
  CachedHealthProbe probe(
      [&] {
        ++runs;
        return Status::Ok();
      },
      hours(1));

  std::vector<std::thread> threads;
  threads.reserve(8);
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (probe.Get().ok()) {
        ++ok;
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(runs, 1);
}

TEST(CachedHealthProbeTest, ThrowingProbeCountsAsFailed) {
  CachedHealthProbe probe([]() -> Status { throw std::runtime_error("boom"); }, milliseconds(0));
  Status status = probe.Get();
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_NE(status.message().find("boom"), std::string::npos);
}

TEST(CachedHealthProbeTest, MissingProbeCountsAsFailed) {
  CachedHealthProbe probe(nullptr, milliseconds(0));
  EXPECT_EQ(probe.Get().code(), StatusCode::kInternal);
}

TEST(CachedHealthProbeTest, FailedResultIsCachedToo) {
  std::atomic<int> runs{0};
  CachedHealthProbe probe(
      [&] {
        ++runs;
        return UnavailableError("database down");
      },
      hours(1));
  EXPECT_FALSE(probe.Get().ok());
  EXPECT_FALSE(probe.Get().ok());
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace howler::grpcsvc
