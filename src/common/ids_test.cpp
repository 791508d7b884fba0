#include "common/ids.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <thread>
#include <vector>

#include "common/time_format.h"

namespace howler {
namespace {

using std::chrono::milliseconds;

TEST(IdsTest, FormatVersionAndVariant) {
  const std::regex kCanonical(
      "^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 200; ++i) {
    const std::string id = NewUuidV7(ManualClock::DefaultStart());
    EXPECT_TRUE(std::regex_match(id, kCanonical)) << id;
    EXPECT_TRUE(IsUuid(id));
  }
}

TEST(IdsTest, TimestampIsExtractable) {
  UuidV7Generator gen;
  const TimePoint when = FromUnixMillis(1795607795055);
  EXPECT_EQ(UuidV7UnixMillis(gen.Next(when)), 1795607795055);
  EXPECT_EQ(UuidV7UnixMillis(gen.Next(when + milliseconds(7))), 1795607795062);
  // The clock going back does not move the timestamp back.
  EXPECT_EQ(UuidV7UnixMillis(gen.Next(when)), 1795607795062);
  // Before the epoch clamps to 0.
  UuidV7Generator early;
  EXPECT_EQ(UuidV7UnixMillis(early.Next(FromUnixMillis(-5))), 0);
}

TEST(IdsTest, TimestampIsBigEndianMillis) {
  UuidV7Generator gen;
  const std::string id = gen.Next(FromUnixMillis(0x0123456789ab));
  EXPECT_EQ(id.substr(0, 13), "01234567-89ab");
}

TEST(IdsTest, TenThousandIdsAreUniqueAndOrdered) {
  SystemClock clock;
  std::vector<std::string> ids;
  ids.reserve(10000);
  for (int i = 0; i < 10000; ++i) {
    ids.push_back(NewUuidV7(clock.Now()));
  }
  const std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), ids.size());
  for (std::size_t i = 1; i < ids.size(); ++i) {
    ASSERT_LT(ids[i - 1], ids[i]) << i;
  }
}

TEST(IdsTest, OrderedWhenTheClockRepeatsOrGoesBack) {
  UuidV7Generator gen;
  const TimePoint t = FromUnixMillis(0x0200000000ff);
  std::string prev = gen.Next(t);
  for (int i = 0; i < 5000; ++i) {  // more than one millisecond's counter space
    const std::string next = gen.Next(i % 2 == 0 ? t : t - milliseconds(5));
    ASSERT_LT(prev, next) << i;
    prev = next;
  }
  // 5001 ids overflow the 12-bit counter at least once, at most three times.
  EXPECT_GE(*UuidV7UnixMillis(prev), 0x0200000000ff + 1);
  EXPECT_LE(*UuidV7UnixMillis(prev), 0x0200000000ff + 3);
}

TEST(IdsTest, OrderedAcrossThreads) {
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  threads.reserve(per_thread.size());
  for (auto& out : per_thread) {
    threads.emplace_back([&out] {
      SystemClock clock;
      for (int i = 0; i < 2000; ++i) {
        out.push_back(NewUuidV7(clock.Now()));
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  std::set<std::string> all;
  for (const auto& out : per_thread) {
    for (std::size_t i = 1; i < out.size(); ++i) {
      ASSERT_LT(out[i - 1], out[i]);
    }
    all.insert(out.begin(), out.end());
  }
  EXPECT_EQ(all.size(), 8000u);
}

TEST(IdsTest, IsUuidAndTimestampRejectMalformed) {
  EXPECT_TRUE(IsUuid("0190A6F2-3C4D-7E5F-8A9B-0123456789AB"));
  EXPECT_FALSE(IsUuid(""));
  EXPECT_FALSE(IsUuid("0190a6f23c4d7e5f8a9b0123456789ab"));
  EXPECT_FALSE(IsUuid("0190a6f2-3c4d-7e5f-8a9b-0123456789a"));
  EXPECT_FALSE(IsUuid("0190a6f2-3c4d-7e5f-8a9b-0123456789abc"));
  EXPECT_FALSE(IsUuid("0190a6f2-3c4d-7e5f-8a9b_0123456789ab"));
  EXPECT_FALSE(IsUuid("0190a6g2-3c4d-7e5f-8a9b-0123456789ab"));
  EXPECT_FALSE(IsUuid("0190a6f2-3c4d-7e5f-8a9b--123456789ab"));
  EXPECT_EQ(UuidV7UnixMillis("0190a6f2-3c4d-4e5f-8a9b-0123456789ab"), std::nullopt);  // v4
  EXPECT_EQ(UuidV7UnixMillis("0190a6f2-3c4d-7e5f-ca9b-0123456789ab"), std::nullopt);  // variant
  EXPECT_EQ(UuidV7UnixMillis("0190a6f2-3c4d-7e5f-8a9b-0123456789ab"), 0x0190a6f23c4d);
}

TEST(IsValidRequestIdTest, AcceptsOnlyShortSafeTokens) {
  EXPECT_TRUE(IsValidRequestId("trace-abc.123:x_y"));
  EXPECT_TRUE(IsValidRequestId(std::string(128, 'a')));
  EXPECT_FALSE(IsValidRequestId(std::string(129, 'a')));
  EXPECT_FALSE(IsValidRequestId(""));
  EXPECT_FALSE(IsValidRequestId("a b"));
  EXPECT_FALSE(IsValidRequestId("a\nb"));
}

}  // namespace
}  // namespace howler
