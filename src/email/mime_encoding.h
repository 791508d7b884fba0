// The encodings a MIME message needs (RFC 2045, 2047, 5322). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"

namespace howler::email {

// Header text as is when it is printable ASCII, otherwise RFC 2047 encoded words
// ("=?UTF-8?B?...?=") split at character boundaries and folded with CRLF SP so that each
// line stays short. Control characters (CR and LF included) become spaces first, so a
// value can never start a new header.
std::string EncodeHeaderText(std::string_view text);

// A display name as an RFC 5322 phrase: as is when it has no special characters, else a
// quoted string. Control characters are dropped. Non-ASCII text is left as UTF-8 (for
// APIs that take a "Name <addr>" string rather than a header).
std::string QuoteDisplayName(std::string_view name);

// A mailbox for a header: "Name <addr>", with the name quoted or RFC 2047 encoded as
// needed; just "addr" when the name is empty.
std::string FormatMailbox(std::string_view name, std::string_view address);

// "Tue, 25 Nov 2025 13:59:00 +0000" (always UTC, English names whatever the locale).
std::string FormatRfc5322Date(TimePoint t);

// Every line end ("\n", "\r\n" or a lone "\r") as CRLF.
std::string ToCrlf(std::string_view text);

// Base64 (RFC 2045) in lines of at most 76 characters, each ended by CRLF.
std::string Base64Lines(std::string_view bytes);

}  // namespace howler::email
