#include "common/clock.h"

namespace howler {

Clock::~Clock() = default;

std::int64_t Clock::NowMillis() const {
  return std::chrono::floor<std::chrono::milliseconds>(Now().time_since_epoch()).count();
}

TimePoint SystemClock::Now() const {
  return std::chrono::system_clock::now();
}

TimePoint ManualClock::DefaultStart() {
  return TimePoint(std::chrono::seconds(1767225600));  // 2026-01-01T00:00:00Z
}

ManualClock::ManualClock(TimePoint start) : now_(start) {}

TimePoint ManualClock::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

void ManualClock::Set(TimePoint t) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = t;
}

void ManualClock::Advance(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += d;
}

}  // namespace howler
