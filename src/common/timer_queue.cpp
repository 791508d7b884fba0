#include "common/timer_queue.h"

#include <pthread.h>

namespace howler {

TimerQueue::TimerQueue(std::string name, std::size_t max_pending)
    : name_(std::move(name)), max_pending_(max_pending) {
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

TimerQueue::~TimerQueue() {
  Stop();
}

bool TimerQueue::Schedule(Clock::duration delay, std::function<void()> task) {
  const Clock::time_point due = Clock::now() + delay;
  {
    std::lock_guard lock(mu_);
    if (stopping_ || tasks_.size() >= max_pending_) return false;
    const auto it = tasks_.emplace(std::make_pair(due, next_sequence_++), std::move(task));
    if (it != tasks_.begin()) return true;  // the thread already waits for an earlier one
  }
  wake_.notify_one();
  return true;
}

std::size_t TimerQueue::pending() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

void TimerQueue::Stop() {
  decltype(tasks_) dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(tasks_);
  }
  wake_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void TimerQueue::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (tasks_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const Clock::time_point due = tasks_.begin()->first.first;
    if (Clock::now() < due) {
      wake_.wait_until(lock, due);
      continue;
    }
    std::function<void()> task = std::move(tasks_.begin()->second);
    tasks_.erase(tasks_.begin());
    lock.unlock();
    task();
    task = nullptr;  // whatever it holds is released outside the lock
    lock.lock();
  }
}

}  // namespace howler
