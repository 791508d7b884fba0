// GroupCommit over each real backend: an in-memory SQLite database, and a local tursodb
// (the remote backend, where a group is one Hrana batch). Groups are formed on purpose:
// the first commit is held inside the database until the others have queued behind it.
#include "storage/group_commit.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/fault_injecting_database.h"
#include "storage/libsql/tursodb_database.h"

namespace howler::storage {
namespace {

// Holds the first Batch call until Open(); records the statement count of every Batch
// call that goes on to the wrapped database, in call order.
class FirstBatchGate final : public Database {
 public:
  explicit FirstBatchGate(Database& inner) : inner_(inner) {}

  Result<ResultSet> Query(const Statement& s) override { return inner_.Query(s); }
  Result<ResultSet> Execute(const Statement& s) override { return inner_.Execute(s); }
  Result<std::vector<ResultSet>> Batch(const std::vector<Statement>& s) override {
    {
      std::unique_lock lock(mu_);
      if (!held_one_) {
        held_one_ = true;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
      }
      sizes_.push_back(s.size());
    }
    return inner_.Batch(s);
  }
  Status Ping() override { return inner_.Ping(); }
  std::string_view backend() const override { return inner_.backend(); }

  void WaitUntilHolding() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return held_one_; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  std::vector<std::size_t> sizes() {
    std::lock_guard lock(mu_);
    return sizes_;
  }

 private:
  Database& inner_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool held_one_ = false;
  bool open_ = false;
  std::vector<std::size_t> sizes_;
};

Statement Insert(const std::string& key) {
  return {"INSERT INTO gc_rows (k) VALUES (?)", {key}};
}

// Polls `done` (1 ms apart); false if it is still not true after a long while.
bool WaitUntil(const std::function<bool()>& done) {
  for (int i = 0; i < 30000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

class GroupCommitTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto db = OpenTestDatabase(GetParam());
    ASSERT_TRUE(db.ok()) << db.status().ToString() << " (tursodb: run scripts/setup.sh)";
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->Execute({"CREATE TABLE gc_rows (k TEXT PRIMARY KEY)", {}}).ok());
  }

  std::set<std::string> Keys() {
    auto rows = db_->Query({"SELECT k FROM gc_rows", {}});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::set<std::string> keys;
    if (rows.ok()) {
      for (const Row& row : rows->rows) keys.insert(AsText(row[0]));
    }
    return keys;
  }

  // Commits `first` and holds it in `gate`, then queues `others` behind it one by one
  // (in this order), releases the gate and returns every Commit's Status, in order.
  std::vector<Status> HoldFirstAndQueue(GroupCommit& commits, FirstBatchGate& gate,
                                        std::vector<std::vector<Statement>> batches) {
    std::vector<Status> statuses(batches.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < batches.size(); ++i) {
      threads.emplace_back([&, i] { statuses[i] = commits.Commit(std::move(batches[i])); });
      if (i == 0) gate.WaitUntilHolding();
      EXPECT_TRUE(WaitUntil([&] { return commits.queued() == i + 1; })) << "batch " << i;
    }
    gate.Open();
    for (std::thread& t : threads) t.join();
    return statuses;
  }

  std::unique_ptr<Database> db_;
};

TEST_P(GroupCommitTest, ALoneBatchIsOneBatchCallAndAnEmptyOneNone) {
  FirstBatchGate gate(*db_);
  gate.Open();
  GroupCommit commits(gate);
  EXPECT_TRUE(commits.Commit({}).ok());
  EXPECT_TRUE(commits.Commit({Insert("a"), Insert("b")}).ok());
  EXPECT_EQ(gate.sizes(), std::vector<std::size_t>{2});
  EXPECT_EQ(Keys(), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(commits.stats().groups, 1);
  EXPECT_EQ(commits.queued(), 0u);
}

TEST_P(GroupCommitTest, BatchesArrivingDuringACommitShareTheNextTransaction) {
  FirstBatchGate gate(*db_);
  GroupCommit commits(gate);
  std::vector<Status> statuses = HoldFirstAndQueue(
      commits, gate, {{Insert("a")}, {Insert("b1"), Insert("b2")}, {Insert("c")}, {Insert("d")}});
  for (const Status& s : statuses) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(gate.sizes(), (std::vector<std::size_t>{1, 4})) << "a alone, then b, c, d at once";
  EXPECT_EQ(Keys(), (std::set<std::string>{"a", "b1", "b2", "c", "d"}));
  GroupCommit::Stats stats = commits.stats();
  EXPECT_EQ(stats.groups, 2);
  EXPECT_EQ(stats.batches, 4);
  EXPECT_EQ(stats.split_groups, 0);
}

// Run hands every member the results of its own statements, in a group as alone.
TEST_P(GroupCommitTest, EachMemberOfAGroupGetsItsOwnResults) {
  FirstBatchGate gate(*db_);
  GroupCommit commits(gate);
  auto returning = [](const std::string& k) {
    return Statement{"INSERT INTO gc_rows (k) VALUES (?) RETURNING k", {k}};
  };
  std::vector<std::vector<Statement>> batches = {
      {returning("a")}, {returning("b1"), returning("b2")}, {returning("c")}};
  std::vector<Result<std::vector<ResultSet>>> outcomes(batches.size(), InternalError("not run"));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < batches.size(); ++i) {
    threads.emplace_back([&, i] { outcomes[i] = commits.Run(std::move(batches[i])); });
    if (i == 0) gate.WaitUntilHolding();
    ASSERT_TRUE(WaitUntil([&] { return commits.queued() == i + 1; })) << "batch " << i;
  }
  gate.Open();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(gate.sizes(), (std::vector<std::size_t>{1, 3})) << "b and c went together";
  const std::vector<std::vector<std::string>> expected = {{"a"}, {"b1", "b2"}, {"c"}};
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    ASSERT_TRUE(outcomes[i].ok()) << outcomes[i].status().ToString();
    ASSERT_EQ(outcomes[i]->size(), expected[i].size()) << "batch " << i;
    for (std::size_t j = 0; j < expected[i].size(); ++j) {
      EXPECT_EQ(AsText((*outcomes[i])[j].rows.at(0)[0]), expected[i][j]);
    }
  }
}

TEST_P(GroupCommitTest, AFailingBatchIsRolledBackWholeAndHoldsBackNoOther) {
  FirstBatchGate gate(*db_);
  GroupCommit commits(gate);
  // c's second row repeats a's key: c fails, and its first row must not stay either.
  std::vector<Status> statuses = HoldFirstAndQueue(
      commits, gate, {{Insert("a")}, {Insert("b")}, {Insert("c"), Insert("a")}, {Insert("d")}});
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_TRUE(statuses[1].ok()) << statuses[1].ToString();
  EXPECT_EQ(statuses[2].code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(statuses[3].ok()) << statuses[3].ToString();
  EXPECT_EQ(gate.sizes(), (std::vector<std::size_t>{1, 4, 1, 2, 1}))
      << "a; the group of b, c, d; then b, c and d alone";
  EXPECT_EQ(Keys(), (std::set<std::string>{"a", "b", "d"}));
  EXPECT_EQ(commits.stats().split_groups, 1);
}

TEST_P(GroupCommitTest, AnUnavailableDatabaseAnswersTheWholeGroupAtOnce) {
  FaultInjectingDatabase faults(*db_);
  FirstBatchGate gate(faults);
  GroupCommit commits(gate);
  faults.FailCallsWhere([](const Statement& s) { return s.params == std::vector<Value>{"c"}; },
                        UnavailableError("database unavailable"));
  std::vector<Status> statuses = HoldFirstAndQueue(
      commits, gate, {{Insert("a")}, {Insert("b")}, {Insert("c")}, {Insert("d")}});
  EXPECT_TRUE(statuses[0].ok());
  for (std::size_t i = 1; i < statuses.size(); ++i) {
    EXPECT_EQ(statuses[i].code(), StatusCode::kUnavailable) << i;
  }
  EXPECT_EQ(gate.sizes(), (std::vector<std::size_t>{1, 3})) << "no member is tried alone";
  EXPECT_EQ(Keys(), (std::set<std::string>{"a"}));
}

TEST_P(GroupCommitTest, GroupsKeepToTheBatchLimit) {
  FirstBatchGate gate(*db_);
  GroupCommit commits(gate, {.max_batches = 2});
  std::vector<Status> statuses = HoldFirstAndQueue(
      commits, gate, {{Insert("a")}, {Insert("b")}, {Insert("c")}, {Insert("d")}});
  for (const Status& s : statuses) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(gate.sizes(), (std::vector<std::size_t>{1, 2, 1}));
}

TEST_P(GroupCommitTest, GroupsKeepToTheByteLimitAndABigBatchGoesAlone) {
  FirstBatchGate gate(*db_);
  // A one-row batch is 34 bytes of SQL and 1 of key: two fit, three do not.
  GroupCommit commits(gate, {.max_bytes = 80});
  const std::string big(100, 'x');
  std::vector<Status> statuses = HoldFirstAndQueue(
      commits, gate, {{Insert("a")}, {Insert(big)}, {Insert("c")}, {Insert("d")}, {Insert("e")}});
  for (const Status& s : statuses) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(gate.sizes(), (std::vector<std::size_t>{1, 1, 2, 1}));
  EXPECT_EQ(Keys().size(), 5u);
}

TEST_P(GroupCommitTest, ConcurrentCommitsLoseNothing) {
  GroupCommit commits(*db_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string key = std::to_string(t) + "-" + std::to_string(i);
        Status s = commits.Commit({Insert(key + "a"), Insert(key + "b")});
        EXPECT_TRUE(s.ok()) << s.ToString();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(Keys().size(), 240u);
  GroupCommit::Stats stats = commits.stats();
  EXPECT_EQ(stats.batches, 120);
  EXPECT_LE(stats.groups, 120);
  EXPECT_EQ(commits.queued(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitTest, testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace howler::storage
