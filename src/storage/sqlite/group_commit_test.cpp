#include "storage/sqlite/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

namespace howler::storage {
namespace {

using Batch = GroupCommit::Batch;
using Outcome = GroupCommit::Outcome;

// Polls a condition other threads make true soon (a bounded wait, not a measurement).
bool Eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 2000 && !condition(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

Batch One(const std::string& sql) {
  return {Statement{sql, {}}};
}

// A runner that records group sizes, answers each batch with its SQL (or an error for
// "fail"), and blocks its first group until released.
struct RecordingRunner {
  std::mutex mu;
  std::vector<std::size_t> sizes;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  std::atomic<bool> running{false};

  void operator()(std::span<const Batch* const> group, std::span<Outcome> out) {
    {
      std::lock_guard lock(mu);
      sizes.push_back(group.size());
    }
    if (first.exchange(false)) {
      running = true;
      released.wait();
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      const std::string& sql = (*group[i])[0].sql;
      if (sql == "fail") {
        out[i] = InvalidArgumentError("constraint");
      } else {
        ResultSet rs;
        rs.rows.push_back({Value(sql)});
        out[i] = std::vector<ResultSet>{rs};
      }
    }
  }
};

TEST(GroupCommitTest, ALoneBatchIsAGroupOfOne) {
  RecordingRunner runner;
  runner.first = false;
  GroupCommit group([&](auto g, auto o) { runner(g, o); }, 8);
  Outcome out = group.Submit(One("a"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(std::get<std::string>((*out)[0].rows[0][0]), "a");
  EXPECT_EQ(runner.sizes, std::vector<std::size_t>{1});
}

TEST(GroupCommitTest, BatchesThatWaitAreCommittedTogetherWithTheirOwnOutcomes) {
  RecordingRunner runner;
  GroupCommit group([&](auto g, auto o) { runner(g, o); }, 8);
  auto first = std::async(std::launch::async, [&] { return group.Submit(One("first")); });
  ASSERT_TRUE(Eventually([&] { return runner.running.load(); }));
  std::vector<std::future<Outcome>> waiting;
  for (const char* sql : {"b", "fail", "d"}) {
    waiting.push_back(
        std::async(std::launch::async, [&group, sql] { return group.Submit(One(sql)); }));
  }
  ASSERT_TRUE(Eventually([&] { return group.queued() == 3; }));
  runner.release.set_value();
  ASSERT_TRUE(first.get().ok());
  Outcome b = waiting[0].get(), failed = waiting[1].get(), d = waiting[2].get();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(std::get<std::string>((*b)[0].rows[0][0]), "b");
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(std::get<std::string>((*d)[0].rows[0][0]), "d");
  EXPECT_EQ(runner.sizes, (std::vector<std::size_t>{1, 3}));
}

TEST(GroupCommitTest, GroupsAreCappedAtMaxGroup) {
  RecordingRunner runner;
  GroupCommit group([&](auto g, auto o) { runner(g, o); }, 2);
  auto first = std::async(std::launch::async, [&] { return group.Submit(One("first")); });
  ASSERT_TRUE(Eventually([&] { return runner.running.load(); }));
  std::vector<std::future<Outcome>> waiting;
  for (int i = 0; i < 5; ++i) {
    waiting.push_back(std::async(std::launch::async, [&group] { return group.Submit(One("x")); }));
  }
  ASSERT_TRUE(Eventually([&] { return group.queued() == 5; }));
  runner.release.set_value();
  for (auto& w : waiting) EXPECT_TRUE(w.get().ok());
  EXPECT_TRUE(first.get().ok());
  std::lock_guard lock(runner.mu);
  EXPECT_EQ(runner.sizes, (std::vector<std::size_t>{1, 2, 2, 1}));
}

TEST(GroupCommitTest, ARunnerThatThrowsStillAnswersEveryBatch) {
  GroupCommit group([](auto, auto) { throw std::runtime_error("boom"); }, 4);
  Outcome out = group.Submit(One("a"));
  EXPECT_EQ(out.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace howler::storage
