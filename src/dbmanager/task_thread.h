// TaskThread: one thread running posted tasks in order, for engines whose client library
// blocks (MariaDB, libSQL over HTTP): each of their connections owns one, so a blocking
// call holds that connection's thread only.
//
// Post may be called from any thread. Stop() runs the tasks already posted, then ends
// the thread; from the thread itself (a task dropping the last owner) it marks the end
// and detaches the thread, which keeps its own state alive until it returns.
// The destructor stops.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace howler::dbmanager {

class TaskThread {
 public:
  TaskThread();
  ~TaskThread() { Stop(); }
  TaskThread(const TaskThread&) = delete;
  TaskThread& operator=(const TaskThread&) = delete;

  // Tasks posted after Stop() are dropped.
  void Post(std::function<void()> task);
  void Stop();
  bool InThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> tasks;  // guarded by mutex
    bool stopping = false;                    // guarded by mutex
  };
  static void Loop(std::shared_ptr<State> state);

  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::thread thread_;
};

}  // namespace howler::dbmanager
