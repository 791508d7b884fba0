#include "sync/sql_lexer.h"

#include <algorithm>

namespace howler::sync {
namespace {

// PostgreSQL identifiers (and so dollar-quote tags) are at most 63 bytes; a longer tag is
// not a dollar quote. The bound keeps the search for the closing tag linear.
constexpr std::size_t kMaxDollarTag = 63;

// Multi-character operators, longest first; any other operator byte stands alone.
constexpr std::string_view kOperators[] = {
    "->>", "#>>", "!~*", "::", "->", "#>", "<=", ">=", "<>", "!=", "||",
    ":=",  "=>",  "<<",  ">>", "@>", "<@", "&&", "@@", "~*", "!~"};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsOctalDigit(char c) {
  return c >= '0' && c <= '7';
}
bool IsBinaryDigit(char c) {
  return c == '0' || c == '1';
}
bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
// '$' and '#' continue names in PostgreSQL and Oracle (v$session, serial#).
bool IsIdentChar(char c) {
  return IsIdentStart(c) || IsDigit(c) || c == '$' || c == '#';
}
bool IsDollarTagChar(char c) {
  return IsIdentStart(c) || IsDigit(c);
}
char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
// Characters that cannot appear in a [bracketed identifier] as this lexer accepts it.
bool EndsBracketIdentifier(char c) {
  return c == '\'' || c == '"' || c == '`' || c == '$' || c == ',' || c == '[' || c == '\n' ||
         c == '\r';
}
// Oracle q'<open>...<close>' pairs brackets; any other delimiter closes itself.
char OracleClosing(char open) {
  switch (open) {
    case '[':
      return ']';
    case '{':
      return '}';
    case '(':
      return ')';
    case '<':
      return '>';
    default:
      return open;
  }
}

// SQL Server's currency signs as UTF-8 (¢ £ ¤ ¥ ৲ ৳ ฿ ៛ ﷼ ﹩ ＄ ￠ ￡ ￥ ￦); `$` and
// U+20A0..U+20B1 (₠ ... € ... ₱) are matched in CurrencySignLength.
constexpr std::string_view kCurrencySigns[] = {
    "\xC2\xA2",     "\xC2\xA3",     "\xC2\xA4",     "\xC2\xA5",     "\xE0\xA7\xB2",
    "\xE0\xA7\xB3", "\xE0\xB8\xBF", "\xE1\x9F\x9B", "\xEF\xB7\xBC", "\xEF\xB9\xA9",
    "\xEF\xBC\x84", "\xEF\xBF\xA0", "\xEF\xBF\xA1", "\xEF\xBF\xA5", "\xEF\xBF\xA6"};

// The byte length of the currency sign `rest` starts with, or 0.
std::size_t CurrencySignLength(std::string_view rest) {
  if (rest.starts_with('$')) {
    return 1;
  }
  if (rest.size() >= 3 && rest[0] == '\xE2' && rest[1] == '\x82' &&
      static_cast<unsigned char>(rest[2]) >= 0xA0 && static_cast<unsigned char>(rest[2]) <= 0xB1) {
    return 3;
  }
  for (std::string_view sign : kCurrencySigns) {
    if (rest.starts_with(sign)) {
      return sign.size();
    }
  }
  return 0;
}

bool HasHighByte(std::string_view sql) {
  return std::any_of(sql.begin(), sql.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

}  // namespace

LexOptions RelevantOptions(std::string_view sql, LexOptions options) {
  const LexOptions kDefault;
  const auto has = [sql](std::string_view bytes) {
    return sql.find(bytes) != std::string_view::npos;
  };
  if (!has("\"")) {
    options.double_quoted_strings = kDefault.double_quoted_strings;
  }
  if (!has("\\")) {
    options.backslash_escapes = kDefault.backslash_escapes;
  }
  if (!has("[")) {
    options.brackets = kDefault.brackets;
  }
  if (!has("#")) {
    options.hash = kDefault.hash;
  }
  if (!has("/*")) {
    options.nested_comments = kDefault.nested_comments;
  }
  if (!has("--")) {
    options.dash_comment_needs_space = kDefault.dash_comment_needs_space;
  }
  if (!has("//")) {
    options.slash_comments = kDefault.slash_comments;
  }
  if (!has("$")) {
    options.dollar_quotes = kDefault.dollar_quotes;
  }
  if (!has("'") && !has("\"")) {
    options.postgres_prefixes = kDefault.postgres_prefixes;
  }
  if (!has("'")) {
    options.oracle_quotes = kDefault.oracle_quotes;
  }
  if (!has("'''") && !has("\"\"\"")) {
    options.triple_quotes = kDefault.triple_quotes;
  }
  if (!has("$") && !HasHighByte(sql)) {
    options.money_literals = kDefault.money_literals;
  }
  return options;
}

bool IsLiteral(TokenKind kind) {
  switch (kind) {
    case TokenKind::kString:
    case TokenKind::kHexString:
    case TokenKind::kBitString:
    case TokenKind::kDollarString:
    case TokenKind::kNumber:
      return true;
    default:
      return false;
  }
}

SqlLexer::SqlLexer(std::string_view sql, LexOptions options) : sql_(sql), options_(options) {}

std::optional<Token> SqlLexer::Next() {
  if (pos_ >= sql_.size()) {
    return std::nullopt;
  }
  Token token = Dispatch();
  pos_ += token.text.size();
  previous_ = token;
  if (token.kind != TokenKind::kWhitespace && token.kind != TokenKind::kComment) {
    previous_significant_ = token;
  }
  return token;
}

Token SqlLexer::Make(TokenKind kind, std::size_t end, bool terminated) const {
  end = std::clamp(end, pos_ + 1, sql_.size());
  return Token{kind, sql_.substr(pos_, end - pos_), terminated};
}

Token SqlLexer::Dispatch() const {
  const char c = sql_[pos_];
  const char next = At(pos_ + 1);
  if (IsSpace(c)) {
    return LexWhitespace();
  }
  if (StartsComment()) {
    return c == '/' && next == '*' ? LexBlockComment() : LexLineComment();
  }
  if (MoneySignLength() > 0) {
    return LexMoney();
  }
  switch (c) {
    case '#':
      return LexHash();
    case '\'':
      return LexSingleQuoted(TokenKind::kString, pos_, options_.backslash_escapes);
    case '"':
      return LexDoubleQuote();
    case '`':
      return LexQuoted(TokenKind::kQuotedIdentifier, pos_ + 1, '`', false);
    case '[':
      return LexBracket();
    case '$':
      return LexDollar();
    case '?':
    case ':':
    case '@':
      return LexParameterOrOperator();
    default:
      break;
  }
  if (StartsNumber()) {
    return LexNumber();
  }
  return IsIdentStart(c) ? LexWordOrPrefixed() : LexOperator();
}

std::size_t SqlLexer::ScanWhile(std::size_t i, bool (*accept)(char)) const {
  while (i < sql_.size() && accept(sql_[i])) {
    ++i;
  }
  return i;
}

// `--` (MySQL: only before whitespace, a control byte or the end), `/*`, Snowflake `//`.
bool SqlLexer::StartsComment() const {
  const char c = sql_[pos_];
  const char next = At(pos_ + 1);
  if (c == '-' && next == '-') {
    const auto after = static_cast<unsigned char>(At(pos_ + 2));  // '\0' at the end
    return !options_.dash_comment_needs_space || after <= ' ' || after == 0x7f;
  }
  return c == '/' && (next == '*' || (next == '/' && options_.slash_comments));
}

Token SqlLexer::LexWhitespace() const {
  return Make(TokenKind::kWhitespace, ScanWhile(pos_, IsSpace));
}

Token SqlLexer::LexLineComment() const {
  const std::size_t end = sql_.find_first_of("\r\n", pos_);
  return Make(TokenKind::kComment, end == std::string_view::npos ? sql_.size() : end);
}

Token SqlLexer::LexBlockComment() const {
  std::size_t depth = 1;
  std::size_t i = pos_ + 2;
  while (i < sql_.size() && depth > 0) {
    if (options_.nested_comments && sql_[i] == '/' && At(i + 1) == '*') {
      ++depth;
      i += 2;
    } else if (sql_[i] == '*' && At(i + 1) == '/') {
      --depth;
      i += 2;
    } else {
      ++i;
    }
  }
  return Make(TokenKind::kComment, i, depth == 0);
}

Token SqlLexer::LexHash() const {
  if (options_.hash == HashRule::kComment) {
    return LexLineComment();
  }
  const char next = At(pos_ + 1);
  if (IsIdentStart(next) || (next == '#' && IsIdentStart(At(pos_ + 2)))) {
    return Make(TokenKind::kWord, ScanWhile(pos_ + (next == '#' ? 2 : 1), IsIdentChar));
  }
  if (options_.hash == HashRule::kNoComment) {
    return LexOperator();
  }
  if (next == '>') {
    return Make(TokenKind::kOperator, pos_ + (At(pos_ + 2) == '>' ? 3 : 2));
  }
  return LexLineComment();
}

Token SqlLexer::LexQuoted(TokenKind kind, std::size_t body, char close, bool backslash) const {
  std::size_t i = body;
  while (i < sql_.size()) {
    const char c = sql_[i];
    if (c == close && At(i + 1) != close) {
      return Make(kind, i + 1);
    }
    // A doubled quote, or a backslash and what it escapes, is two bytes of the body.
    i += (c == close || (backslash && c == '\\')) ? 2 : 1;
  }
  return Make(kind, sql_.size(), false);
}

// A '...' string whose opening quote is at `quote` (after a prefix such as N or X), or a
// BigQuery '''...''' one.
Token SqlLexer::LexSingleQuoted(TokenKind kind, std::size_t quote, bool backslash) const {
  if (options_.triple_quotes && At(quote + 1) == '\'' && At(quote + 2) == '\'') {
    return LexTripleQuoted(quote);
  }
  return LexQuoted(kind, quote + 1, '\'', backslash);
}

// Ends at the next three quotes like the three at `quote`; backslash escapes apply.
Token SqlLexer::LexTripleQuoted(std::size_t quote) const {
  const char close = sql_[quote];
  std::size_t i = quote + 3;
  while (i < sql_.size()) {
    if (sql_[i] == close && At(i + 1) == close && At(i + 2) == close) {
      return Make(TokenKind::kString, i + 3);
    }
    i += (options_.backslash_escapes && sql_[i] == '\\') ? 2 : 1;
  }
  return Make(TokenKind::kString, sql_.size(), false);
}

Token SqlLexer::LexDoubleQuote() const {
  if (!options_.double_quoted_strings) {
    return LexQuoted(TokenKind::kQuotedIdentifier, pos_ + 1, '"', false);
  }
  if (options_.triple_quotes && At(pos_ + 1) == '"' && At(pos_ + 2) == '"') {
    return LexTripleQuoted(pos_);
  }
  return LexQuoted(TokenKind::kString, pos_ + 1, '"', options_.backslash_escapes);
}

Token SqlLexer::LexBracket() const {
  switch (options_.brackets) {
    case BracketRule::kIdentifier:
      return LexQuoted(TokenKind::kQuotedIdentifier, pos_ + 1, ']', false);
    case BracketRule::kSimpleIdentifier: {
      const std::size_t close = sql_.find(']', pos_ + 1);
      return close == std::string_view::npos
                 ? Make(TokenKind::kQuotedIdentifier, sql_.size(), false)
                 : Make(TokenKind::kQuotedIdentifier, close + 1);
    }
    case BracketRule::kOperator:
      return Make(TokenKind::kOperator, pos_ + 1);
    case BracketRule::kHeuristic:
      break;
  }
  return LexHeuristicBracket();
}

Token SqlLexer::LexHeuristicBracket() const {
  std::size_t end = 0;
  if (!FollowsOperand() && BracketIsIdentifier(&end)) {
    return Make(TokenKind::kQuotedIdentifier, end);
  }
  return Make(TokenKind::kOperator, pos_ + 1);
}

bool SqlLexer::FollowsOperand() const {
  if (!previous_) {
    return false;
  }
  switch (previous_->kind) {
    case TokenKind::kWord:
    case TokenKind::kQuotedIdentifier:
    case TokenKind::kParameter:
      return true;
    case TokenKind::kOperator:
      return previous_->text == ")" || previous_->text == "]";
    default:
      // A literal counts too, so that its `?` stand-in is read the same way.
      return IsLiteral(previous_->kind);
  }
}

// After `(`, `,`, `=` and other operators, but not after `[`, `]` or `)`: where an Oracle
// positional bind (:1) can stand and an array slice bound (a[2:3]) cannot.
bool SqlLexer::FollowsSeparator() const {
  if (!previous_significant_ || previous_significant_->kind != TokenKind::kOperator) {
    return false;
  }
  const std::string_view text = previous_significant_->text;
  return text != "[" && text != "]" && text != ")";
}

// Linear overall: the scan stops at the next '[', so no byte is scanned twice.
bool SqlLexer::BracketIsIdentifier(std::size_t* end) const {
  std::size_t i = pos_ + 1;
  while (i < sql_.size()) {
    const char c = sql_[i];
    if (c == ']' && At(i + 1) == ']') {
      i += 2;  // ]] is an escaped ]
      continue;
    }
    if (c == ']') {
      *end = i + 1;
      return i > pos_ + 1;
    }
    if (EndsBracketIdentifier(c) || (IsDigit(c) && !IsIdentChar(sql_[i - 1]))) {
      return false;
    }
    ++i;
  }
  return false;
}

Token SqlLexer::LexDollar() const {
  const std::size_t tag = pos_ + 1;
  if (IsDigit(At(tag))) {
    return Make(TokenKind::kParameter, ScanWhile(tag, IsDigit));
  }
  const std::size_t tag_end = IsIdentStart(At(tag)) ? ScanWhile(tag, IsDollarTagChar) : tag;
  if (options_.dollar_quotes && At(tag_end) == '$' && tag_end - tag <= kMaxDollarTag) {
    const std::string_view delimiter = sql_.substr(pos_, tag_end + 1 - pos_);
    const std::size_t close = sql_.find(delimiter, tag_end + 1);
    if (close == std::string_view::npos) {
      return Make(TokenKind::kDollarString, sql_.size(), false);
    }
    return Make(TokenKind::kDollarString, close + delimiter.size());
  }
  if (tag_end > tag) {
    return Make(TokenKind::kParameter, tag_end);  // SQLite $name
  }
  return Make(TokenKind::kOperator, tag);
}

// The length of the currency sign at pos_ when it starts a money literal ($12, £.5), or 0.
std::size_t SqlLexer::MoneySignLength() const {
  if (!options_.money_literals) {
    return 0;
  }
  const std::size_t sign = CurrencySignLength(sql_.substr(pos_));
  const std::size_t digits = pos_ + sign;
  const bool number = IsDigit(At(digits)) || (At(digits) == '.' && IsDigit(At(digits + 1)));
  return sign > 0 && number ? sign : 0;
}

Token SqlLexer::LexMoney() const {
  std::size_t i = ScanDigits(pos_ + MoneySignLength(), IsDigit);
  if (At(i) == '.') {
    i = ScanDigits(i + 1, IsDigit);
  }
  return Make(TokenKind::kNumber, i);
}

// A digit, or `.5` unless it qualifies a name (t.5) or follows another dot (1..5).
bool SqlLexer::StartsNumber() const {
  const char c = sql_[pos_];
  if (IsDigit(c)) {
    return true;
  }
  if (c != '.' || !IsDigit(At(pos_ + 1))) {
    return false;
  }
  return !previous_ || (previous_->kind != TokenKind::kWord &&
                        previous_->kind != TokenKind::kQuotedIdentifier && previous_->text != ".");
}

// Digits accepted by `accept`, with single underscores between them (1_000).
std::size_t SqlLexer::ScanDigits(std::size_t i, bool (*accept)(char)) const {
  const std::size_t start = i;
  while (i < sql_.size()) {
    const bool separator = sql_[i] == '_' && i > start && accept(sql_[i - 1]) && accept(At(i + 1));
    if (!accept(sql_[i]) && !separator) {
      break;
    }
    ++i;
  }
  return i;
}

std::size_t SqlLexer::ScanExponent(std::size_t i) const {
  if (Lower(At(i)) != 'e') {
    return i;
  }
  std::size_t digits = i + 1;
  if (At(digits) == '+' || At(digits) == '-') {
    ++digits;
  }
  return IsDigit(At(digits)) ? ScanDigits(digits, IsDigit) : i;
}

Token SqlLexer::LexNumber() const {
  if (sql_[pos_] == '0') {
    const char base = Lower(At(pos_ + 1));
    bool (*accept)(char) = base == 'x'   ? IsHexDigit
                           : base == 'o' ? IsOctalDigit
                           : base == 'b' ? IsBinaryDigit
                                         : nullptr;
    const std::size_t first = At(pos_ + 2) == '_' ? pos_ + 3 : pos_ + 2;  // 0x_1F
    if (accept != nullptr && accept(At(first))) {
      return Make(TokenKind::kNumber, ScanDigits(first, accept));
    }
  }
  std::size_t i = ScanDigits(pos_, IsDigit);
  if (At(i) == '.' && At(i + 1) != '.') {
    i = ScanDigits(i + 1, IsDigit);
  }
  return Make(TokenKind::kNumber, ScanExponent(i));
}

Token SqlLexer::LexWordOrPrefixed() const {
  const char prefix = Lower(sql_[pos_]);
  const char next = At(pos_ + 1);
  const bool escapes = options_.backslash_escapes;
  if (next == '\'') {
    switch (prefix) {
      case 'e':
        if (options_.postgres_prefixes) {
          return LexSingleQuoted(TokenKind::kString, pos_ + 1, true);
        }
        break;
      case 'n':
        return LexSingleQuoted(TokenKind::kString, pos_ + 1, escapes);
      case 'x':
        return LexSingleQuoted(TokenKind::kHexString, pos_ + 1, escapes);
      case 'b':
        return LexSingleQuoted(TokenKind::kBitString, pos_ + 1, escapes);
      case 'q':
        if (options_.oracle_quotes && IsOracleQuote(pos_ + 1)) {
          return LexOracleQuote(pos_ + 1);
        }
        break;
      default:
        break;
    }
  }
  if (options_.postgres_prefixes && prefix == 'u' && next == '&' &&
      (At(pos_ + 2) == '\'' || At(pos_ + 2) == '"')) {
    const char quote = At(pos_ + 2);
    const TokenKind kind = quote == '"' ? TokenKind::kQuotedIdentifier : TokenKind::kString;
    return LexQuoted(kind, pos_ + 3, quote, false);
  }
  if (options_.oracle_quotes && prefix == 'n' && Lower(next) == 'q' && IsOracleQuote(pos_ + 2)) {
    return LexOracleQuote(pos_ + 2);
  }
  return Make(TokenKind::kWord, ScanWhile(pos_, IsIdentChar));
}

bool SqlLexer::IsOracleQuote(std::size_t quote) const {
  return At(quote) == '\'' && quote + 1 < sql_.size() && !IsSpace(sql_[quote + 1]);
}

Token SqlLexer::LexOracleQuote(std::size_t quote) const {
  const char close = OracleClosing(sql_[quote + 1]);
  for (std::size_t i = quote + 2; i + 1 < sql_.size(); ++i) {
    if (sql_[i] == close && sql_[i + 1] == '\'') {
      return Make(TokenKind::kString, i + 2);
    }
  }
  return Make(TokenKind::kString, sql_.size(), false);
}

Token SqlLexer::LexParameterOrOperator() const {
  const char c = sql_[pos_];
  const char next = At(pos_ + 1);
  if (c == '?') {
    return Make(TokenKind::kParameter, ScanWhile(pos_ + 1, IsDigit));
  }
  if (c == ':') {
    if (IsIdentStart(next) || (IsDigit(next) && FollowsSeparator())) {
      return Make(TokenKind::kParameter, ScanWhile(pos_ + 1, IsIdentChar));
    }
    return LexOperator();  // also arr[2:3]: the 3 stays a number
  }
  const std::size_t name = pos_ + (next == '@' ? 2 : 1);  // @var, @@system_var
  if (IsIdentStart(At(name))) {
    return Make(TokenKind::kParameter, ScanWhile(name, IsIdentChar));
  }
  return LexOperator();
}

Token SqlLexer::LexOperator() const {
  const std::string_view rest = sql_.substr(pos_);
  for (std::string_view op : kOperators) {
    if (rest.substr(0, op.size()) == op) {
      return Make(TokenKind::kOperator, pos_ + op.size());
    }
  }
  return Make(TokenKind::kOperator, pos_ + 1);
}

std::vector<Token> LexSql(std::string_view sql, LexOptions options) {
  std::vector<Token> tokens;
  SqlLexer lexer(sql, options);
  while (std::optional<Token> token = lexer.Next()) {
    tokens.push_back(*token);
  }
  return tokens;
}

}  // namespace howler::sync
