// ChatProvider: the client of an OpenAI-compatible chat-completions endpoint
// (POST <base_url>/chat/completions, streamed as server-sent events), on libcurl's multi
// interface driven by one thread of its own, so that any number of answers stream at once
// without a thread each, and a cancel reaches its transfer at once (curl_multi_wakeup).
//
// A provider that answers a whole completion (application/json) instead of a stream is
// accepted too: its content is one delta.
// Each call sends `Authorization: Bearer <api_key>` when a key is set; the key is never
// logged and appears in no Status, message or detail. Failures are Status values whose
// message a client may see and whose detail (the provider's status and text, the URL) is
// for the log:
// - connect failure: UNAVAILABLE "the AI provider is unreachable"
// - no complete answer within request_timeout: DEADLINE_EXCEEDED "the AI provider did not
//   answer in time"
// - HTTP 429: UNAVAILABLE "the AI provider is rate limiting this server", with the
//   provider's Retry-After (else 30 s)
// - HTTP 401/403: UNAVAILABLE "the AI provider refused the server's credentials"
// - any other status but 200: UNAVAILABLE "the AI provider failed (HTTP <status>)"
// - a stream that ends before `[DONE]`, is cut or malformed: UNAVAILABLE "the AI
//   provider's answer broke off"
// - Cancel(): CANCELLED; CancelAll() and the destructor: UNAVAILABLE "the server is
//   shutting down".
//
// Thread-safety: Start and ChatCall::Cancel may be called from any thread. Callbacks run
// on the provider's thread, in order, and must not block: `on_delta` for each text delta,
// then `on_done` exactly once (also after Cancel, and for a call the destructor ends).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ai/chat_json.h"
#include "common/result.h"

namespace howler::ai {

struct ChatProviderOptions {
  std::string base_url;  // "https://api.openai.com/v1", "http://127.0.0.1:11434/v1"
  std::string api_key;   // may be empty (local servers)
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{120000};
  int max_calls = 256;  // calls at once; more: RESOURCE_EXHAUSTED
};

struct ChatCallbacks {
  std::function<void(std::string_view delta)> on_delta;
  std::function<void(Result<TokenUsage> usage)> on_done;  // usage as the provider reported
};

// One running call. Cancel() aborts the upstream request (its connection is closed) and
// ends the call with CANCELLED, unless it ended already. Idempotent.
class ChatCall {
 public:
  virtual ~ChatCall() = default;
  virtual void Cancel() = 0;
};

class ChatProvider {
 public:
  explicit ChatProvider(ChatProviderOptions options);
  ~ChatProvider();
  ChatProvider(const ChatProvider&) = delete;
  ChatProvider& operator=(const ChatProvider&) = delete;

  // Starts one streamed completion. RESOURCE_EXHAUSTED when max_calls run already.
  Result<std::shared_ptr<ChatCall>> Start(const ChatRequest& request, ChatCallbacks callbacks);

  // Ends every running call and refuses new ones (UNAVAILABLE "the server is shutting
  // down"); returns at once, the calls end on the provider's thread.
  void CancelAll();

  // Calls running now.
  int running() const { return running_.load(); }

 private:
  struct Transfer;
  class Call;
  void Loop();
  void TakeQueued();
  void Finish(Transfer& t, int curl_code);
  void Remove(std::shared_ptr<Transfer> t, Status status);  // t by value: it leaves active_

  const ChatProviderOptions options_;
  const std::string url_;
  void* multi_ = nullptr;  // CURLM*
  std::atomic<int> running_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> shutting_down_{false};

  std::mutex mu_;
  std::vector<std::shared_ptr<Transfer>> to_add_;     // guarded by mu_
  std::vector<std::shared_ptr<Transfer>> to_cancel_;  // guarded by mu_

  std::vector<std::shared_ptr<Transfer>> active_;  // the loop thread's only
  std::thread thread_;
};

}  // namespace howler::ai
