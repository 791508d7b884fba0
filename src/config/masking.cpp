#include "config/masking.h"

namespace howler::config {
namespace {

constexpr std::string_view kMask = "****";

// Masks "user:password" to "user:****".
std::string MaskUserInfo(std::string_view user_info) {
  const std::size_t colon = user_info.find(':');
  if (colon == std::string_view::npos) {
    return std::string(user_info);
  }
  return std::string(user_info.substr(0, colon + 1)) + std::string(kMask);
}

// Masks "a=1&b=2" to "a=****&b=****".
std::string MaskQuery(std::string_view query) {
  std::string out;
  while (true) {
    const std::size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    const std::size_t eq = param.find('=');
    out += eq == std::string_view::npos ? std::string(param)
                                        : std::string(param.substr(0, eq + 1)) + std::string(kMask);
    if (amp == std::string_view::npos) {
      return out;
    }
    out += '&';
    query.remove_prefix(amp + 1);
  }
}

}  // namespace

std::string MaskSecret(std::string_view secret) {
  if (secret.empty()) {
    return "(unset)";
  }
  if (secret.size() < 16) {
    return std::string(kMask);
  }
  return std::string(kMask) + std::string(secret.substr(secret.size() - 4));
}

std::string MaskUrlCredentials(std::string_view url) {
  if (url.empty()) {
    return "(unset)";
  }
  std::string out;
  std::string_view rest = url;
  const std::size_t scheme_end = rest.find("://");
  // The last '@' ends the user-info, so that a password with unescaped '@', '/' or '?'
  // is still masked whole (at worst more than the password is hidden).
  const std::size_t at = rest.rfind('@');
  if (scheme_end != std::string_view::npos && at != std::string_view::npos && at > scheme_end) {
    out += rest.substr(0, scheme_end + 3);
    out += MaskUserInfo(rest.substr(scheme_end + 3, at - scheme_end - 3));
    rest.remove_prefix(at);
  }
  const std::size_t query = rest.find('?');
  out += rest.substr(0, query);
  if (query != std::string_view::npos) {
    out += '?';
    out += MaskQuery(rest.substr(query + 1));
  }
  return out;
}

}  // namespace howler::config
