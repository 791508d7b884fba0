#include "dbmanager/reactor.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace howler::dbmanager {

Reactor::Reactor() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    std::abort();  // out of descriptors at start-up: nothing sensible to do
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
  thread_ = std::thread([this] { Loop(); });
}

Reactor::~Reactor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void Reactor::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    posted_.push_back(std::move(task));
  }
  std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void Reactor::Watch(int fd, bool write, std::function<void()> ready) {
  epoll_event event{};
  event.events = (write ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT;
  event.data.fd = fd;
  const bool known = watches_.count(fd) != 0;
  watches_[fd] = std::move(ready);
  if (::epoll_ctl(epoll_fd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) != 0 &&
      ::epoll_ctl(epoll_fd_, known ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event) != 0) {
    // The fd cannot be watched (closed under us): report it ready, so its owner reads the
    // failure from the library instead of waiting forever.
    auto callback = std::move(watches_[fd]);
    watches_.erase(fd);
    Post(std::move(callback));
  }
}

void Reactor::Forget(int fd) {
  if (watches_.erase(fd) != 0) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  }
}

std::uint64_t Reactor::RunAfter(std::chrono::milliseconds delay, std::function<void()> task) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_timer_id_++;
  const auto at = std::chrono::steady_clock::now() + delay;
  // Timers are kept by the reactor thread; the insertion itself is posted.
  posted_.push_back([this, id, at, task = std::move(task)]() mutable {
    timers_.emplace(std::make_pair(at, id), std::move(task));
    timer_index_[id] = at;
  });
  std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  return id;
}

void Reactor::CancelTimer(std::uint64_t id) {
  auto it = timer_index_.find(id);
  if (it != timer_index_.end()) {
    timers_.erase(std::make_pair(it->second, id));
    timer_index_.erase(it);
  }
}

void Reactor::RunPosted() {
  std::uint64_t count = 0;
  (void)!::read(wake_fd_, &count, sizeof count);
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(posted_);
  }
  for (auto& task : tasks) {
    task();
  }
}

int Reactor::NextTimeoutMs() {
  if (timers_.empty()) {
    return -1;
  }
  const auto wait = timers_.begin()->first.first - std::chrono::steady_clock::now();
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return ms < 0 ? 0 : static_cast<int>(ms);
}

void Reactor::RunDueTimers() {
  const auto now = std::chrono::steady_clock::now();
  while (!timers_.empty() && timers_.begin()->first.first <= now) {
    auto node = timers_.extract(timers_.begin());
    timer_index_.erase(node.key().second);
    node.mapped()();
  }
}

void Reactor::Loop() {
  constexpr int kMaxEvents = 64;
  epoll_event events[kMaxEvents];
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
    }
    const int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, NextTimeoutMs());
    if (n < 0 && errno != EINTR) {
      std::abort();  // a broken epoll set: the engine cannot work on
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        RunPosted();
        continue;
      }
      auto it = watches_.find(fd);
      if (it == watches_.end()) {
        continue;
      }
      auto callback = std::move(it->second);
      watches_.erase(it);
      // EPOLLONESHOT disabled the fd; the next Watch re-arms it with EPOLL_CTL_MOD.
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      callback();
    }
    RunDueTimers();
  }
}

}  // namespace howler::dbmanager
