#include "sync/sql_lexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace howler::sync {
namespace {

using K = TokenKind;
using Lexed = std::vector<std::pair<K, std::string>>;

// Tokens of `sql` other than whitespace, as (kind, text) pairs.
Lexed Significant(std::string_view sql, LexOptions options = {}) {
  Lexed out;
  for (const Token& t : LexSql(sql, options)) {
    if (t.kind != K::kWhitespace) {
      out.emplace_back(t.kind, std::string(t.text));
    }
  }
  return out;
}

// The single token `sql` lexes to.
Token Only(std::string_view sql, LexOptions options = {}) {
  std::vector<Token> tokens = LexSql(sql, options);
  EXPECT_EQ(tokens.size(), 1u) << sql;
  return tokens.empty() ? Token{} : tokens.front();
}

TEST(SqlLexerTest, TokensConcatenateToTheInput) {
  const std::string sql = "SELECT a, 'x''y' FROM \"t\" -- c\nWHERE b = $1 /* d */;";
  std::string joined;
  for (const Token& t : LexSql(sql)) {
    joined += t.text;
  }
  EXPECT_EQ(joined, sql);
}

TEST(SqlLexerTest, EmptyAndWhitespaceOnly) {
  EXPECT_TRUE(LexSql("").empty());
  const Token t = Only(" \t\r\n\f\v ");
  EXPECT_EQ(t.kind, K::kWhitespace);
}

TEST(SqlLexerTest, WordsAndKeywords) {
  EXPECT_EQ(Significant("select t1.col_2, v$session, serial#, _x, café"),
            (Lexed{{K::kWord, "select"},
                   {K::kWord, "t1"},
                   {K::kOperator, "."},
                   {K::kWord, "col_2"},
                   {K::kOperator, ","},
                   {K::kWord, "v$session"},
                   {K::kOperator, ","},
                   {K::kWord, "serial#"},
                   {K::kOperator, ","},
                   {K::kWord, "_x"},
                   {K::kOperator, ","},
                   {K::kWord, "café"}}));
}

TEST(SqlLexerTest, Numbers) {
  for (const char* n : {"0", "42", "3.14", ".5", "5.", "1e10", "1.5E-3", "2e+7", "0x1F", "0XfF",
                        "0b0101", "0o17", "1_000_000", "0x_1F"}) {
    const Token t = Only(n);
    EXPECT_EQ(t.kind, K::kNumber) << n;
  }
  EXPECT_EQ(Significant("1e"), (Lexed{{K::kNumber, "1"}, {K::kWord, "e"}}));
  EXPECT_EQ(Significant("0xZZ"), (Lexed{{K::kNumber, "0"}, {K::kWord, "xZZ"}}));
  EXPECT_EQ(Significant("0x_"), (Lexed{{K::kNumber, "0"}, {K::kWord, "x_"}}));
  EXPECT_EQ(Significant("1__2"), (Lexed{{K::kNumber, "1"}, {K::kWord, "__2"}}));
  EXPECT_EQ(
      Significant("1..10"),
      (Lexed{{K::kNumber, "1"}, {K::kOperator, "."}, {K::kOperator, "."}, {K::kNumber, "10"}}));
  EXPECT_EQ(Significant("-5"), (Lexed{{K::kOperator, "-"}, {K::kNumber, "5"}}));
  EXPECT_EQ(Significant("t.5x"),
            (Lexed{{K::kWord, "t"}, {K::kOperator, "."}, {K::kNumber, "5"}, {K::kWord, "x"}}));
}

TEST(SqlLexerTest, Strings) {
  EXPECT_EQ(Only("'it''s'").kind, K::kString);
  EXPECT_EQ(Only(R"('it\'s')").kind, K::kString);
  EXPECT_EQ(Only(R"(E'a\'b\\')").kind, K::kString);
  EXPECT_EQ(Only("e'x'").kind, K::kString);
  EXPECT_EQ(Only("N'Grüße'").kind, K::kString);
  EXPECT_EQ(Only("U&'d\\0061t'").kind, K::kString);
  EXPECT_EQ(Only("X'1F2e'").kind, K::kHexString);
  EXPECT_EQ(Only("x''").kind, K::kHexString);
  EXPECT_EQ(Only("B'0101'").kind, K::kBitString);
  EXPECT_EQ(Only("q'[it's]'").kind, K::kString);
  EXPECT_EQ(Only("Q'{a'b}'").kind, K::kString);
  EXPECT_EQ(Only("nq'!x!'").kind, K::kString);
  EXPECT_EQ(Only("q'#it's#'").kind, K::kString);
  // A prefix letter only counts at the start of a word.
  EXPECT_EQ(Significant("max'a'"), (Lexed{{K::kWord, "max"}, {K::kString, "'a'"}}));
  EXPECT_EQ(Significant("_utf8mb4'a'"), (Lexed{{K::kWord, "_utf8mb4"}, {K::kString, "'a'"}}));
  EXPECT_EQ(Significant("q' x'"), (Lexed{{K::kWord, "q"}, {K::kString, "' x'"}}));
}

TEST(SqlLexerTest, BackslashEscapesCanBeTurnedOff) {
  LexOptions standard;
  standard.backslash_escapes = false;
  EXPECT_EQ(Significant(R"('C:\' 'y')", standard),
            (Lexed{{K::kString, R"('C:\')"}, {K::kString, "'y'"}}));
  EXPECT_EQ(Significant(R"('C:\' 'y')"),
            (Lexed{{K::kString, R"('C:\' ')"}, {K::kWord, "y"}, {K::kString, "'"}}));
  // E'' strings always take backslash escapes.
  EXPECT_EQ(Only(R"(E'\'')", standard).kind, K::kString);
}

TEST(SqlLexerTest, DollarQuotes) {
  EXPECT_EQ(Only("$$a 'b' $ c$$").kind, K::kDollarString);
  EXPECT_EQ(Only("$fn$ BEGIN RETURN $$x$$; END $fn$").kind, K::kDollarString);
  EXPECT_EQ(Significant("$a$x$b$y$a$ 1"),
            (Lexed{{K::kDollarString, "$a$x$b$y$a$"}, {K::kNumber, "1"}}));
  const Token open = Only("$tag$ never closed $tag");
  EXPECT_EQ(open.kind, K::kDollarString);
  EXPECT_FALSE(open.terminated);
  // Too long to be a tag: a $name parameter, then the rest lexed normally.
  const std::string long_tag = "$" + std::string(64, 't') + "$";
  EXPECT_EQ(LexSql(long_tag).front().kind, K::kParameter);
}

TEST(SqlLexerTest, Parameters) {
  EXPECT_EQ(Significant("$1 ? ?2 :name @var @@version $name"), (Lexed{{K::kParameter, "$1"},
                                                                      {K::kParameter, "?"},
                                                                      {K::kParameter, "?2"},
                                                                      {K::kParameter, ":name"},
                                                                      {K::kParameter, "@var"},
                                                                      {K::kParameter, "@@version"},
                                                                      {K::kParameter, "$name"}}));
  EXPECT_EQ(Significant("(:1, :2) = :3"), (Lexed{{K::kOperator, "("},
                                                 {K::kParameter, ":1"},
                                                 {K::kOperator, ","},
                                                 {K::kParameter, ":2"},
                                                 {K::kOperator, ")"},
                                                 {K::kOperator, "="},
                                                 {K::kParameter, ":3"}}));
  // Array slices: the bounds are numbers.
  EXPECT_EQ(
      Significant("a[2:3] b[:4] c[5 : 6] d[i:7]"),
      (Lexed{{K::kWord, "a"},     {K::kOperator, "["}, {K::kNumber, "2"},   {K::kOperator, ":"},
             {K::kNumber, "3"},   {K::kOperator, "]"}, {K::kWord, "b"},     {K::kOperator, "["},
             {K::kOperator, ":"}, {K::kNumber, "4"},   {K::kOperator, "]"}, {K::kWord, "c"},
             {K::kOperator, "["}, {K::kNumber, "5"},   {K::kOperator, ":"}, {K::kNumber, "6"},
             {K::kOperator, "]"}, {K::kWord, "d"},     {K::kOperator, "["}, {K::kWord, "i"},
             {K::kOperator, ":"}, {K::kNumber, "7"},   {K::kOperator, "]"}}));
  EXPECT_EQ(Significant("x::int := a @> b @@ c $"), (Lexed{{K::kWord, "x"},
                                                           {K::kOperator, "::"},
                                                           {K::kWord, "int"},
                                                           {K::kOperator, ":="},
                                                           {K::kWord, "a"},
                                                           {K::kOperator, "@>"},
                                                           {K::kWord, "b"},
                                                           {K::kOperator, "@@"},
                                                           {K::kWord, "c"},
                                                           {K::kOperator, "$"}}));
}

TEST(SqlLexerTest, QuotedIdentifiers) {
  EXPECT_EQ(Only(R"("weird ""name""")").kind, K::kQuotedIdentifier);
  EXPECT_EQ(Only("`back``tick`").kind, K::kQuotedIdentifier);
  EXPECT_EQ(Only("[Order Details]").kind, K::kQuotedIdentifier);
  EXPECT_EQ(Only("[a]]b]").kind, K::kQuotedIdentifier);
  EXPECT_EQ(Only("U&\"d\\0061t\"").kind, K::kQuotedIdentifier);
  const Token open = Only("\"unterminated 'x'");
  EXPECT_EQ(open.kind, K::kQuotedIdentifier);
  EXPECT_FALSE(open.terminated);
}

TEST(SqlLexerTest, DoubleQuotedStringsOption) {
  LexOptions mysql;
  mysql.double_quoted_strings = true;
  EXPECT_EQ(Only(R"("it\"s")", mysql).kind, K::kString);
  EXPECT_EQ(Only("\"a\"").kind, K::kQuotedIdentifier);
}

TEST(SqlLexerTest, BracketsAreSubscriptsAfterOperands) {
  EXPECT_EQ(
      Significant("arr[1]"),
      (Lexed{{K::kWord, "arr"}, {K::kOperator, "["}, {K::kNumber, "1"}, {K::kOperator, "]"}}));
  EXPECT_EQ(Significant("ARRAY[a]")[1], (std::pair<K, std::string>{K::kOperator, "["}));
  EXPECT_EQ(Significant("(x)[i]")[3], (std::pair<K, std::string>{K::kOperator, "["}));
  EXPECT_EQ(Significant("int[]"),
            (Lexed{{K::kWord, "int"}, {K::kOperator, "["}, {K::kOperator, "]"}}));
  // Array literals are not identifiers: they hold values.
  EXPECT_EQ(Significant("['a', 2]")[0], (std::pair<K, std::string>{K::kOperator, "["}));
  EXPECT_EQ(Significant("[a, b]")[0], (std::pair<K, std::string>{K::kOperator, "["}));
  EXPECT_EQ(Significant("[1]")[1], (std::pair<K, std::string>{K::kNumber, "1"}));
  EXPECT_EQ(Significant("[x 2]")[2], (std::pair<K, std::string>{K::kNumber, "2"}));
  EXPECT_EQ(Significant("[$$s$$]")[1], (std::pair<K, std::string>{K::kDollarString, "$$s$$"}));
  EXPECT_EQ(Significant("[col2]"), (Lexed{{K::kQuotedIdentifier, "[col2]"}}));
  EXPECT_EQ(Significant("[ab"), (Lexed{{K::kOperator, "["}, {K::kWord, "ab"}}));
}

TEST(SqlLexerTest, Comments) {
  EXPECT_EQ(Significant("a -- 'x'\nb # y\nc /* 1 /* 2 */ 3 */ d"),
            (Lexed{{K::kWord, "a"},
                   {K::kComment, "-- 'x'"},
                   {K::kWord, "b"},
                   {K::kComment, "# y"},
                   {K::kWord, "c"},
                   {K::kComment, "/* 1 /* 2 */ 3 */"},
                   {K::kWord, "d"}}));
  const Token open = Only("/* a /* b */ c");
  EXPECT_EQ(open.kind, K::kComment);
  EXPECT_FALSE(open.terminated);
  EXPECT_FALSE(Only("/*/").terminated);
  EXPECT_EQ(Significant("--\r\nx"), (Lexed{{K::kComment, "--"}, {K::kWord, "x"}}));
}

TEST(SqlLexerTest, HashIsTempTableOrJsonOperatorOrComment) {
  EXPECT_EQ(Significant("#tmp ##global"), (Lexed{{K::kWord, "#tmp"}, {K::kWord, "##global"}}));
  EXPECT_EQ(Significant("j #> p #>> q"), (Lexed{{K::kWord, "j"},
                                                {K::kOperator, "#>"},
                                                {K::kWord, "p"},
                                                {K::kOperator, "#>>"},
                                                {K::kWord, "q"}}));
  EXPECT_EQ(Significant("#-- 'x'"), (Lexed{{K::kComment, "#-- 'x'"}}));
}

TEST(SqlLexerTest, Operators) {
  EXPECT_EQ(Significant("a->>'k' || b->c <> d != e <= f"), (Lexed{{K::kWord, "a"},
                                                                  {K::kOperator, "->>"},
                                                                  {K::kString, "'k'"},
                                                                  {K::kOperator, "||"},
                                                                  {K::kWord, "b"},
                                                                  {K::kOperator, "->"},
                                                                  {K::kWord, "c"},
                                                                  {K::kOperator, "<>"},
                                                                  {K::kWord, "d"},
                                                                  {K::kOperator, "!="},
                                                                  {K::kWord, "e"},
                                                                  {K::kOperator, "<="},
                                                                  {K::kWord, "f"}}));
}

TEST(SqlLexerTest, UnterminatedStringsRunToTheEnd) {
  for (const char* sql :
       {"'abc", "'abc\\", "E'x\\'", "X'1F", "B'01", "N'x", "q'[x]", "`a", "\"a\"\"", "U&'x"}) {
    const Token t = Only(sql);
    EXPECT_FALSE(t.terminated) << sql;
    EXPECT_EQ(t.text, sql);
  }
}

TEST(SqlLexerTest, NulAndControlBytesAreOperators) {
  const std::string sql("a\0b\x01", 4);
  EXPECT_EQ(Significant(sql), (Lexed{{K::kWord, "a"},
                                     {K::kOperator, std::string(1, '\0')},
                                     {K::kWord, "b"},
                                     {K::kOperator, "\x01"}}));
}

TEST(SqlLexerTest, IsLiteral) {
  for (K k : {K::kString, K::kHexString, K::kBitString, K::kDollarString, K::kNumber}) {
    EXPECT_TRUE(IsLiteral(k));
  }
  for (K k :
       {K::kWhitespace, K::kComment, K::kWord, K::kQuotedIdentifier, K::kParameter, K::kOperator}) {
    EXPECT_FALSE(IsLiteral(k));
  }
}

TEST(SqlLexerTest, BracketRules) {
  LexOptions o;
  o.brackets = BracketRule::kIdentifier;  // SQL Server
  EXPECT_EQ(
      Significant("[it's] x[1]", o),
      (Lexed{{K::kQuotedIdentifier, "[it's]"}, {K::kWord, "x"}, {K::kQuotedIdentifier, "[1]"}}));
  EXPECT_EQ(Only("[a]]b]", o).kind, K::kQuotedIdentifier);
  EXPECT_FALSE(Only("[a 'b", o).terminated);
  o.brackets = BracketRule::kSimpleIdentifier;  // SQLite: no ]] escape
  EXPECT_EQ(Significant("[a]]", o), (Lexed{{K::kQuotedIdentifier, "[a]"}, {K::kOperator, "]"}}));
  o.brackets = BracketRule::kOperator;
  EXPECT_EQ(Significant("[col2]", o),
            (Lexed{{K::kOperator, "["}, {K::kWord, "col2"}, {K::kOperator, "]"}}));
}

TEST(SqlLexerTest, HashRules) {
  LexOptions o;
  o.hash = HashRule::kComment;  // MySQL
  EXPECT_EQ(Significant("#tmp x\ny", o), (Lexed{{K::kComment, "#tmp x"}, {K::kWord, "y"}}));
  o.hash = HashRule::kNoComment;  // PostgreSQL, SQL Server
  EXPECT_EQ(Significant("a # b #> c #tmp", o), (Lexed{{K::kWord, "a"},
                                                      {K::kOperator, "#"},
                                                      {K::kWord, "b"},
                                                      {K::kOperator, "#>"},
                                                      {K::kWord, "c"},
                                                      {K::kWord, "#tmp"}}));
}

TEST(SqlLexerTest, CommentRules) {
  LexOptions o;
  o.nested_comments = false;  // MySQL
  EXPECT_EQ(Significant("/* a /* b */ 'c' */", o), (Lexed{{K::kComment, "/* a /* b */"},
                                                          {K::kString, "'c'"},
                                                          {K::kOperator, "*"},
                                                          {K::kOperator, "/"}}));
  o.dash_comment_needs_space = true;  // MySQL
  EXPECT_EQ(
      Significant("1--2", o),
      (Lexed{{K::kNumber, "1"}, {K::kOperator, "-"}, {K::kOperator, "-"}, {K::kNumber, "2"}}));
  EXPECT_EQ(Significant("1-- 2", o), (Lexed{{K::kNumber, "1"}, {K::kComment, "-- 2"}}));
  EXPECT_EQ(Significant("1--\t2", o), (Lexed{{K::kNumber, "1"}, {K::kComment, "--\t2"}}));
  EXPECT_EQ(Significant("1--", o), (Lexed{{K::kNumber, "1"}, {K::kComment, "--"}}));
  EXPECT_EQ(Significant("a // b", o),
            (Lexed{{K::kWord, "a"}, {K::kOperator, "/"}, {K::kOperator, "/"}, {K::kWord, "b"}}));
  o.slash_comments = true;  // Snowflake
  EXPECT_EQ(Significant("a // it's\nb", o),
            (Lexed{{K::kWord, "a"}, {K::kComment, "// it's"}, {K::kWord, "b"}}));
}

TEST(SqlLexerTest, DollarQuotesCanBeTurnedOff) {
  LexOptions o;
  o.dollar_quotes = false;  // MySQL, SQL Server, SQLite, Oracle
  EXPECT_EQ(Significant("$$ 'x' $a$", o), (Lexed{{K::kOperator, "$"},
                                                 {K::kOperator, "$"},
                                                 {K::kString, "'x'"},
                                                 {K::kParameter, "$a"},
                                                 {K::kOperator, "$"}}));
}

TEST(SqlLexerTest, PrefixedQuotesCanBeTurnedOff) {
  LexOptions o;
  o.backslash_escapes = false;
  o.postgres_prefixes = false;
  o.oracle_quotes = false;
  EXPECT_EQ(Significant(R"(E'a\' U&"b" q'[c]')", o), (Lexed{{K::kWord, "E"},
                                                            {K::kString, R"('a\')"},
                                                            {K::kWord, "U"},
                                                            {K::kOperator, "&"},
                                                            {K::kQuotedIdentifier, "\"b\""},
                                                            {K::kWord, "q"},
                                                            {K::kString, "'[c]'"}}));
  o.double_quoted_strings = true;
  EXPECT_EQ(Significant("U&\"b\"", o),
            (Lexed{{K::kWord, "U"}, {K::kOperator, "&"}, {K::kString, "\"b\""}}));
}

TEST(SqlLexerTest, HexAndBitStringsFollowBackslashEscapes) {
  EXPECT_EQ(Only(R"(b'\'')").kind, K::kBitString);  // BigQuery bytes
  LexOptions standard;
  standard.backslash_escapes = false;
  EXPECT_EQ(Significant(R"(X'\' 'y')", standard),
            (Lexed{{K::kHexString, R"(X'\')"}, {K::kString, "'y'"}}));
}

TEST(SqlLexerTest, TripleQuotes) {
  LexOptions o;
  o.triple_quotes = true;  // BigQuery
  o.double_quoted_strings = true;
  EXPECT_EQ(Significant(R"('''it's''' """a "b" c""" '''x\'''' '')", o),
            (Lexed{{K::kString, "'''it's'''"},
                   {K::kString, R"("""a "b" c""")"},
                   {K::kString, R"('''x\'''')"},
                   {K::kString, "''"}}));
  EXPECT_EQ(Only("b'''x'''", o).kind, K::kString);
  EXPECT_FALSE(Only("'''abc''", o).terminated);
  EXPECT_EQ(Only("''''").kind, K::kString);  // off: '' is an escaped quote
}

TEST(SqlLexerTest, MoneyLiterals) {
  LexOptions o;
  o.money_literals = true;  // SQL Server
  EXPECT_EQ(Significant("$12.50 $.5 \xC2\xA3"
                        "3 \xE2\x82\xAC"
                        "4.0 \xEF\xBF\xA5"
                        "5 $a $",
                        o),
            (Lexed{{K::kNumber, "$12.50"},
                   {K::kNumber, "$.5"},
                   {K::kNumber,
                    "\xC2\xA3"
                    "3"},
                   {K::kNumber,
                    "\xE2\x82\xAC"
                    "4.0"},
                   {K::kNumber,
                    "\xEF\xBF\xA5"
                    "5"},
                   {K::kParameter, "$a"},
                   {K::kOperator, "$"}}));
  EXPECT_EQ(Significant("$1 \xC2\xA3"
                        "3"),
            (Lexed{{K::kParameter, "$1"},
                   {K::kWord,
                    "\xC2\xA3"
                    "3"}}));
}

// Random text built from the bytes LexOptions fields are consulted at.
std::string RandomText(std::mt19937& rng) {
  static constexpr std::string_view kPieces[] = {
      "'",  "\"", "\\", "[",   "]",  "#",  "/*",  "*/",  "--",     "-- ",
      "//", "$",  "$$", "$a$", "E'", "U&", "q'[", "'''", "\"\"\"", "\xC2\xA3",
      "1",  ".5", "a",  " ",   "\n", "(",  ",",   ":1"};
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kPieces) - 1);
  std::string text;
  for (int n = static_cast<int>(rng() % 24); n > 0; --n) {
    text += kPieces[pick(rng)];
  }
  return text;
}

LexOptions RandomOptions(std::mt19937& rng) {
  LexOptions o;
  o.double_quoted_strings = rng() % 2 == 0;
  o.backslash_escapes = rng() % 2 == 0;
  o.brackets = static_cast<BracketRule>(rng() % 4);
  o.hash = static_cast<HashRule>(rng() % 3);
  o.nested_comments = rng() % 2 == 0;
  o.dash_comment_needs_space = rng() % 2 == 0;
  o.slash_comments = rng() % 2 == 0;
  o.dollar_quotes = rng() % 2 == 0;
  o.postgres_prefixes = rng() % 2 == 0;
  o.oracle_quotes = rng() % 2 == 0;
  o.triple_quotes = rng() % 2 == 0;
  o.money_literals = rng() % 2 == 0;
  return o;
}

bool SameTokens(const std::vector<Token>& a, const std::vector<Token>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Token& x, const Token& y) {
    return x.kind == y.kind && x.text == y.text && x.terminated == y.terminated;
  });
}

// RelevantOptions is what lets the history sanitizer skip readings that cannot differ.
TEST(SqlLexerTest, RelevantOptionsLexTheSameAsTheOptions) {
  std::mt19937 rng(31337);
  for (int iteration = 0; iteration < 3000; ++iteration) {
    const std::string text = RandomText(rng);
    const LexOptions options = RandomOptions(rng);
    const std::vector<Token> tokens = LexSql(text, options);
    ASSERT_TRUE(SameTokens(tokens, LexSql(text, RelevantOptions(text, options)))) << text;
    std::string joined;
    for (const Token& t : tokens) {
      joined += t.text;
    }
    ASSERT_EQ(joined, text);
  }
  EXPECT_EQ(RelevantOptions("SELECT a FROM t WHERE b = 1", RandomOptions(rng)), LexOptions{});
}

}  // namespace
}  // namespace howler::sync
