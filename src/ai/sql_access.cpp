#include "ai/sql_access.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "sync/sql_lexer.h"

namespace howler::ai {
namespace {

std::string Upper(std::string_view word) {
  std::string out(word);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

constexpr std::array<std::string_view, 8> kReadStarts = {"SELECT", "WITH",     "VALUES", "TABLE",
                                                         "SHOW",   "DESCRIBE", "DESC",   "EXPLAIN"};

constexpr std::array<std::string_view, 27> kWriteWords = {
    "INSERT",  "UPDATE", "DELETE", "MERGE", "UPSERT",  "CREATE",  "DROP",    "ALTER", "TRUNCATE",
    "GRANT",   "REVOKE", "COPY",   "CALL",  "EXEC",    "EXECUTE", "INTO",    "LOCK",  "VACUUM",
    "REINDEX", "ATTACH", "DETACH", "SET",   "COMMENT", "RENAME",  "HANDLER", "LOAD",  "IMPORT"};

bool Contains(auto& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// One statement's words, upper-cased.
bool StatementReadsOnly(const std::vector<std::string>& words) {
  if (words.empty()) return true;
  if (!Contains(kReadStarts, words.front())) return false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (Contains(kWriteWords, words[i])) return false;
    if (words[i] == "FOR" && i + 1 < words.size() &&
        (words[i + 1] == "UPDATE" || words[i + 1] == "SHARE")) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool ReadsOnly(std::string_view sql, sync::SqlDialect dialect) {
  std::vector<std::string> words;
  for (const sync::Token& t : sync::LexSql(sql, sync::LexOptionsFor(dialect))) {
    if (t.kind == sync::TokenKind::kOperator && t.text == ";") {
      if (!StatementReadsOnly(words)) return false;
      words.clear();
    } else if (t.kind == sync::TokenKind::kWord) {
      words.push_back(Upper(t.text));
    }
  }
  return StatementReadsOnly(words);
}

}  // namespace howler::ai
