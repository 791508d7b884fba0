// Minimal JSON text helpers for code that must not pull in a JSON library.
#pragma once

#include <string>
#include <string_view>

namespace howler {

// Appends `s` as a quoted JSON string (control characters, quotes and backslashes
// escaped; bytes >= 0x80 passed through as UTF-8).
void AppendJsonString(std::string& out, std::string_view s);
std::string JsonString(std::string_view s);

}  // namespace howler
