#include "storage/sql_splitter.h"

#include <gtest/gtest.h>

namespace howler::storage {
namespace {

std::vector<std::string> MustSplit(std::string_view sql) {
  auto statements = SplitSqlStatements(sql);
  EXPECT_TRUE(statements.ok()) << statements.status().ToString();
  return statements.ok() ? *statements : std::vector<std::string>{};
}

TEST(SqlSplitterTest, SplitsOnSemicolonsAndTrims) {
  EXPECT_EQ(MustSplit("CREATE TABLE a (x);\n\n  CREATE TABLE b (y) ;\nSELECT 1"),
            (std::vector<std::string>{"CREATE TABLE a (x)", "CREATE TABLE b (y)", "SELECT 1"}));
}

TEST(SqlSplitterTest, SkipsEmptyStatementsAndBlankInput) {
  EXPECT_TRUE(MustSplit("").empty());
  EXPECT_TRUE(MustSplit(" ;; \n -- only a comment\n /* and another */ ;").empty());
  EXPECT_EQ(MustSplit(";;SELECT 1;;"), (std::vector<std::string>{"SELECT 1"}));
}

TEST(SqlSplitterTest, KeepsSemicolonsInsideQuotes) {
  EXPECT_EQ(MustSplit("INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`, [g;h]); SELECT 2"),
            (std::vector<std::string>{"INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`, [g;h])",
                                      "SELECT 2"}));
}

TEST(SqlSplitterTest, HandlesDoubledQuotes) {
  EXPECT_EQ(MustSplit("SELECT 'it''s; fine'; SELECT \"a\"\"b\""),
            (std::vector<std::string>{"SELECT 'it''s; fine'", "SELECT \"a\"\"b\""}));
}

TEST(SqlSplitterTest, DropsCommentsIncludingTheirSemicolons) {
  EXPECT_EQ(MustSplit("-- header; with semicolon\nSELECT 1 -- trailing; comment\n;"
                      "SELECT /* inline; */ 2;"),
            (std::vector<std::string>{"SELECT 1", "SELECT   2"}));
}

TEST(SqlSplitterTest, CommentMarkersInsideStringsAreText) {
  EXPECT_EQ(MustSplit("SELECT '-- not a comment', '/* nor this */'"),
            (std::vector<std::string>{"SELECT '-- not a comment', '/* nor this */'"}));
}

TEST(SqlSplitterTest, RefusesUnterminatedQuotesAndComments) {
  EXPECT_EQ(SplitSqlStatements("SELECT 'open; SELECT 2").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitSqlStatements("SELECT 1; /* open").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitSqlStatements("SELECT [open").status().code(), StatusCode::kInvalidArgument);
}

TEST(SqlSplitterTest, RefusesTriggers) {
  for (const char* sql :
       {"CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END;",
        "create temp trigger t after insert on a begin select 1; end",
        "/* c */ CREATE TEMPORARY TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END"}) {
    auto statements = SplitSqlStatements(sql);
    EXPECT_EQ(statements.status().code(), StatusCode::kInvalidArgument) << sql;
  }
  EXPECT_EQ(MustSplit("CREATE TABLE triggers (x)"),
            (std::vector<std::string>{"CREATE TABLE triggers (x)"}));
}

}  // namespace
}  // namespace howler::storage
