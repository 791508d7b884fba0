#include "auth/lockout_policy.h"

#include <gtest/gtest.h>

namespace howler::auth {
namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

class LockoutPolicyTest : public testing::Test {
 protected:
  // Applies a failure at `now_ms` and returns whether it locked the account.
  bool Fail(std::int64_t now_ms) {
    bool locked_now = false;
    state_ = policy_.OnFailure(state_, now_ms, &locked_now);
    return locked_now;
  }

  // Fails `n` times, one minute apart from `start`; returns whether the last one locked.
  bool FailTimes(int n, std::int64_t start) {
    bool locked = false;
    for (int i = 0; i < n; ++i) {
      locked = Fail(start + i * kMinute);
    }
    return locked;
  }

  LockoutPolicy policy_{5, std::chrono::minutes(15)};
  LockoutState state_;
};

TEST_F(LockoutPolicyTest, FifthFailureInTheWindowLocksForTheRestOfIt) {
  EXPECT_FALSE(FailTimes(4, kT0));
  EXPECT_EQ(state_.failures, 4);
  EXPECT_FALSE(policy_.IsLocked(state_, kT0 + 4 * kMinute, nullptr));
  EXPECT_TRUE(Fail(kT0 + 4 * kMinute));
  EXPECT_EQ(state_.locked_until_ms, kT0 + 15 * kMinute);
  EXPECT_EQ(state_.lock_count, 1);
  EXPECT_EQ(state_.failures, 0);
  int retry_after = 0;
  EXPECT_TRUE(policy_.IsLocked(state_, kT0 + 4 * kMinute, &retry_after));
  EXPECT_EQ(retry_after, 11 * 60);
}

TEST_F(LockoutPolicyTest, LockEndsExactlyAtLockedUntil) {
  ASSERT_TRUE(FailTimes(5, kT0));
  int retry_after = 0;
  EXPECT_TRUE(policy_.IsLocked(state_, kT0 + 15 * kMinute - 1, &retry_after));
  EXPECT_EQ(retry_after, 1);
  EXPECT_TRUE(policy_.IsLocked(state_, kT0 + 15 * kMinute - 1500, &retry_after));
  EXPECT_EQ(retry_after, 2);
  EXPECT_FALSE(policy_.IsLocked(state_, kT0 + 15 * kMinute, &retry_after));
}

TEST_F(LockoutPolicyTest, AFailureAfterTheWindowStartsANewOne) {
  ASSERT_FALSE(FailTimes(4, kT0));
  EXPECT_FALSE(Fail(kT0 + 15 * kMinute));  // the window began at kT0
  EXPECT_EQ(state_.failures, 1);
  EXPECT_EQ(state_.window_started_ms, kT0 + 15 * kMinute);
  EXPECT_FALSE(FailTimes(3, kT0 + 16 * kMinute));
  EXPECT_TRUE(Fail(kT0 + 29 * kMinute));
  EXPECT_EQ(state_.locked_until_ms, kT0 + 30 * kMinute);
}

TEST_F(LockoutPolicyTest, TheLastMillisecondOfTheWindowStillCounts) {
  ASSERT_FALSE(FailTimes(4, kT0));
  EXPECT_TRUE(Fail(kT0 + 15 * kMinute - 1));
  EXPECT_EQ(state_.locked_until_ms, kT0 + 15 * kMinute);
  int retry_after = 0;
  EXPECT_TRUE(policy_.IsLocked(state_, kT0 + 15 * kMinute - 1, &retry_after));
  EXPECT_EQ(retry_after, 1);
}

TEST_F(LockoutPolicyTest, FailuresWhileLockedAreNotCounted) {
  ASSERT_TRUE(FailTimes(5, kT0));
  const LockoutState locked = state_;
  EXPECT_FALSE(Fail(kT0 + 10 * kMinute));
  EXPECT_EQ(state_.failures, locked.failures);
  EXPECT_EQ(state_.locked_until_ms, locked.locked_until_ms);
  EXPECT_EQ(state_.lock_count, locked.lock_count);
}

TEST_F(LockoutPolicyTest, RepeatLocksDoubleAndAreCappedAtADay) {
  ASSERT_TRUE(FailTimes(5, kT0));  // first: until kT0 + 15 min
  std::int64_t now = state_.locked_until_ms;
  const std::int64_t expected_minutes[] = {30, 60, 120, 240, 480, 960, 1440, 1440};
  for (std::int64_t minutes : expected_minutes) {
    ASSERT_FALSE(FailTimes(4, now));
    const std::int64_t locking_failure = now + 4 * kMinute;
    ASSERT_TRUE(Fail(locking_failure));
    EXPECT_EQ(state_.locked_until_ms - locking_failure, minutes * kMinute)
        << "lock " << state_.lock_count;
    now = state_.locked_until_ms;
  }
  EXPECT_EQ(state_.lock_count, 9);
}

TEST_F(LockoutPolicyTest, LockCountIsForgottenAfterADayWithoutALock) {
  ASSERT_TRUE(FailTimes(5, kT0));
  const std::int64_t first_end = state_.locked_until_ms;

  LockoutState saved = state_;
  ASSERT_TRUE(FailTimes(5, first_end + 24 * kHour - 10 * kMinute));
  EXPECT_EQ(state_.lock_count, 2);  // within a day of the last lock: doubled
  EXPECT_EQ(state_.locked_until_ms, first_end + 24 * kHour - 6 * kMinute + 30 * kMinute);

  state_ = saved;
  ASSERT_TRUE(FailTimes(5, first_end + 24 * kHour));
  EXPECT_EQ(state_.lock_count, 1);  // a fresh first lock: the rest of the window
  EXPECT_EQ(state_.locked_until_ms, first_end + 24 * kHour + 15 * kMinute);
}

TEST_F(LockoutPolicyTest, SuccessClearsFailuresButKeepsTheLockCount) {
  ASSERT_FALSE(FailTimes(4, kT0));
  state_ = policy_.OnSuccess(state_);
  EXPECT_EQ(state_.failures, 0);
  EXPECT_EQ(state_.window_started_ms, 0);
  EXPECT_FALSE(FailTimes(4, kT0 + 5 * kMinute));

  ASSERT_TRUE(Fail(kT0 + 9 * kMinute));
  const std::int64_t end = state_.locked_until_ms;
  state_ = policy_.OnSuccess(state_);
  EXPECT_EQ(state_.lock_count, 1);
  EXPECT_EQ(state_.locked_until_ms, end);
  ASSERT_TRUE(FailTimes(5, end + kHour));
  EXPECT_EQ(state_.lock_count, 2);
  EXPECT_EQ(state_.locked_until_ms, end + kHour + 4 * kMinute + 30 * kMinute);
}

TEST_F(LockoutPolicyTest, OneAttemptLocksOnTheFirstFailure) {
  LockoutPolicy strict(1, std::chrono::minutes(15));
  bool locked_now = false;
  state_ = strict.OnFailure(state_, kT0, &locked_now);
  EXPECT_TRUE(locked_now);
  EXPECT_EQ(state_.locked_until_ms, kT0 + 15 * kMinute);
}

TEST_F(LockoutPolicyTest, ZeroAttemptsDisablesLocking) {
  LockoutPolicy disabled(0, std::chrono::minutes(15));
  for (int i = 0; i < 100; ++i) {
    bool locked_now = true;
    state_ = disabled.OnFailure(state_, kT0 + i, &locked_now);
    EXPECT_FALSE(locked_now);
  }
  EXPECT_FALSE(disabled.IsLocked(state_, kT0 + 100, nullptr));
}

TEST_F(LockoutPolicyTest, NoLockExceedsADay) {
  LockoutPolicy long_window(2, std::chrono::hours(48));
  bool locked_now = false;
  state_ = long_window.OnFailure(state_, kT0, &locked_now);
  state_ = long_window.OnFailure(state_, kT0 + kMinute, &locked_now);
  ASSERT_TRUE(locked_now);
  EXPECT_EQ(state_.locked_until_ms, kT0 + kMinute + 24 * kHour);
  int retry_after = 0;
  EXPECT_TRUE(long_window.IsLocked(state_, kT0 + kMinute, &retry_after));
  EXPECT_EQ(retry_after, 24 * 3600);
}

TEST_F(LockoutPolicyTest, AClockGoingBackwardsStartsANewWindow) {
  ASSERT_FALSE(FailTimes(4, kT0));
  EXPECT_FALSE(Fail(kT0 - kHour));
  EXPECT_EQ(state_.failures, 1);
  EXPECT_EQ(state_.window_started_ms, kT0 - kHour);
}

TEST_F(LockoutPolicyTest, NullOutParametersAreAllowed) {
  for (int i = 0; i < 5; ++i) {
    state_ = policy_.OnFailure(state_, kT0 + i, nullptr);
  }
  EXPECT_TRUE(policy_.IsLocked(state_, kT0 + 5, nullptr));
}

}  // namespace
}  // namespace howler::auth
