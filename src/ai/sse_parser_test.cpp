#include "ai/sse_parser.h"

#include <gtest/gtest.h>

namespace howler::ai {
namespace {

std::vector<SseEvent> FeedAll(SseParser& p, std::string_view text) {
  auto r = p.Feed(text);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<SseEvent>{};
}

TEST(SseParserTest, ReadsEventsSplitAnywhere) {
  const std::string text =
      "data: {\"a\":1}\n\n: keep-alive\n\nevent: x\ndata: one\ndata:two\n\ndata: [DONE]\n\n";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    SseParser p;
    auto events = FeedAll(p, text.substr(0, cut));
    auto more = FeedAll(p, text.substr(cut));
    events.insert(events.end(), more.begin(), more.end());
    ASSERT_EQ(events.size(), 3u) << cut;
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_EQ(events[1].event, "x");
    EXPECT_EQ(events[1].data, "one\ntwo");
    EXPECT_EQ(events[2].data, "[DONE]");
    EXPECT_FALSE(p.pending());
  }
}

TEST(SseParserTest, AcceptsCrLfAndCrLineEnds) {
  SseParser p;
  auto events = FeedAll(p, "data: a\r\n\r\ndata: b\r\rdata: c\n\n");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].data, "a");
  EXPECT_EQ(events[1].data, "b");
  EXPECT_EQ(events[2].data, "c");
}

TEST(SseParserTest, AnUnfinishedEventIsPending) {
  SseParser p;
  EXPECT_TRUE(FeedAll(p, "data: half").empty());
  EXPECT_TRUE(p.pending());
  EXPECT_TRUE(FeedAll(p, "\n").empty());
  EXPECT_TRUE(p.pending());
}

TEST(SseParserTest, EventsWithoutDataAreSkipped) {
  SseParser p;
  EXPECT_TRUE(FeedAll(p, "event: ping\n\nid: 3\n\n").empty());
}

TEST(SseParserTest, RefusesOversizedLinesAndEvents) {
  SseParser p(16);
  auto r = p.Feed("data: " + std::string(32, 'x'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  SseParser q(16);
  auto s = q.Feed("data: 0123456789\ndata: 0123456789\n");
  ASSERT_FALSE(s.ok());
}

}  // namespace
}  // namespace howler::ai
