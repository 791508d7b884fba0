// SerializeResponse: a Response as HTTP/1.x bytes, ready for one socket write. Pure and
// thread-safe. Header values come from our own code or validated request fields, which
// the parser has already refused to contain CR or LF.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace howler::http {

// Status line, the response's headers, `Server: howlerops`, Content-Length (none for
// 204 and 304, which carry no body), the Connection header the version needs, and the
// body. `version` is 10 or 11.
std::string SerializeResponse(const Response& response, unsigned version, bool keep_alive);

// How the body after a head is delimited.
enum class BodyFraming {
  kLength,      // Content-Length: the size of response.body (also for HEAD, which omits it)
  kChunked,     // Transfer-Encoding: chunked (HTTP/1.1 streams)
  kUntilClose,  // neither: the body ends when the connection closes (HTTP/1.0 streams)
};

// The status line and headers of SerializeResponse, ending with the empty line, without
// the body. With kUntilClose the connection always closes (keep_alive is ignored).
std::string SerializeHead(const Response& response, unsigned version, bool keep_alive,
                          BodyFraming framing);

// The line that starts a chunk of `size` bytes in chunked transfer encoding: the size in
// hex and CRLF. The chunk's data and a CRLF follow; the body ends with kLastChunk.
std::string ChunkSizeLine(std::size_t size);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

std::string_view ReasonPhrase(int status);

// Whether a request's Transfer-Encoding fields (in arrival order; empty when it has none)
// frame a body this server reads: none, or exactly one field whose value is `chunked`
// (any case, surrounding spaces allowed). Anything else (`chunked, identity`, `xchunked`,
// `identity`, two fields) makes the body length unknowable (RFC 9112 section 6.3): the
// server answers 400 and closes, never reading the rest as a next request.
bool IsAcceptedTransferEncoding(const std::vector<std::string_view>& values);

}  // namespace howler::http
