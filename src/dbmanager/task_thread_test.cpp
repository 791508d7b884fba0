#include "dbmanager/task_thread.h"

#include <gtest/gtest.h>

#include <future>
#include <memory>

namespace howler::dbmanager {
namespace {

TEST(TaskThreadTest, RunsTasksInOrderAndStopRunsWhatWasPosted) {
  auto order = std::make_shared<std::vector<int>>();
  {
    TaskThread thread;
    for (int i = 0; i < 5; ++i) {
      thread.Post([order, i] { order->push_back(i); });
    }
    thread.Stop();
    thread.Post([order] { order->push_back(99); });  // after Stop: dropped
  }
  EXPECT_EQ(*order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(TaskThreadTest, MayBeDestroyedByItsOwnTask) {
  auto thread = std::make_shared<std::unique_ptr<TaskThread>>(std::make_unique<TaskThread>());
  std::promise<void> done;
  TaskThread* raw = thread->get();
  raw->Post([thread, &done] {
    EXPECT_TRUE((*thread)->InThread());
    thread->reset();  // the owner goes away on the thread itself
    done.set_value();
  });
  thread.reset();
  done.get_future().wait();
}

}  // namespace
}  // namespace howler::dbmanager
