// SqlLexer: a small SQL tokenizer, enough to tell literals and comments from everything
// else in query text written for PostgreSQL, MySQL, SQLite, SQL Server, Oracle, Snowflake,
// BigQuery or ClickHouse. It is not a parser and never rejects input.
//
// Contract:
// - The tokens' texts, concatenated, are exactly the input (every byte belongs to one
//   token). Texts are views into the input: they live as long as the input does.
// - Never throws, never reads outside the input, runs in time linear in its length.
// - An unterminated quote or comment runs to the end of the input and is marked
//   `terminated = false`.
// - Bytes >= 0x80 (UTF-8) are identifier characters, except a currency sign that starts a
//   money literal (LexOptions::money_literals); other unknown bytes are one-byte operators.
//
// LexOptions says how to read what dialects disagree on; sql_dialect.h has each dialect's
// options. The default options are a tolerant reading that mostly hides more text:
// - `'...'` accepts `''` and backslash escapes (MySQL `'it\'s'`).
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
// - `"..."` is a quoted identifier; $$...$$ / $tag$...$tag$, E'...', U&'...' and Oracle
//   q'[...]' are read in every dialect.
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
  kComment,           // -- line, # line, // line (Snowflake), /* block */
  kWord,              // identifier or keyword, unquoted; also #temp tables
  kQuotedIdentifier,  // "a ""b""", `a ``b```, [a b], U&"..."
  kString,            // '...', E'...', N'...', U&'...', Oracle q'[...]', '''...''', "..."
  kHexString,         // X'1F'
  kBitString,         // B'0101' (BigQuery: b'bytes')
  kDollarString,      // $$...$$, $tag$...$tag$
  kNumber,            // 42, 1_000, 3.14, .5, 1e-3, 0x1F, 0b101, 0o17, money $12.50
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

// How `[` is read.
enum class BracketRule {
  kHeuristic,         // an identifier only where the default rule above allows it
  kIdentifier,        // always a quoted identifier; `]]` escapes `]` (SQL Server)
  kSimpleIdentifier,  // always a quoted identifier, up to the first `]` (SQLite)
  kOperator,          // never an identifier: subscripts and arrays (PostgreSQL, MySQL...)
};

// How `#` is read where it does not continue a name.
enum class HashRule {
  kHeuristic,  // the default rule above
  kComment,    // always starts a line comment (MySQL, BigQuery, ClickHouse)
  kNoComment,  // never a comment: #temp / ##temp names, else an operator (#, #>, #>>)
};

// One dialect's lexical rules. Each field is consulted only at the bytes its comment
// names, so it can change how a text lexes only if the text holds those bytes.
struct LexOptions {
  // At `"`: MySQL (default sql_mode) and BigQuery read "..." as a string literal; standard
  // SQL, PostgreSQL, SQLite, SQL Server, Oracle, Snowflake and ClickHouse as an identifier.
  bool double_quoted_strings = false;
  // At `\`: a backslash escapes the next byte in '...', N'...', X'...', B'...' and "..."
  // strings (MySQL, BigQuery, Snowflake, ClickHouse, Redshift); PostgreSQL, SQLite, SQL
  // Server and Oracle keep it literal. E'...' always takes backslash escapes.
  bool backslash_escapes = true;
  BracketRule brackets = BracketRule::kHeuristic;  // at `[`
  HashRule hash = HashRule::kHeuristic;            // at `#`
  // At `/*` inside a block comment: opens a nested comment (PostgreSQL, SQL Server,
  // ClickHouse) or is plain text (MySQL, SQLite, Oracle, Snowflake, BigQuery).
  bool nested_comments = true;
  // At `--`: MySQL starts a comment only before whitespace, a control byte or the end.
  bool dash_comment_needs_space = false;
  // At `//`: starts a line comment (Snowflake).
  bool slash_comments = false;
  // At `$`: $$...$$ and $tag$...$tag$ are strings (PostgreSQL, Snowflake, ClickHouse);
  // otherwise `$tag` is a parameter or name and `$` an operator.
  bool dollar_quotes = true;
  // At `'` or `"` after E or U&: E'...', U&'...' strings and U&"..." identifiers
  // (PostgreSQL); otherwise E and U are names and & an operator.
  bool postgres_prefixes = true;
  // At `'` after q or nq: Oracle's q'[...]' quoting; otherwise q and nq are names.
  bool oracle_quotes = true;
  // At `'''` and `"""` (when "..." is a string): BigQuery's triple-quoted strings, ended
  // by the next three quotes.
  bool triple_quotes = false;
  // At `$` or a currency sign (£, €, ¥, ...) before a digit or `.digit`: a SQL Server
  // money literal ($12.50); otherwise `$12` is a parameter and `£12` a name.
  bool money_literals = false;

  friend bool operator==(const LexOptions&, const LexOptions&) = default;
};

// `options` with every field that cannot change how `sql` lexes (because the bytes its
// comment names are absent) set to its default: options with equal results lex `sql` to
// the same tokens. Linear in the size of `sql`.
LexOptions RelevantOptions(std::string_view sql, LexOptions options);

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
  Token LexSingleQuoted(TokenKind kind, std::size_t quote, bool backslash) const;
  Token LexTripleQuoted(std::size_t quote) const;
  Token LexDoubleQuote() const;
  Token LexBracket() const;
  Token LexHeuristicBracket() const;
  Token LexDollar() const;
  Token LexMoney() const;
  Token LexNumber() const;
  Token LexWordOrPrefixed() const;
  Token LexOracleQuote(std::size_t quote) const;
  Token LexParameterOrOperator() const;
  Token LexOperator() const;

  std::size_t ScanWhile(std::size_t i, bool (*accept)(char)) const;
  std::size_t ScanDigits(std::size_t i, bool (*accept)(char)) const;
  std::size_t ScanExponent(std::size_t i) const;
  bool StartsComment() const;
  bool StartsNumber() const;
  std::size_t MoneySignLength() const;
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
