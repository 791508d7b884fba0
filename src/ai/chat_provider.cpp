#include "ai/chat_provider.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>

#include "ai/sse_parser.h"

namespace howler::ai {
namespace {

constexpr std::size_t kMaxErrorBody = 4096;
constexpr std::size_t kMaxWholeBody = 4 << 20;

void EnsureCurlGlobal() {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == 0; }();
  (void)initialized;
}

// `url` without user information ("user:key@"), for the log.
std::string UrlForLog(std::string_view url) {
  const std::size_t scheme = url.find("://");
  const std::size_t host = scheme == std::string_view::npos ? 0 : scheme + 3;
  const std::size_t path = std::min(url.find('/', host), url.size());
  const std::size_t at = url.substr(0, path).rfind('@');
  if (at == std::string_view::npos || at < host) return std::string(url);
  return std::string(url.substr(0, host)) + std::string(url.substr(at + 1));
}

Status BrokeOff(std::string detail) {
  return UnavailableError("the AI provider's answer broke off").WithDetail(std::move(detail));
}

// The Status of an HTTP answer other than 200 (see the header).
Status HttpFailure(long status, std::string_view body, int retry_after) {
  const std::string detail =
      "AI provider HTTP " + std::to_string(status) + ": " + ProviderErrorMessage(body);
  if (status == 429) {
    return UnavailableError("the AI provider is rate limiting this server")
        .WithRetryAfter(retry_after > 0 ? retry_after : 30)
        .WithDetail(detail);
  }
  if (status == 401 || status == 403) {
    return UnavailableError("the AI provider refused the server's credentials").WithDetail(detail);
  }
  return UnavailableError("the AI provider failed (HTTP " + std::to_string(status) + ")")
      .WithDetail(detail);
}

}  // namespace

struct ChatProvider::Transfer {
  ChatCallbacks callbacks;
  std::string body;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  SseParser parser;
  long http_status = 0;
  int retry_after = 0;
  std::string error_body;  // a non-200 answer's body, cut to kMaxErrorBody
  bool whole = false;      // a 200 answer as one JSON completion (the provider did not stream)
  std::string whole_body;  // its body, at most kMaxWholeBody
  std::optional<TokenUsage> usage;
  bool done = false;  // [DONE] seen
  Status failure;     // a malformed or failing chunk
  std::atomic<bool> ended{false};

  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (headers != nullptr) curl_slist_free_all(headers);
  }

  static std::size_t Write(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t Header(char* data, std::size_t size, std::size_t count, void* self);
  bool Consume(std::string_view bytes);
};

bool ChatProvider::Transfer::Consume(std::string_view bytes) {
  if (http_status == 0) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &http_status);
  if (http_status != 200) {
    error_body.append(bytes.substr(0, kMaxErrorBody - std::min(kMaxErrorBody, error_body.size())));
    return true;
  }
  if (whole) {
    whole_body.append(bytes);
    if (whole_body.size() <= kMaxWholeBody) return true;
    failure = BrokeOff("a whole completion larger than 4 MiB");
    return false;
  }
  auto events = parser.Feed(bytes);
  if (!events.ok()) {
    failure = BrokeOff(events.status().message());
    return false;
  }
  for (const SseEvent& e : *events) {
    if (done) break;
    auto chunk = ParseChatChunk(e.data);
    if (!chunk.ok()) {
      failure = chunk.status().code() == StatusCode::kDataLoss ? BrokeOff(chunk.status().message())
                                                               : chunk.status();
      return false;
    }
    if (chunk->usage) usage = chunk->usage;
    if (chunk->done) done = true;
    if (!chunk->content.empty()) callbacks.on_delta(chunk->content);
  }
  return true;
}

std::size_t ChatProvider::Transfer::Write(char* data, std::size_t size, std::size_t count,
                                          void* self) {
  auto* t = static_cast<Transfer*>(self);
  return t->Consume(std::string_view(data, size * count)) ? size * count : 0;
}

std::size_t ChatProvider::Transfer::Header(char* data, std::size_t size, std::size_t count,
                                           void* self) {
  auto* t = static_cast<Transfer*>(self);
  std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  std::string lower(line);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.rfind("http/", 0) == 0) t->whole = false;  // a new response's status line
  if (lower.rfind("content-type:", 0) == 0) {
    t->whole = lower.find("application/json") != std::string::npos;
  }
  if (line.size() > kName.size()) {
    if (lower.rfind(kName, 0) == 0) {
      t->retry_after =
          std::clamp(std::atoi(std::string(line.substr(kName.size())).c_str()), 0, 3600);
    }
  }
  return size * count;
}

class ChatProvider::Call : public ChatCall {
 public:
  Call(ChatProvider& provider, std::shared_ptr<Transfer> t)
      : provider_(provider), transfer_(std::move(t)) {}
  void Cancel() override {
    if (transfer_->ended.load()) return;
    {
      std::lock_guard lock(provider_.mu_);
      provider_.to_cancel_.push_back(transfer_);
    }
    curl_multi_wakeup(static_cast<CURLM*>(provider_.multi_));
  }

 private:
  ChatProvider& provider_;
  const std::shared_ptr<Transfer> transfer_;
};

ChatProvider::ChatProvider(ChatProviderOptions options)
    : options_(std::move(options)), url_(options_.base_url + "/chat/completions") {
  EnsureCurlGlobal();
  multi_ = curl_multi_init();
  thread_ = std::thread([this] { Loop(); });
}

ChatProvider::~ChatProvider() {
  stopping_ = true;
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  thread_.join();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

namespace {
Status ShuttingDown() {
  return UnavailableError("the server is shutting down");
}
}  // namespace

void ChatProvider::CancelAll() {
  shutting_down_ = true;
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
}

Result<std::shared_ptr<ChatCall>> ChatProvider::Start(const ChatRequest& request,
                                                      ChatCallbacks callbacks) {
  if (shutting_down_.load()) return ShuttingDown();
  if (running_.fetch_add(1) >= options_.max_calls) {
    running_.fetch_sub(1);
    return ResourceExhaustedError("too many AI requests are running on this server")
        .WithRetryAfter(1);
  }
  auto t = std::make_shared<Transfer>();
  t->callbacks = std::move(callbacks);
  t->body = ChatRequestJson(request);
  t->easy = curl_easy_init();
  if (t->easy == nullptr) {
    running_.fetch_sub(1);
    return UnavailableError("the AI provider is unreachable").WithDetail("curl_easy_init failed");
  }
  if (!options_.api_key.empty()) {
    t->headers =
        curl_slist_append(t->headers, ("Authorization: Bearer " + options_.api_key).c_str());
  }
  t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
  t->headers = curl_slist_append(t->headers, "Accept: text/event-stream");
  t->headers = curl_slist_append(t->headers, "Expect:");
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::Write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::Header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  {
    std::lock_guard lock(mu_);
    to_add_.push_back(t);
  }
  curl_multi_wakeup(static_cast<CURLM*>(multi_));
  return std::shared_ptr<ChatCall>(std::make_shared<Call>(*this, std::move(t)));
}

void ChatProvider::TakeQueued() {
  std::vector<std::shared_ptr<Transfer>> add, cancel;
  {
    std::lock_guard lock(mu_);
    add.swap(to_add_);
    cancel.swap(to_cancel_);
  }
  for (auto& t : add) {
    curl_multi_add_handle(static_cast<CURLM*>(multi_), t->easy);
    active_.push_back(std::move(t));
  }
  for (auto& t : cancel) {
    if (std::find(active_.begin(), active_.end(), t) != active_.end()) {
      Remove(t, Status(StatusCode::kCancelled, "the AI request was cancelled"));
    }
  }
}

void ChatProvider::Remove(std::shared_ptr<Transfer> t, Status status) {
  curl_multi_remove_handle(static_cast<CURLM*>(multi_), t->easy);
  active_.erase(std::find(active_.begin(), active_.end(), t));
  t->ended = true;
  running_.fetch_sub(1);
  if (status.ok()) {
    t->callbacks.on_done(t->usage.value_or(TokenUsage{}));
  } else {
    t->callbacks.on_done(std::move(status));
  }
}

void ChatProvider::Finish(Transfer& t, int curl_code) {
  const std::string where = " (POST " + UrlForLog(url_) + ")";
  Status status;
  if (!t.failure.ok()) {
    status = t.failure;
  } else if (curl_code == CURLE_OPERATION_TIMEDOUT) {
    status = DeadlineExceededError("the AI provider did not answer in time")
                 .WithDetail(std::string("libcurl: ") + t.error + where);
  } else if (curl_code == CURLE_COULDNT_CONNECT || curl_code == CURLE_COULDNT_RESOLVE_HOST) {
    status = UnavailableError("the AI provider is unreachable")
                 .WithDetail(std::string("libcurl: ") + t.error + where);
  } else if (curl_code == CURLE_OK && t.http_status != 200) {
    status = HttpFailure(t.http_status, t.error_body, t.retry_after);
  } else if (curl_code != CURLE_OK) {
    status = BrokeOff(std::string("libcurl: ") + t.error + where);
  } else if (t.whole) {
    auto whole = ParseChatCompletion(t.whole_body);
    if (!whole.ok()) {
      status = BrokeOff(whole.status().message() + where);
    } else {
      if (!whole->content.empty()) t.callbacks.on_delta(whole->content);
      t.usage = whole->usage;
    }
  } else if (!t.done) {
    status = BrokeOff("the stream ended before [DONE]" + where);
  }
  for (const auto& p : active_) {
    if (p.get() == &t) return Remove(p, std::move(status));
  }
}

void ChatProvider::Loop() {
  CURLM* multi = static_cast<CURLM*>(multi_);
  while (!stopping_.load()) {
    TakeQueued();
    if (shutting_down_.load()) {
      while (!active_.empty()) Remove(active_.back(), ShuttingDown());
    }
    int still = 0;
    curl_multi_perform(multi, &still);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
      if (t->http_status == 0) curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->http_status);
      Finish(*t, msg->data.result);
    }
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  TakeQueued();
  while (!active_.empty()) {
    Remove(active_.back(), ShuttingDown());
  }
}

}  // namespace howler::ai
