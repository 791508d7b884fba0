// The wire shapes of an OpenAI-compatible chat completion (POST <base>/chat/completions):
// the streamed request body, and the chunks of its answer (`data:` events holding
// `choices[0].delta.content`, a last chunk with `usage` when asked, then `[DONE]`).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace howler::ai {

struct ChatMessage {
  std::string role;  // system | user | assistant
  std::string content;
};

struct TokenUsage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};

struct ChatRequest {
  std::string model;
  std::vector<ChatMessage> messages;
  std::int64_t max_tokens = 1024;
};

// The JSON body: model, messages, max_tokens, temperature 0, stream true with
// stream_options.include_usage (so the last chunk reports the tokens counted).
std::string ChatRequestJson(const ChatRequest& request);

// One parsed chunk. `done` for the `[DONE]` sentinel.
struct ChatChunk {
  bool done = false;
  std::string content;  // the text delta; may be empty
  std::optional<TokenUsage> usage;
};

// Parses one event's data. An `{"error":...}` object the provider streams instead of a
// chunk is UNAVAILABLE with its message as the detail; data that is not a chunk is
// DATA_LOSS.
Result<ChatChunk> ParseChatChunk(std::string_view data);

// Parses a whole (not streamed) completion, `choices[0].message.content` and `usage`, as a
// provider that ignores `stream: true` answers; `done` is set. DATA_LOSS when it is not one.
Result<ChatChunk> ParseChatCompletion(std::string_view body);

// The message of a provider's error body (`{"error":{"message":...}}`), cut to 300 bytes;
// empty when the body is not one. For the log only.
std::string ProviderErrorMessage(std::string_view body);

}  // namespace howler::ai
