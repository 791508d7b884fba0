// TimerQueue: runs short callbacks at a later time, on one thread of its own (timers
// that must not hold an I/O thread or a worker while they wait, e.g. the producer of an
// event stream). Tasks run one after another in order of their due time (ties in order of
// scheduling), so they must be quick and never block.
//
// Bounded: at most `max_pending` tasks wait; Schedule refuses more. Stop() (also the
// destructor) drops the tasks not yet due and joins the thread.
//
// Thread-safety: Schedule may be called from any thread, also from a task; Stop() and the
// destructor not from a task.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace howler {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;

  TimerQueue(std::string name, std::size_t max_pending);
  ~TimerQueue();  // Stop()
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Runs `task` once `delay` has passed. False (and `task` dropped) when max_pending tasks
  // wait already or the queue has stopped.
  bool Schedule(Clock::duration delay, std::function<void()> task);
  // Tasks waiting to run.
  std::size_t pending() const;
  const std::string& name() const { return name_; }
  // Drops waiting tasks and joins the thread (a running task finishes first). Idempotent.
  void Stop();

 private:
  void Run();

  const std::string name_;
  const std::size_t max_pending_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::multimap<std::pair<Clock::time_point, std::uint64_t>, std::function<void()>> tasks_;
  std::uint64_t next_sequence_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace howler
