// DesktopSync over each real backend with migrations applied: the desktop client's cycle
// (upload, then download with the previous serverTimestamp as `since`) on several devices.
#include "sync/desktop_sync.h"

#include <gtest/gtest.h>

#include "common/time_format.h"
#include "storage/database_wrapper.h"
#include "storage/libsql/tursodb_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"

namespace howler::sync {
namespace {

class DesktopSyncTest : public ::testing::TestWithParam<std::string> {
 protected:
  DesktopSyncTest()
      : db_(OpenDb(GetParam())),
        store_(*db_),
        service_(store_, clock_, Options(), nullptr),
        desktop_(service_, store_, clock_) {}

  void SetUp() override {
    if (missing_backend_) FAIL() << "tursodb is not installed (run scripts/setup.sh)";
    ASSERT_TRUE(storage::ApplyMigrations(*db_, storage::EmbeddedMigrations(), 0).ok());
    for (const char* id : {"alice", "bob"}) {
      ASSERT_TRUE(db_->Execute({"INSERT INTO users (id, username, username_key, email, "
                                "password_hash, tier, created_at, updated_at) VALUES "
                                "(?, ?, ?, ?, 'x', 'free', 0, 0)",
                                {id, id, id, std::string(id) + "@example.com"}})
                      .ok());
    }
    clock_.Set(FromUnixMillis(1'800'000'000'000));
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
    o.tombstone_retention = std::chrono::hours(24);
    return o;
  }

  // One saved-query change as the client sends it (a new change id every time).
  ChangeInput Query(const std::string& id, const std::string& name, std::int64_t version,
                    std::int64_t edited_at) {
    ChangeInput c;
    c.change_id = "attempt-" + std::to_string(++attempts_);
    c.item_type = "saved_query";
    c.item_id = id;
    c.action = "update";
    c.sync_version = version;
    c.edited_at = edited_at;
    c.data = *ParseJson(R"({"name":")" + name + R"(","query":"SELECT 1"})");
    return c;
  }
  UploadResult Upload(const std::string& device, std::vector<ChangeInput> changes,
                      const std::string& user = "alice") {
    auto r = desktop_.Upload(user, {device, std::move(changes), 0});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : UploadResult{};
  }
  // A download with the device's last serverTimestamp as `since` (0 the first time), which
  // then becomes the device's since, as the client does after a successful merge.
  DesktopDownloadResult Cycle(const std::string& device, const std::string& user = "alice") {
    auto r = desktop_.Download(user, device, FromUnixMillis(since_[device]));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    since_[device] = ToUnixMillis(r->server_time);
    clock_.Advance(std::chrono::seconds(1));
    return *r;
  }
  std::int64_t LastSeq() {
    auto rs = db_->Query({"SELECT last_seq FROM sync_state WHERE user_id = 'alice'", {}});
    return rs.ok() && !rs->empty() ? storage::AsInt(rs->rows[0][0]) : -1;
  }

  bool missing_backend_ = false;
  int attempts_ = 0;
  std::map<std::string, std::int64_t> since_;
  ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
  storage::SyncStore store_;
  SyncService service_;
  DesktopSync desktop_;
};

TEST_P(DesktopSyncTest, ReuploadsChangeNothingAndOwnWritesAreNotEchoed) {
  UploadResult first = Upload("d1", {Query("q1", "a", 0, 1000)});
  ASSERT_EQ(first.results.size(), 1u);
  EXPECT_EQ(first.results[0].status, OutcomeStatus::kApplied);
  EXPECT_TRUE(Cycle("d1").items.empty()) << "its own upload is not sent back";
  const std::int64_t seq = LastSeq();
  for (int cycle = 0; cycle < 3; ++cycle) {  // the client re-sends unsynced records forever
    UploadResult again = Upload("d1", {Query("q1", "a", 0, 1000)});
    EXPECT_EQ(again.results[0].status, OutcomeStatus::kUnchanged);
    EXPECT_TRUE(Cycle("d1").items.empty());
  }
  EXPECT_EQ(LastSeq(), seq);
  auto ids = db_->Query({"SELECT COUNT(*) FROM sync_change_ids", {}});
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(storage::AsInt(ids->rows[0][0]), 0) << "desktop change ids are never recorded";
}

TEST_P(DesktopSyncTest, VersionsSentMatchWhatTheDeviceHolds) {
  Upload("d1", {Query("q1", "a", 0, 1000)});
  DesktopDownloadResult got = Cycle("d2");
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_EQ(got.items[0].sync_version, 1);  // the server's: d2 never held it
  EXPECT_TRUE(Cycle("d2").items.empty()) << "confirmed by its since: d2 holds v1 as 2";

  // d1 edits (it holds 0 in its own numbering and saw v1): d2 gets v2 as the 2 it holds.
  UploadResult edit = Upload("d1", {Query("q1", "b", 0, 2000)});
  EXPECT_EQ(edit.results[0].status, OutcomeStatus::kApplied);
  got = Cycle("d2");
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_EQ(got.items[0].sync_version, 2);
  EXPECT_EQ(got.items[0].record.sync_version, 2);

  // d2 edits what it holds (3 after that merge): a plain edit, not a conflict.
  edit = Upload("d2", {Query("q1", "c", 3, 3000)});
  EXPECT_EQ(edit.results[0].status, OutcomeStatus::kApplied);
  EXPECT_TRUE(service_.ListConflicts("alice")->empty());
  got = Cycle("d1");
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_EQ(got.items[0].sync_version, 0) << "d1 still holds its own 0";
}

TEST_P(DesktopSyncTest, AnUnconfirmedDownloadIsSentAgainWithTheSameVersion) {
  Upload("d1", {Query("q1", "a", 0, 1000)});
  auto lost = desktop_.Download("alice", "d2", FromUnixMillis(0));  // answer never arrives
  ASSERT_TRUE(lost.ok());
  ASSERT_EQ(lost->items.size(), 1u);
  clock_.Advance(std::chrono::seconds(5));
  DesktopDownloadResult again = Cycle("d2");  // since is still 0
  ASSERT_EQ(again.items.size(), 1u);
  EXPECT_EQ(again.items[0].sync_version, lost->items[0].sync_version);
}

TEST_P(DesktopSyncTest, ConcurrentEditsKeepTheLoserAsAConflictOnce) {
  Upload("d1", {Query("q1", "a", 0, 1000)});
  Cycle("d1");
  Cycle("d2");
  Cycle("d2");                                      // d2 holds v1
  Upload("d2", {Query("q1", "from d2", 2, 5000)});  // newer edit, uploaded first
  UploadResult late = Upload("d1", {Query("q1", "from d1", 0, 4000)});
  ASSERT_EQ(late.results.size(), 1u);
  EXPECT_EQ(late.results[0].status, OutcomeStatus::kConflict);
  EXPECT_FALSE(late.results[0].won);
  auto conflicts = service_.ListConflicts("alice");
  ASSERT_TRUE(conflicts.ok());
  ASSERT_EQ(conflicts->size(), 1u);
  EXPECT_NE(conflicts->at(0).local.data.find("from d1"), std::string::npos);
  EXPECT_NE(conflicts->at(0).remote.data.find("from d2"), std::string::npos);

  // d1 re-sends its lost edit on the next cycles: no new conflict.
  Upload("d1", {Query("q1", "from d1", 0, 4000)});
  EXPECT_EQ(service_.ListConflicts("alice")->size(), 1u);
  DesktopDownloadResult got = Cycle("d1");
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_NE(got.items[0].record.data.find("from d2"), std::string::npos);
  EXPECT_EQ(got.items[0].sync_version, 0);

  // A newer concurrent edit wins and is applied, the older one kept.
  Upload("d2", {Query("q1", "d2 again", 3, 6000)});
  UploadResult wins = Upload("d1", {Query("q1", "d1 newest", 0, 7000)});
  EXPECT_EQ(wins.results[0].status, OutcomeStatus::kConflict);
  EXPECT_TRUE(wins.results[0].won);
  EXPECT_EQ(service_.ListConflicts("alice")->size(), 2u);
}

TEST_P(DesktopSyncTest, ResolutionReachesTheDeviceThatUploadedTheLoser) {
  Upload("d1", {Query("q1", "a", 0, 1000)});
  Cycle("d1");
  Cycle("d2");
  Cycle("d2");
  Upload("d2", {Query("q1", "theirs", 2, 5000)});
  Upload("d1", {Query("q1", "mine", 0, 4000)});
  Cycle("d1");  // d1 now holds "theirs"
  auto conflicts = service_.ListConflicts("alice");
  ASSERT_EQ(conflicts->size(), 1u);
  ResolveRequest keep_mine;
  keep_mine.conflict_id = conflicts->at(0).id;
  keep_mine.strategy = "user_choice";
  keep_mine.chosen_version = "local";
  ASSERT_TRUE(service_.ResolveConflict("alice", keep_mine).ok());
  DesktopDownloadResult got = Cycle("d1");
  ASSERT_EQ(got.items.size(), 1u) << "written under d1's device id, still sent to d1";
  EXPECT_NE(got.items[0].record.data.find("mine"), std::string::npos);
}

TEST_P(DesktopSyncTest, OldSinceIsAFullDownloadAndResetSendsEverythingAgain) {
  Upload("d1", {Query("q1", "a", 0, 1000), Query("q2", "b", 0, 1000)});
  clock_.Advance(std::chrono::hours(48));  // beyond the retention
  ASSERT_TRUE(service_.PurgeExpired().ok());
  auto full = desktop_.Download("alice", "d2", FromUnixMillis(0));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->items.size(), 2u);
  auto old = desktop_.Download("alice", "d2", clock_.Now() - std::chrono::hours(30));
  ASSERT_TRUE(old.ok()) << "never RESYNC_REQUIRED: " << old.status().ToString();

  Cycle("d2");
  Cycle("d2");
  EXPECT_TRUE(Cycle("d2").items.empty());
  ASSERT_TRUE(desktop_.Reset("alice", "d2").ok());
  since_["d2"] = 0;
  EXPECT_EQ(Cycle("d2").items.size(), 2u);
}

TEST_P(DesktopSyncTest, UsersAreIsolated) {
  Upload("d1", {Query("q1", "alice's", 0, 1000)});
  UploadResult bob = Upload("d9", {Query("q1", "bob's", 0, 2000)}, "bob");
  EXPECT_EQ(bob.results[0].status, OutcomeStatus::kApplied) << "a separate item";
  DesktopDownloadResult got = Cycle("d8", "bob");
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_NE(got.items[0].record.data.find("bob's"), std::string::npos);
  auto status = desktop_.Summary("bob", "d8");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->conflicts, 0);
  EXPECT_EQ(status->pending_changes, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DesktopSyncTest, ::testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace howler::sync
