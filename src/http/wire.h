// SerializeResponse: a Response as HTTP/1.x bytes, ready for one socket write. Pure and
// thread-safe. Header values come from our own code or validated request fields, which
// the parser has already refused to contain CR or LF.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace howler::http {

// Status line, the response's headers, `Server: howlerops`, Content-Length (none for
// 204 and 304, which carry no body), the Connection header the version needs, and the
// body. `version` is 10 or 11.
std::string SerializeResponse(const Response& response, unsigned version, bool keep_alive);

std::string_view ReasonPhrase(int status);

// Whether a request's Transfer-Encoding fields (in arrival order; empty when it has none)
// frame a body this server reads: none, or exactly one field whose value is `chunked`
// (any case, surrounding spaces allowed). Anything else (`chunked, identity`, `xchunked`,
// `identity`, two fields) makes the body length unknowable (RFC 9112 section 6.3): the
// server answers 400 and closes, never reading the rest as a next request.
bool IsAcceptedTransferEncoding(const std::vector<std::string_view>& values);

}  // namespace howler::http
