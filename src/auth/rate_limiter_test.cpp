#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace howler::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

class RateLimiterTest : public testing::Test {
 protected:
  // Calls Allow `n` times and returns how many were allowed.
  int AllowMany(RateLimiter& limiter, std::string_view key, int n) {
    int allowed = 0;
    for (int i = 0; i < n; ++i) {
      allowed += limiter.Allow(key).allowed ? 1 : 0;
    }
    return allowed;
  }

  ManualClock clock_;
};

TEST_F(RateLimiterTest, AllowsABurstThenDeniesWithRetryAfter) {
  RateLimiter limiter(5, 100, clock_);
  for (int i = 0; i < 5; ++i) {
    const auto decision = limiter.Allow("1.2.3.4");
    EXPECT_TRUE(decision.allowed) << i;
    EXPECT_EQ(decision.retry_after_seconds, 0);
  }
  const auto denied = limiter.Allow("1.2.3.4");
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after_seconds, 12);  // one token per 60 s / 5
}

TEST_F(RateLimiterTest, RefillsContinuously) {
  RateLimiter limiter(5, 100, clock_);
  ASSERT_EQ(AllowMany(limiter, "k", 5), 5);
  clock_.Advance(milliseconds(11999));
  const auto almost = limiter.Allow("k");
  EXPECT_FALSE(almost.allowed);
  EXPECT_EQ(almost.retry_after_seconds, 1);
  clock_.Advance(milliseconds(1));
  EXPECT_TRUE(limiter.Allow("k").allowed);
  EXPECT_FALSE(limiter.Allow("k").allowed);
  clock_.Advance(seconds(36));  // three more tokens
  EXPECT_EQ(AllowMany(limiter, "k", 10), 3);
}

TEST_F(RateLimiterTest, RefillStopsAtTheBurstCapacity) {
  RateLimiter limiter(5, 100, clock_);
  ASSERT_EQ(AllowMany(limiter, "k", 5), 5);
  clock_.Advance(minutes(600));
  EXPECT_EQ(AllowMany(limiter, "k", 20), 5);
}

TEST_F(RateLimiterTest, RetryAfterIsTheCeilingOfTheWaitForTheNextToken) {
  RateLimiter limiter(20, 100, clock_);  // one token per 3 s
  ASSERT_EQ(AllowMany(limiter, "k", 20), 20);
  EXPECT_EQ(limiter.Allow("k").retry_after_seconds, 3);
  clock_.Advance(milliseconds(1500));
  EXPECT_EQ(limiter.Allow("k").retry_after_seconds, 2);
  clock_.Advance(milliseconds(1499));
  EXPECT_EQ(limiter.Allow("k").retry_after_seconds, 1);
  clock_.Advance(milliseconds(1));
  EXPECT_TRUE(limiter.Allow("k").allowed);

  RateLimiter one_per_minute(1, 100, clock_);
  EXPECT_TRUE(one_per_minute.Allow("k").allowed);
  EXPECT_EQ(one_per_minute.Allow("k").retry_after_seconds, 60);
}

TEST_F(RateLimiterTest, DeniedRequestsDoNotConsumeTokens) {
  RateLimiter limiter(60, 100, clock_);  // one token per second
  ASSERT_EQ(AllowMany(limiter, "k", 60), 60);
  EXPECT_EQ(AllowMany(limiter, "k", 100), 0);
  clock_.Advance(seconds(1));
  EXPECT_EQ(AllowMany(limiter, "k", 100), 1);
}

TEST_F(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter(3, 100, clock_);
  ASSERT_EQ(AllowMany(limiter, "a", 10), 3);
  EXPECT_EQ(AllowMany(limiter, "b", 10), 3);
  EXPECT_EQ(AllowMany(limiter, "a", 10), 0);
  EXPECT_EQ(limiter.size(), 2u);
}

TEST_F(RateLimiterTest, ZeroPerMinuteIsUnlimited) {
  RateLimiter limiter(0, 100, clock_);
  EXPECT_EQ(AllowMany(limiter, "k", 10000), 10000);
  EXPECT_EQ(limiter.size(), 0u);
}

TEST_F(RateLimiterTest, MemoryStaysBoundedWithManyKeys) {
  constexpr std::size_t kMaxKeys = 1000;
  RateLimiter limiter(10, kMaxKeys, clock_);
  for (int i = 0; i < 100000; ++i) {
    ASSERT_TRUE(limiter.Allow("10.0." + std::to_string(i)).allowed);
  }
  EXPECT_LE(limiter.size(), kMaxKeys);
  EXPECT_GE(limiter.size(), kMaxKeys / 2);
}

TEST_F(RateLimiterTest, EvictsTheLeastRecentlyUsedKey) {
  RateLimiter single(2, 1, clock_);
  ASSERT_EQ(AllowMany(single, "a", 3), 2);
  EXPECT_TRUE(single.Allow("b").allowed);  // evicts "a"
  EXPECT_EQ(single.size(), 1u);
  EXPECT_EQ(AllowMany(single, "a", 3), 2);  // a fresh bucket

  // A key in constant use survives a flood of other keys.
  RateLimiter limiter(2, 64, clock_);
  ASSERT_EQ(AllowMany(limiter, "hot", 3), 2);
  for (int i = 0; i < 10000; ++i) {
    limiter.Allow("cold-" + std::to_string(i));
    ASSERT_FALSE(limiter.Allow("hot").allowed) << i;
  }
  EXPECT_LE(limiter.size(), 64u);
}

TEST_F(RateLimiterTest, BucketsFullAgainAreDroppedAsNewKeysArrive) {
  RateLimiter limiter(10, 100000, clock_);  // one token per 6 s
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.Allow("old-" + std::to_string(i)).allowed);
  }
  clock_.Advance(milliseconds(5999));  // each "old" bucket is a fraction of a token short
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.Allow("mid-" + std::to_string(i)).allowed);
  }
  EXPECT_EQ(limiter.size(), 2000u);
  clock_.Advance(milliseconds(1));  // now the "old" buckets are exactly full
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.Allow("new-" + std::to_string(i)).allowed);
  }
  EXPECT_EQ(limiter.size(), 2000u) << "the full \"old\" buckets are gone";
  clock_.Advance(minutes(1));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(limiter.Allow("last-" + std::to_string(i)).allowed);
  }
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.Allow("more-" + std::to_string(i)).allowed);
  }
  EXPECT_EQ(limiter.size(), 1010u);
}

TEST_F(RateLimiterTest, DroppingFullBucketsForgivesNobodyEarly) {
  RateLimiter limiter(5, 100000, clock_);  // one token per 12 s
  ASSERT_EQ(AllowMany(limiter, "drained", 5), 5);
  ASSERT_EQ(AllowMany(limiter, "one-used", 1), 1);
  clock_.Advance(milliseconds(11999));
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.Allow("other-" + std::to_string(i)).allowed);
  }
  EXPECT_EQ(limiter.size(), 1002u);
  EXPECT_EQ(AllowMany(limiter, "one-used", 10), 4) << "a fraction of a token short: kept";
  clock_.Advance(seconds(48));  // 59.999 s since "drained" last took a token
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.Allow("another-" + std::to_string(i)).allowed);
  }
  EXPECT_EQ(AllowMany(limiter, "drained", 10), 4);
}

TEST_F(RateLimiterTest, ABackwardsClockAddsNoTokens) {
  RateLimiter limiter(60, 100, clock_);
  ASSERT_EQ(AllowMany(limiter, "k", 60), 60);
  clock_.Advance(-minutes(60));
  EXPECT_EQ(AllowMany(limiter, "k", 5), 0);
  clock_.Advance(seconds(2));
  EXPECT_EQ(AllowMany(limiter, "k", 5), 2);
}

TEST_F(RateLimiterTest, HugeRatesDoNotOverflow) {
  RateLimiter limiter(4'000'000'000u, 100, clock_);
  EXPECT_EQ(AllowMany(limiter, "k", 1000), 1000);
  clock_.Advance(minutes(60 * 24 * 365));
  EXPECT_TRUE(limiter.Allow("k").allowed);
}

TEST_F(RateLimiterTest, ConcurrentCallersShareOneBucket) {
  RateLimiter limiter(100, 100, clock_);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (limiter.Allow("shared").allowed) {
          allowed.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(allowed.load(), 100);
}

}  // namespace
}  // namespace howler::auth
