// A small blocking HTTP client for integration tests (libcurl). It never decodes
// Content-Encoding itself, so tests can see exactly what the server sent.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace howler::testing {

struct HttpResult {
  long status = 0;  // 0 when the request failed at the transport level
  std::string error;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& lower_name) const;
};

HttpResult HttpRequest(const std::string& method, const std::string& url,
                       const std::vector<std::string>& headers = {}, const std::string& body = {},
                       long timeout_ms = 15000);

// As HttpRequest, trusting only the CA certificates in `ca_file` (PEM) for https:// URLs.
HttpResult HttpsRequest(const std::string& ca_file, const std::string& method,
                        const std::string& url, const std::vector<std::string>& headers = {},
                        const std::string& body = {}, long timeout_ms = 15000);

inline HttpResult HttpGet(const std::string& url, const std::vector<std::string>& headers = {}) {
  return HttpRequest("GET", url, headers);
}

}  // namespace howler::testing
