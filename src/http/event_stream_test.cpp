#include "http/event_stream.h"

#include <gtest/gtest.h>

#include <future>
#include <optional>
#include <thread>
#include <vector>

namespace howler::http {
namespace {

// Pulls once; the chunk, or nullopt while the pull waits.
struct Puller {
  std::optional<BodyChunk> chunk;
  int calls = 0;
  std::function<void(BodyChunk)> Deliver() {
    return [this](BodyChunk c) {
      ++calls;
      chunk = std::move(c);
    };
  }
};

TEST(EventStreamTest, FormatsFieldsAndOneDataLinePerLine) {
  EXPECT_EQ(EventStream::Format("tick", "{\"seq\":1}", "1"),
            "event: tick\nid: 1\ndata: {\"seq\":1}\n\n");
  EXPECT_EQ(EventStream::Format("", "a\r\nb\nc", ""), "data: a\ndata: b\ndata: c\n\n");
  EXPECT_EQ(EventStream::Format("", "", ""), "data: \n\n");
  EXPECT_EQ(EventStream::Format("x\ny", "d", "i\rd"), "event: x y\nid: i d\ndata: d\n\n");
}

TEST(EventStreamTest, PullTakesEverythingQueuedAsOneChunk) {
  EventStream stream;
  EXPECT_TRUE(stream.Publish("a", "1"));
  EXPECT_TRUE(stream.Publish("b", "2"));
  EXPECT_EQ(stream.queued_events(), 2u);
  Puller p;
  stream.Pull(p.Deliver());
  ASSERT_TRUE(p.chunk);
  EXPECT_EQ(p.chunk->data, "event: a\ndata: 1\n\nevent: b\ndata: 2\n\n");
  EXPECT_FALSE(p.chunk->last);
  EXPECT_EQ(stream.queued_events(), 0u);
}

TEST(EventStreamTest, AWaitingPullGetsTheNextEventAtOnce) {
  EventStream stream;
  Puller p;
  stream.Pull(p.Deliver());
  EXPECT_EQ(p.calls, 0);
  EXPECT_TRUE(stream.Publish("", "now"));
  ASSERT_EQ(p.calls, 1);
  EXPECT_EQ(p.chunk->data, "data: now\n\n");
  EXPECT_EQ(stream.queued_events(), 0u);
}

TEST(EventStreamTest, CloseEndsAfterQueuedEvents) {
  EventStream stream;
  EXPECT_TRUE(stream.Publish("", "last words"));
  stream.Close();
  EXPECT_TRUE(stream.closed());
  EXPECT_FALSE(stream.Publish("", "too late"));
  Puller p;
  stream.Pull(p.Deliver());
  ASSERT_TRUE(p.chunk);
  EXPECT_TRUE(p.chunk->last);
  EXPECT_EQ(p.chunk->data, "data: last words\n\n");
}

TEST(EventStreamTest, CloseCompletesAWaitingPull) {
  EventStream stream;
  Puller p;
  stream.Pull(p.Deliver());
  stream.Close();
  ASSERT_EQ(p.calls, 1);
  EXPECT_TRUE(p.chunk->last);
  EXPECT_TRUE(p.chunk->data.empty());
}

TEST(EventStreamTest, ASlowConsumerOverflowsAndEndsTheStreamFailed) {
  EventStream stream({.max_events = 3, .max_bytes = 1 << 20});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(stream.Publish("", "x")) << i;
  EXPECT_FALSE(stream.Publish("", "one too many"));
  EXPECT_TRUE(stream.closed());
  EXPECT_EQ(stream.queued_events(), 0u) << "the queue is dropped, not kept";
  EXPECT_FALSE(stream.Publish("", "x"));
  Puller p;
  stream.Pull(p.Deliver());
  ASSERT_TRUE(p.chunk);
  EXPECT_TRUE(p.chunk->failed);
}

TEST(EventStreamTest, TheByteBoundCountsToo) {
  EventStream stream({.max_events = 1000, .max_bytes = 64});
  EXPECT_TRUE(stream.Publish("", std::string(30, 'a')));  // 38 bytes on the wire
  EXPECT_FALSE(stream.Publish("", std::string(30, 'b')));
  EXPECT_TRUE(stream.closed());
}

TEST(EventStreamTest, AnEventLargerThanTheBoundFailsAWaitingPull) {
  EventStream stream({.max_events = 10, .max_bytes = 16});
  Puller p;
  stream.Pull(p.Deliver());
  EXPECT_FALSE(stream.Publish("", std::string(100, 'z')));
  ASSERT_EQ(p.calls, 1);
  EXPECT_TRUE(p.chunk->failed);
}

TEST(EventStreamTest, CancelClosesForProducersAndDropsTheWaitingPull) {
  EventStream stream;
  Puller p;
  stream.Pull(p.Deliver());
  stream.Cancel();
  EXPECT_TRUE(stream.closed());
  EXPECT_FALSE(stream.Publish("", "nobody listens"));
  stream.Close();  // after a cancel: nothing more happens
  EXPECT_EQ(p.calls, 0);
}

TEST(EventStreamTest, ConcurrentProducersLoseNoEventWhileTheConsumerKeepsUp) {
  EventStream stream({.max_events = 1 << 20, .max_bytes = 64 << 20});
  constexpr int kThreads = 4, kEach = 2000;
  std::string received;
  std::thread consumer([&] {
    for (;;) {  // one Pull at a time, as the transport does
      std::promise<BodyChunk> next;
      stream.Pull([&next](BodyChunk c) { next.set_value(std::move(c)); });
      BodyChunk c = next.get_future().get();
      received += c.data;
      if (c.last || c.failed) return;
    }
  });
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&stream] {
      for (int i = 0; i < kEach; ++i) EXPECT_TRUE(stream.Publish("", "e"));
    });
  }
  for (auto& t : producers) t.join();
  stream.Close();
  consumer.join();
  const std::string one = EventStream::Format("", "e", "");
  EXPECT_EQ(received.size(), one.size() * kThreads * kEach);
}

TEST(EventStreamTest, TheResponseIsAnUncompressedEventStream) {
  auto stream = std::make_shared<EventStream>();
  const Response r = EventStreamResponse(stream);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.kind, ResponseKind::kEventStream);
  EXPECT_EQ(r.body_source, stream);
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/event-stream");
  EXPECT_EQ(r.headers.Get("X-Accel-Buffering"), "no");
  EXPECT_FALSE(r.compressible);
}

}  // namespace
}  // namespace howler::http
