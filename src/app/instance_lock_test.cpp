#include "app/instance_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

namespace howler::app {
namespace {

std::filesystem::path TempDatabase() {
  char dir[] = "/tmp/howler-lock-XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  return std::filesystem::path(dir) / "db.sqlite";
}

// Whether a child process can take the lock (flock locks are per open file description,
// so another process is the honest check).
bool OtherProcessCanLock(const std::filesystem::path& db) {
  const pid_t pid = fork();
  if (pid == 0) _exit(InstanceLock::Acquire(db).ok() ? 0 : 1);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(InstanceLockTest, OneHolderAtATimeAndReleasedWithIt) {
  const std::filesystem::path db = TempDatabase();
  {
    auto held = InstanceLock::Acquire(db);
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    EXPECT_FALSE(OtherProcessCanLock(db));
    auto second = InstanceLock::Acquire(db);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(second.status().message().find(db.string()), std::string::npos);
  }
  EXPECT_TRUE(OtherProcessCanLock(db));
  std::filesystem::remove_all(db.parent_path());
}

TEST(InstanceLockTest, UnopenableLockFileIsUnavailable) {
  auto lock = InstanceLock::Acquire("/nonexistent-dir/db.sqlite");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace howler::app
