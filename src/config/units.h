// Parsing and printing of the value syntaxes configuration uses: durations with units,
// byte sizes with units, and booleans. Pure functions; safe from any thread.
// Error messages quote the offending text and never name a variable; the caller does.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace howler::config {

// One or more <digits><unit> terms with units ms, s, m, h, d ("15m", "1h30m", "1500ms"),
// or a bare "0". Rejects empty text, signs, spaces, fractions, unknown units, other bare
// numbers, and totals beyond the range of std::chrono::milliseconds.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

// A byte count, bare or with a unit: B, KiB, MiB, GiB (1024-based) or KB, MB, GB
// (1000-based); units are case-insensitive ("10MiB", "512kib", "1500"). Rejects garbage,
// spaces and overflow.
Result<std::uint64_t> ParseSize(std::string_view text);

// true/false, 1/0, yes/no, on/off, case-insensitive.
Result<bool> ParseBool(std::string_view text);

// The largest unit that divides the value exactly: "15m", "30d", "1500ms"; "0s" for zero.
// Negative durations print as milliseconds ("-5ms").
std::string FormatDuration(std::chrono::milliseconds d);
// The largest binary unit that divides the value exactly: "10MiB", "512KiB", "1000B".
std::string FormatSize(std::uint64_t bytes);

}  // namespace howler::config
