// .env files: KEY=VALUE lines as read by start-up configuration.
//
// Syntax, one assignment per line: optional `export ` prefix; KEY is [A-Za-z_][A-Za-z0-9_]*;
// spaces around `=` are allowed. Values may be unquoted (trimmed; a `#` preceded by
// whitespace starts a comment), single-quoted (literal), or double-quoted (escapes \n \r
// \t \" \\; other backslashes are kept); a comment may follow a closing quote. Blank
// lines and lines starting with `#` are ignored. A later assignment of a key wins.
// Pure functions; safe from any thread.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace howler::config {

using DotenvMap = std::map<std::string, std::string>;

// InvalidArgument naming the (1-based) line number of the first malformed line. Messages
// never contain values.
Result<DotenvMap> ParseDotenv(std::string_view text);

// A missing file is an empty map; an unreadable or malformed one is an error whose message
// starts with the file name.
Result<DotenvMap> ReadDotenvFile(const std::filesystem::path& path);

}  // namespace howler::config
