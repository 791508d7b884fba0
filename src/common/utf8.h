// Text that comes from outside (query strings, JSON, headers, gRPC metadata) checked or
// made safe before it is used as an identifier, stored, logged or sent to a database.
//
// - IsValidUtf8: well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates
//   (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
// - IsCleanText: valid UTF-8 without control characters (U+0000..U+001F, U+007F,
//   U+0080..U+009F). The rule for identifiers and one-line text fields.
// - CheckTextField: CheckTextField("device_id", v, 1, 128) is OK, or INVALID_ARGUMENT
//   naming the field ("device_id must be 1-128 characters of text without control
//   characters"). Lengths count bytes.
// - ToCleanText: a copy that passes IsCleanText, for details that are kept whatever the
//   caller sent (User-Agent, device names): each invalid sequence becomes U+FFFD, each
//   control character a space, and the result is cut to at most `max_bytes` bytes at a
//   character boundary.
// Pure; thread-safe; linear time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace howler {

bool IsValidUtf8(std::string_view text);
// The length (1-4) of the well-formed UTF-8 sequence starting at text[i], or 0 when the
// bytes there are not one. Requires i < text.size().
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i);
bool IsCleanText(std::string_view text);
Status CheckTextField(std::string_view field, std::string_view value, std::size_t min_bytes,
                      std::size_t max_bytes);
std::string ToCleanText(std::string_view text, std::size_t max_bytes);

}  // namespace howler
