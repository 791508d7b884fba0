#include "auth/lockout_policy.h"

#include <algorithm>

namespace howler::auth {
namespace {

constexpr std::int64_t kMaxLockMs =
    std::chrono::duration_cast<std::chrono::milliseconds>(LockoutPolicy::kMaxLock).count();
constexpr std::int64_t kLockMemoryMs =
    std::chrono::duration_cast<std::chrono::milliseconds>(LockoutPolicy::kLockMemory).count();

}  // namespace

LockoutPolicy::LockoutPolicy(std::uint32_t max_attempts, std::chrono::milliseconds window)
    : max_attempts_(max_attempts), window_ms_(window.count()) {}

bool LockoutPolicy::IsLocked(const LockoutState& state, std::int64_t now_ms,
                             int* retry_after_seconds) const {
  if (now_ms >= state.locked_until_ms) {
    return false;
  }
  if (retry_after_seconds != nullptr) {
    const std::int64_t seconds = (state.locked_until_ms - now_ms + 999) / 1000;
    *retry_after_seconds =
        static_cast<int>(std::clamp<std::int64_t>(seconds, 1, kMaxLockMs / 1000));
  }
  return true;
}

LockoutState LockoutPolicy::OnFailure(LockoutState state, std::int64_t now_ms,
                                      bool* locked_now) const {
  if (locked_now != nullptr) {
    *locked_now = false;
  }
  if (max_attempts_ == 0 || window_ms_ <= 0 || IsLocked(state, now_ms, nullptr)) {
    return state;
  }
  if (state.lock_count > 0 && now_ms - state.locked_until_ms >= kLockMemoryMs) {
    state.lock_count = 0;
  }
  const bool window_over = state.failures == 0 || now_ms < state.window_started_ms ||
                           now_ms - state.window_started_ms >= window_ms_;
  if (window_over) {
    state.failures = 0;
    state.window_started_ms = now_ms;
  }
  ++state.failures;
  if (state.failures < max_attempts_) {
    return state;
  }
  ++state.lock_count;
  const std::int64_t until = state.lock_count == 1 ? state.window_started_ms + window_ms_
                                                   : now_ms + LockDurationMs(state.lock_count);
  state.locked_until_ms = std::min(until, now_ms + kMaxLockMs);
  state.failures = 0;
  state.window_started_ms = 0;
  if (locked_now != nullptr) {
    *locked_now = true;
  }
  return state;
}

LockoutState LockoutPolicy::OnSuccess(LockoutState state) const {
  state.failures = 0;
  state.window_started_ms = 0;
  return state;
}

// window * 2^(lock_count - 1), capped at kMaxLock without overflowing.
std::int64_t LockoutPolicy::LockDurationMs(std::int64_t lock_count) const {
  std::int64_t duration = std::min(window_ms_, kMaxLockMs);
  for (std::int64_t i = 1; i < lock_count && duration < kMaxLockMs; ++i) {
    duration *= 2;
  }
  return std::min(duration, kMaxLockMs);
}

}  // namespace howler::auth
