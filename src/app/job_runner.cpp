#include "app/job_runner.h"

#include <exception>

#include "common/log.h"
#include "metrics/metrics.h"

namespace howler::app {

JobRunner::JobRunner(std::chrono::milliseconds interval, metrics::Metrics* metrics)
    : interval_(interval), metrics_(metrics) {}

JobRunner::~JobRunner() {
  Stop();
}

void JobRunner::Add(Job job) {
  jobs_.push_back(std::move(job));
}

void JobRunner::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int JobRunner::rounds() const {
  std::lock_guard lock(mu_);
  return rounds_;
}

int JobRunner::RunAllOnce() {
  int failed = 0;
  for (const Job& job : jobs_) {
    const auto start = std::chrono::steady_clock::now();
    Status status;
    try {
      status = job.run();
    } catch (const std::exception& e) {
      status = InternalError(std::string("job threw: ") + e.what());
    } catch (...) {
      status = InternalError("job threw a non-standard exception");
    }
    const double seconds = metrics::SecondsSince(start);
    if (metrics_) metrics_->ObserveJob(job.name, status.ok(), seconds);
    if (status.ok()) {
      log::Debug("job done", {{"job", job.name}, {"duration_ms", seconds * 1000}});
    } else {
      ++failed;
      log::Warn("job failed", {{"job", job.name}, {"error", status.ToString()}});
    }
  }
  return failed;
}

void JobRunner::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    RunAllOnce();
    lock.lock();
    ++rounds_;
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace howler::app
