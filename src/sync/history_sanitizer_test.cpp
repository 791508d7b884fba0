#include "sync/history_sanitizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace howler::sync {
namespace {

// True when any plausible reading of `text` finds a literal, comment or open quote in it:
// what sanitizing removes.
bool HoldsRemovableTokens(std::string_view text) {
  for (const LexOptions& reading : PlausibleReadings(SqlDialect::kUnknown)) {
    for (const Token& t : LexSql(text, reading)) {
      if (IsLiteral(t.kind) || t.kind == TokenKind::kComment || !t.terminated) {
        return true;
      }
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
  // Every reading keeps these but "..." (a string in MySQL) and $1 (money in SQL Server).
  EXPECT_EQ(SanitizeHistoryQuery(sql),
            "SELECT t1.col2, ?, `back``tick`, [Order Details], ?, ?, :name, @var, ñandú, ? FROM t");
  EXPECT_EQ(SanitizeHistoryQuery(sql, SqlDialect::kPostgres), sql);
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
  EXPECT_EQ(SanitizeHistoryQuery("SELECT /* a /* 'b' */ c 'd' */ 1", SqlDialect::kPostgres),
            "SELECT  ?");
  // MySQL does not nest: the comment ends at the first */ and 'd' is a string.
  EXPECT_EQ(SanitizeHistoryQuery("SELECT /* a /* 'b' */ c 'd' */ 1"), "SELECT ? ?");
}

TEST(HistorySanitizerTest, UnterminatedQuotesHideTheRest) {
  EXPECT_EQ(SanitizeHistoryQuery("SELECT 'abc FROM t"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT $fn$ body 'x' $fn"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT $$abc"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT \"abc FROM t WHERE p = 'x'"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT `abc 'x'"), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT 1 /* secret"), "SELECT ? ");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT 1 /* a /* b */ 2", SqlDialect::kPostgres), "SELECT ? ");
  EXPECT_EQ(SanitizeHistoryQuery("SELECT 1 /* a /* b */ 2"), "SELECT ? ?");  // MySQL: 2
}

TEST(HistorySanitizerTest, BackslashesAreReadBothWaysUnlessTheDialectIsKnown) {
  // MySQL reads 'it\'s' as one string; PostgreSQL as 'it\', the name s, the string ' , ',
  // the name pw and a quote left open.
  const std::string escaped = R"(SELECT 'it\'s' , 'pw')";
  EXPECT_EQ(SanitizeHistoryQuery(escaped), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery(escaped, SqlDialect::kMySql), "SELECT ? , ?");
  EXPECT_EQ(SanitizeHistoryQuery(escaped, SqlDialect::kPostgres), "SELECT ?s?pw?");
  const std::string literal = R"(SELECT 'C:\' AS p, 'secret')";
  EXPECT_EQ(SanitizeHistoryQuery(literal), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery(literal, SqlDialect::kPostgres), "SELECT ? AS p, ?");
  EXPECT_EQ(SanitizeHistoryQuery(literal, SqlDialect::kMySql), "SELECT ?secret?");
}

TEST(HistorySanitizerTest, DoubleQuotesAreStringsInMySqlAndBigQuery) {
  const std::string sql = R"(SELECT * FROM t WHERE name = "bob \"b\"" AND `n` = 1)";
  EXPECT_EQ(SanitizeHistoryQuery(sql), "SELECT * FROM t WHERE name = ? AND `n` = ?");
  EXPECT_EQ(SanitizeHistoryQuery(sql, SqlDialect::kMySql),
            "SELECT * FROM t WHERE name = ? AND `n` = ?");
  EXPECT_EQ(SanitizeHistoryQuery(sql, SqlDialect::kPostgres),
            R"(SELECT * FROM t WHERE name = "bob \"b\"" AND `n` = ?)");
}

// The three review findings ("History literals leak"), when the dialect is unknown.
TEST(HistorySanitizerTest, AmbiguousBackslashDoesNotExposeTheNextLiteral) {
  const std::string sql = R"(path = 'C:\temp\' AND owner = 'MK' -- owner's files)";
  EXPECT_EQ(SanitizeHistoryQuery(sql), "path = ?");
  EXPECT_EQ(SanitizeHistoryQuery(sql, SqlDialect::kPostgres), "path = ? AND owner = ? ");
}

TEST(HistorySanitizerTest, MySqlDoubleQuotedStringIsMasked) {
  EXPECT_EQ(SanitizeHistoryQuery(R"(WHERE name = "secret")"), "WHERE name = ?");
  EXPECT_EQ(SanitizeHistoryQuery(R"(WHERE name = "secret")", SqlDialect::kMySql), "WHERE name = ?");
}

TEST(HistorySanitizerTest, QuoteInBracketIdentifierDoesNotExposeLiterals) {
  // Outside SQL Server and SQLite the quote opens a string; the identifier is masked whole
  // so that no bracket is left open.
  const std::string sql = "SELECT [it's] FROM t WHERE owner = 'MK'";
  EXPECT_EQ(SanitizeHistoryQuery(sql), "SELECT ?");
  EXPECT_EQ(SanitizeHistoryQuery(sql, SqlDialect::kSqlServer),
            "SELECT [it's] FROM t WHERE owner = ?");
}

// The same text under every dialect: `by_dialect` groups the known dialects that give the
// same output (each appears exactly once); `secrets` are bytes that at least one dialect
// reads as a literal or a comment, so none may survive when the dialect is unknown.
struct DialectCase {
  std::string sql;
  std::vector<std::pair<std::vector<SqlDialect>, std::string>> by_dialect;
  std::string unknown;
  std::vector<std::string> secrets;
};

using D = SqlDialect;
const std::vector<D> kBackslashOff = {D::kPostgres, D::kSqlite, D::kSqlServer, D::kOracle};
const std::vector<D> kBackslashOn = {D::kRedshift, D::kMySql, D::kSnowflake, D::kBigQuery,
                                     D::kClickHouse};

std::vector<D> AllBut(std::vector<D> excluded) {
  std::vector<D> rest;
  for (D d : kKnownDialects) {
    if (std::find(excluded.begin(), excluded.end(), d) == excluded.end()) {
      rest.push_back(d);
    }
  }
  return rest;
}

const std::vector<DialectCase> kDialectCases = {
    {R"(path = 'C:\temp\' AND owner = 'MK' -- owner's files)",
     {{kBackslashOff, "path = ? AND owner = ? "}, {kBackslashOn, "path = ?MK?s files"}},
     "path = ?",
     {"temp", "owner", "MK", "files"}},
    {R"(WHERE name = "secret")",
     {{{D::kMySql, D::kBigQuery}, "WHERE name = ?"},
      {AllBut({D::kMySql, D::kBigQuery}), R"(WHERE name = "secret")"}},
     "WHERE name = ?",
     {"secret"}},
    {"SELECT [it's] FROM t WHERE owner = 'MK'",
     {{{D::kSqlServer, D::kSqlite}, "SELECT [it's] FROM t WHERE owner = ?"},
      {AllBut({D::kSqlServer, D::kSqlite}), "SELECT [it?MK?"}},
     "SELECT ?",
     {"MK", "FROM t WHERE owner", "s]", "it"}},
    {"SELECT a # b, 'k1' FROM t",
     {{{D::kMySql, D::kBigQuery, D::kClickHouse}, "SELECT a "},
      {AllBut({D::kMySql, D::kBigQuery, D::kClickHouse}), "SELECT a # b, ? FROM t"}},
     "SELECT a ?",
     {"k1", "# b", "FROM"}},
    {"SELECT 1--2 AS n, 'pw1'",
     {{{D::kMySql}, "SELECT ?--? AS n, ?"}, {AllBut({D::kMySql}), "SELECT ?"}},
     "SELECT ??",
     {"1", "2", "AS n", "pw1"}},
    {"SELECT 1 // it's, 'pw1'",
     {{{D::kSnowflake}, "SELECT ? "}, {AllBut({D::kSnowflake}), "SELECT ? // it?pw1?"}},
     "SELECT ? ?",
     {"it", "pw1", "//"}},
    {"/* a /* b */ 'pw1' */ SELECT 1",
     {{{D::kPostgres, D::kRedshift, D::kSqlServer, D::kClickHouse}, " SELECT ?"},
      {AllBut({D::kPostgres, D::kRedshift, D::kSqlServer, D::kClickHouse}), " ? */ SELECT ?"}},
     "? SELECT ?",
     {"pw1", "*/", "a /*"}},
    {"SELECT $$it's$$, 'pw1'",
     {{{D::kPostgres, D::kRedshift, D::kSnowflake, D::kClickHouse}, "SELECT ?, ?"},
      {AllBut({D::kPostgres, D::kRedshift, D::kSnowflake, D::kClickHouse}), "SELECT $$it?pw1?"}},
     "SELECT ?",
     {"it", "pw1", "$$"}},
    {"SELECT '''it's''' AS x, 'pw1'",
     {{{D::kBigQuery}, "SELECT ? AS x, ?"}, {AllBut({D::kBigQuery}), "SELECT ?s?pw1?"}},
     "SELECT ?",
     {"it", "AS x", "pw1"}},
    {"SELECT q'[it's]', 'pw1' FROM dual",
     {{{D::kOracle}, "SELECT ?, ? FROM dual"}, {AllBut({D::kOracle}), "SELECT q?s]?pw1?"}},
     "SELECT ?",
     {"it", "pw1", "FROM dual"}},
    {"SELECT $12.50, \xC2\xA3"
     "3",
     {{{D::kSqlServer}, "SELECT ?, ?"},
      {AllBut({D::kSqlServer}),
       "SELECT $12?, \xC2\xA3"
       "3"}},
     "SELECT ?, ?",
     {"12", "50", "3"}},
    {R"(SELECT E'it\'s', 'pw1')",
     {{{D::kPostgres, D::kRedshift}, "SELECT ?, ?"},
      {{D::kMySql, D::kSnowflake, D::kBigQuery, D::kClickHouse}, "SELECT E?, ?"},
      {{D::kSqlite, D::kSqlServer, D::kOracle}, "SELECT E?s?pw1?"}},
     "SELECT ?",
     {"it", "pw1"}},
    {"SELECT 'a''b', '', '''', 'x' 'y' FROM t",
     {{{D::kBigQuery}, "SELECT ?, ?, ?"}, {AllBut({D::kBigQuery}), "SELECT ?, ?, ?, ? ? FROM t"}},
     "SELECT ?, ?, ?",
     {"a", "b", "x", "y", "FROM"}},
};

TEST(HistorySanitizerTest, KnownDialectGetsExactlyItsOwnMasking) {
  for (const DialectCase& c : kDialectCases) {
    std::vector<D> seen;
    for (const auto& [dialects, expected] : c.by_dialect) {
      for (D d : dialects) {
        EXPECT_EQ(SanitizeHistoryQuery(c.sql, d), expected) << DialectName(d) << ": " << c.sql;
        seen.push_back(d);
      }
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_TRUE(
        std::equal(seen.begin(), seen.end(), std::begin(kKnownDialects), std::end(kKnownDialects)))
        << "every known dialect exactly once: " << c.sql;
  }
}

TEST(HistorySanitizerTest, UnknownDialectMasksWhatAnyDialectReadsAsALiteral) {
  for (const DialectCase& c : kDialectCases) {
    const std::string out = SanitizeHistoryQuery(c.sql);
    EXPECT_EQ(out, c.unknown) << c.sql;
    for (const std::string& secret : c.secrets) {
      EXPECT_EQ(out.find(secret), std::string::npos) << secret << " in " << out;
    }
    EXPECT_EQ(SanitizeHistoryQuery(out), out) << c.sql;
  }
}

TEST(HistorySanitizerTest, MaskedRangesAreSortedDisjointAndMatchTheOutput) {
  const std::string sql = R"(SELECT 'a', "b" /* c */ FROM t -- d)";
  EXPECT_EQ(HistoryMaskedRanges(sql, SqlDialect::kPostgres),
            (std::vector<MaskedRange>{{7, 10, true}, {16, 23, false}, {31, 35, false}}));
  EXPECT_EQ(
      HistoryMaskedRanges(sql),
      (std::vector<MaskedRange>{{7, 10, true}, {12, 15, true}, {16, 23, false}, {31, 35, false}}));
  EXPECT_EQ(SanitizeHistoryQuery(sql), "SELECT ?, ?  FROM t ");
  EXPECT_TRUE(HistoryMaskedRanges("SELECT a FROM t").empty());
}

// Text mixing the bytes dialects disagree on: quotes, backslashes, brackets, comments.
std::string AmbiguousSql(std::mt19937& rng) {
  static constexpr std::string_view kPieces[] = {
      "'",  "'", "\"", "\\", "\\'", "[",   "]",     "[x]", "--", "-- ", "/*",
      "*/", "#", "#t", "\n", " ",   " ",   ",",     "=",   "it", "ab",  "s",
      "E",  "q", "12", "$$", "//",  "'v'", "\"w\"", "AND", "(",  ")"};
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kPieces) - 1);
  std::string sql;
  for (int n = 1 + static_cast<int>(rng() % 30); n > 0; --n) {
    sql += kPieces[pick(rng)];
  }
  return sql;
}

bool Covered(const std::vector<MaskedRange>& ranges, std::size_t begin, std::size_t end,
             bool literal) {
  return std::any_of(ranges.begin(), ranges.end(), [&](const MaskedRange& r) {
    return r.begin <= begin && end <= r.end && (r.literal || !literal);
  });
}

// Every literal (and open quote) of at least two bytes that the PostgreSQL or the MySQL
// reading finds is inside a `?` range when the dialect is unknown, and its text is gone
// from the output; their comments are inside removed ranges too.
TEST(HistorySanitizerTest, UnknownDialectMasksEveryPostgresAndMySqlLiteral) {
  std::mt19937 rng(4242);
  for (int iteration = 0; iteration < 500; ++iteration) {
    const std::string sql = AmbiguousSql(rng);
    const std::string out = SanitizeHistoryQuery(sql);
    const std::vector<MaskedRange> ranges = HistoryMaskedRanges(sql);
    for (D dialect : {D::kPostgres, D::kMySql}) {
      for (const Token& t : LexSql(sql, LexOptionsFor(dialect))) {
        const std::size_t begin = static_cast<std::size_t>(t.text.data() - sql.data());
        const bool literal = IsLiteral(t.kind) || (!t.terminated && t.kind != TokenKind::kComment);
        if (t.kind == TokenKind::kComment) {
          ASSERT_TRUE(Covered(ranges, begin, begin + t.text.size(), false)) << sql;
        }
        if (!literal || t.text.size() < 2) {
          continue;
        }
        ASSERT_TRUE(Covered(ranges, begin, begin + t.text.size(), true))
            << DialectName(dialect) << " literal " << t.text << " in: " << sql;
        if (t.text.find_first_of("'\"$") != std::string_view::npos) {
          ASSERT_EQ(out.find(t.text), std::string::npos) << "in: " << sql << "\nout: " << out;
        }
      }
    }
    ASSERT_FALSE(HoldsRemovableTokens(out)) << "in: " << sql << "\nout: " << out;
    ASSERT_EQ(SanitizeHistoryQuery(out), out) << "in: " << sql;
  }
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
