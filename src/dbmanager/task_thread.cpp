#include "dbmanager/task_thread.h"

namespace howler::dbmanager {

TaskThread::TaskThread() : thread_([state = state_] { Loop(state); }) {}

void TaskThread::Post(std::function<void()> task) {
  // Once the task is queued it may run and destroy this object: only `state` after that.
  std::shared_ptr<State> state = state_;
  {
    std::lock_guard lock(state->mutex);
    if (state->stopping) {
      return;
    }
    state->tasks.push_back(std::move(task));
  }
  state->wake.notify_one();
}

void TaskThread::Stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_one();
  if (!thread_.joinable()) {
    return;
  }
  if (InThread()) {
    thread_.detach();
  } else {
    thread_.join();
  }
}

void TaskThread::Loop(std::shared_ptr<State> state) {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(state->mutex);
      state->wake.wait(lock, [&] { return state->stopping || !state->tasks.empty(); });
      if (state->tasks.empty()) {
        return;
      }
      task = std::move(state->tasks.front());
      state->tasks.pop_front();
    }
    task();
  }
}

}  // namespace howler::dbmanager
