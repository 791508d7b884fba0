#include "storage/sql_splitter.h"

#include <cctype>
#include <sstream>

namespace howler::storage {
namespace {

bool IsSpace(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && IsSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// The first `count` words of `statement`, upper-cased.
std::vector<std::string> LeadingWords(std::string_view statement, int count) {
  std::istringstream in{std::string(statement)};
  std::vector<std::string> words;
  std::string word;
  while (static_cast<int>(words.size()) < count && in >> word) {
    for (char& c : word) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    words.push_back(std::move(word));
  }
  return words;
}

bool IsTrigger(std::string_view statement) {
  const std::vector<std::string> w = LeadingWords(statement, 3);
  if (w.size() < 2 || w[0] != "CREATE") {
    return false;
  }
  if (w[1] == "TRIGGER") {
    return true;
  }
  return (w[1] == "TEMP" || w[1] == "TEMPORARY") && w.size() == 3 && w[2] == "TRIGGER";
}

Status Flush(std::string& current, std::vector<std::string>& out) {
  std::string statement(Trim(current));
  current.clear();
  if (statement.empty()) {
    return Status::Ok();
  }
  if (IsTrigger(statement)) {
    return InvalidArgumentError("triggers are not supported in migrations");
  }
  out.push_back(std::move(statement));
  return Status::Ok();
}

char CloserOf(char opener) {
  return opener == '[' ? ']' : opener;
}

bool IsQuote(char c) {
  return c == '\'' || c == '"' || c == '`' || c == '[';
}

}  // namespace

Result<std::vector<std::string>> SplitSqlStatements(std::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '-' && next == '-') {
      const std::size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end;
      current += ' ';
    } else if (c == '/' && next == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      if (end == std::string_view::npos) {
        return InvalidArgumentError("unterminated /* comment");
      }
      i = end + 2;
      current += ' ';
    } else if (IsQuote(c)) {
      // A doubled quote ('it''s') closes and reopens: the two halves are copied in turn.
      const std::size_t end = sql.find(CloserOf(c), i + 1);
      if (end == std::string_view::npos) {
        return InvalidArgumentError("unterminated quoted text");
      }
      current.append(sql.substr(i, end - i + 1));
      i = end + 1;
    } else if (c == ';') {
      HOWLER_RETURN_IF_ERROR(Flush(current, out));
      ++i;
    } else {
      current += c;
      ++i;
    }
  }
  HOWLER_RETURN_IF_ERROR(Flush(current, out));
  return out;
}

}  // namespace howler::storage
