#include "common/timer_queue.h"

#include <gtest/gtest.h>

#include <future>
#include <vector>

namespace howler {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

TEST(TimerQueueTest, RunsTasksInOrderOfTheirDueTime) {
  TimerQueue timers("test", 100);
  std::mutex mu;
  std::vector<int> order;
  std::promise<void> done;
  auto record = [&](int n) {
    return [&, n] {
      std::lock_guard lock(mu);
      order.push_back(n);
      if (order.size() == 4) done.set_value();
    };
  };
  ASSERT_TRUE(timers.Schedule(milliseconds(30), record(3)));
  ASSERT_TRUE(timers.Schedule(milliseconds(10), record(1)));
  ASSERT_TRUE(timers.Schedule(milliseconds(20), record(2)));
  ASSERT_TRUE(timers.Schedule(milliseconds(30), record(4)));  // a tie keeps schedule order
  done.get_future().wait();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(timers.pending(), 0u);
}

TEST(TimerQueueTest, ATaskMayScheduleTheNextOne) {
  TimerQueue timers("chain", 10);
  std::promise<int> done;
  std::function<void(int)> step = [&](int n) {
    if (n == 5) return done.set_value(n);
    ASSERT_TRUE(timers.Schedule(milliseconds(1), [&step, n] { step(n + 1); }));
  };
  ASSERT_TRUE(timers.Schedule(milliseconds(0), [&step] { step(0); }));
  EXPECT_EQ(done.get_future().get(), 5);
}

TEST(TimerQueueTest, RefusesTasksBeyondItsBoundAndAfterStop) {
  TimerQueue timers("bounded", 2);
  EXPECT_TRUE(timers.Schedule(hours(1), [] {}));
  EXPECT_TRUE(timers.Schedule(hours(1), [] {}));
  EXPECT_FALSE(timers.Schedule(hours(1), [] {}));
  EXPECT_EQ(timers.pending(), 2u);
  timers.Stop();
  EXPECT_FALSE(timers.Schedule(milliseconds(0), [] {}));
}

TEST(TimerQueueTest, StopDropsTasksNotYetDueAndReleasesWhatTheyHold) {
  auto held = std::make_shared<int>(7);
  std::weak_ptr<int> watch = held;
  bool ran = false;
  {
    TimerQueue timers("drop", 10);
    ASSERT_TRUE(timers.Schedule(hours(1), [held, &ran] { ran = true; }));
    held.reset();
    EXPECT_FALSE(watch.expired());
  }
  EXPECT_FALSE(ran);
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace howler
