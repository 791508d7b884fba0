#include "ai/chat_json.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "common/json_text.h"

namespace howler::ai {
namespace json = boost::json;

std::string ChatRequestJson(const ChatRequest& request) {
  std::string out = "{\"model\":";
  AppendJsonString(out, request.model);
  out += ",\"messages\":[";
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"role\":";
    AppendJsonString(out, request.messages[i].role);
    out += ",\"content\":";
    AppendJsonString(out, request.messages[i].content);
    out.push_back('}');
  }
  out += "],\"max_tokens\":" + std::to_string(request.max_tokens);
  out += ",\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
  return out;
}

namespace {

std::int64_t Count(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) return 0;
  if (v->is_int64()) return std::max<std::int64_t>(0, v->get_int64());
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64() >> 1);
  return 0;
}

Status NotAChunk() {
  return Status(StatusCode::kDataLoss, "the AI provider sent a malformed chunk");
}

}  // namespace

Result<ChatChunk> ParseChatChunk(std::string_view data) {
  ChatChunk chunk;
  if (data == "[DONE]") {
    chunk.done = true;
    return chunk;
  }
  boost::system::error_code ec;
  json::value v = json::parse(data, ec);
  if (ec || !v.is_object()) return NotAChunk();
  const json::object& o = v.get_object();
  if (o.contains("error")) {
    return UnavailableError("the AI provider failed mid-answer")
        .WithDetail("provider error: " + ProviderErrorMessage(data));
  }
  if (const json::value* usage = o.if_contains("usage"); usage != nullptr && usage->is_object()) {
    chunk.usage = TokenUsage{Count(usage->get_object(), "prompt_tokens"),
                             Count(usage->get_object(), "completion_tokens")};
  }
  const json::value* choices = o.if_contains("choices");
  if (choices == nullptr || !choices->is_array()) return NotAChunk();
  if (choices->get_array().empty()) return chunk;  // the usage chunk
  const json::value& first = choices->get_array().front();
  if (!first.is_object()) return NotAChunk();
  const json::value* delta = first.get_object().if_contains("delta");
  if (delta == nullptr || !delta->is_object()) return chunk;
  const json::value* content = delta->get_object().if_contains("content");
  if (content != nullptr && content->is_string()) chunk.content = content->get_string();
  return chunk;
}

Result<ChatChunk> ParseChatCompletion(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return NotAChunk();
  const json::object& o = v.get_object();
  ChatChunk out;
  out.done = true;
  if (const json::value* usage = o.if_contains("usage"); usage != nullptr && usage->is_object()) {
    out.usage = TokenUsage{Count(usage->get_object(), "prompt_tokens"),
                           Count(usage->get_object(), "completion_tokens")};
  }
  const json::value* choices = o.if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty() ||
      !choices->get_array().front().is_object()) {
    return NotAChunk();
  }
  const json::value* message = choices->get_array().front().get_object().if_contains("message");
  if (message == nullptr || !message->is_object()) return NotAChunk();
  const json::value* content = message->get_object().if_contains("content");
  if (content != nullptr && content->is_string()) out.content = content->get_string();
  return out;
}

std::string ProviderErrorMessage(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const json::value* error = v.get_object().if_contains("error");
  if (error == nullptr) return {};
  std::string text;
  if (error->is_string()) {
    text = error->get_string();
  } else if (error->is_object()) {
    const json::value* m = error->get_object().if_contains("message");
    if (m != nullptr && m->is_string()) text = m->get_string();
  }
  if (text.size() > 300) text.resize(300);
  return text;
}

}  // namespace howler::ai
