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

}  // namespace
}  // namespace howler::auth
