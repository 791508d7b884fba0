#include "auth/session_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace howler::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using State = SessionCache::State;

class SessionCacheTest : public testing::Test {
 protected:
  ManualClock clock_;
  SessionCache cache_{seconds(30), 1000, clock_};
};

TEST_F(SessionCacheTest, ActiveOnlyForTheUserItWasPutFor) {
  cache_.PutActive("s1", "u1");
  EXPECT_EQ(cache_.Get("s1", "u2"), State::kUnknown);
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kActive);
  cache_.MarkRevoked("s1");
  EXPECT_EQ(cache_.Get("s1", "u2"), State::kRevoked);
}

TEST_F(SessionCacheTest, UnknownUntilPut) {
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kUnknown);
  cache_.PutActive("s1", "u1");
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kActive);
  EXPECT_EQ(cache_.Get("s2", "u1"), State::kUnknown);
}

TEST_F(SessionCacheTest, ActiveEntriesExpireAfterTheTtl) {
  cache_.PutActive("s1", "u1");
  clock_.Advance(seconds(30) - milliseconds(1));
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kActive);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kUnknown);
  EXPECT_EQ(cache_.size(), 0u);
}

TEST_F(SessionCacheTest, PuttingAgainRestartsTheTtl) {
  cache_.PutActive("s1", "u1");
  clock_.Advance(seconds(20));
  cache_.PutActive("s1", "u1");
  clock_.Advance(seconds(20));
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kActive);
  clock_.Advance(seconds(10));
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kUnknown);
}

TEST_F(SessionCacheTest, RevocationTakesEffectAtOnce) {
  cache_.PutActive("s1", "u1");
  cache_.MarkRevoked("s1");
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kRevoked);
  cache_.MarkRevoked("never-seen");
  EXPECT_EQ(cache_.Get("never-seen", "u1"), State::kRevoked);
}

TEST_F(SessionCacheTest, AStalePutCannotReviveARevokedSession) {
  cache_.MarkRevoked("s1");
  cache_.PutActive("s1", "u1");  // a request that read the store before the revocation
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kRevoked);
  clock_.Advance(minutes(4));
  cache_.PutActive("s1", "u1");
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kRevoked);
}

TEST_F(SessionCacheTest, RevocationMarksOutliveActiveEntries) {
  cache_.MarkRevoked("s1");
  clock_.Advance(SessionCache::kMinRevokedTtl - milliseconds(1));
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kRevoked);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kUnknown);  // the store decides again
  cache_.PutActive("s1", "u1");
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kActive);

  SessionCache long_ttl(minutes(10), 100, clock_);
  long_ttl.MarkRevoked("s2");
  clock_.Advance(minutes(10) - milliseconds(1));
  EXPECT_EQ(long_ttl.Get("s2", "u1"), State::kRevoked);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(long_ttl.Get("s2", "u1"), State::kUnknown);
}

TEST_F(SessionCacheTest, MarkUserRevokedCoversOnlyThatUsersSessions) {
  cache_.PutActive("s1", "u1");
  cache_.PutActive("s2", "u1");
  cache_.PutActive("s3", "u2");
  cache_.MarkUserRevoked("u1");
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kRevoked);
  EXPECT_EQ(cache_.Get("s2", "u1"), State::kRevoked);
  EXPECT_EQ(cache_.Get("s3", "u2"), State::kActive);
  cache_.PutActive("s1", "u1");
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kRevoked);
}

TEST_F(SessionCacheTest, MarkUserRevokedCanKeepTheCurrentSession) {
  cache_.PutActive("s1", "u1");
  cache_.PutActive("s2", "u1");
  cache_.MarkUserRevoked("u1", "s2");
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kRevoked);
  EXPECT_EQ(cache_.Get("s2", "u1"), State::kActive);
}

TEST_F(SessionCacheTest, MarkUserRevokedOfAnUnknownUserChangesNothing) {
  cache_.PutActive("s1", "u1");
  cache_.MarkUserRevoked("u9");
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kActive);
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(SessionCacheTest, AMarkedSessionStaysLinkedToItsUser) {
  cache_.PutActive("s1", "u1");
  cache_.MarkRevoked("s1");
  cache_.MarkUserRevoked("u1");
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kRevoked);
  clock_.Advance(SessionCache::kMinRevokedTtl);
  EXPECT_EQ(cache_.Get("s1", "u1"), State::kUnknown);
}

TEST_F(SessionCacheTest, StaysBoundedAndKeepsTheNewest) {
  SessionCache small(minutes(1), 100, clock_);
  for (int i = 0; i < 10000; ++i) {
    small.PutActive("s" + std::to_string(i), "u" + std::to_string(i % 7));
    ASSERT_LE(small.size(), 100u);
  }
  EXPECT_EQ(small.Get("s9999", "u" + std::to_string(9999 % 7)), State::kActive);
  EXPECT_EQ(small.Get("s9900", "u" + std::to_string(9900 % 7)), State::kActive);
  EXPECT_EQ(small.Get("s9899", "u1"), State::kUnknown);
  EXPECT_EQ(small.Get("s0", "u1"), State::kUnknown);
}

TEST_F(SessionCacheTest, EvictedSessionsLeaveTheUserIndex) {
  SessionCache tiny(minutes(1), 2, clock_);
  tiny.PutActive("s1", "u1");
  tiny.PutActive("s2", "u1");
  tiny.PutActive("s3", "u2");  // evicts s1
  tiny.MarkUserRevoked("u1");
  EXPECT_EQ(tiny.Get("s1", "u1"), State::kUnknown);
  EXPECT_EQ(tiny.Get("s2", "u1"), State::kRevoked);
  EXPECT_EQ(tiny.Get("s3", "u2"), State::kActive);
  EXPECT_EQ(tiny.size(), 2u);
}

TEST_F(SessionCacheTest, ExpiredEntriesAreDroppedOnTheNextWrite) {
  for (int i = 0; i < 500; ++i) {
    cache_.PutActive("s" + std::to_string(i), "u" + std::to_string(i % 7));
  }
  EXPECT_EQ(cache_.size(), 500u);
  clock_.Advance(seconds(30));
  cache_.PutActive("new", "u1");
  EXPECT_EQ(cache_.size(), 1u) << "only the sessions written within the TTL are held";
  EXPECT_EQ(cache_.Get("new", "u1"), State::kActive);
  cache_.MarkUserRevoked("u3");  // the dropped sessions left the user index
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(SessionCacheTest, UnexpiredEntriesAndMarksAreNeverDropped) {
  cache_.MarkRevoked("r1");  // written first, expires last
  for (int i = 0; i < 100; ++i) {
    cache_.PutActive("old" + std::to_string(i), "u1");
  }
  clock_.Advance(seconds(20));
  for (int i = 0; i < 10; ++i) {
    cache_.PutActive("mid" + std::to_string(i), "u2");
  }
  cache_.MarkRevoked("r2");
  clock_.Advance(seconds(10));  // the "old" entries expire
  cache_.PutActive("new", "u3");
  EXPECT_EQ(cache_.size(), 13u);  // r1, 10 mid, r2, new
  EXPECT_EQ(cache_.Get("r1", "u1"), State::kRevoked);
  EXPECT_EQ(cache_.Get("mid9", "u2"), State::kActive);

  clock_.Advance(SessionCache::kMinRevokedTtl - seconds(30) - milliseconds(1));
  cache_.PutActive("later", "u3");
  EXPECT_EQ(cache_.size(), 3u);  // r1, r2, later
  EXPECT_EQ(cache_.Get("r1", "u1"), State::kRevoked) << "a mark lives its whole TTL";
  clock_.Advance(milliseconds(1));
  cache_.PutActive("last", "u3");
  EXPECT_EQ(cache_.size(), 3u);  // r2, later, last
  EXPECT_EQ(cache_.Get("r2", "u1"), State::kRevoked);
  clock_.Advance(seconds(30));  // r2, later and last expire
  cache_.PutActive("final", "u3");
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(SessionCacheTest, TheBoundEvictsTheLeastRecentlyWrittenOfEitherKind) {
  SessionCache tiny(minutes(1), 3, clock_);
  tiny.PutActive("s1", "u1");
  clock_.Advance(seconds(1));
  tiny.MarkRevoked("r1");
  clock_.Advance(seconds(1));
  tiny.PutActive("s2", "u1");
  tiny.PutActive("s3", "u1");  // evicts s1
  EXPECT_EQ(tiny.Get("s1", "u1"), State::kUnknown);
  EXPECT_EQ(tiny.Get("r1", "u1"), State::kRevoked);
  tiny.PutActive("s4", "u1");  // evicts r1, written before s2
  EXPECT_EQ(tiny.Get("r1", "u1"), State::kUnknown);
  EXPECT_EQ(tiny.Get("s2", "u1"), State::kActive);
  EXPECT_EQ(tiny.size(), 3u);
}

TEST_F(SessionCacheTest, ConcurrentUseKeepsRevocationsFinal) {
  SessionCache cache(minutes(1), 500, clock_);
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string id = "s" + std::to_string(i % 50);
        if (t == 0) {
          cache.MarkRevoked(id);
        } else {
          cache.PutActive(id, "u" + std::to_string(t));
          static_cast<void>(cache.Get(id, "u" + std::to_string(t)));
          if (i % 100 == 0) {
            cache.MarkUserRevoked("u" + std::to_string(t), id);
          }
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(cache.Get("s" + std::to_string(i), "u1"), State::kRevoked) << i;
  }
  EXPECT_LE(cache.size(), 500u);
}

}  // namespace
}  // namespace howler::auth
