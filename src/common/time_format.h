// RFC 3339 timestamps as the API puts them on the wire (API.md "Conventions"), and Unix
// milliseconds as the database stores them. Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace howler {

// "2026-11-25T11:56:35.055Z": always UTC, always three fraction digits (sub-millisecond
// precision is truncated toward the past).
std::string FormatRfc3339(TimePoint t);

// Accepts YYYY-MM-DD(T|t| )HH:MM:SS[.F{1,9}](Z|z|+HH:MM|-HH:MM) with strict range checks
// (calendar days including leap years, no leap second, offsets up to 23:59). Anything
// else, or a moment TimePoint cannot hold, is InvalidArgument.
Result<TimePoint> ParseRfc3339(std::string_view s);

// Milliseconds since the Unix epoch, floored.
std::int64_t ToUnixMillis(TimePoint t);
// The inverse of ToUnixMillis; values beyond TimePoint's range are clamped to it.
TimePoint FromUnixMillis(std::int64_t millis);

}  // namespace howler
