// LockoutPolicy: the pure decision logic of per-account login lockout (API.md "Lockout":
// MAX_LOGIN_ATTEMPTS failures within LOCKOUT_DURATION lock the account for the rest of
// that window, growing on repeat, never permanent). The caller persists LockoutState.
//
// Rules (times in Unix milliseconds):
// - A failure more than `window` after the window's first failure (or the first failure
//   ever) starts a new window.
// - The max_attempts-th failure of a window locks the account. The first lock lasts until
//   the window ends; a repeat lock lasts window * 2^(lock_count - 1) from the failure that
//   caused it. No lock lasts more than 24 h.
// - lock_count is forgotten once 24 h have passed since the last lock ended, so repeat
//   growth applies only to locks less than a day apart.
// - A success clears the failure window but keeps lock_count: an attacker's attempts
//   interleaved with the owner's logins still grow the lock. Failures while locked are
//   not counted (the caller should not even check the password then).
// - max_attempts == 0 or a non-positive window disables locking.
// Thread-safety: immutable; safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace howler::auth {

struct LockoutState {
  std::int64_t failures = 0;           // failures in the current window
  std::int64_t window_started_ms = 0;  // first failure of the current window
  std::int64_t locked_until_ms = 0;    // end of the last lock (0: never locked)
  std::int64_t lock_count = 0;         // locks less than 24 h apart, this one included
};

class LockoutPolicy {
 public:
  static constexpr std::chrono::hours kMaxLock{24};
  static constexpr std::chrono::hours kLockMemory{24};

  LockoutPolicy(std::uint32_t max_attempts, std::chrono::milliseconds window);

  // True while `state` is locked at `now_ms`; then sets *retry_after_seconds (if not null)
  // to the seconds left, rounded up (>= 1).
  bool IsLocked(const LockoutState& state, std::int64_t now_ms, int* retry_after_seconds) const;

  // The state after a failed login at `now_ms`; *locked_now (if not null) tells whether this
  // failure locked the account.
  LockoutState OnFailure(LockoutState state, std::int64_t now_ms, bool* locked_now) const;

  // The state after a successful login.
  LockoutState OnSuccess(LockoutState state) const;

 private:
  std::int64_t LockDurationMs(std::int64_t lock_count) const;

  std::uint32_t max_attempts_;
  std::int64_t window_ms_;
};

}  // namespace howler::auth
