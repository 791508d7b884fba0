// Escaping of values interpolated into email bodies and links. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace howler::email {

// `&`, `<`, `>`, `"` and `'` replaced by character references: safe in HTML text and in
// quoted attribute values.
std::string HtmlEscape(std::string_view text);

// RFC 3986 percent-encoding of everything except the unreserved characters
// (A-Z a-z 0-9 - . _ ~): safe as a query-parameter value.
std::string UrlEncodeComponent(std::string_view text);

}  // namespace howler::email
