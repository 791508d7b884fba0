#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "storage/migrations.h"
#include "storage/sql_splitter.h"

namespace howler::storage {
namespace {

TEST(EmbeddedMigrationsTest, AreWellNamedAndStrictlyIncreasing) {
  const std::vector<Migration>& migrations = EmbeddedMigrations();
  ASSERT_FALSE(migrations.empty());
  const std::regex name_pattern("([0-9]{4})_[a-z0-9_]+");
  int previous = 0;
  for (const Migration& m : migrations) {
    std::smatch match;
    ASSERT_TRUE(std::regex_match(m.name, match, name_pattern)) << m.name;
    EXPECT_EQ(std::stoi(match[1].str()), m.version) << m.name;
    EXPECT_GT(m.version, previous) << m.name;
    previous = m.version;
  }
}

TEST(EmbeddedMigrationsTest, StartWithTheInitialSchema) {
  const Migration& first = EmbeddedMigrations().front();
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(first.name, "0001_initial");
  EXPECT_NE(first.sql.find("CREATE TABLE users"), std::string::npos);
}

TEST(EmbeddedMigrationsTest, SplitIntoStatements) {
  for (const Migration& m : EmbeddedMigrations()) {
    auto statements = SplitSqlStatements(m.sql);
    ASSERT_TRUE(statements.ok()) << m.name << ": " << statements.status().ToString();
    EXPECT_FALSE(statements->empty()) << m.name;
  }
}

// The build embeds the files as they are in the source tree, byte for byte.
TEST(EmbeddedMigrationsTest, MatchTheFilesInTheSourceTree) {
  const char* source_dir = HOWLER_SOURCE_DIR;
  std::map<std::string, std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(source_dir) / "migrations")) {
    if (entry.path().extension() != ".sql") {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files[entry.path().stem().string()] = text.str();
  }
  ASSERT_EQ(files.size(), EmbeddedMigrations().size());
  for (const Migration& m : EmbeddedMigrations()) {
    ASSERT_EQ(files.count(m.name), 1u) << m.name;
    EXPECT_EQ(files[m.name], m.sql) << m.name << " changed since the build";
  }
}

}  // namespace
}  // namespace howler::storage
