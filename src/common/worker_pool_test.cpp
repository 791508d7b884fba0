#include "common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>

namespace howler {
namespace {

// Blocks one worker until Release(); Started() waits until a worker runs it.
class Blocker {
 public:
  std::function<void()> Task() {
    return [this] {
      started_.set_value();
      release_future_.wait();
    };
  }
  void WaitStarted() { started_future_.wait(); }
  void Release() { release_.set_value(); }

 private:
  std::promise<void> started_;
  std::future<void> started_future_ = started_.get_future();
  std::promise<void> release_;
  std::shared_future<void> release_future_ = release_.get_future().share();
};

TEST(WorkerPoolTest, RunsTasks) {
  std::atomic<int> runs{0};
  {
    WorkerPool pool("test", 3, 100);
    EXPECT_EQ(pool.threads(), 3u);
    EXPECT_EQ(pool.max_queue(), 100u);
    EXPECT_EQ(pool.name(), "test");
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(pool.TrySubmit([&runs] { runs.fetch_add(1); }));
    }
    pool.Shutdown();
    EXPECT_EQ(runs.load(), 50);
  }
  EXPECT_EQ(runs.load(), 50);
}

TEST(WorkerPoolTest, RejectsWhenQueueIsFull) {
  WorkerPool pool("full", 1, 2);
  Blocker blocker;
  ASSERT_TRUE(pool.TrySubmit(blocker.Task()));
  blocker.WaitStarted();  // the worker is busy; the queue is empty
  EXPECT_EQ(pool.queued(), 0u);
  std::atomic<int> runs{0};
  EXPECT_TRUE(pool.TrySubmit([&runs] { runs.fetch_add(1); }));
  EXPECT_TRUE(pool.TrySubmit([&runs] { runs.fetch_add(1); }));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_FALSE(pool.TrySubmit([&runs] { runs.fetch_add(100); }));
  blocker.Release();
  pool.Shutdown();
  EXPECT_EQ(runs.load(), 2);
  EXPECT_EQ(pool.queued(), 0u);
}

TEST(WorkerPoolTest, ShutdownDrainsQueuedTasks) {
  WorkerPool pool("drain", 1, 10);
  Blocker blocker;
  ASSERT_TRUE(pool.TrySubmit(blocker.Task()));
  blocker.WaitStarted();
  std::atomic<int> runs{0};
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&runs] { runs.fetch_add(1); }));
  }
  std::thread releaser([&blocker] { blocker.Release(); });
  pool.Shutdown();  // waits for the blocker, then runs the 10 queued tasks
  releaser.join();
  EXPECT_EQ(runs.load(), 10);
}

TEST(WorkerPoolTest, SubmitAfterShutdownFails) {
  WorkerPool pool("closed", 2, 10);
  pool.Shutdown();
  EXPECT_FALSE(pool.TrySubmit([] {}));
  pool.Shutdown();  // idempotent
  EXPECT_EQ(pool.queued(), 0u);
}

TEST(WorkerPoolTest, ThrowingTasksAreCountedAndTheWorkerSurvives) {
  WorkerPool pool("throw", 1, 10);
  std::atomic<int> runs{0};
  ASSERT_TRUE(pool.TrySubmit([] { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.TrySubmit([] { throw 42; }));
  ASSERT_TRUE(pool.TrySubmit(std::function<void()>()));  // empty: bad_function_call
  ASSERT_TRUE(pool.TrySubmit([&runs] { runs.fetch_add(1); }));
  pool.Shutdown();
  EXPECT_EQ(pool.failed_tasks(), 3u);
  EXPECT_EQ(runs.load(), 1);
}

TEST(WorkerPoolTest, ZeroQueueRejectsEverything) {
  WorkerPool pool("zero", 1, 0);
  EXPECT_FALSE(pool.TrySubmit([] {}));
}

}  // namespace
}  // namespace howler
