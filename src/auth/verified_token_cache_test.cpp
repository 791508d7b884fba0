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

TEST(VerifiedTokenCacheTest, DropsExpiredTokensAsNewOnesArrive) {
  ManualClock clock;
  VerifiedTokenCache cache(100000, clock);
  for (int i = 0; i < 1000; ++i) {
    cache.Put("old-" + std::to_string(i), ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  }
  EXPECT_EQ(cache.size(), 1000u);
  clock.Advance(std::chrono::minutes(15));
  for (int i = 0; i < 10; ++i) {
    cache.Put("new-" + std::to_string(i), ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  }
  EXPECT_EQ(cache.size(), 10u) << "only the tokens of the last TTL are held";
  EXPECT_TRUE(cache.Get("new-9").has_value());
  EXPECT_FALSE(cache.Get("old-0").has_value());
}

TEST(VerifiedTokenCacheTest, KeepsEveryUnexpiredToken) {
  ManualClock clock;
  VerifiedTokenCache cache(100000, clock);
  cache.Put("a", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  cache.Put("long", ClaimsExpiringAt(clock.Now() + std::chrono::hours(2)));
  clock.Advance(std::chrono::minutes(10));
  cache.Put("b", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  cache.Put("b", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));  // a racing miss
  clock.Advance(std::chrono::minutes(5));
  cache.Put("c", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Get("a").has_value());
  EXPECT_TRUE(cache.Get("b").has_value());
  EXPECT_TRUE(cache.Get("c").has_value());
  clock.Advance(std::chrono::minutes(30));
  cache.Put("d", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  EXPECT_TRUE(cache.Get("long").has_value()) << "a later expiry is never dropped early";
  clock.Advance(std::chrono::hours(2));
  cache.Put("e", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(VerifiedTokenCacheTest, ATokenPutAgainWithALaterExpiryOutlivesItsFirstPut) {
  ManualClock clock;
  VerifiedTokenCache cache(100, clock);
  const std::string long_token(400, 'x');  // beyond any small-string buffer
  for (const std::string& token : {std::string("t"), long_token}) {
    cache.Put(token, ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
    cache.Put(token, ClaimsExpiringAt(clock.Now() + std::chrono::minutes(20)));
  }
  clock.Advance(std::chrono::minutes(15));
  cache.Put("other", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  EXPECT_TRUE(cache.Get("t").has_value());
  EXPECT_TRUE(cache.Get(long_token).has_value());
  EXPECT_EQ(cache.size(), 3u);
  clock.Advance(std::chrono::minutes(5));
  cache.Put("last", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  EXPECT_EQ(cache.size(), 2u);  // other, last
  EXPECT_FALSE(cache.Get(long_token).has_value());
}

TEST(VerifiedTokenCacheTest, AnExpiredTokenIsNotKept) {
  ManualClock clock;
  VerifiedTokenCache cache(10, clock);
  cache.Put("t", ClaimsExpiringAt(clock.Now()));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.Get("t").has_value());
}

TEST(VerifiedTokenCacheTest, ARepeatedTokenStaysBounded) {
  ManualClock clock;
  VerifiedTokenCache cache(4, clock);
  for (int i = 0; i < 1000; ++i) {
    // One token re-verified with a moving expiry, as a clock stepping forward might give.
    cache.Put("t", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15) +
                                    std::chrono::milliseconds(i)));
    ASSERT_TRUE(cache.Get("t").has_value()) << i;
    ASSERT_LE(cache.size(), 4u);
  }
}

// With a hold shorter than the tokens' life, a token is dropped once the hold is over (and
// verified again by its next request), so memory follows the tokens of the last hold.
TEST(VerifiedTokenCacheTest, TokensAreHeldNoLongerThanTheHold) {
  ManualClock clock;
  VerifiedTokenCache cache(100000, clock, std::chrono::minutes(2));
  for (int i = 0; i < 100; ++i) {
    cache.Put("old-" + std::to_string(i), ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  }
  clock.Advance(std::chrono::minutes(1));
  cache.Put("mid", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  EXPECT_EQ(cache.size(), 101u);
  EXPECT_TRUE(cache.Get("old-0").has_value());
  clock.Advance(std::chrono::minutes(1) - std::chrono::milliseconds(1));
  cache.Put("x", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  EXPECT_EQ(cache.size(), 102u) << "not before the hold is over";
  clock.Advance(std::chrono::milliseconds(1));
  cache.Put("new", ClaimsExpiringAt(clock.Now() + std::chrono::minutes(15)));
  EXPECT_EQ(cache.size(), 3u);  // mid, x, new
  EXPECT_FALSE(cache.Get("old-99").has_value());
  EXPECT_TRUE(cache.Get("mid").has_value());
}

}  // namespace
}  // namespace howler::auth
