#include "storage/fault_injecting_database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace howler::storage {
namespace {

// Counts the calls that reach it; every call succeeds.
class CountingDatabase final : public Database {
 public:
  Result<ResultSet> Query(const Statement&) override { return Reached(); }
  Result<ResultSet> Execute(const Statement&) override { return Reached(); }
  Result<std::vector<ResultSet>> Batch(const std::vector<Statement>& statements) override {
    ++reached;
    return std::vector<ResultSet>(statements.size());
  }
  Status Ping() override {
    ++reached;
    return Status::Ok();
  }
  std::string_view backend() const override { return "counting"; }

  std::atomic<int> reached{0};

 private:
  ResultSet Reached() {
    ++reached;
    return ResultSet{{"one"}, {{std::int64_t{1}}}};
  }
};

TEST(FaultInjectingDatabaseTest, ForwardsWhenNoFaultIsScheduled) {
  CountingDatabase inner;
  FaultInjectingDatabase db(inner);
  EXPECT_TRUE(db.Query({"SELECT 1", {}}).ok());
  EXPECT_TRUE(db.Execute({"SELECT 1", {}}).ok());
  auto batch = db.Batch({{"SELECT 1", {}}, {"SELECT 2", {}}});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->size(), 2u);
  EXPECT_TRUE(db.Ping().ok());
  EXPECT_EQ(db.calls(), 4);
  EXPECT_EQ(inner.reached, 4);
  EXPECT_EQ(db.backend(), "counting");
}

TEST(FaultInjectingDatabaseTest, FailsExactlyTheNthCallWithoutReachingTheInnerDatabase) {
  CountingDatabase inner;
  FaultInjectingDatabase db(inner);
  EXPECT_TRUE(db.Ping().ok());
  db.FailNthCall(2, UnavailableError("injected"));
  EXPECT_TRUE(db.Query({"SELECT 1", {}}).ok());  // 1st from now
  auto failed = db.Batch({{"SELECT 1", {}}});    // 2nd: fails
  EXPECT_EQ(failed.status(), UnavailableError("injected"));
  EXPECT_TRUE(db.Execute({"SELECT 1", {}}).ok());  // later calls pass again
  EXPECT_EQ(db.calls(), 4);
  EXPECT_EQ(inner.reached, 3);
}

TEST(FaultInjectingDatabaseTest, SeveralScheduledFaultsAndEveryKindOfCall) {
  CountingDatabase inner;
  FaultInjectingDatabase db(inner);
  db.FailNthCall(1, InternalError("first"));
  db.FailNthCall(3, AlreadyExistsError("third"));
  EXPECT_EQ(db.Ping(), InternalError("first"));
  EXPECT_TRUE(db.Query({"SELECT 1", {}}).ok());
  EXPECT_EQ(db.Execute({"SELECT 1", {}}).status(), AlreadyExistsError("third"));
  EXPECT_TRUE(db.Ping().ok());
  EXPECT_EQ(inner.reached, 2);
}

TEST(FaultInjectingDatabaseTest, FailAllCallsUntilHealed) {
  CountingDatabase inner;
  FaultInjectingDatabase db(inner);
  db.FailAllCalls(UnavailableError("down"));
  EXPECT_EQ(db.Query({"SELECT 1", {}}).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(db.Ping().code(), StatusCode::kUnavailable);
  EXPECT_EQ(db.Batch({}).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(inner.reached, 0);
  db.Heal();
  EXPECT_TRUE(db.Ping().ok());
  EXPECT_EQ(inner.reached, 1);
}

TEST(FaultInjectingDatabaseTest, FailCallsWhereAStatementMatchesUntilHealed) {
  CountingDatabase inner;
  FaultInjectingDatabase db(inner);
  db.FailCallsWhere(
      [](const Statement& s) { return !s.params.empty() && s.params[0] == Value("carol"); },
      InternalError("carol's"));
  const Statement carol{"INSERT INTO t VALUES (?)", {std::string("carol")}};
  const Statement dave{"INSERT INTO t VALUES (?)", {std::string("dave")}};
  EXPECT_EQ(db.Batch({dave, carol}).status(), InternalError("carol's"));
  EXPECT_EQ(db.Execute(carol).status(), InternalError("carol's"));
  EXPECT_EQ(db.Query(carol).status(), InternalError("carol's"));
  EXPECT_TRUE(db.Batch({dave, dave}).ok());
  EXPECT_TRUE(db.Ping().ok());
  EXPECT_EQ(inner.reached, 2);
  db.Heal();
  EXPECT_TRUE(db.Batch({carol}).ok());
  EXPECT_EQ(db.calls(), 6);
}

TEST(FaultInjectingDatabaseTest, HealCancelsScheduledFaults) {
  CountingDatabase inner;
  FaultInjectingDatabase db(inner);
  db.FailNthCall(1, InternalError("never"));
  db.Heal();
  EXPECT_TRUE(db.Ping().ok());
}

TEST(FaultInjectingDatabaseTest, CountsCallsFromManyThreads) {
  CountingDatabase inner;
  FaultInjectingDatabase db(inner);
  db.FailNthCall(50, InternalError("one of them"));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (!db.Ping().ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(db.calls(), 100);
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(inner.reached, 99);
}

}  // namespace
}  // namespace howler::storage
