#include "auth/profile_cache.h"

#include <gtest/gtest.h>

namespace howler::auth {
namespace {

storage::UserRecord User(const std::string& id, const std::string& email) {
  storage::UserRecord u;
  u.id = id;
  u.email = email;
  u.password_hash = "$argon2id$secret";
  return u;
}

TEST(ProfileCacheTest, ServesWithinTtlWithoutThePasswordHash) {
  ManualClock clock;
  ProfileCache cache(std::chrono::seconds(10), 100, clock);
  EXPECT_FALSE(cache.Get("u1").has_value());
  cache.Put(User("u1", "a@x"), cache.Generation());
  auto hit = cache.Get("u1");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->email, "a@x");
  EXPECT_TRUE(hit->password_hash.empty());
  clock.Advance(std::chrono::seconds(10));
  EXPECT_FALSE(cache.Get("u1").has_value());
}

TEST(ProfileCacheTest, InvalidateTakesEffectAtOnceAndBlocksRacingPuts) {
  ManualClock clock;
  ProfileCache cache(std::chrono::seconds(10), 100, clock);
  cache.Put(User("u1", "old@x"), cache.Generation());
  const auto before_read = cache.Generation();  // a reader starts...
  cache.Invalidate("u1");                       // ...a write lands...
  EXPECT_FALSE(cache.Get("u1").has_value());
  cache.Put(User("u1", "old@x"), before_read);  // ...the reader's stale record is refused
  EXPECT_FALSE(cache.Get("u1").has_value());
  cache.Put(User("u1", "new@x"), cache.Generation());
  EXPECT_EQ(cache.Get("u1")->email, "new@x");
}

TEST(ProfileCacheTest, BoundedAndOffWithZeroTtl) {
  ManualClock clock;
  ProfileCache cache(std::chrono::seconds(10), 16, clock);
  for (int i = 0; i < 1000; ++i) cache.Put(User("u" + std::to_string(i), "e"), cache.Generation());
  int held = 0;
  for (int i = 0; i < 1000; ++i) held += cache.Get("u" + std::to_string(i)).has_value();
  EXPECT_LE(held, 16);
  ProfileCache off(std::chrono::milliseconds(0), 16, clock);
  off.Put(User("u", "e"), off.Generation());
  EXPECT_FALSE(off.Get("u").has_value());
}

TEST(ProfileCacheTest, ExpiredRecordsAreDroppedAsNewOnesArrive) {
  ManualClock clock;
  ProfileCache cache(std::chrono::seconds(10), 100000, clock);
  for (int i = 0; i < 1000; ++i)
    cache.Put(User("old" + std::to_string(i), "e"), cache.Generation());
  EXPECT_EQ(cache.size(), 1000u);
  clock.Advance(std::chrono::seconds(10));
  // Enough new users that every shard takes a Put.
  for (int i = 0; i < 300; ++i) cache.Put(User("new" + std::to_string(i), "e"), cache.Generation());
  EXPECT_EQ(cache.size(), 300u) << "only the users read within the TTL are held";
  EXPECT_TRUE(cache.Get("new0").has_value());
}

TEST(ProfileCacheTest, UnexpiredRecordsAreNeverDropped) {
  ManualClock clock;
  ProfileCache cache(std::chrono::seconds(10), 100000, clock);
  for (int i = 0; i < 300; ++i) cache.Put(User("a" + std::to_string(i), "e"), cache.Generation());
  clock.Advance(std::chrono::seconds(5));
  for (int i = 0; i < 300; ++i) cache.Put(User("b" + std::to_string(i), "e"), cache.Generation());
  cache.Invalidate("b0");  // leaves a stale queue element behind
  cache.Put(User("b0", "e2"), cache.Generation());
  clock.Advance(std::chrono::seconds(5));
  for (int i = 0; i < 300; ++i) cache.Put(User("c" + std::to_string(i), "e"), cache.Generation());
  EXPECT_EQ(cache.size(), 600u);
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(cache.Get("b" + std::to_string(i)).has_value()) << i;
  }
  EXPECT_EQ(cache.Get("b0")->email, "e2");
  EXPECT_FALSE(cache.Get("a0").has_value());
}

TEST(ProfileCacheTest, RepeatedWritesToOneUserStayBounded) {
  ManualClock clock;
  ProfileCache cache(std::chrono::seconds(10), 16, clock);
  for (int i = 0; i < 10000; ++i) {
    cache.Invalidate("u1");
    cache.Put(User("u1", "e" + std::to_string(i)), cache.Generation());
    clock.Advance(std::chrono::milliseconds(1));
    ASSERT_EQ(cache.size(), 1u);
  }
  EXPECT_EQ(cache.Get("u1")->email, "e9999");
  clock.Advance(std::chrono::seconds(10));
  cache.Put(User("u1", "last"), cache.Generation());
  EXPECT_EQ(cache.Get("u1")->email, "last");
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace howler::auth
