// ChatProvider against the fake OpenAI-compatible server of tests/support: chunks in
// order, every failure a clear Status, a cancel that reaches the server.
#include "ai/chat_provider.h"

#include <gtest/gtest.h>

#include <future>

#include "support/fake_ai_provider.h"

namespace howler::ai {
namespace {

using testing::FakeAiMode;
using testing::FakeAiProvider;
using testing::FakeAiScript;

struct Outcome {
  std::vector<std::string> deltas;
  Result<TokenUsage> usage = Status(StatusCode::kUnknown, "not ended");
};

class ChatProviderTest : public ::testing::Test {
 protected:
  ChatProviderOptions Options() {
    ChatProviderOptions o;
    o.base_url = fake_.base_url();
    o.api_key = "sk-test-key-0123";
    return o;
  }

  Outcome Run(ChatProvider& provider, FakeAiScript script) {
    fake_.SetScript(std::move(script));
    auto outcome = std::make_shared<Outcome>();
    std::promise<void> ended;
    auto call = provider.Start({"fake-model", {{"user", "hi"}}, 50},
                               {[outcome](std::string_view d) { outcome->deltas.emplace_back(d); },
                                [outcome, &ended](Result<TokenUsage> u) {
                                  outcome->usage = std::move(u);
                                  ended.set_value();
                                }});
    EXPECT_TRUE(call.ok());
    EXPECT_EQ(ended.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return *outcome;
  }

  FakeAiProvider fake_;
};

TEST_F(ChatProviderTest, StreamsChunksInOrderWithUsage) {
  ChatProvider provider(Options());
  FakeAiScript s;
  s.chunks = {"a", "b", "c", "d"};
  s.prompt_tokens = 11;
  s.completion_tokens = 4;
  const Outcome o = Run(provider, s);
  ASSERT_TRUE(o.usage.ok()) << o.usage.status().ToString();
  EXPECT_EQ(o.deltas, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(o.usage->prompt_tokens, 11);
  EXPECT_EQ(o.usage->completion_tokens, 4);
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/v1/chat/completions");
  EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer sk-test-key-0123");
  EXPECT_NE(requests[0].body.find("\"stream\":true"), std::string::npos);
  EXPECT_EQ(provider.running(), 0);
}

TEST_F(ChatProviderTest, AWholeCompletionIsOneDelta) {
  ChatProvider provider(Options());
  FakeAiScript s;
  s.mode = FakeAiMode::kWhole;
  s.chunks = {"SELECT ", "2;"};
  s.prompt_tokens = 9;
  const Outcome o = Run(provider, s);
  ASSERT_TRUE(o.usage.ok()) << o.usage.status().ToString();
  EXPECT_EQ(o.deltas, (std::vector<std::string>{"SELECT 2;"}));
  EXPECT_EQ(o.usage->prompt_tokens, 9);
}

TEST_F(ChatProviderTest, ProviderStatusesBecomeClearErrors) {
  ChatProvider provider(Options());
  FakeAiScript s;
  s.mode = FakeAiMode::kStatus;
  s.status = 429;
  Outcome o = Run(provider, s);
  ASSERT_FALSE(o.usage.ok());
  EXPECT_EQ(o.usage.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(o.usage.status().message(), "the AI provider is rate limiting this server");
  EXPECT_EQ(o.usage.status().retry_after_seconds(), 7);
  EXPECT_NE(o.usage.status().detail().find("fake provider failure 429"), std::string::npos);
  s.status = 500;
  o = Run(provider, s);
  EXPECT_EQ(o.usage.status().message(), "the AI provider failed (HTTP 500)");
  s.status = 401;
  o = Run(provider, s);
  EXPECT_EQ(o.usage.status().message(), "the AI provider refused the server's credentials");
  EXPECT_EQ(o.usage.status().ToString().find("sk-test-key"), std::string::npos);
}

TEST_F(ChatProviderTest, BrokenAndMalformedStreamsBreakOff) {
  ChatProvider provider(Options());
  FakeAiScript s;
  s.mode = FakeAiMode::kBroken;
  Outcome o = Run(provider, s);
  EXPECT_EQ(o.usage.status().message(), "the AI provider's answer broke off");
  EXPECT_EQ(o.deltas.size(), 1u);
  s.mode = FakeAiMode::kGarbage;
  o = Run(provider, s);
  EXPECT_EQ(o.usage.status().message(), "the AI provider's answer broke off");
}

TEST_F(ChatProviderTest, UnreachableAndSlowProviders) {
  ChatProviderOptions dead = Options();
  {
    FakeAiProvider gone;  // a port that was just free, now closed again
    dead.base_url = gone.base_url();
  }
  ChatProvider unreachable(dead);
  Outcome o = Run(unreachable, {});
  EXPECT_EQ(o.usage.status().message(), "the AI provider is unreachable");

  ChatProviderOptions slow_options = Options();
  slow_options.request_timeout = std::chrono::milliseconds(300);
  ChatProvider slow(slow_options);
  FakeAiScript s;
  s.mode = FakeAiMode::kHang;
  o = Run(slow, s);
  EXPECT_EQ(o.usage.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(o.usage.status().message(), "the AI provider did not answer in time");
}

TEST_F(ChatProviderTest, CancelAbortsTheUpstreamRequest) {
  ChatProvider provider(Options());
  FakeAiScript s;
  s.mode = FakeAiMode::kHang;
  fake_.SetScript(s);
  std::promise<Result<TokenUsage>> ended;
  std::promise<void> first;
  auto call = provider.Start({"fake-model", {{"user", "hi"}}, 50},
                             {[&first](std::string_view) { first.set_value(); },
                              [&ended](Result<TokenUsage> u) { ended.set_value(std::move(u)); }});
  ASSERT_TRUE(call.ok());
  ASSERT_EQ(first.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  (*call)->Cancel();
  auto result = ended.get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(result.get().status().code(), StatusCode::kCancelled);
  EXPECT_TRUE(fake_.WaitDisconnects(1, std::chrono::seconds(10)));
  (*call)->Cancel();  // idempotent
}

TEST_F(ChatProviderTest, RefusesBeyondMaxCallsAndEndsCallsAtDestruction) {
  ChatProviderOptions o = Options();
  o.max_calls = 1;
  FakeAiScript s;
  s.mode = FakeAiMode::kHang;
  fake_.SetScript(s);
  std::promise<Result<TokenUsage>> ended;
  {
    ChatProvider provider(o);
    auto call = provider.Start({"m", {{"user", "x"}}, 5},
                               {[](std::string_view) {},
                                [&ended](Result<TokenUsage> u) { ended.set_value(std::move(u)); }});
    ASSERT_TRUE(call.ok());
    auto second = provider.Start({"m", {{"user", "x"}}, 5},
                                 {[](std::string_view) {}, [](Result<TokenUsage>) {}});
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), StatusCode::kResourceExhausted);
  }
  auto result = ended.get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(1)), std::future_status::ready);
  EXPECT_EQ(result.get().status().message(), "the server is shutting down");
}

}  // namespace
}  // namespace howler::ai
