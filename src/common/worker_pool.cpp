#include "common/worker_pool.h"

#include <pthread.h>

#include <cassert>

namespace howler {

WorkerPool::WorkerPool(std::string name, std::size_t threads, std::size_t max_queue)
    : name_(std::move(name)), max_queue_(max_queue) {
  assert(threads >= 1);
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.emplace_back([this] { Run(); });
#ifdef __linux__
    // Linux limits thread names to 15 characters.
    pthread_setname_np(workers_.back().native_handle(), name_.substr(0, 15).c_str());
#endif
  }
}

WorkerPool::~WorkerPool() {
  Shutdown();
}

bool WorkerPool::TrySubmit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= max_queue_) {
      return false;
    }
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

std::size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

std::size_t WorkerPool::failed_tasks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_;
}

void WorkerPool::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  std::call_once(join_once_, [this] {
    for (std::thread& t : workers_) {
      t.join();
    }
  });
}

void WorkerPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping, and the queue is drained
      }
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      task();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      ++failed_;
    }
  }
}

}  // namespace howler
