#include "grpc/health_probe.h"

#include <exception>
#include <string>
#include <utility>

#include "common/log.h"

namespace howler::grpcsvc {

CachedHealthProbe::CachedHealthProbe(HealthProbe probe, std::chrono::milliseconds ttl)
    : probe_(std::move(probe)), ttl_(ttl) {}

bool CachedHealthProbe::FreshLocked(Clock::time_point now) const {
  return has_result_ && ttl_.count() > 0 && now - probed_at_ < ttl_;
}

void CachedHealthProbe::LogTransitionLocked(const howler::Status& result) const {
  const bool was_ok = !has_result_ || result_.ok();
  if (was_ok && !result.ok()) {
    log::Write(log::Level::kWarn, "health probe failed", {{"error", result.ToString()}});
  } else if (!was_ok && result.ok()) {
    log::Write(log::Level::kInfo, "health probe recovered");
  }
}

howler::Status CachedHealthProbe::Get() {
  {
    std::lock_guard lock(mu_);
    if (FreshLocked(Clock::now())) {
      return result_;
    }
  }
  std::lock_guard run_lock(run_mu_);
  {
    // Another caller may have probed while this one waited for run_mu_.
    std::lock_guard lock(mu_);
    if (FreshLocked(Clock::now())) {
      return result_;
    }
  }
  howler::Status result;
  try {
    result = probe_ ? probe_() : howler::InternalError("no health probe configured");
  } catch (const std::exception& e) {
    result = howler::InternalError(std::string("health probe threw: ") + e.what());
  } catch (...) {
    result = howler::InternalError("health probe threw");
  }
  std::lock_guard lock(mu_);
  LogTransitionLocked(result);
  has_result_ = true;
  result_ = result;
  probed_at_ = Clock::now();
  return result;
}

}  // namespace howler::grpcsvc
