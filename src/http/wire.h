// SerializeResponse: a Response as HTTP/1.x bytes, ready for one socket write. Pure and
// thread-safe. Header values come from our own code or validated request fields, which
// the parser has already refused to contain CR or LF.
#pragma once

#include <string>

#include "http/message.h"

namespace howler::http {

// Status line, the response's headers, `Server: howlerops`, Content-Length (none for
// 204 and 304, which carry no body), the Connection header the version needs, and the
// body. `version` is 10 or 11.
std::string SerializeResponse(const Response& response, unsigned version, bool keep_alive);

std::string_view ReasonPhrase(int status);

}  // namespace howler::http
