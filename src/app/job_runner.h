// JobRunner: runs background jobs (cleanup and maintenance) on one thread: every job
// once at start-up, then every `interval`. Each run is timed into jobs_* metrics; a
// failing or throwing job is logged and counted, never fatal.
//
// Add() before Start(); Start()/Stop() from the controlling thread. Stop() waits for a
// running job to finish and is idempotent.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace howler::metrics {
class Metrics;
}

namespace howler::app {

struct Job {
  std::string name;
  std::function<Status()> run;
};

class JobRunner {
 public:
  // `metrics` may be null.
  JobRunner(std::chrono::milliseconds interval, metrics::Metrics* metrics);
  ~JobRunner();

  void Add(Job job);
  void Start();
  void Stop();

  // Runs every job once on the calling thread; returns how many failed.
  int RunAllOnce();
  // Completed rounds since Start() (a round runs every job once).
  int rounds() const;

 private:
  void Loop();

  const std::chrono::milliseconds interval_;
  metrics::Metrics* metrics_;
  std::vector<Job> jobs_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int rounds_ = 0;
  std::thread thread_;
};

}  // namespace howler::app
