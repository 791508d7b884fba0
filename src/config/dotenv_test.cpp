#include "config/dotenv.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/temp_dir.h"

namespace howler::config {
namespace {

DotenvMap Parse(std::string_view text) {
  auto r = ParseDotenv(text);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : DotenvMap();
}

TEST(ParseDotenvTest, PlainAssignmentsCommentsAndBlankLines) {
  const DotenvMap m = Parse(
      "# a comment\n"
      "\n"
      "A=1\n"
      "  B = two words  \n"
      "export C=3\n"
      "export\tD=4\n"
      "   # indented comment\n"
      "E=\n"
      "_F9=x\n");
  EXPECT_EQ(
      m,
      (DotenvMap{{"A", "1"}, {"B", "two words"}, {"C", "3"}, {"D", "4"}, {"E", ""}, {"_F9", "x"}}));
}

TEST(ParseDotenvTest, UnquotedValuesAndComments) {
  const DotenvMap m = Parse(
      "A=value # trailing comment\n"
      "B=pass#word\n"
      "C=#starts-with-hash\n"
      "D= # only a comment\n"
      "E=a=b=c\n"
      "F=http://x/?a=1&b=2\n");
  EXPECT_EQ(m.at("A"), "value");
  EXPECT_EQ(m.at("B"), "pass#word");
  EXPECT_EQ(m.at("C"), "#starts-with-hash");
  EXPECT_EQ(m.at("D"), "");
  EXPECT_EQ(m.at("E"), "a=b=c");
  EXPECT_EQ(m.at("F"), "http://x/?a=1&b=2");
}

TEST(ParseDotenvTest, QuotedValues) {
  const DotenvMap m = Parse(
      "A=\"line1\\nline2\"\n"
      "B=\"say \\\"hi\\\" \\\\ done\"\n"
      "C='literal \\n $HOME # not a comment'\n"
      "D=\"  keeps spaces # and hash  \"  # comment\n"
      "E=\"\"\n"
      "F=''\n"
      "G=\"tab\\tcr\\r other\\x\"\n"
      "H = 'spaced'\n");
  EXPECT_EQ(m.at("A"), "line1\nline2");
  EXPECT_EQ(m.at("B"), "say \"hi\" \\ done");
  EXPECT_EQ(m.at("C"), "literal \\n $HOME # not a comment");
  EXPECT_EQ(m.at("D"), "  keeps spaces # and hash  ");
  EXPECT_EQ(m.at("E"), "");
  EXPECT_EQ(m.at("F"), "");
  EXPECT_EQ(m.at("G"), "tab\tcr\r other\\x");
  EXPECT_EQ(m.at("H"), "spaced");
}

TEST(ParseDotenvTest, CrlfLineEndingsBomAndNoFinalNewline) {
  const DotenvMap m = Parse(
      "\xEF\xBB\xBF"
      "A=1\r\nB=\"2\"\r\nC=3");
  EXPECT_EQ(m, (DotenvMap{{"A", "1"}, {"B", "2"}, {"C", "3"}}));
}

TEST(ParseDotenvTest, LaterAssignmentWins) {
  EXPECT_EQ(Parse("A=1\nA=2\n").at("A"), "2");
}

TEST(ParseDotenvTest, MalformedLinesNameTheLineNumber) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case kCases[] = {
      {"A=1\nnot an assignment\n", "line 2: expected KEY=VALUE"},
      {"A=1\n\n=value\n", "line 3: expected KEY=VALUE"},
      {"1A=x", "line 1: expected KEY=VALUE"},
      {"A-B=x", "line 1: expected KEY=VALUE"},
      {"export =x", "line 1: expected KEY=VALUE"},
      {"A=1\nB=\"open\n", "line 2: unterminated double-quoted value for B"},
      {"C='open", "line 1: unterminated single-quoted value for C"},
      {"D=\"a\"b", "line 1: unexpected text after the closing quote for D"},
      {"E='a' b", "line 1: unexpected text after the closing quote for E"},
      {"F=\"ends with backslash\\\"", "line 1: unterminated double-quoted value for F"},
  };
  for (const Case& c : kCases) {
    auto r = ParseDotenv(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.message) << c.text;
  }
}

TEST(ParseDotenvTest, ErrorsNeverContainValues) {
  auto r = ParseDotenv("SECRET=\"hunter2-very-secret");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("hunter2"), std::string::npos);
}

TEST(ReadDotenvFileTest, MissingFileIsEmpty) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  auto r = ReadDotenvFile(dir->path() / ".env");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(ReadDotenvFileTest, ReadsAFile) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  std::ofstream(dir->path() / ".env") << "A=1\nB='2'\n";
  auto r = ReadDotenvFile(dir->path() / ".env");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (DotenvMap{{"A", "1"}, {"B", "2"}}));
}

TEST(ReadDotenvFileTest, MalformedFileErrorNamesFileAndLine) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  std::ofstream(dir->path() / ".env.production") << "A=1\noops\n";
  auto r = ReadDotenvFile(dir->path() / ".env.production");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), ".env.production: line 2: expected KEY=VALUE");
}

TEST(ReadDotenvFileTest, UnreadableFileIsAnError) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  std::filesystem::create_directory(dir->path() / ".env");  // a directory, not a file
  auto r = ReadDotenvFile(dir->path() / ".env");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), ".env: not a readable regular file");
}

}  // namespace
}  // namespace howler::config
