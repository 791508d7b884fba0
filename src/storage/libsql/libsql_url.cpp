#include "storage/libsql/libsql_url.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace howler::storage {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The value of `tls` in a query string ("a=1&tls=0"), if present.
std::optional<std::string_view> TlsParameter(std::string_view query) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (pair.substr(0, 4) == "tls=") {
      return pair.substr(4);
    }
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> LibsqlBaseUrl(std::string_view url) {
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return InvalidArgumentError(
        "database URL has no scheme (expected libsql://, https://, http://)");
  }
  const std::string scheme = Lower(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  rest = rest.substr(0, rest.find('#'));
  std::size_t question = rest.find('?');
  std::string_view query = question == std::string_view::npos ? "" : rest.substr(question + 1);
  rest = rest.substr(0, question);
  while (!rest.empty() && rest.back() == '/') {
    rest.remove_suffix(1);
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') {
    return InvalidArgumentError("database URL has no host");
  }
  std::optional<std::string_view> tls = TlsParameter(query);
  if (tls && *tls != "0" && *tls != "1") {
    return InvalidArgumentError("database URL: tls must be 0 or 1");
  }
  std::string out_scheme;
  if (scheme == "libsql") {
    out_scheme = tls && *tls == "0" ? "http" : "https";
  } else if (scheme == "https" || scheme == "http") {
    if (tls && (*tls == "1") != (scheme == "https")) {
      return InvalidArgumentError("database URL: tls=" + std::string(*tls) + " contradicts " +
                                  scheme + "://");
    }
    out_scheme = scheme;
  } else {
    return InvalidArgumentError("database URL scheme " + scheme +
                                ":// is not supported (expected libsql://, https://, http://)");
  }
  return out_scheme + "://" + std::string(rest);
}

}  // namespace howler::storage
