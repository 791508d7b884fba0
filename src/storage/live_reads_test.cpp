// The two reads of live sync (sync/live_notifier.h) over each backend: the live state of
// many users (SyncStore::ReadLiveStates) and the usable sessions among many
// (AuthStore::ActiveSessionsAmong), across the 256-per-statement chunks and the padding of
// the last chunk.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "storage/auth_store.h"
#include "storage/libsql/tursodb_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "storage/sync_store.h"

namespace howler::storage {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr int kUsers = 600;  // three statements: 256, 256 and 88 padded to 128

std::string UserId(int i) {
  return "user-" + std::to_string(i);
}

class LiveReadsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto db = OpenTestDatabase(GetParam());
    if (db.status().code() == StatusCode::kNotFound) {
      FAIL() << "tursodb is not installed (run scripts/setup.sh)";
    }
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(ApplyMigrations(*db_, EmbeddedMigrations(), 0).ok());
    // Every user with one session; user i is disabled when i % 7 == 0, its session revoked
    // when i % 5 == 0 and expired when i % 11 == 0. Users with i % 3 == 0 have synced:
    // last_seq i, the item at that sequence written by "dev-<i>", i % 4 open conflicts
    // and one resolved.
    std::vector<Statement> writes;
    for (int i = 0; i < kUsers; ++i) {
      const std::string u = UserId(i);
      writes.push_back(
          {"INSERT INTO users (id, username, username_key, email, password_hash, active, "
           "created_at, updated_at) VALUES (?, ?, ?, ?, 'h', ?, ?, ?)",
           {u, u, u, u + "@example.com", std::int64_t{i % 7 == 0 ? 0 : 1}, kNow, kNow}});
      writes.push_back(
          {"INSERT INTO sessions (id, user_id, refresh_salt, created_at, last_seen_at, "
           "expires_at, revoked_at) VALUES (?, ?, 'salt', ?, ?, ?, ?)",
           {"s-" + u, u, kNow, kNow, i % 11 == 0 ? kNow - 1 : kNow + 3'600'000,
            i % 5 == 0 ? Value(kNow) : Value()}});
      if (i % 3 != 0) continue;
      writes.push_back(
          {"INSERT INTO sync_state (user_id, last_seq) VALUES (?, ?)", {u, std::int64_t{i}}});
      writes.push_back(
          {"INSERT INTO sync_items (user_id, item_type, item_id, data, "
           "sync_version, device_id, seq, created_at, updated_at) "
           "VALUES (?, 'saved_query', 'q', '{}', 1, ?, ?, ?, ?)",
           {u, "dev-" + std::to_string(i), std::int64_t{i}, kNow, kNow}});
      for (int c = 0; c <= i % 4; ++c) {
        const bool resolved = c == i % 4;
        writes.push_back(
            {"INSERT INTO sync_conflicts (id, user_id, item_type, item_id, local_data, "
             "local_version, local_device_id, local_updated_at, remote_data, remote_version, "
             "remote_device_id, remote_updated_at, detected_at, resolved_at) "
             "VALUES (?, ?, 'saved_query', 'q', '{}', 1, 'a', ?, '{}', 1, 'b', ?, ?, ?)",
             {u + "-c" + std::to_string(c), u, kNow, kNow, kNow,
              resolved ? Value(kNow) : Value()}});
      }
    }
    const auto written = db_->Batch(writes);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
  }

  std::unique_ptr<Database> db_;
};

TEST_P(LiveReadsTest, StatesOfManyUsersInOneCall) {
  SyncStore store(*db_);
  std::vector<std::string> asked;
  for (int i = 0; i < kUsers; ++i) asked.push_back(UserId(i));
  asked.push_back("nobody");
  auto states = store.ReadLiveStates(asked);
  ASSERT_TRUE(states.ok()) << states.status().ToString();
  std::map<std::string, LiveStateRecord> by_user;
  for (const auto& s : *states) EXPECT_TRUE(by_user.emplace(s.user_id, s).second) << s.user_id;
  EXPECT_EQ(by_user.size(), static_cast<std::size_t>(kUsers / 3));
  for (int i = 0; i < kUsers; i += 3) {
    SCOPED_TRACE(i);
    const auto& s = by_user.at(UserId(i));
    EXPECT_EQ(s.last_seq, i);
    EXPECT_EQ(s.open_conflicts, i % 4);
    EXPECT_EQ(s.last_device, "dev-" + std::to_string(i));
  }
  // Only the users asked about.
  auto some = store.ReadLiveStates(std::vector<std::string>{UserId(3), UserId(4)});
  ASSERT_TRUE(some.ok());
  ASSERT_EQ(some->size(), 1u);
  EXPECT_EQ((*some)[0].user_id, UserId(3));
  auto none = store.ReadLiveStates({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(LiveReadsTest, UsableSessionsAmongMany) {
  AuthStore store(*db_);
  std::vector<std::string> asked;
  for (int i = 0; i < kUsers; ++i) asked.push_back("s-" + UserId(i));
  asked.push_back("s-unknown");
  auto active = store.ActiveSessionsAmong(asked, kNow);
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  const std::set<std::string> got(active->begin(), active->end());
  EXPECT_EQ(got.size(), active->size());
  std::set<std::string> want;
  for (int i = 0; i < kUsers; ++i) {
    if (i % 7 != 0 && i % 5 != 0 && i % 11 != 0) want.insert("s-" + UserId(i));
  }
  EXPECT_EQ(got, want);
}

INSTANTIATE_TEST_SUITE_P(Backends, LiveReadsTest, ::testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace howler::storage
