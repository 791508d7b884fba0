// AiUsageStore over each backend: a day's row grows with each answer, days and users stay
// apart, the tier comes from users.tier.
#include "storage/ai_usage_store.h"

#include <gtest/gtest.h>

#include "storage/libsql/tursodb_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"

namespace howler::storage {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

class AiUsageStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto db = OpenTestDatabase(GetParam());
    if (db.status().code() == StatusCode::kNotFound) {
      FAIL() << "tursodb is not installed (run scripts/setup.sh)";
    }
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(ApplyMigrations(*db_, EmbeddedMigrations(), 0).ok());
    for (const char* u : {"alice", "bob"}) {
      ASSERT_TRUE(db_->Execute({"INSERT INTO users (id, username, username_key, email, "
                                "password_hash, active, created_at, updated_at, tier) "
                                "VALUES (?, ?, ?, ?, 'h', 1, ?, ?, ?)",
                                {std::string(u), std::string(u), std::string(u),
                                 std::string(u) + "@example.com", kNow, kNow,
                                 std::string(u) == "bob" ? "team" : "free"}})
                      .ok());
    }
  }

  std::unique_ptr<Database> db_;
};

TEST_P(AiUsageStoreTest, AddsPerUserAndDay) {
  AiUsageStore store(*db_);
  auto empty = store.Read("alice", 100);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->first.requests, 0);
  EXPECT_EQ(empty->second, "free");
  ASSERT_TRUE(store.Add("alice", 100, 10, 3, kNow).ok());
  ASSERT_TRUE(store.Add("alice", 100, 5, 2, kNow + 1).ok());
  ASSERT_TRUE(store.Add("alice", 101, 7, 7, kNow + 2).ok());
  ASSERT_TRUE(store.Add("bob", 100, 1, 1, kNow).ok());
  auto day = store.Read("alice", 100);
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->first.requests, 2);
  EXPECT_EQ(day->first.tokens_in, 15);
  EXPECT_EQ(day->first.tokens_out, 5);
  auto next = store.Read("alice", 101);
  EXPECT_EQ(next->first.requests, 1);
  EXPECT_EQ(next->first.tokens_in, 7);
  auto bob = store.Read("bob", 100);
  EXPECT_EQ(bob->first.tokens_in, 1);
  EXPECT_EQ(bob->second, "team");
  auto nobody = store.Read("nobody", 100);
  ASSERT_TRUE(nobody.ok());
  EXPECT_EQ(nobody->second, "free");
}

INSTANTIATE_TEST_SUITE_P(Backends, AiUsageStoreTest, ::testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace howler::storage
