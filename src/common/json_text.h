// Minimal JSON text helpers for code that must not pull in a JSON library.
#pragma once

#include <string>
#include <string_view>

namespace howler {

// Appends `s` as a quoted JSON string: control characters, quotes and backslashes
// escaped; well-formed UTF-8 passed through; each byte of an ill-formed sequence written
// as \ufffd, so the output is always valid JSON text whatever `s` holds.
void AppendJsonString(std::string& out, std::string_view s);
std::string JsonString(std::string_view s);

}  // namespace howler
