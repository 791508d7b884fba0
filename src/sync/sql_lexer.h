// SqlLexer: a small, dialect-tolerant SQL tokenizer, enough to tell literals from
// everything else in query text written for PostgreSQL, MySQL, SQLite, SQL Server, Oracle,
// Snowflake or BigQuery. It is not a parser and never rejects input.
//
// Contract:
// - The tokens' texts, concatenated, are exactly the input (every byte belongs to one
//   token). Texts are views into the input: they live as long as the input does.
// - Never throws, never reads outside the input, runs in time linear in its length.
// - An unterminated quote or comment runs to the end of the input and is marked
//   `terminated = false`.
// - Bytes >= 0x80 (UTF-8) are identifier characters; other unknown bytes are one-byte
//   operators.
//
// Where dialects disagree, the lexer mostly takes the reading that hides more text:
// - `'...'` accepts `''` and, by default, backslash escapes (MySQL `'it\'s'`).
// - `--` always starts a comment (MySQL wants a space after it); block comments nest
//   (PostgreSQL).
// - `#` starts a line comment (MySQL) unless it continues a name (Oracle `serial#`),
//   begins a SQL Server temporary table name (`#t`, `##t`) or the PostgreSQL operators
//   `#>` / `#>>`. Names may also contain `$` after their first character (`v$session`).
// - `:1` is an Oracle positional bind only after an operator such as `(`, `,` or `=`;
//   elsewhere (`a[2:3]`) the digits are a number.
// - `[...]` is a quoted identifier (SQL Server) only where it cannot be a subscript or an
//   array literal: not right after a name, parameter, literal, `)` or `]`, and only when
//   its text holds no quote, `$`, comma, newline or number.
// - `"..."` is a quoted identifier unless LexOptions says otherwise.
//
// Thread-safety: a SqlLexer is not shared; the free functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace howler::sync {

enum class TokenKind {
  kWhitespace,
  kComment,           // -- line, # line, /* block (nested) */
  kWord,              // identifier or keyword, unquoted; also #temp tables
  kQuotedIdentifier,  // "a ""b""", `a ``b```, [a b], U&"..."
  kString,            // '...', E'...', N'...', U&'...', Oracle q'[...]'
  kHexString,         // X'1F'
  kBitString,         // B'0101'
  kDollarString,      // $$...$$, $tag$...$tag$
  kNumber,            // 42, 1_000, 3.14, .5, 1e-3, 0x1F, 0b101, 0o17
  kParameter,         // $1, ?, ?2, :name, :1 (after an operator), @var, @@global, $name
  kOperator,          // operators and punctuation
};

// String, hex, bit, dollar-quoted and numeric literals.
bool IsLiteral(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kOperator;
  std::string_view text;
  bool terminated = true;  // false for a quote or block comment cut off by the end
};

struct LexOptions {
  // MySQL (default sql_mode) and BigQuery read "..." as a string literal; standard SQL,
  // PostgreSQL, Oracle and Snowflake read it as an identifier.
  bool double_quoted_strings = false;
  // A backslash escapes the next character in '...', N'...' (and "..." strings): MySQL,
  // BigQuery. Standard SQL, PostgreSQL, SQLite and SQL Server keep backslashes literal.
  // E'...' always takes backslash escapes.
  bool backslash_escapes = true;
};

class SqlLexer {
 public:
  explicit SqlLexer(std::string_view sql, LexOptions options = {});

  // The next token, or nullopt once the input is used up.
  std::optional<Token> Next();

 private:
  Token Dispatch() const;
  Token Make(TokenKind kind, std::size_t end, bool terminated = true) const;
  char At(std::size_t i) const { return i < sql_.size() ? sql_[i] : '\0'; }

  Token LexWhitespace() const;
  Token LexLineComment() const;
  Token LexBlockComment() const;
  Token LexHash() const;
  Token LexQuoted(TokenKind kind, std::size_t body, char close, bool backslash) const;
  Token LexDoubleQuote(std::size_t body) const;
  Token LexBracket() const;
  Token LexDollar() const;
  Token LexNumber() const;
  Token LexWordOrPrefixed() const;
  Token LexOracleQuote(std::size_t quote) const;
  Token LexParameterOrOperator() const;
  Token LexOperator() const;

  std::size_t ScanWhile(std::size_t i, bool (*accept)(char)) const;
  std::size_t ScanDigits(std::size_t i, bool (*accept)(char)) const;
  std::size_t ScanExponent(std::size_t i) const;
  bool StartsNumber() const;
  bool IsOracleQuote(std::size_t quote) const;
  bool BracketIsIdentifier(std::size_t* end) const;
  bool FollowsOperand() const;
  bool FollowsSeparator() const;

  std::string_view sql_;
  LexOptions options_;
  std::size_t pos_ = 0;
  std::optional<Token> previous_;
  std::optional<Token> previous_significant_;  // neither whitespace nor comment
};

// All tokens of `sql`, in order.
std::vector<Token> LexSql(std::string_view sql, LexOptions options = {});

}  // namespace howler::sync
