// WorkerPool: a fixed set of threads running blocking work (database calls, password
// hashing) behind a bounded queue, so overload is refused at once instead of queueing
// without end (DESIGN.md section 5).
//
// Thread-safety: every member may be called from any thread, except that Shutdown() and
// the destructor must not run on one of the pool's own threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace howler {

class WorkerPool {
 public:
  // Starts `threads` (>= 1) threads named after `name`. At most `max_queue` tasks wait
  // for a free thread; tasks already running do not count.
  WorkerPool(std::string name, std::size_t threads, std::size_t max_queue);
  ~WorkerPool();  // Shutdown()

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` and returns true; returns false without blocking when max_queue tasks
  // are already waiting or the pool is shut down. Tasks should not throw: an exception
  // is caught, counted in failed_tasks(), and otherwise ignored.
  bool TrySubmit(std::function<void()> task);

  // Tasks waiting for a thread (not counting running ones).
  std::size_t queued() const;
  std::size_t threads() const { return workers_.size(); }
  std::size_t max_queue() const { return max_queue_; }
  // Tasks that ended with an exception.
  std::size_t failed_tasks() const;
  const std::string& name() const { return name_; }

  // Stops accepting tasks, runs every task already queued, and joins the threads.
  // Idempotent.
  void Shutdown();

 private:
  void Run();

  const std::string name_;
  const std::size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::size_t failed_ = 0;
  std::vector<std::thread> workers_;
  std::once_flag join_once_;
};

}  // namespace howler
