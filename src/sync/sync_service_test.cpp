// SyncService over each real backend with migrations applied: an in-memory SQLite
// database, and a local tursodb (remote backend; skipped when tursodb is not installed).
#include "sync/sync_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "storage/database_wrapper.h"
#include "storage/fault_injecting_database.h"
#include "storage/libsql/tursodb_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "sync/cursor.h"

namespace howler::sync {
namespace {

JsonValue Data(const std::string& text) {
  auto v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << text;
  return *v;
}

ChangeInput Change(std::string id, std::string type, std::string item, std::string action,
                   std::int64_t base, std::optional<std::string> data) {
  ChangeInput c{std::move(id), std::move(type), std::move(item), std::move(action), base, {}, {}};
  if (data) c.data = Data(*data);
  return c;
}

ResolveRequest Resolve(std::string id, std::string strategy,
                       std::optional<std::string> chosen = std::nullopt,
                       std::optional<JsonValue> merged = std::nullopt) {
  ResolveRequest r;
  r.conflict_id = std::move(id);
  r.strategy = std::move(strategy);
  r.chosen_version = std::move(chosen);
  r.merged_data = std::move(merged);
  return r;
}

class SyncServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  SyncServiceTest()
      : db_(OpenDb(GetParam())),
        faults_(*db_),
        store_(faults_),
        service_(store_, clock_, Options(), nullptr) {}

  void SetUp() override {
    if (missing_backend_) FAIL() << "tursodb is not installed (run scripts/setup.sh)";
    ASSERT_TRUE(storage::ApplyMigrations(*db_, storage::EmbeddedMigrations(), 0).ok());
    AddUser("alice");
    AddUser("bob");
  }

  std::unique_ptr<storage::Database> OpenDb(const std::string& backend) {
    auto db = storage::OpenTestDatabase(backend);
    if (db.ok()) return std::move(db).value();
    missing_backend_ = db.status().code() == StatusCode::kNotFound;
    EXPECT_TRUE(missing_backend_) << db.status().ToString();
    return std::move(storage::OpenTestDatabase("sqlite")).value();
  }
  static SyncOptions Options() {
    SyncOptions o;
    o.max_changes = 50;
    o.max_item_bytes = 1024;
    o.quotas.free = {3, 1000, 1000};
    o.tombstone_retention = std::chrono::hours(24);
    return o;
  }
  void AddUser(const std::string& id, const std::string& tier = "free") {
    ASSERT_TRUE(db_->Execute({"INSERT INTO users (id, username, username_key, email, "
                              "password_hash, tier, created_at, updated_at) VALUES "
                              "(?, ?, ?, ?, 'x', ?, 0, 0)",
                              {id, id, id, id + "@example.com", tier}})
                    .ok());
  }
  UploadResult Upload(const std::string& user, const std::string& device,
                      std::vector<ChangeInput> changes) {
    auto r = service_.Upload(user, {device, std::move(changes), 0});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : UploadResult{};
  }
  DownloadResult Download(const std::string& user, std::optional<std::string> cursor = {},
                          std::optional<std::int64_t> limit = {}) {
    auto r = service_.Download(user, {"reader", cursor, std::nullopt, limit});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : DownloadResult{};
  }

  bool missing_backend_ = false;
  ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
  storage::FaultInjectingDatabase faults_;
  storage::SyncStore store_;
  SyncService service_;
};

TEST_P(SyncServiceTest, OutcomesOfEveryKindInOneUpload) {
  Upload("alice", "d1", {Change("c1", "saved_query", "q1", "create", 0, R"({"name":"a"})")});
  UploadResult r =
      Upload("alice", "d1",
             {Change("c2", "saved_query", "q1", "update", 1, R"({"name":"b"})"),  // applied
              Change("c3", "saved_query", "q1", "update", 2, R"({"name":"b"})"),  // unchanged
              Change("c1", "saved_query", "q1", "create", 0, R"({"name":"a"})"),  // duplicate
              Change("c4", "saved_query", "q1", "update", 1, R"({"name":"c"})"),  // conflict
              Change("c5", "widget", "w1", "create", 0, R"({})"),                 // rejected
              Change("c6", "saved_query", "q2", "create", 0, std::nullopt)});     // rejected
  ASSERT_EQ(r.results.size(), 6u);
  EXPECT_EQ(r.results[0].status, OutcomeStatus::kApplied);
  EXPECT_EQ(r.results[0].sync_version, 2);
  EXPECT_EQ(r.results[1].status, OutcomeStatus::kUnchanged);
  EXPECT_EQ(r.results[1].sync_version, 2);
  EXPECT_EQ(r.results[2].status, OutcomeStatus::kDuplicate);
  EXPECT_EQ(r.results[2].first_status, "applied");
  EXPECT_EQ(r.results[2].sync_version, 1);
  EXPECT_EQ(r.results[3].status, OutcomeStatus::kConflict);
  EXPECT_EQ(r.results[4].status, OutcomeStatus::kRejected);
  EXPECT_NE(r.results[4].reason.find("item_type"), std::string::npos);
  EXPECT_EQ(r.results[5].status, OutcomeStatus::kRejected);
  EXPECT_EQ(r.applied, 1);
  EXPECT_EQ(r.rejected, 2);
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].local.data, R"({"name":"c"})");
  EXPECT_EQ(r.conflicts[0].remote.data, R"({"name":"b"})");
  EXPECT_EQ(r.conflicts[0].remote.sync_version, 2);

  DownloadResult d = Download("alice");
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_EQ(d.items[0].data, R"({"name":"b"})");  // the conflict overwrote nothing
  EXPECT_EQ(d.items[0].sync_version, 2);
}

TEST_P(SyncServiceTest, ReplayAfterTheFactAppliesNothing) {
  auto change = Change("c1", "connection", "x", "create", 0, R"({"name":"a"})");
  Upload("alice", "d1", {change});
  UploadResult again = Upload("alice", "d1", {change});
  EXPECT_EQ(again.results[0].status, OutcomeStatus::kDuplicate);
  EXPECT_EQ(again.cursor.seq, 1);
  // The same change id from another device is a different change.
  EXPECT_EQ(Upload("alice", "d2", {change}).results[0].status, OutcomeStatus::kUnchanged);
}

// An applied change's id is kept in its item row; the write that replaces that version
// (an upload from any device, or a resolution) moves it to sync_change_ids, so a replay
// stays a duplicate of its first outcome however late it comes.
TEST_P(SyncServiceTest, AReplayStaysADuplicateAfterLaterWritesReplaceItsVersion) {
  auto count_change_ids = [&] {
    auto rs = db_->Query({"SELECT COUNT(*) FROM sync_change_ids", {}});
    EXPECT_TRUE(rs.ok()) << rs.status().ToString();
    return rs.ok() ? storage::AsInt(rs->rows.at(0).at(0)) : -1;
  };
  const auto c1 = Change("c1", "saved_query", "q1", "create", 0, R"({"name":"a"})");
  const auto c2 = Change("c2", "saved_query", "q1", "update", 1, R"({"name":"b"})");
  Upload("alice", "d1", {c1, Change("c9", "saved_query", "q9", "create", 0, R"({})")});
  EXPECT_EQ(count_change_ids(), 0);  // both ids live in their item rows
  EXPECT_EQ(Upload("alice", "d2", {c2}).results[0].status, OutcomeStatus::kApplied);
  EXPECT_EQ(count_change_ids(), 1);  // c1 moved out as q1 got version 2

  UploadResult replay = Upload("alice", "d1", {c1});
  EXPECT_EQ(replay.results[0].status, OutcomeStatus::kDuplicate);
  EXPECT_EQ(replay.results[0].first_status, "applied");
  EXPECT_EQ(replay.results[0].sync_version, 1);
  EXPECT_EQ(replay.applied, 0);
  EXPECT_EQ(Upload("alice", "d2", {c2}).results[0].sync_version, 2);  // from the item row

  // A stale edit makes a conflict; its resolution replaces version 2, c2 moves out.
  UploadResult stale =
      Upload("alice", "d3", {Change("c3", "saved_query", "q1", "update", 1, R"({"name":"c"})")});
  ASSERT_EQ(stale.conflicts.size(), 1u);
  auto resolved =
      service_.ResolveConflict("alice", Resolve(stale.conflicts[0].id, "user_choice", "local"));
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->item.sync_version, 3);
  UploadResult after = Upload("alice", "d2", {c2});
  EXPECT_EQ(after.results[0].status, OutcomeStatus::kDuplicate);
  EXPECT_EQ(after.results[0].sync_version, 2);
  EXPECT_EQ(Upload("alice", "d3", {Change("c3", "saved_query", "q1", "update", 1, "{}")})
                .results[0]
                .status,
            OutcomeStatus::kDuplicate);  // the conflict outcome was recorded as before

  // A delete keeps its id in the tombstone; the same id from another device is new.
  const auto c4 = Change("c4", "saved_query", "q9", "delete", 1, std::nullopt);
  EXPECT_EQ(Upload("alice", "d1", {c4}).results[0].status, OutcomeStatus::kApplied);
  EXPECT_EQ(Upload("alice", "d1", {c4}).results[0].status, OutcomeStatus::kDuplicate);
  EXPECT_NE(Upload("alice", "d4", {c4}).results[0].status, OutcomeStatus::kDuplicate);
  EXPECT_EQ(Download("alice").items.size(), 2u);
}

// In one upload: a change replaces the version an earlier upload's change wrote, then that
// earlier change is replayed: a duplicate, not a second sync_change_ids row for its id.
TEST_P(SyncServiceTest, AReplayAfterItsVersionIsReplacedInTheSameUploadIsADuplicate) {
  const auto c1 = Change("c1", "connection", "x", "create", 0, R"({"n":1})");
  Upload("alice", "d1", {c1});
  auto r = service_.Upload(
      "alice", {"d1", {Change("c2", "connection", "x", "update", 1, R"({"n":2})"), c1}, 0});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->results[0].status, OutcomeStatus::kApplied);
  EXPECT_EQ(r->results[1].status, OutcomeStatus::kDuplicate);
  EXPECT_EQ(r->results[1].sync_version, 1);
}

// Data written before migration 0008: the item row holds no change id and the applied
// change's id is a sync_change_ids row, as the old code wrote them. Replays stay
// duplicates, and a later write of the item moves nothing (there is no id in the row).
TEST_P(SyncServiceTest, ChangeIdsRecordedBeforeMigration0008StayDuplicates) {
  const auto c1 = Change("c1", "connection", "x", "create", 0, R"({"n":1})");
  Upload("alice", "d1", {c1});
  ASSERT_TRUE(db_->Execute({"UPDATE sync_items SET change_id = NULL", {}}).ok());
  ASSERT_TRUE(db_->Execute({"INSERT INTO sync_change_ids (user_id, device_id, change_id, "
                            "outcome, created_at) VALUES ('alice', 'd1', 'c1', "
                            "'{\"status\":\"applied\",\"sync_version\":1}', 0)",
                            {}})
                  .ok());
  UploadResult replay = Upload("alice", "d1", {c1});
  EXPECT_EQ(replay.results.at(0).status, OutcomeStatus::kDuplicate);
  EXPECT_EQ(replay.results.at(0).sync_version, 1);
  EXPECT_EQ(Upload("alice", "d2", {Change("c2", "connection", "x", "update", 1, R"({"n":2})")})
                .results.at(0)
                .status,
            OutcomeStatus::kApplied);
  UploadResult late = Upload("alice", "d1", {c1});
  EXPECT_EQ(late.results.at(0).status, OutcomeStatus::kDuplicate);
  EXPECT_EQ(late.results.at(0).sync_version, 1);
}

// A client bug: one change id for two items, in two uploads. Both items hold the id; when
// both are replaced, the second move to sync_change_ids finds the id recorded already and
// keeps the first outcome. Neither write fails, from any device.
TEST_P(SyncServiceTest, AChangeIdReusedForTwoItemsNeverBlocksLaterWrites) {
  Upload("alice", "d1", {Change("same", "connection", "x", "create", 0, R"({"n":1})")});
  Upload("alice", "d1", {Change("same", "connection", "y", "create", 0, R"({"n":1})")});
  UploadResult x =
      Upload("alice", "d2", {Change("c2", "connection", "x", "update", 1, R"({"n":2})")});
  EXPECT_EQ(x.results.at(0).status, OutcomeStatus::kApplied);
  UploadResult y =
      Upload("alice", "d2", {Change("c3", "connection", "y", "update", 1, R"({"n":2})")});
  EXPECT_EQ(y.results.at(0).status, OutcomeStatus::kApplied);
  auto again = service_.Upload(
      "alice", {"d1", {Change("same", "connection", "x", "create", 0, R"({"n":1})")}, 0});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->results.at(0).status, OutcomeStatus::kDuplicate);
}

TEST_P(SyncServiceTest, FailedWriteAppliesNothing) {
  faults_.FailNthCall(2, UnavailableError("database unavailable"));  // the write batch
  auto r = service_.Upload("alice", {"d1",
                                     {Change("c1", "connection", "x", "create", 0, R"({})"),
                                      Change("c2", "connection", "y", "create", 0, R"({})")},
                                     0});
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Download("alice").items.empty());
  UploadResult ok = Upload("alice", "d1", {Change("c1", "connection", "x", "create", 0, R"({})")});
  EXPECT_EQ(ok.results[0].status, OutcomeStatus::kApplied);  // not a duplicate
}

TEST_P(SyncServiceTest, TooManyChangesIsPayloadTooLarge) {
  std::vector<ChangeInput> changes(51, Change("c", "connection", "x", "create", 0, "{}"));
  auto r = service_.Upload("alice", {"d1", changes, 0});
  EXPECT_EQ(r.status().reason(), ApiReason::kPayloadTooLarge);
  EXPECT_EQ(service_.Upload("alice", {"", {}, 0}).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(SyncServiceTest, OversizedItemAndQuotaAreRejectedWithReasons) {
  UploadResult r = Upload(
      "alice", "d1",
      {Change("c0", "connection", "big", "create", 0, "{\"n\":\"" + std::string(2000, 'x') + "\"}"),
       Change("c1", "connection", "a", "create", 0, "{}"),
       Change("c2", "connection", "b", "create", 0, "{}"),
       Change("c3", "connection", "c", "create", 0, "{}"),
       Change("c4", "connection", "d", "create", 0, "{}")});
  EXPECT_EQ(r.results[0].status, OutcomeStatus::kRejected);
  EXPECT_NE(r.results[0].reason.find("larger than"), std::string::npos);
  EXPECT_EQ(r.results[3].status, OutcomeStatus::kApplied);
  EXPECT_EQ(r.results[4].status, OutcomeStatus::kRejected);
  EXPECT_NE(r.results[4].reason.find("quota exceeded: the free plan keeps at most 3"),
            std::string::npos);
  // A delete frees a slot.
  UploadResult after = Upload("alice", "d1",
                              {Change("c5", "connection", "a", "delete", 1, std::nullopt),
                               Change("c6", "connection", "d", "create", 0, "{}")});
  EXPECT_EQ(after.results[1].status, OutcomeStatus::kApplied);
}

TEST_P(SyncServiceTest, UsersAreIsolated) {
  Upload("alice", "d1", {Change("c1", "connection", "same", "create", 0, R"({"o":"alice"})")});
  UploadResult bob =
      Upload("bob", "d1", {Change("c1", "connection", "same", "create", 0, R"({"o":"bob"})")});
  EXPECT_EQ(bob.results[0].status, OutcomeStatus::kApplied);  // not alice's duplicate/conflict
  EXPECT_EQ(bob.results[0].sync_version, 1);
  Upload("bob", "d1", {Change("c2", "connection", "same", "delete", 1, std::nullopt)});
  DownloadResult alice = Download("alice");
  ASSERT_EQ(alice.items.size(), 1u);
  EXPECT_EQ(alice.items[0].data, R"({"o":"alice"})");
  EXPECT_FALSE(alice.items[0].deleted);

  UploadResult c =
      Upload("alice", "d2", {Change("c3", "connection", "same", "update", 0, R"({"o":"x"})")});
  ASSERT_EQ(c.conflicts.size(), 1u);
  auto foreign =
      service_.ResolveConflict("bob", Resolve(c.conflicts[0].id, "user_choice", "local"));
  EXPECT_EQ(foreign.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(service_.ListConflicts("bob")->empty());
  EXPECT_EQ(service_.ListConflicts("alice")->size(), 1u);
}

TEST_P(SyncServiceTest, PagesFollowTheSequenceAndSeeEveryChangeOnce) {
  for (int batch = 0; batch < 5; ++batch) {
    std::vector<ChangeInput> changes;
    for (int i = 0; i < 10; ++i) {
      std::string id = std::to_string(batch * 10 + i);
      changes.push_back(Change("c" + id, "query_history", "h" + id, "create", 0, "{}"));
    }
    Upload("alice", "d1", changes);
  }
  std::set<std::string> seen;
  std::optional<std::string> cursor;
  std::int64_t last_seq = 0;
  for (int page = 0; page < 10; ++page) {
    DownloadResult d = Download("alice", cursor, 7);
    for (const auto& item : d.items) {
      EXPECT_GT(item.seq, last_seq);
      last_seq = item.seq;
      EXPECT_TRUE(seen.insert(item.item_id).second) << item.item_id;
    }
    cursor = EncodeCursor(d.cursor);
    if (!d.has_more) break;
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_TRUE(Download("alice", cursor).items.empty());
}

TEST_P(SyncServiceTest, PurgedTombstonesMakeOldCursorsStale) {
  Upload("alice", "d1", {Change("c1", "connection", "x", "create", 0, "{}")});
  std::string early = EncodeCursor(Download("alice").cursor);
  Upload("alice", "d1", {Change("c2", "connection", "x", "delete", 1, std::nullopt)});
  DownloadResult d = Download("alice", early);
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_TRUE(d.items[0].deleted);
  clock_.Advance(std::chrono::hours(25));
  ASSERT_TRUE(service_.PurgeExpired().ok());
  auto stale = service_.Download("alice", {"d1", early, std::nullopt, std::nullopt});
  EXPECT_EQ(stale.status().reason(), ApiReason::kResyncRequired);
  EXPECT_TRUE(Download("alice").items.empty());
  EXPECT_TRUE(Download("alice", EncodeCursor(d.cursor)).items.empty());
  auto future = service_.Download("alice", {"d1", EncodeCursor({99}), std::nullopt, std::nullopt});
  EXPECT_EQ(future.status().reason(), ApiReason::kResyncRequired);
  auto garbage =
      service_.Download("alice", {"d1", std::string("nope"), std::nullopt, std::nullopt});
  EXPECT_EQ(garbage.status().code(), StatusCode::kInvalidArgument);
}

class ResolveTest : public SyncServiceTest {
 protected:
  // A conflict on saved query q1: server holds {"name":"server"} v2 from d1; d2 uploaded
  // {"name":"mine"} based on v1.
  std::string MakeConflict() {
    Upload("alice", "d1", {Change("c1", "saved_query", "q1", "create", 0, R"({"name":"a"})")});
    clock_.Advance(std::chrono::seconds(1));
    Upload("alice", "d1", {Change("c2", "saved_query", "q1", "update", 1, R"({"name":"server"})")});
    clock_.Advance(std::chrono::seconds(1));
    UploadResult r = Upload("alice", "d2",
                            {Change("c1", "saved_query", "q1", "update", 1, R"({"name":"mine"})")});
    EXPECT_EQ(r.conflicts.size(), 1u);
    return r.conflicts.empty() ? "" : r.conflicts[0].id;
  }
};

TEST_P(ResolveTest, UserChoiceLocalWritesANewVersion) {
  auto r = service_.ResolveConflict("alice", Resolve(MakeConflict(), "user_choice", "local"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->item.data, R"({"name":"mine"})");
  EXPECT_EQ(r->item.sync_version, 3);
  EXPECT_TRUE(service_.ListConflicts("alice")->empty());
}

TEST_P(ResolveTest, UserChoiceMergedDataIsSanitized) {
  ResolveRequest req = Resolve(MakeConflict(), "user_choice", std::nullopt,
                               Data(R"({"name":"merged","password":"x"})"));
  auto r = service_.ResolveConflict("alice", req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->item.data, R"({"name":"merged"})");
}

TEST_P(ResolveTest, LastWriteWinsTakesTheLaterSide) {
  auto r = service_.ResolveConflict("alice", Resolve(MakeConflict(), "last_write_wins"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->item.data, R"({"name":"mine"})");  // uploaded after the server's write
}

TEST_P(ResolveTest, KeepBothAddsACopy) {
  auto r = service_.ResolveConflict("alice", Resolve(MakeConflict(), "keep_both"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->item.data, R"({"name":"server"})");
  ASSERT_TRUE(r->copy.has_value());
  EXPECT_EQ(r->copy->data, R"j({"name":"mine (conflict copy)"})j");
  EXPECT_NE(r->copy->item_id, "q1");
  DownloadResult d = Download("alice");
  EXPECT_EQ(d.items.size(), 2u);
  auto counted =
      db_->Query({"SELECT live FROM sync_counts WHERE user_id = 'alice' AND "
                  "item_type = 'saved_query'",
                  {}});
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(storage::AsInt(counted->rows.at(0).at(0)), 2);  // the item and its copy
}

TEST_P(ResolveTest, ErrorsAreNotFoundConflictAndInvalid) {
  std::string id = MakeConflict();
  EXPECT_EQ(service_.ResolveConflict("alice", Resolve("nope", "keep_both")).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(service_.ResolveConflict("alice", Resolve(id, "coin_flip")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.ResolveConflict("alice", Resolve(id, "user_choice")).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(service_.ResolveConflict("alice", Resolve(id, "keep_both")).ok());
  EXPECT_EQ(service_.ResolveConflict("alice", Resolve(id, "keep_both")).status().reason(),
            ApiReason::kConflict);
}

TEST_P(SyncServiceTest, TwoInstancesWritingOneUserLoseNothing) {
  // A second service over the same database stands for another server instance: the
  // sequence guard, not the in-process lock, must keep them apart.
  SyncService other(store_, clock_, Options(), nullptr);
  auto run = [](SyncService& s, const std::string& prefix) {
    for (int i = 0; i < 20; ++i) {
      std::string id = prefix + std::to_string(i);
      auto r = s.Upload("alice", {prefix, {Change(id, "query_history", id, "create", 0, "{}")}, 0});
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
  };
  std::thread a([&] { run(service_, "a"); });
  std::thread b([&] { run(other, "b"); });
  a.join();
  b.join();
  DownloadResult d = Download("alice");
  EXPECT_EQ(d.items.size(), 40u);
  EXPECT_EQ(d.cursor.seq, 40);
}

// A Database whose Batch calls wait until released, to hold an upload in flight.
class GateDatabase : public storage::DatabaseWrapper {
 public:
  explicit GateDatabase(storage::Database& inner) : DatabaseWrapper(inner) {}
  Result<std::vector<storage::ResultSet>> Batch(const std::vector<storage::Statement>& s) override {
    std::unique_lock lock(mu_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    return target().Batch(s);
  }

  void WaitForWaiters(int n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return waiting_ >= n; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

TEST_P(SyncServiceTest, OneUsersWritesAreCappedPerInstance) {
  GateDatabase gate(*db_);
  storage::SyncStore gated_store(gate);
  SyncOptions options = Options();
  options.max_writes_per_user = 1;
  SyncService service(gated_store, clock_, options, nullptr);
  std::thread first([&] {
    auto r =
        service.Upload("alice", {"d1", {Change("c1", "connection", "x", "create", 0, "{}")}, 0});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  });
  gate.WaitForWaiters(1);
  auto second =
      service.Upload("alice", {"d2", {Change("c2", "connection", "y", "create", 0, "{}")}, 0});
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(second.status().retry_after_seconds(), 1);
  gate.Open();  // bob is not affected, and alice can write again once the first is done
  EXPECT_TRUE(
      service.Upload("bob", {"d1", {Change("c1", "connection", "x", "create", 0, "{}")}, 0}).ok());
  first.join();
  EXPECT_TRUE(
      service.Upload("alice", {"d2", {Change("c2", "connection", "y", "create", 0, "{}")}, 0})
          .ok());
}

// A Database that holds the first write batch (one starting with the sequence guard)
// until Open(), and counts the write batches that go on to the wrapped database.
class FirstWriteGate : public storage::Database {
 public:
  explicit FirstWriteGate(storage::Database& inner) : inner_(inner) {}
  Result<storage::ResultSet> Query(const storage::Statement& s) override { return inner_.Query(s); }
  Result<storage::ResultSet> Execute(const storage::Statement& s) override {
    return inner_.Execute(s);
  }
  Result<std::vector<storage::ResultSet>> Batch(const std::vector<storage::Statement>& s) override {
    if (!s.empty() && s[0].sql.rfind("INSERT INTO sync_state", 0) == 0) {
      std::unique_lock lock(mu_);
      if (!held_) {
        held_ = true;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
      }
      ++writes_;
    }
    return inner_.Batch(s);
  }
  Status Ping() override { return inner_.Ping(); }
  std::string_view backend() const override { return inner_.backend(); }

  void WaitUntilHolding() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return held_; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  int writes() {
    std::lock_guard lock(mu_);
    return writes_;
  }

 private:
  storage::Database& inner_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool held_ = false;
  bool open_ = false;
  int writes_ = 0;
};

// One instance whose first write is held, so that the uploads started next are committed
// together as one group once it is let go.
class GroupedUploadsTest : public SyncServiceTest {
 protected:
  GroupedUploadsTest()
      : gate_(faults_), gated_store_(gate_), grouped_(gated_store_, clock_, Options(), nullptr) {}

  void SetUp() override {
    SyncServiceTest::SetUp();
    if (HasFatalFailure()) return;
    AddUser("carol");
    AddUser("dave");
  }

  // Starts one upload per user, in order: the first is held in the database, each later
  // one is started once the one before it has queued behind it. Open() lets them go.
  void Start(const std::vector<std::pair<std::string, std::vector<ChangeInput>>>& uploads) {
    results_.resize(uploads.size(), Status(InternalError("not run")));
    for (std::size_t i = 0; i < uploads.size(); ++i) {
      threads_.emplace_back([this, i, uploads] {
        results_[i] = grouped_.Upload(uploads[i].first, {"d1", uploads[i].second, 0});
      });
      if (i == 0) gate_.WaitUntilHolding();
      for (int n = 0; n < 30000 && gated_store_.group_commit().queued() < i + 1; ++n) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      EXPECT_EQ(gated_store_.group_commit().queued(), i + 1) << "upload " << i << " queued";
    }
  }
  void Finish() {
    gate_.Open();
    for (std::thread& t : threads_) t.join();
  }

  FirstWriteGate gate_;
  storage::SyncStore gated_store_;
  SyncService grouped_;
  std::vector<std::thread> threads_;
  std::vector<Result<UploadResult>> results_;
};

TEST_P(GroupedUploadsTest, OneFailingBatchOfAGroupFailsOnlyItsOwnUpload) {
  faults_.FailCallsWhere(
      [](const storage::Statement& s) {
        return s.sql.rfind("INSERT INTO sync_items", 0) == 0 &&
               s.params.at(0) == storage::Value("carol");
      },
      InternalError("database error"));
  auto create = [](const std::string& item) {
    return std::vector<ChangeInput>{Change("c-" + item, "connection", item, "create", 0, "{}"),
                                    Change("h-" + item, "query_history", item, "create", 0, "{}")};
  };
  Start({{"alice", create("a")},
         {"bob", create("b")},
         {"carol", create("c")},
         {"dave", create("d")}});
  Finish();
  for (std::size_t i : {0u, 1u, 3u}) {
    ASSERT_TRUE(results_[i].ok()) << i << ": " << results_[i].status().ToString();
    EXPECT_EQ(results_[i]->applied, 2) << i;
  }
  EXPECT_EQ(results_[2].status(), InternalError("database error")) << "only carol's upload";
  EXPECT_EQ(gate_.writes(), 5) << "alice's alone; bob, carol, dave as one; then each alone";
  EXPECT_EQ(gated_store_.group_commit().stats().split_groups, 1);
  faults_.Heal();
  for (const char* user : {"alice", "bob", "dave"}) {
    DownloadResult d = Download(user);
    EXPECT_EQ(d.items.size(), 2u) << user;
    EXPECT_EQ(d.cursor.seq, 2) << user;
  }
  DownloadResult carol = Download("carol");
  EXPECT_TRUE(carol.items.empty()) << "nothing of carol's batch stayed";
  EXPECT_EQ(carol.cursor.seq, 0);
  EXPECT_TRUE(store_.ListDevices("carol")->empty()) << "nor its device row";
}

TEST_P(GroupedUploadsTest, TheSequenceGuardCatchesAChangeMadeWhileTheGroupWaited) {
  Upload("alice", "d1", {Change("c1", "saved_query", "q1", "create", 0, R"({"name":"a"})")});
  Start({{"dave", {Change("c1", "connection", "x", "create", 0, "{}")}},
         {"alice", {Change("c2", "saved_query", "q1", "update", 1, R"({"name":"group"})")}},
         {"bob", {Change("c1", "connection", "x", "create", 0, "{}")}}});
  // Another instance updates q1 while alice's batch, decided on version 1, waits.
  UploadResult other = Upload(
      "alice", "d2", {Change("c9", "saved_query", "q1", "update", 1, R"({"name":"other"})")});
  ASSERT_EQ(other.results[0].status, OutcomeStatus::kApplied);
  Finish();
  for (const auto& r : results_) ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(results_[1]->results[0].status, OutcomeStatus::kConflict)
      << "decided again from fresh reads";
  EXPECT_EQ(results_[1]->conflicts.at(0).remote.data, R"({"name":"other"})");
  EXPECT_EQ(results_[2]->results[0].status, OutcomeStatus::kApplied);
  EXPECT_EQ(gated_store_.group_commit().stats().split_groups, 1);
  DownloadResult d = Download("alice");
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_EQ(d.items[0].data, R"({"name":"other"})");
  EXPECT_EQ(d.cursor.seq, 2) << "the create and the other update; a conflict takes no number";
}

TEST_P(ResolveTest, ResolveIsUnavailableWhileTheUsersWriteSlotsAreTaken) {
  const std::string id = MakeConflict();
  GateDatabase gate(*db_);
  storage::SyncStore gated_store(gate);
  SyncService service(gated_store, clock_, Options(), nullptr);
  ASSERT_EQ(service.options().max_writes_per_user, 4);
  // One upload waits at the gate holding alice's lock; of four more, three take the other
  // slots and queue behind it and one is refused. Nothing ends before the gate opens, so
  // once one is refused every slot stays taken.
  std::vector<StatusCode> codes(5, StatusCode::kOk);
  std::atomic<int> refused{0};
  auto write = [&](int i) {
    const std::string n = "h" + std::to_string(i);
    auto r = service.Upload("alice",
                            {"d" + n, {Change("c" + n, "query_history", n, "create", 0, "{}")}, 0});
    codes[i] = r.status().code();
    if (!r.ok()) ++refused;
  };
  std::vector<std::thread> writers;
  writers.emplace_back(write, 0);
  gate.WaitForWaiters(1);
  for (int i = 1; i < 5; ++i) writers.emplace_back(write, i);
  for (int i = 0; i < 2000 && refused == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(refused.load(), 1) << "a fifth concurrent write is refused";
  if (refused == 1) {  // else the resolve would be admitted and wait for the gate
    auto busy = service.ResolveConflict("alice", Resolve(id, "keep_both"));
    EXPECT_EQ(busy.status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(busy.status().retry_after_seconds(), 1);
  }
  gate.Open();
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(std::count(codes.begin(), codes.end(), StatusCode::kOk), 4);

  auto open = service_.ListConflicts("alice");
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u) << "the refused resolve changed nothing";
  EXPECT_EQ((*open)[0].id, id);
  EXPECT_FALSE((*open)[0].resolved_at.has_value());
  auto resolved = service.ResolveConflict("alice", Resolve(id, "keep_both"));
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_TRUE(service_.ListConflicts("alice")->empty());
}

TEST_P(SyncServiceTest, LiveCountsFollowCreatesDeletesAndResolutions) {
  Upload("alice", "d1",
         {Change("c1", "connection", "a", "create", 0, "{}"),
          Change("c2", "connection", "b", "create", 0, "{}"),
          Change("c3", "connection", "c", "create", 0, "{}")});
  Upload("alice", "d1", {Change("c4", "connection", "a", "delete", 1, std::nullopt)});
  // The quota (3) has room for exactly one more now.
  UploadResult r = Upload("alice", "d1",
                          {Change("c5", "connection", "d", "create", 0, "{}"),
                           Change("c6", "connection", "e", "create", 0, "{}")});
  EXPECT_EQ(r.results[0].status, OutcomeStatus::kApplied);
  EXPECT_EQ(r.results[1].status, OutcomeStatus::kRejected);
  auto counted =
      db_->Query({"SELECT live FROM sync_counts WHERE user_id = 'alice' AND "
                  "item_type = 'connection'",
                  {}});
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(storage::AsInt(counted->rows.at(0).at(0)), 3);
}

TEST_P(SyncServiceTest, DevicesCountUploadsAndWhatTheyHaveNotDownloaded) {
  Upload("alice", "d1",
         {Change("c1", "connection", "x", "create", 0, "{}"),
          Change("c2", "connection", "y", "create", 0, "{}")});
  ASSERT_TRUE(service_.Download("alice", {"d2", std::nullopt, std::nullopt, 1}).ok());
  auto devices = service_.ListDevices("alice");
  ASSERT_TRUE(devices.ok());
  ASSERT_EQ(devices->size(), 2u);
  EXPECT_EQ((*devices)[0].device_id, "d1");
  EXPECT_EQ((*devices)[0].changes_uploaded, 2);
  EXPECT_EQ((*devices)[0].behind, 2);
  EXPECT_EQ((*devices)[1].device_id, "d2");
  EXPECT_EQ((*devices)[1].behind, 1);
  EXPECT_TRUE((*devices)[1].last_download_at.has_value());
}

// Two users' "reader" devices have downloaded (alice's up to seq 1, bob's up to seq 2);
// the positions wait in memory for FlushDownloads, which writes them in one batch.
class FlushDownloadsTest : public SyncServiceTest {
 protected:
  void SetUp() override {
    SyncServiceTest::SetUp();
    if (HasFatalFailure()) return;
    Upload("alice", "d1", {Change("c1", "connection", "x", "create", 0, "{}")});
    Upload("bob", "d1",
           {Change("c1", "connection", "x", "create", 0, "{}"),
            Change("c2", "connection", "y", "create", 0, "{}")});
    Download("alice");
    Download("bob");
  }
  // The user's "reader" row as stored (read from the store: ListDevices would flush first).
  std::optional<storage::SyncDeviceRecord> Reader(const std::string& user) {
    auto devices = store_.ListDevices(user);
    EXPECT_TRUE(devices.ok()) << devices.status().ToString();
    if (devices.ok()) {
      for (const auto& d : *devices) {
        if (d.device_id == "reader") return d;
      }
    }
    return std::nullopt;
  }
  void ExpectReaderAt(const std::string& user, std::int64_t seq) {
    auto reader = Reader(user);
    ASSERT_TRUE(reader.has_value()) << user;
    EXPECT_EQ(reader->last_download_seq, seq) << user;
    EXPECT_EQ(reader->last_download_at, clock_.NowMillis()) << user;
    EXPECT_EQ(reader->behind, 0) << user;
  }
};

TEST_P(FlushDownloadsTest, AFailedBatchIsWrittenDeviceByDevice) {
  faults_.FailNthCall(1, InvalidArgumentError("a bad row"));  // the batch of both devices
  const int before = faults_.calls();
  EXPECT_TRUE(service_.FlushDownloads().ok());
  EXPECT_EQ(faults_.calls() - before, 3) << "the batch, then one write per device";
  ExpectReaderAt("alice", 1);
  ExpectReaderAt("bob", 2);
}

TEST_P(FlushDownloadsTest, OnlyTheDeviceWhoseOwnWriteFailsIsDropped) {
  faults_.FailNthCall(1, InvalidArgumentError("a bad row"));  // the batch
  faults_.FailNthCall(2, InvalidArgumentError("a bad row"));  // alice's own write (user order)
  EXPECT_TRUE(service_.FlushDownloads().ok());
  EXPECT_FALSE(Reader("alice").has_value());
  ExpectReaderAt("bob", 2);
  const int before = faults_.calls();
  EXPECT_TRUE(service_.FlushDownloads().ok());
  EXPECT_EQ(faults_.calls(), before) << "a dropped position is not written again";
}

TEST_P(FlushDownloadsTest, AnUnavailableDatabaseKeepsEveryPositionForTheNextFlush) {
  faults_.FailNthCall(1, UnavailableError("database unavailable"));
  const int before = faults_.calls();
  EXPECT_EQ(service_.FlushDownloads().code(), StatusCode::kUnavailable);
  EXPECT_EQ(faults_.calls() - before, 1) << "no device-by-device writes";
  EXPECT_FALSE(Reader("alice").has_value());
  EXPECT_FALSE(Reader("bob").has_value());
  ASSERT_TRUE(service_.FlushDownloads().ok());  // the fault has cleared
  ExpectReaderAt("alice", 1);
  ExpectReaderAt("bob", 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, SyncServiceTest, ::testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Backends, ResolveTest, ::testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Backends, GroupedUploadsTest, ::testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Backends, FlushDownloadsTest, ::testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace howler::sync
