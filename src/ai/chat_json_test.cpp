#include "ai/chat_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace howler::ai {
namespace {

namespace json = boost::json;

TEST(ChatJsonTest, RequestIsAStreamedCompletionWithUsage) {
  ChatRequest r{"m-1", {{"system", "rules \"quoted\""}, {"user", "line\nbreak"}}, 77};
  const json::object o = json::parse(ChatRequestJson(r)).as_object();
  EXPECT_EQ(o.at("model"), "m-1");
  EXPECT_EQ(o.at("max_tokens").as_int64(), 77);
  EXPECT_TRUE(o.at("stream").as_bool());
  EXPECT_TRUE(o.at("stream_options").at("include_usage").as_bool());
  const json::array& m = o.at("messages").as_array();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].at("role"), "system");
  EXPECT_EQ(m[0].at("content"), "rules \"quoted\"");
  EXPECT_EQ(m[1].at("content"), "line\nbreak");
}

TEST(ChatJsonTest, ParsesDeltasUsageAndDone) {
  auto c = ParseChatChunk(
      R"({"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"SEL"}}]})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->content, "SEL");
  EXPECT_FALSE(c->usage);
  auto role = ParseChatChunk(R"({"choices":[{"index":0,"delta":{"role":"assistant"}}]})");
  ASSERT_TRUE(role.ok());
  EXPECT_EQ(role->content, "");
  auto u = ParseChatChunk(R"({"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}})");
  ASSERT_TRUE(u.ok());
  ASSERT_TRUE(u->usage);
  EXPECT_EQ(u->usage->prompt_tokens, 12);
  EXPECT_EQ(u->usage->completion_tokens, 3);
  auto done = ParseChatChunk("[DONE]");
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->done);
}

TEST(ChatJsonTest, ParsesAWholeCompletion) {
  auto c = ParseChatCompletion(
      R"({"choices":[{"index":0,"message":{"role":"assistant","content":"SELECT 1"}}],"usage":{"prompt_tokens":4,"completion_tokens":2}})");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->done);
  EXPECT_EQ(c->content, "SELECT 1");
  EXPECT_EQ(c->usage->completion_tokens, 2);
  EXPECT_EQ(ParseChatCompletion(R"({"choices":[]})").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseChatCompletion("nope").status().code(), StatusCode::kDataLoss);
}

TEST(ChatJsonTest, ErrorsAndGarbageAreStatuses) {
  auto e = ParseChatChunk(R"({"error":{"message":"overloaded"}})");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(e.status().detail().find("overloaded"), std::string::npos);
  EXPECT_EQ(ParseChatChunk("not json").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseChatChunk(R"({"choices":3})").status().code(), StatusCode::kDataLoss);
}

TEST(ChatJsonTest, ProviderErrorMessageIsCut) {
  EXPECT_EQ(ProviderErrorMessage(R"({"error":{"message":"bad key"}})"), "bad key");
  EXPECT_EQ(ProviderErrorMessage(R"({"error":"plain"})"), "plain");
  EXPECT_EQ(ProviderErrorMessage("<html>"), "");
  const std::string long_message(1000, 'x');
  EXPECT_EQ(ProviderErrorMessage(R"({"error":{"message":")" + long_message + "\"}}").size(), 300u);
}

}  // namespace
}  // namespace howler::ai
