#include "ai/prompt.h"

#include <gtest/gtest.h>

namespace howler::ai {
namespace {

std::string All(const std::vector<ChatMessage>& messages) {
  std::string out;
  for (const auto& m : messages) out += m.role + ": " + m.content + "\n";
  return out;
}

TEST(PromptTest, GenerateCarriesDialectSchemaAndQuestion) {
  AiRequest r;
  r.question = "customers who never ordered";
  r.dialect = "postgres";
  const auto messages = BuildPrompt(r, "public.customers: id int pk\n");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].role, "system");
  EXPECT_NE(messages[0].content.find("postgres"), std::string::npos);
  EXPECT_NE(messages[0].content.find("public.customers: id int pk"), std::string::npos);
  EXPECT_EQ(messages[1].content, "customers who never ordered");
  EXPECT_NE(All(BuildPrompt(r, "")).find("No schema is available."), std::string::npos);
}

TEST(PromptTest, FixMasksLiteralsInSqlAndError) {
  AiRequest r;
  r.task = AiTask::kFix;
  r.dialect = "postgres";
  r.sql = "SELECT * FROM users WHERE email = 'alice@example.com' AND age > 42 -- pw hunter2";
  r.error = "duplicate key value violates unique constraint: Key (email)=('alice@example.com')";
  const std::string text = All(BuildPrompt(r, ""));
  EXPECT_EQ(text.find("alice@example.com"), std::string::npos) << text;
  EXPECT_EQ(text.find("42"), std::string::npos) << text;
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_NE(text.find("WHERE email = ? AND age > ?"), std::string::npos) << text;
  EXPECT_NE(text.find("duplicate key value"), std::string::npos);
}

TEST(PromptTest, LiteralsStayWhenTheUserOptsIn) {
  AiRequest r;
  r.task = AiTask::kExplain;
  r.sql = "SELECT * FROM t WHERE name = 'bob'";
  r.include_literals = true;
  EXPECT_NE(All(BuildPrompt(r, "")).find("'bob'"), std::string::npos);
}

TEST(PromptTest, FocusHasTheMaskedSql) {
  AiRequest r;
  r.task = AiTask::kExplain;
  r.question = "why slow";
  r.sql = "SELECT * FROM orders WHERE id = 7";
  EXPECT_EQ(PromptFocus(r), "why slow\nSELECT * FROM orders WHERE id = ?");
}

TEST(PromptTest, SplitsSqlFromProseAndClassifiesIt) {
  AiAnswer a = SplitAnswer("Here you go:\n```sql\nSELECT 1;\n```\nIt returns one row.", "sqlite");
  EXPECT_EQ(a.sql, "SELECT 1;");
  EXPECT_EQ(a.prose, "Here you go:\n\nIt returns one row.");
  ASSERT_TRUE(a.read_only.has_value());
  EXPECT_TRUE(*a.read_only);
  AiAnswer w = SplitAnswer("```\nDELETE FROM t;\n```\n```sql\nSELECT 2\n```", "");
  EXPECT_EQ(w.sql, "DELETE FROM t;\n\nSELECT 2");
  EXPECT_FALSE(*w.read_only);
  EXPECT_EQ(w.prose, "");
  AiAnswer none = SplitAnswer("No SQL needed.", "");
  EXPECT_EQ(none.sql, "");
  EXPECT_FALSE(none.read_only.has_value());
  AiAnswer open = SplitAnswer("```sql\nSELECT 3", "");  // a block cut off still counts
  EXPECT_EQ(open.sql, "SELECT 3");
}

}  // namespace
}  // namespace howler::ai
