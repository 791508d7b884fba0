#include "dbmanager/mariadb/maria_params.h"

namespace howler::dbmanager {
namespace {

// The end of the quoted run starting at `pos` (the quote), with backslash escapes and
// doubled quotes.
std::size_t SkipQuoted(const std::string& sql, std::size_t pos) {
  const char quote = sql[pos++];
  while (pos < sql.size()) {
    if (sql[pos] == '\\' && quote != '`') {
      pos += 2;
    } else if (sql[pos] == quote) {
      if (pos + 1 < sql.size() && sql[pos + 1] == quote) {
        pos += 2;
      } else {
        return pos + 1;
      }
    } else {
      ++pos;
    }
  }
  return sql.size();
}

// The end of the comment starting at `pos`, or `pos` when none starts there.
std::size_t SkipComment(const std::string& sql, std::size_t pos) {
  if (sql.compare(pos, 2, "/*") == 0) {
    const std::size_t end = sql.find("*/", pos + 2);
    return end == std::string::npos ? sql.size() : end + 2;
  }
  const bool dash = sql.compare(pos, 3, "-- ") == 0 || sql.compare(pos, 3, "--\t") == 0 ||
                    (sql.compare(pos, 2, "--") == 0 && pos + 2 == sql.size());
  if (dash || sql[pos] == '#') {
    const std::size_t end = sql.find('\n', pos);
    return end == std::string::npos ? sql.size() : end + 1;
  }
  return pos;
}

std::string Literal(MYSQL* conn, const std::optional<std::string>& value) {
  if (!value) {
    return "NULL";
  }
  std::string out(value->size() * 2 + 3, '\0');
  out[0] = '\'';
  const unsigned long n =
      mysql_real_escape_string(conn, out.data() + 1, value->data(), value->size());
  out.resize(n + 1);
  out += '\'';
  return out;
}

}  // namespace

Result<std::string> BindMariaParams(MYSQL* conn, const std::string& sql,
                                    const std::vector<std::optional<std::string>>& params) {
  std::string out;
  std::size_t used = 0;
  std::size_t pos = 0;
  while (pos < sql.size()) {
    const char c = sql[pos];
    std::size_t next = pos;
    if (c == '\'' || c == '"' || c == '`') {
      next = SkipQuoted(sql, pos);
    } else if ((next = SkipComment(sql, pos)) == pos) {
      if (c == '?') {
        if (used == params.size()) {
          return InvalidArgumentError("more placeholders than parameters");
        }
        out += Literal(conn, params[used++]);
        ++pos;
        continue;
      }
      next = pos + 1;
    }
    out.append(sql, pos, next - pos);
    pos = next;
  }
  if (used != params.size()) {
    return InvalidArgumentError("more parameters than placeholders");
  }
  return out;
}

}  // namespace howler::dbmanager
