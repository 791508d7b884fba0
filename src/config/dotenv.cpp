#include "config/dotenv.h"

#include <fstream>
#include <sstream>
#include <system_error>

namespace howler::config {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

bool IsKeyChar(char c, bool first) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) {
    s.remove_prefix(1);
  }
  return s;
}

std::string_view Trim(std::string_view s) {
  s = TrimLeft(s);
  while (!s.empty() && IsSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// After a closing quote only whitespace or a comment may follow.
Status CheckAfterQuote(std::string_view tail) {
  tail = TrimLeft(tail);
  if (!tail.empty() && tail.front() != '#') {
    return InvalidArgumentError("unexpected text after the closing quote");
  }
  return Status::Ok();
}

char Unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return c;  // '"' and '\\'
  }
}

// `s` starts after the opening double quote.
Result<std::string> ParseDoubleQuoted(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      HOWLER_RETURN_IF_ERROR(CheckAfterQuote(s.substr(i + 1)));
      return out;
    }
    if (c == '\\' && i + 1 < s.size()) {
      const char next = s[++i];
      if (std::string_view("nrt\"\\").find(next) == std::string_view::npos) {
        out += '\\';
      }
      out += Unescape(next);
      continue;
    }
    out += c;
  }
  return InvalidArgumentError("unterminated double-quoted value");
}

// `s` starts after the opening single quote.
Result<std::string> ParseSingleQuoted(std::string_view s) {
  const std::size_t end = s.find('\'');
  if (end == std::string_view::npos) {
    return InvalidArgumentError("unterminated single-quoted value");
  }
  HOWLER_RETURN_IF_ERROR(CheckAfterQuote(s.substr(end + 1)));
  return std::string(s.substr(0, end));
}

std::string ParseUnquoted(std::string_view raw) {
  for (std::size_t i = 1; i < raw.size(); ++i) {
    if (raw[i] == '#' && IsSpace(raw[i - 1])) {
      raw = raw.substr(0, i);
      break;
    }
  }
  return std::string(Trim(raw));
}

// `raw` is everything after the '='.
Result<std::string> ParseValue(std::string_view raw) {
  const std::string_view value = TrimLeft(raw);
  if (!value.empty() && value.front() == '"') {
    return ParseDoubleQuoted(value.substr(1));
  }
  if (!value.empty() && value.front() == '\'') {
    return ParseSingleQuoted(value.substr(1));
  }
  return ParseUnquoted(raw);
}

// Parses one non-blank, non-comment line into `out`.
Status ParseLine(std::string_view line, DotenvMap& out) {
  line = TrimLeft(line);
  if (line.substr(0, 6) == "export" && line.size() > 6 && IsSpace(line[6])) {
    line = TrimLeft(line.substr(6));
  }
  std::size_t key_end = 0;
  while (key_end < line.size() && IsKeyChar(line[key_end], key_end == 0)) {
    ++key_end;
  }
  const std::string key(line.substr(0, key_end));
  const std::string_view rest = TrimLeft(line.substr(key_end));
  if (key.empty() || rest.empty() || rest.front() != '=') {
    return InvalidArgumentError("expected KEY=VALUE");
  }
  auto value = ParseValue(rest.substr(1));
  if (!value.ok()) {
    return InvalidArgumentError(value.status().message() + " for " + key);
  }
  out[key] = std::move(value).value();
  return Status::Ok();
}

}  // namespace

Result<DotenvMap> ParseDotenv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);  // UTF-8 byte order mark
  }
  DotenvMap out;
  int line_number = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++line_number;
    const std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed.front() == '#') {
      continue;
    }
    Status s = ParseLine(line, out);
    if (!s.ok()) {
      return InvalidArgumentError("line " + std::to_string(line_number) + ": " + s.message());
    }
  }
  return out;
}

Result<DotenvMap> ReadDotenvFile(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (st.type() == std::filesystem::file_type::not_found) {
    return DotenvMap();
  }
  if (ec || !std::filesystem::is_regular_file(st)) {
    return InvalidArgumentError(name + ": not a readable regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return InvalidArgumentError(name + ": cannot be read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return InvalidArgumentError(name + ": cannot be read");
  }
  auto parsed = ParseDotenv(text.str());
  if (!parsed.ok()) {
    return InvalidArgumentError(name + ": " + parsed.status().message());
  }
  return parsed;
}

}  // namespace howler::config
