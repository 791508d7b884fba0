#include "sync/history_sanitizer.h"

#include <optional>

namespace howler::sync {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// True when lexing `sql` ends inside a quote or block comment.
bool EndsOpen(std::string_view sql, LexOptions options) {
  SqlLexer lexer(sql, options);
  bool open = false;
  while (std::optional<Token> token = lexer.Next()) {
    open = !token->terminated;
  }
  return open;
}

// A dropped comment between two tokens that would otherwise touch leaves one space.
bool NeedsSeparator(const std::string& out, const Token& next) {
  return !out.empty() && !IsSpace(out.back()) && next.kind != TokenKind::kWhitespace;
}

std::string Rewrite(std::string_view sql, LexOptions options) {
  std::string out;
  out.reserve(sql.size());
  SqlLexer lexer(sql, options);
  bool dropped_comment = false;
  while (std::optional<Token> token = lexer.Next()) {
    if (token->kind == TokenKind::kComment) {
      dropped_comment = true;
      continue;
    }
    if (dropped_comment && NeedsSeparator(out, *token)) {
      out += ' ';
    }
    dropped_comment = false;
    if (IsLiteral(token->kind) || !token->terminated) {
      out += '?';
    } else {
      out += token->text;
    }
  }
  return out;
}

}  // namespace

std::string SanitizeHistoryQuery(std::string_view sql, LexOptions options) {
  if (EndsOpen(sql, options)) {
    LexOptions other = options;
    other.backslash_escapes = !options.backslash_escapes;
    if (!EndsOpen(sql, other)) {
      options = other;
    }
  }
  return Rewrite(sql, options);
}

}  // namespace howler::sync
