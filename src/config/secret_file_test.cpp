#include "config/secret_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/temp_dir.h"

namespace howler::config {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST(SecretFileTest, CreatesOnceWithMode0600AndReusesIt) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  const fs::path path = dir->path() / "nested" / "jwt-secret";
  auto first = ReadOrCreateSecretFile(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->size(), 128u);  // 64 bytes as hex
  EXPECT_EQ(first->find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(ReadFile(path), *first + "\n");
  auto second = ReadOrCreateSecretFile(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
}

TEST(SecretFileTest, ReadsAnExistingFileTrimmed) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  const fs::path path = dir->path() / "jwt-secret";
  std::ofstream(path) << "  my-own-secret-value\r\n\n";
  auto secret = ReadOrCreateSecretFile(path);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(*secret, "my-own-secret-value");
}

TEST(SecretFileTest, EmptyFileIsAnError) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  const fs::path path = dir->path() / "jwt-secret";
  std::ofstream(path) << " \n";
  auto secret = ReadOrCreateSecretFile(path);
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(secret.status().message().find("is empty"), std::string::npos);
}

TEST(SecretFileTest, DirectoryInTheWayIsAnError) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  fs::create_directory(dir->path() / "jwt-secret");
  EXPECT_EQ(ReadOrCreateSecretFile(dir->path() / "jwt-secret").status().code(),
            StatusCode::kFailedPrecondition);
  std::ofstream(dir->path() / "file") << "x";
  EXPECT_EQ(ReadOrCreateSecretFile(dir->path() / "file" / "jwt-secret").status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(SecretFileTest, ConcurrentCallersAgree) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  const fs::path path = dir->path() / "jwt-secret";
  std::vector<std::string> seen(8);
  std::vector<std::thread> threads;
  threads.reserve(seen.size());
  for (std::string& out : seen) {
    threads.emplace_back([&out, &path] {
      auto r = ReadOrCreateSecretFile(path);
      out = r.ok() ? *r : r.status().ToString();
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  const std::string on_disk = ReadFile(path);
  for (const std::string& s : seen) {
    EXPECT_EQ(s + "\n", on_disk);
  }
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir->path()), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace howler::config
