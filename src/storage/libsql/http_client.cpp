#include "storage/libsql/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "storage/libsql/hrana_status.h"

namespace howler::storage {
namespace {

void EnsureCurlGlobal() {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == 0; }();
  (void)initialized;
}

std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;

// `url` without user information ("user:pass@"), for the log.
std::string UrlForLog(std::string_view url) {
  const std::size_t scheme = url.find("://");
  const std::size_t host = scheme == std::string_view::npos ? 0 : scheme + 3;
  const std::size_t path = std::min(url.find('/', host), url.size());
  const std::size_t at = url.substr(0, path).rfind('@');
  if (at == std::string_view::npos || at < host) return std::string(url);
  return std::string(url.substr(0, host)) + std::string(url.substr(at + 1));
}

HeaderList BuildHeaders(const std::string& auth_token, bool has_body) {
  curl_slist* list = nullptr;
  if (!auth_token.empty()) {
    list = curl_slist_append(list, ("Authorization: Bearer " + auth_token).c_str());
  }
  if (has_body) {
    list = curl_slist_append(list, "Content-Type: application/json");
  }
  list = curl_slist_append(list, "Expect:");
  return HeaderList(list);
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), log_url_(UrlForLog(options_.base_url)) {
  EnsureCurlGlobal();
}

std::string HttpClient::Describe(std::string_view method, std::string_view path) const {
  return std::string(method) + " " + log_url_ + std::string(path);
}

HttpClient::~HttpClient() {
  for (void* handle : idle_) {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

Result<HttpResponse> HttpClient::Get(std::string_view path) {
  return Perform(path, nullptr);
}

Result<HttpResponse> HttpClient::Post(std::string_view path, std::string_view json_body) {
  return Perform(path, &json_body);
}

void* HttpClient::Acquire() {
  std::unique_lock lock(mu_);
  available_.wait(
      lock, [this] { return !idle_.empty() || created_ < std::max(1, options_.max_connections); });
  if (!idle_.empty()) {
    void* handle = idle_.back();
    idle_.pop_back();
    return handle;
  }
  CURL* handle = curl_easy_init();
  if (handle != nullptr) {
    ++created_;
  }
  return handle;
}

void HttpClient::Release(void* handle) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(handle);
  }
  available_.notify_one();
}

Result<HttpResponse> HttpClient::Perform(std::string_view path, const std::string_view* body) {
  CURL* curl = static_cast<CURL*>(Acquire());
  const std::string_view method = body != nullptr ? "POST" : "GET";
  if (curl == nullptr) {
    return RemoteUnavailable("libcurl: cannot create a handle for " + Describe(method, path));
  }
  curl_easy_reset(curl);  // keeps the connection cache
  const std::string url = options_.base_url + std::string(path);
  HeaderList headers = BuildHeaders(options_.auth_token, body != nullptr);
  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  Release(curl);
  if (code != CURLE_OK) {
    const std::string text = error[0] != '\0' ? error : curl_easy_strerror(code);
    return RemoteUnavailable("libcurl: " + text + " (" + Describe(method, path) + ")");
  }
  return response;
}

}  // namespace howler::storage
