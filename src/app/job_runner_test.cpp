#include "app/job_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "metrics/metrics.h"

namespace howler::app {
namespace {

TEST(JobRunnerTest, RunsEveryJobAndCountsFailures) {
  metrics::Metrics m;
  JobRunner runner(std::chrono::hours(1), &m);
  int ok_runs = 0;
  runner.Add({"ok", [&] {
                ++ok_runs;
                return Status::Ok();
              }});
  runner.Add({"fails", [] { return UnavailableError("database down"); }});
  runner.Add({"throws", []() -> Status { throw std::runtime_error("boom"); }});
  EXPECT_EQ(runner.RunAllOnce(), 2);
  EXPECT_EQ(ok_runs, 1);
  const std::string text = m.Serialize();
  EXPECT_NE(text.find("sql_studio_jobs_runs_total{job=\"ok\",result=\"ok\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("job=\"fails\",result=\"error\"} 1"), std::string::npos);
  EXPECT_NE(text.find("job=\"throws\",result=\"error\"} 1"), std::string::npos);
}

TEST(JobRunnerTest, RunsAtStartAndStopsPromptlyWithALongInterval) {
  std::atomic<int> runs{0};
  JobRunner runner(std::chrono::hours(1), nullptr);
  runner.Add({"count", [&] {
                runs.fetch_add(1);
                return Status::Ok();
              }});
  runner.Start();
  while (runner.rounds() < 1) std::this_thread::yield();
  runner.Stop();  // must not wait for the hour
  EXPECT_EQ(runs.load(), 1);
  runner.Stop();  // idempotent
}

TEST(JobRunnerTest, RepeatsEveryInterval) {
  std::atomic<int> runs{0};
  JobRunner runner(std::chrono::milliseconds(1), nullptr);
  runner.Add({"count", [&] {
                runs.fetch_add(1);
                return Status::Ok();
              }});
  runner.Start();
  while (runner.rounds() < 3) std::this_thread::yield();
  runner.Stop();
  EXPECT_GE(runs.load(), 3);
}

}  // namespace
}  // namespace howler::app
