// Gzip encoding and decoding of HTTP bodies (zlib). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace howler::http {

// Whether an Accept-Encoding value allows gzip (a "gzip" or "*" token without q=0).
bool AcceptsGzip(std::string_view accept_encoding);

// Compresses `data` into a gzip stream.
std::string GzipCompress(std::string_view data);

// Decompresses a gzip stream. Output beyond `max_output` bytes stops decoding with
// RESOURCE_EXHAUSTED (reason kPayloadTooLarge), so a small bomb cannot expand without
// bound; a corrupt or truncated stream is INVALID_ARGUMENT.
Result<std::string> GzipDecompress(std::string_view data, std::size_t max_output);

}  // namespace howler::http
