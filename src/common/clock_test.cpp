#include "common/clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace howler {
namespace {

using std::chrono::milliseconds;

TEST(ClockTest, ManualClockStartsAt2026) {
  ManualClock clock;
  EXPECT_EQ(clock.NowMillis(), 1767225600000);
  EXPECT_EQ(clock.Now(), ManualClock::DefaultStart());
}

TEST(ClockTest, ManualClockSetAndAdvance) {
  ManualClock clock(TimePoint(milliseconds(1000)));
  EXPECT_EQ(clock.NowMillis(), 1000);
  clock.Advance(milliseconds(250));
  EXPECT_EQ(clock.NowMillis(), 1250);
  clock.Set(TimePoint(milliseconds(5)));
  EXPECT_EQ(clock.NowMillis(), 5);
  clock.Advance(milliseconds(-10));
  EXPECT_EQ(clock.NowMillis(), -5);
}

TEST(ClockTest, NowMillisFloorsBeforeTheEpoch) {
  ManualClock clock(TimePoint(std::chrono::microseconds(-1500)));
  EXPECT_EQ(clock.NowMillis(), -2);
}

TEST(ClockTest, ManualClockIsSafeToShare) {
  ManualClock clock(TimePoint{});
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) {
        clock.Advance(milliseconds(1));
        (void)clock.Now();
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(clock.NowMillis(), 4000);
}

TEST(ClockTest, SystemClockIsAfter2024) {
  SystemClock clock;
  const Clock& base = clock;
  EXPECT_GT(base.NowMillis(), 1704067200000);  // 2024-01-01
}

}  // namespace
}  // namespace howler
