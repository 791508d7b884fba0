#include "sync/history_sanitizer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace howler::sync {
namespace {

// True when `text` lexes to literals, comments or open quotes: what sanitizing removes.
bool HoldsRemovableTokens(std::string_view text) {
  for (const Token& t : LexSql(text)) {
    if (IsLiteral(t.kind) || t.kind == TokenKind::kComment || !t.terminated) {
      return true;
    }
  }
  return false;
}

TEST(HistorySanitizerTest, EmptyAndWhitespaceOnly) {
  EXPECT_EQ(SanitizeHistoryQuery(""), "");
  EXPECT_EQ(SanitizeHistoryQuery(" \n\t "), " \n\t ");
}

TEST(HistorySanitizerTest, LiteralsBecomePlaceholders) {
  EXPECT_EQ(SanitizeHistoryQuery("SELECT -5, 'a', E'b', X'1F', B'01', $$c$$, 1.5e3"),
            "SELECT -?, ?, ?, ?, ?, ?, ?");
}

TEST(HistorySanitizerTest, IdentifiersPlaceholdersAndUnicodeAreKept) {
  const std::string sql =
      "SELECT t1.col2, \"weird \"\"name\"\"\", `back``tick`, [Order Details], $1, ?, :name, "
      "@var, ñandú, \"日本\" FROM t";
  EXPECT_EQ(SanitizeHistoryQuery(sql), sql);
  const std::string invalid_utf8 = "SELECT \xff\xfe FROM t";
  EXPECT_EQ(SanitizeHistoryQuery(invalid_utf8), invalid_utf8);
}

TEST(HistorySanitizerTest, CommentsAreDroppedWithoutJoiningTokens) {
  EXPECT_EQ(SanitizeHistoryQuery("a/*x*/b"), "a b");
  EXPECT_EQ(SanitizeHistoryQuery("a /*x*/ b"), "a  b");
  EXPECT_EQ(SanitizeHistoryQuery("a/*x*//*y*/b"), "a b");
  EXPECT_EQ(SanitizeHistoryQuery("/*x*/SELECT 1"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("-/**/-1"), "- -?");  // must not become a "--" comment
  EXPECT_EQ(SanitizeHistoryQuery("SELECT 1 -- pw 'x'\nFROM t # y\n"), "SELECT ? \nFROM t \n");
}

TEST(HistorySanitizerTest, NestedBlockComments) {
  EXPECT_EQ(SanitizeHistoryQuery("SELECT /* a /* 'b' */ c 'd' */ 1"), "SELECT  ?");
}

TEST(HistorySanitizerTest, UnterminatedQuotesHideTheRest) {
  EXPECT_EQ(SanitizeHistoryQuery("SELECT 'abc FROM t"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT $fn$ body 'x' $fn"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT $$abc"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT \"abc FROM t WHERE p = 'x'"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT `abc 'x'"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT 1 /* secret"), "SELECT ? ");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT 1 /* a /* b */ 2"), "SELECT ? ");
}

TEST(HistorySanitizerTest, BackslashReadingThatClosesEveryQuoteWins) {
  // MySQL: the backslash escapes the quote.
  EXPECT_EQ(SanitizeHistoryQuery(R"(SELECT 'it\'s' , 'pw')"), "SELECT ? , ?");
  // PostgreSQL: the backslash is literal; reading it as an escape would expose 'secret'.
  EXPECT_EQ(SanitizeHistoryQuery(R"(SELECT 'C:\' AS p, 'secret')"), "SELECT ? AS p, ?");
  LexOptions standard;
  standard.backslash_escapes = false;
  EXPECT_EQ(SanitizeHistoryQuery(R"(SELECT 'C:\' AS p, 'secret')", standard), "SELECT ? AS p, ?");
  EXPECT_EQ(SanitizeHistoryQuery(R"(SELECT 'it\'s' , 'pw')", standard), "SELECT ? , ?");
}

TEST(HistorySanitizerTest, DoubleQuotedStringsOption) {
  const std::string sql = R"(SELECT * FROM t WHERE name = "bob \"b\"" AND `n` = 1)";
  EXPECT_EQ(SanitizeHistoryQuery(sql), R"(SELECT * FROM t WHERE name = "bob \"b\"" AND `n` = ?)");
  LexOptions mysql;
  mysql.double_quoted_strings = true;
  EXPECT_EQ(SanitizeHistoryQuery(sql, mysql), "SELECT * FROM t WHERE name = ? AND `n` = ?");
}

TEST(HistorySanitizerTest, TenThousandTokenQuery) {
  std::string sql = "INSERT INTO t (a, b, c) VALUES ";
  std::string expected = sql;
  for (int i = 0; i < 2000; ++i) {
    const std::string sep = i == 0 ? "" : ", ";
    sql += sep + "(" + std::to_string(100000 + i) + ", 'row " + std::to_string(i) + "', -1.5)";
    expected += sep + "(?, ?, -?)";
  }
  EXPECT_EQ(SanitizeHistoryQuery(sql), expected);
}

TEST(HistorySanitizerTest, PathologicalInputsFinish) {
  const std::size_t n = std::size_t{256} * 1024;
  for (const std::string& piece : {std::string("["), std::string("'"), std::string("\""),
                                   std::string("/*"), std::string("$a$"), std::string("$"),
                                   std::string("q'["), std::string("[a"), std::string("\\'")}) {
    std::string sql;
    while (sql.size() < n) {
      sql += piece;
    }
    const std::string out = SanitizeHistoryQuery(sql);
    EXPECT_LE(out.size(), sql.size()) << piece;
    EXPECT_FALSE(HoldsRemovableTokens(out)) << piece;
  }
}

// Random byte strings biased towards SQL's special characters.
std::string RandomSql(std::mt19937& rng) {
  static constexpr std::string_view kAlphabet =
      "'\"`[]$#-/*\\?:@.,()=<>|!~&^%+ \n\t0123456789eExXbBnNqQuU&_a\x80\xff";
  std::uniform_int_distribution<std::size_t> length(0, 120);
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size());  // size(): any byte
  std::uniform_int_distribution<int> any_byte(0, 255);
  std::string sql(length(rng), ' ');
  for (char& c : sql) {
    const std::size_t i = pick(rng);
    c = i < kAlphabet.size() ? kAlphabet[i] : static_cast<char>(any_byte(rng));
  }
  return sql;
}

TEST(HistorySanitizerTest, RandomBytesLeaveNoLiteralsAndAreStable) {
  std::mt19937 rng(20240601);
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const std::string sql = RandomSql(rng);
    std::string joined;
    for (const Token& t : LexSql(sql)) {
      joined += t.text;
    }
    ASSERT_EQ(joined, sql);
    const std::string out = SanitizeHistoryQuery(sql);
    ASSERT_FALSE(HoldsRemovableTokens(out)) << "in: " << sql << "\nout: " << out;
    ASSERT_EQ(SanitizeHistoryQuery(out), out) << "in: " << sql;
  }
}

// Queries assembled from fragments, with a unique marker in every literal: no marker may
// survive, whatever surrounds it.
TEST(HistorySanitizerTest, RandomQueriesNeverKeepALiteral) {
  const std::vector<std::string> kept = {
      "SELECT", "t1", "col_2", "\"q id\"", "`bt`", "[br]", "$1", "?",      ":name",   "@v",
      "::",     "(",  ")",     ",",        "->>",  "-",    ".",  "-- c\n", "/* c */", "#tmp",
      "ARRAY[", "]",  "=",     "E",        "N",    "x",    "\\", "#"};
  const std::vector<std::string> literal_forms = {"'%s'",     "E'%s'",   "N'%s'",   "$$%s$$",
                                                  "$q$%s$q$", "q'[%s]'", "'a''%s'", "U&'%s'"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> coin(0, 2);
  for (int iteration = 0; iteration < 500; ++iteration) {
    std::string sql;
    std::vector<std::string> markers;
    for (int i = 0; i < 30; ++i) {
      const std::string marker = std::to_string(987000000 + iteration * 100 + i);
      const int choice = coin(rng);
      if (choice == 0) {
        sql += kept[rng() % kept.size()];
      } else if (choice == 1) {
        std::string form = literal_forms[rng() % literal_forms.size()];
        sql += form.replace(form.find("%s"), 2, "S3CR3T" + marker);
        markers.push_back("S3CR3T" + marker);
      } else {
        sql += marker;
        markers.push_back(marker);
      }
      sql += ' ';
    }
    const std::string out = SanitizeHistoryQuery(sql);
    for (const std::string& marker : markers) {
      ASSERT_EQ(out.find(marker), std::string::npos) << "in: " << sql << "\nout: " << out;
    }
  }
}

}  // namespace
}  // namespace howler::sync
