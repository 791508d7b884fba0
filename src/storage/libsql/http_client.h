// HttpClient: a small blocking HTTP client on libcurl for the libSQL backend.
//
// Keeps a bounded pool of easy handles (max_connections); each handle keeps its
// connection alive between requests, and a caller waits for a free handle when all are
// busy. Every request carries `Authorization: Bearer <token>` (when a token is set; the
// token is never logged), `Content-Type: application/json` and an empty `Expect:`;
// bodies go with Content-Length. HTTP/2 is used where the server offers it over TLS.
// TCP connect and total timeouts come from the options.
//
// A transport failure (unreachable, timeout, reset) is UNAVAILABLE "database is
// unavailable" with libcurl's text, the method and the URL (without user information) as
// its detail, for the log only; any HTTP answer, whatever its status, is a response.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace howler::storage {

struct HttpClientOptions {
  std::string base_url;  // "https://host[:port][/path]", no trailing slash
  std::string auth_token;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{15000};
  int max_connections = 8;
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `path` is appended to the base URL ("/v2/pipeline").
  Result<HttpResponse> Get(std::string_view path);
  Result<HttpResponse> Post(std::string_view path, std::string_view json_body);

  // "POST <base url><path>" for the log: the URL without user information.
  std::string Describe(std::string_view method, std::string_view path) const;

 private:
  void* Acquire();
  void Release(void* handle);
  Result<HttpResponse> Perform(std::string_view path, const std::string_view* body);

  const HttpClientOptions options_;
  const std::string log_url_;  // base_url without user information
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<void*> idle_;  // CURL* handles, their connections kept alive
  int created_ = 0;
};

}  // namespace howler::storage
