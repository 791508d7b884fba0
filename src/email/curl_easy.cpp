#include "email/curl_easy.h"

#include <mutex>

namespace howler::email {
namespace {

constexpr long kConnectTimeoutMs = 5000;
constexpr long kTotalTimeoutMs = 15000;

void EnsureCurl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

int StopCallback(void* data, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::stop_token*>(data)->stop_requested() ? 1 : 0;
}

bool IsTransientCode(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

}  // namespace

CurlList::~CurlList() {
  curl_slist_free_all(list_);
}

void CurlList::Append(const std::string& item) {
  if (curl_slist* next = curl_slist_append(list_, item.c_str())) list_ = next;
}

CurlEasy::CurlEasy() {
  EnsureCurl();
  handle_ = curl_easy_init();
  if (handle_ == nullptr) return;
  curl_easy_setopt(handle_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle_, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  curl_easy_setopt(handle_, CURLOPT_TIMEOUT_MS, kTotalTimeoutMs);
  curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, error_);
}

CurlEasy::~CurlEasy() {
  if (handle_ != nullptr) curl_easy_cleanup(handle_);
}

Status CurlEasy::Perform(std::stop_token stop, std::string_view what) {
  if (handle_ == nullptr) return UnavailableError(std::string(what) + ": no curl handle");
  curl_easy_setopt(handle_, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(handle_, CURLOPT_XFERINFOFUNCTION, &StopCallback);
  curl_easy_setopt(handle_, CURLOPT_XFERINFODATA, &stop);
  error_[0] = '\0';
  const CURLcode code = curl_easy_perform(handle_);
  curl_easy_setopt(handle_, CURLOPT_XFERINFODATA, nullptr);
  curl_easy_setopt(handle_, CURLOPT_NOPROGRESS, 1L);
  return code == CURLE_OK ? Status::Ok() : CurlStatus(code, what, error_);
}

long CurlEasy::ResponseCode() const {
  long code = 0;
  if (handle_ != nullptr) curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

Status CurlStatus(CURLcode code, std::string_view what, std::string_view detail) {
  std::string message = std::string(what) + ": " + curl_easy_strerror(code);
  if (!detail.empty()) message += " (" + std::string(detail) + ")";
  if (code == CURLE_OK) return Status::Ok();
  if (code == CURLE_ABORTED_BY_CALLBACK) return {StatusCode::kCancelled, std::move(message)};
  if (code == CURLE_LOGIN_DENIED) return PermissionDeniedError(std::move(message));
  if (IsTransientCode(code)) return UnavailableError(std::move(message));
  return FailedPreconditionError(std::move(message));
}

}  // namespace howler::email
