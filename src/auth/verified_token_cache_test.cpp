#include "auth/verified_token_cache.h"

#include <gtest/gtest.h>

namespace howler::auth {
namespace {

AccessClaims ClaimsExpiringAt(TimePoint t) {
  AccessClaims c;
  c.user_id = "u1";
  c.session_id = "s1";
  c.expires_at = t;
  return c;
}

TEST(VerifiedTokenCacheTest, RemembersUntilExpiry) {
  ManualClock clock;
  VerifiedTokenCache cache(10, clock);
  EXPECT_FALSE(cache.Get("t").has_value());
  cache.Put("t", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  ASSERT_TRUE(cache.Get("t").has_value());
  EXPECT_EQ(cache.Get("t")->session_id, "s1");
  EXPECT_FALSE(cache.Get("t2").has_value()) << "exact text only";
  clock.Advance(std::chrono::minutes(15));
  EXPECT_FALSE(cache.Get("t").has_value()) << "expired tokens are never served";
}

TEST(VerifiedTokenCacheTest, StaysBounded) {
  ManualClock clock;
  VerifiedTokenCache cache(100, clock);
  for (int i = 0; i < 1000; ++i) {
    cache.Put("token-" + std::to_string(i), ClaimsExpiringAt(clock.Now() + std::chrono::hours(1)));
    EXPECT_LE(cache.size(), 100u);
  }
  EXPECT_TRUE(cache.Get("token-999").has_value());
}

}  // namespace
}  // namespace howler::auth
