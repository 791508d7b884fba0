// Clock: the source of "now" for everything that stamps or expires data. Production code
// takes a Clock& so tests can substitute a ManualClock.
// Thread-safety: all implementations here are safe to call from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace howler {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock();
  virtual TimePoint Now() const = 0;
  // Now() as milliseconds since the Unix epoch (floored).
  std::int64_t NowMillis() const;
};

// The real wall clock (std::chrono::system_clock).
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
};

// A clock that moves only when told to; for tests.
class ManualClock final : public Clock {
 public:
  // 2026-01-01T00:00:00Z.
  static TimePoint DefaultStart();

  explicit ManualClock(TimePoint start = DefaultStart());

  TimePoint Now() const override;
  void Set(TimePoint t);
  void Advance(std::chrono::milliseconds d);

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

}  // namespace howler
