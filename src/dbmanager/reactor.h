// Reactor: one thread that waits on many sockets (epoll) and timers, and runs the
// callbacks of those that are ready. The PostgreSQL engine drives every libpq connection
// from it, so a slow or silent database server holds no thread: a connection waiting for
// its server is one entry in the epoll set.
//
// Thread-safety: Post and RunAfter may be called from any thread; Watch, Forget and
// CancelTimer only on the reactor thread (inside a callback). Callbacks run on the reactor
// thread one at a time and must not block. The destructor stops the thread; callbacks
// still pending are dropped (their owners must be gone or closed by then).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace howler::dbmanager {

class Reactor {
 public:
  Reactor();
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Runs `task` on the reactor thread soon, in posting order.
  void Post(std::function<void()> task);

  // Calls `ready` once when `fd` is readable (writable when `write`), has an error or
  // was hung up. One wait per fd: a new Watch replaces the previous one.
  void Watch(int fd, bool write, std::function<void()> ready);
  // Drops the wait on `fd`; call before the fd is closed.
  void Forget(int fd);

  // Calls `task` once after `delay` unless cancelled; returns its id.
  std::uint64_t RunAfter(std::chrono::milliseconds delay, std::function<void()> task);
  void CancelTimer(std::uint64_t id);

  bool InReactorThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void Loop();
  void RunPosted();
  int NextTimeoutMs();
  void RunDueTimers();

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::mutex mutex_;
  std::vector<std::function<void()>> posted_;  // guarded by mutex_
  bool stopping_ = false;                      // guarded by mutex_
  // Reactor thread only:
  std::unordered_map<int, std::function<void()>> watches_;
  std::map<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>, std::function<void()>>
      timers_;
  std::unordered_map<std::uint64_t, std::chrono::steady_clock::time_point> timer_index_;
  std::uint64_t next_timer_id_ = 1;
  std::thread thread_;
};

}  // namespace howler::dbmanager
