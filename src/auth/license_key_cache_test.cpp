#include "auth/license_key_cache.h"

#include <gtest/gtest.h>

namespace howler::auth {
namespace {

storage::LicenseKeyOwner Owner(const std::string& session_id) {
  return {session_id, "u1", "alice", "user"};
}

TEST(LicenseKeyCacheTest, RemembersOwnersByExactKeyUntilErased) {
  LicenseKeyCache cache(10);
  EXPECT_FALSE(cache.Get("key-1").has_value());
  cache.Put("key-1", Owner("s1"));
  ASSERT_TRUE(cache.Get("key-1").has_value());
  EXPECT_EQ(cache.Get("key-1")->session_id, "s1");
  EXPECT_EQ(cache.Get("key-1")->username, "alice");
  EXPECT_FALSE(cache.Get("key-2").has_value());
  cache.Put("key-1", Owner("s9"));
  EXPECT_EQ(cache.Get("key-1")->session_id, "s9") << "a newer read replaces the entry";
  cache.Erase("key-1");
  EXPECT_FALSE(cache.Get("key-1").has_value());
  cache.Erase("key-1");  // erasing an absent key is harmless
  EXPECT_EQ(cache.size(), 0u);
}

TEST(LicenseKeyCacheTest, StaysBounded) {
  LicenseKeyCache cache(100);
  for (int i = 0; i < 1000; ++i) {
    cache.Put("key-" + std::to_string(i), Owner("s" + std::to_string(i)));
    EXPECT_LE(cache.size(), 100u);
  }
  EXPECT_TRUE(cache.Get("key-999").has_value());
  LicenseKeyCache tiny(0);
  tiny.Put("a", Owner("s1"));
  tiny.Put("b", Owner("s2"));
  EXPECT_EQ(tiny.size(), 1u);
  EXPECT_TRUE(tiny.Get("b").has_value());
}

}  // namespace
}  // namespace howler::auth
