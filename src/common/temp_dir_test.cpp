#include "common/temp_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace howler {
namespace {

namespace fs = std::filesystem;

TEST(TempDirTest, CreatesAPrivateDirectoryAndRemovesItWithContents) {
  fs::path where;
  {
    auto dir = TempDir::Create("howler-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    where = dir->path();
    EXPECT_TRUE(fs::is_directory(where));
    EXPECT_EQ(where.filename().string().rfind("howler-test-", 0), 0u);
    struct stat st {};
    ASSERT_EQ(::stat(where.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    fs::create_directories(where / "a" / "b");
    std::ofstream(where / "a" / "b" / "file") << "x";
  }
  EXPECT_FALSE(fs::exists(where));
}

TEST(TempDirTest, DirectoriesAreDistinct) {
  auto a = TempDir::Create();
  auto b = TempDir::Create();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->path(), b->path());
}

TEST(TempDirTest, MoveTransfersOwnership) {
  auto made = TempDir::Create();
  ASSERT_TRUE(made.ok());
  TempDir first = std::move(made).value();
  const fs::path where = first.path();
  TempDir second = std::move(first);
  EXPECT_EQ(second.path(), where);
  EXPECT_TRUE(first.path().empty());  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_TRUE(fs::exists(where));
  auto other = TempDir::Create();
  ASSERT_TRUE(other.ok());
  const fs::path other_path = other->path();
  second = std::move(other).value();  // the old directory goes away
  EXPECT_FALSE(fs::exists(where));
  EXPECT_EQ(second.path(), other_path);
}

}  // namespace
}  // namespace howler
