// HealthProbe and CachedHealthProbe: how the gRPC health service learns whether the
// server can do its work (in practice: whether the database answers).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

#include "common/status.h"

namespace howler::grpcsvc {

// OK means SERVING. Called from gRPC threads: must be thread-safe.
using HealthProbe = std::function<howler::Status()>;

// Runs a probe at most once per `ttl` and shares the result with every caller, so a burst
// of health checks costs one database round trip. Callers arriving while the probe runs
// wait for its result instead of probing again. A probe that throws counts as failed.
// Thread-safe.
class CachedHealthProbe {
 public:
  // ttl == 0 runs the probe on every call.
  CachedHealthProbe(HealthProbe probe, std::chrono::milliseconds ttl);

  CachedHealthProbe(const CachedHealthProbe&) = delete;
  CachedHealthProbe& operator=(const CachedHealthProbe&) = delete;

  // The probe's latest result, no older than the ttl.
  howler::Status Get();

 private:
  using Clock = std::chrono::steady_clock;

  bool FreshLocked(Clock::time_point now) const;
  // Logs when the probe starts failing or recovers (not on every failed run).
  void LogTransitionLocked(const howler::Status& result) const;

  const HealthProbe probe_;
  const std::chrono::milliseconds ttl_;

  std::mutex run_mu_;  // held while the probe runs: one probe at a time
  std::mutex mu_;      // guards the cached result below
  bool has_result_ = false;
  howler::Status result_;
  Clock::time_point probed_at_;
};

}  // namespace howler::grpcsvc
