#include "http/https_redirect.h"

#include <cctype>

#include "http/responses.h"

namespace howler::http {
namespace {

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

bool IsPort(std::string_view v) {
  if (v.empty() || v.size() > 5) return false;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The host part of a Host header value without its port, as it may appear in a URL.
std::optional<std::string_view> HostOnly(std::string_view value) {
  if (value.empty() || value.size() > 255) return std::nullopt;
  if (value.front() == '[') {  // [IPv6] or [IPv6]:port
    const std::size_t close = value.find(']');
    if (close == std::string_view::npos || close < 3) return std::nullopt;
    const std::string_view literal = value.substr(1, close - 1);
    for (char c : literal) {
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) {
        return std::nullopt;
      }
    }
    const std::string_view rest = value.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !IsPort(rest.substr(1)))) return std::nullopt;
    return value.substr(0, close + 1);
  }
  const std::size_t colon = value.find(':');
  const std::string_view host = value.substr(0, colon);
  if (colon != std::string_view::npos && !IsPort(value.substr(colon + 1))) return std::nullopt;
  if (host.empty()) return std::nullopt;
  for (char c : host) {
    if (!IsHostChar(c)) return std::nullopt;
  }
  return host;
}

}  // namespace

std::optional<std::string> HttpsLocation(std::string_view host_header, std::string_view target,
                                         std::uint16_t https_port) {
  const std::optional<std::string_view> host = HostOnly(host_header);
  if (!host || target.empty() || target.front() != '/' || target.starts_with("//")) {
    return std::nullopt;
  }
  std::string out = "https://" + std::string(*host);
  if (https_port != 443) out += ":" + std::to_string(https_port);
  out += target;
  return out;
}

Response HttpsRedirect(const Request& request, std::uint16_t https_port) {
  const std::optional<std::string> location =
      HttpsLocation(request.headers.Get("Host").value_or(""), request.target, https_port);
  if (!location) {
    return ErrorResponse(InvalidArgumentError("a Host header naming this server is required"));
  }
  Response r;
  r.status = 308;
  r.headers.Set("Location", *location);
  r.headers.Set("Content-Type", "text/plain; charset=utf-8");
  r.headers.Set("Cache-Control", "no-store");
  r.body = "see " + *location + "\n";
  return r;
}

void AddHttpsRedirectRoutes(Router& router, std::uint16_t https_port) {
  for (const char* method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    router.AddInline(method, "/{path*}", [https_port](const Request& request) {
      return HttpsRedirect(request, https_port);
    });
  }
}

}  // namespace howler::http
