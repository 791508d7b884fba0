// UserWriteRunner over each real backend (in-memory SQLite; a local tursodb), with
// attempts that move a user's sequence the way uploads do: read last_seq, write the
// sequence guard from it to the next value.
#include "sync/user_write_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "storage/fault_injecting_database.h"
#include "storage/libsql/tursodb_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"

namespace howler::sync {
namespace {

using Plan = UserWriteRunner::Plan<std::int64_t>;

bool IsGuard(const storage::Statement& s) {
  return s.sql.rfind("UPDATE sync_state", 0) == 0;
}

class UserWriteRunnerTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto db = storage::OpenTestDatabase(GetParam());
    ASSERT_TRUE(db.ok()) << db.status().ToString() << " (tursodb: run scripts/setup.sh)";
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::ApplyMigrations(*db_, storage::EmbeddedMigrations(), 0).ok());
    for (const char* user : {"alice", "bob"}) {
      ASSERT_TRUE(db_->Execute({"INSERT INTO users (id, username, username_key, email, "
                                "password_hash, tier, created_at, updated_at) VALUES "
                                "(?, ?, ?, ?, 'x', 'free', 0, 0)",
                                {user, user, user, std::string(user) + "@example.com"}})
                      .ok());
    }
    faults_ = std::make_unique<storage::FaultInjectingDatabase>(*db_);
    store_ = std::make_unique<storage::SyncStore>(*faults_);
  }

  UserWriteRunner MakeRunner(int max_writes_per_user = 4) {
    return UserWriteRunner(*store_, max_writes_per_user, [this](int attempt) {
      std::lock_guard lock(mu_);
      back_offs_.push_back(attempt);
    });
  }

  // Reads the user's last_seq and plans the guard that moves it one further; the result
  // is the new value.
  Result<Plan> NextSeq(const std::string& user) {
    ++attempts_;
    HOWLER_ASSIGN_OR_RETURN(storage::UploadState state,
                            store_->ReadUploadState(user, "d1", {}, {}));
    return Plan{storage::SyncStore::GuardSequence(user, state.last_seq, state.last_seq + 1, 0),
                state.last_seq + 1};
  }

  std::int64_t StoredSeq(const std::string& user) {
    auto rs = db_->Query({"SELECT last_seq FROM sync_state WHERE user_id = ?", {user}});
    EXPECT_TRUE(rs.ok()) << rs.status().ToString();
    return rs.ok() && !rs->empty() ? storage::AsInt(rs->rows[0][0]) : 0;
  }

  std::vector<int> back_offs() {
    std::lock_guard lock(mu_);
    return back_offs_;
  }

  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::FaultInjectingDatabase> faults_;
  std::unique_ptr<storage::SyncStore> store_;
  std::atomic<int> attempts_{0};
  std::mutex mu_;
  std::vector<int> back_offs_;
};

TEST_P(UserWriteRunnerTest, WritesTheAttemptsBatchAndReturnsItsResult) {
  UserWriteRunner runner = MakeRunner();
  auto result = runner.Run<std::int64_t>("alice", [&] { return NextSeq("alice"); });
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, 1);
  EXPECT_EQ(StoredSeq("alice"), 1);
  EXPECT_EQ(attempts_, 1);
  EXPECT_TRUE(back_offs().empty());
}

TEST_P(UserWriteRunnerTest, AStaleAttemptIsDecidedAgainFromFreshReads) {
  UserWriteRunner runner = MakeRunner();
  storage::SyncStore other_instance(*db_);
  auto result = runner.Run<std::int64_t>("alice", [&]() -> Result<Plan> {
    Result<Plan> plan = NextSeq("alice");
    if (attempts_ == 1) {  // another instance writes alice between the reads and the write
      EXPECT_TRUE(other_instance.Write(storage::SyncStore::GuardSequence("alice", 0, 5, 0)).ok());
    }
    return plan;
  });
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, 6) << "decided on the other instance's write";
  EXPECT_EQ(StoredSeq("alice"), 6);
  EXPECT_EQ(attempts_, 2);
  EXPECT_EQ(back_offs(), std::vector<int>{0});
}

TEST_P(UserWriteRunnerTest, GivesUpAfterMaxAttemptsWithRetryAfter) {
  UserWriteRunner runner = MakeRunner();
  faults_->FailCallsWhere(IsGuard, FailedPreconditionError("constraint violated"));
  auto result = runner.Run<std::int64_t>("alice", [&] { return NextSeq("alice"); });
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(result.status().retry_after_seconds(), 1);
  EXPECT_EQ(attempts_, UserWriteRunner::kMaxAttempts);
  EXPECT_EQ(back_offs(), (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(StoredSeq("alice"), 0);

  // A change id recorded meanwhile (ALREADY_EXISTS) is stale reads as well.
  faults_->Heal();
  faults_->FailCallsWhere(IsGuard, AlreadyExistsError("already exists"));
  attempts_ = 0;
  result = runner.Run<std::int64_t>("alice", [&] { return NextSeq("alice"); });
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(attempts_, UserWriteRunner::kMaxAttempts);
}

TEST_P(UserWriteRunnerTest, AnotherWriteFailureEndsTheRunAtOnce) {
  UserWriteRunner runner = MakeRunner();
  faults_->FailCallsWhere(IsGuard, InternalError("database error"));
  auto result = runner.Run<std::int64_t>("alice", [&] { return NextSeq("alice"); });
  EXPECT_EQ(result.status(), InternalError("database error"));
  EXPECT_EQ(attempts_, 1);
  EXPECT_TRUE(back_offs().empty());
}

TEST_P(UserWriteRunnerTest, AnAttemptsOwnFailureOrEmptyBatchWritesNothing) {
  UserWriteRunner runner = MakeRunner();
  const int calls = faults_->calls();
  auto missing =
      runner.Run<std::int64_t>("alice", []() -> Result<Plan> { return NotFoundError("gone"); });
  EXPECT_EQ(missing.status(), NotFoundError("gone"));
  auto nothing = runner.Run<std::int64_t>("alice", [] { return Result<Plan>(Plan{{}, 42}); });
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(*nothing, 42);
  EXPECT_EQ(faults_->calls(), calls) << "no database call";
}

TEST_P(UserWriteRunnerTest, AdmitsMaxWritesPerUserAndOtherUsersFreely) {
  UserWriteRunner runner = MakeRunner(/*max_writes_per_user=*/1);
  std::mutex mu;
  std::condition_variable changed;
  bool inside = false, release = false;
  std::thread first([&] {
    auto r = runner.Run<std::int64_t>("alice", [&] {
      std::unique_lock lock(mu);
      inside = true;
      changed.notify_all();
      changed.wait(lock, [&] { return release; });
      return NextSeq("alice");
    });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  });
  {
    std::unique_lock lock(mu);
    changed.wait(lock, [&] { return inside; });
  }
  auto refused = runner.Run<std::int64_t>("alice", [&] { return NextSeq("alice"); });
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(refused.status().retry_after_seconds(), 1);
  auto bob = runner.Run<std::int64_t>("bob", [&] { return NextSeq("bob"); });
  EXPECT_TRUE(bob.ok()) << bob.status().ToString();
  {
    std::lock_guard lock(mu);
    release = true;
    changed.notify_all();
  }
  first.join();
  EXPECT_TRUE(runner.Run<std::int64_t>("alice", [&] { return NextSeq("alice"); }).ok());
  EXPECT_EQ(StoredSeq("alice"), 2);
}

TEST_P(UserWriteRunnerTest, OneUsersWritesTakeTurnsAndNeverRetryAgainstEachOther) {
  UserWriteRunner runner = MakeRunner();
  std::atomic<int> running{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto r = runner.Run<std::int64_t>("alice", [&] {
          const int now = ++running;
          most = std::max(most.load(), now);
          Result<Plan> plan = NextSeq("alice");
          --running;
          return plan;
        });
        EXPECT_TRUE(r.ok()) << r.status().ToString();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(most, 1);
  EXPECT_EQ(StoredSeq("alice"), 40);
  EXPECT_EQ(attempts_, 40);
  EXPECT_TRUE(back_offs().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, UserWriteRunnerTest, testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace howler::sync
