#include "common/log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace howler::log {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(LogTest, FormatsJsonAndTextLines) {
  EXPECT_NE(FormatLine(true, Level::kInfo, "hello", {{"n", 3}}).find(R"("msg":"hello","n":3)"),
            std::string::npos);
  EXPECT_NE(FormatLine(false, Level::kWarn, "hello", {{"k", "v"}}).find("warn hello k=v"),
            std::string::npos);
}

// LOG_FILE: lines go to the file, created 0600; after a rotation moved it away, Reopen
// starts a new file at the path and later lines go there.
TEST(LogTest, FileIsReopenedAfterRotation) {
  char dir[] = "/tmp/howler-log-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const fs::path path = fs::path(dir) / "server.log";
  Configure("info", "text");
  std::string error;
  ASSERT_TRUE(LogToFile(path.string(), &error)) << error;
  Info("before rotation");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  fs::rename(path, path.string() + ".1");
  Info("still the old file");
  ReopenLogFile();
  Info("after rotation");
  EXPECT_NE(Read(path.string() + ".1").find("before rotation"), std::string::npos);
  EXPECT_NE(Read(path.string() + ".1").find("still the old file"), std::string::npos);
  EXPECT_EQ(Read(path).find("before rotation"), std::string::npos);
  EXPECT_NE(Read(path).find("after rotation"), std::string::npos);

  EXPECT_FALSE(LogToFile("/nonexistent-dir/x.log", &error));
  EXPECT_NE(error.find("/nonexistent-dir/x.log"), std::string::npos);
  Info("kept");
  EXPECT_NE(Read(path).find("kept"), std::string::npos) << "a failed switch keeps the file";
  ASSERT_TRUE(LogToFile("", &error));  // stdout again, for the other tests
  fs::remove_all(dir);
}

}  // namespace
}  // namespace howler::log
