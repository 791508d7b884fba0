// The test servers themselves: they start as an unprivileged user, answer, and are gone
// once their owner is destroyed.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "dbmanager/testing/mariadb_server.h"
#include "dbmanager/testing/postgres_server.h"

namespace howler::dbmanager::testing {
namespace {

bool ProcessExists(pid_t pid) {
  return ::kill(pid, 0) == 0;
}

TEST(TestServersTest, PostgresStartsAnswersAndStops) {
  auto server = PostgresServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  EXPECT_TRUE((*server)->Sql("CREATE TABLE t (id int)").ok());
  EXPECT_FALSE((*server)->Sql("SELECT * FROM missing_table").ok());
  server->reset();
}

TEST(TestServersTest, MariadbStartsAnswersAndStops) {
  auto server = MariadbServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  EXPECT_TRUE((*server)->Sql("CREATE TABLE t (id int)").ok());
  EXPECT_FALSE((*server)->Sql("SELECT * FROM missing_table").ok());
}

TEST(TestServersTest, ChildProcessStopsAndReaps) {
  auto child = ChildProcess::Start({"/bin/sleep", "30"}, "/dev/null");
  ASSERT_TRUE(child.ok());
  const pid_t pid = (*child)->pid();
  EXPECT_TRUE((*child)->Running());
  child->reset();
  EXPECT_FALSE(ProcessExists(pid));
}

TEST(TestServersTest, ChildProcessRunReportsFailure) {
  EXPECT_TRUE(ChildProcess::Run({"/bin/true"}, "/dev/null", std::chrono::seconds(5)).ok());
  EXPECT_FALSE(ChildProcess::Run({"/bin/false"}, "/dev/null", std::chrono::seconds(5)).ok());
}

}  // namespace
}  // namespace howler::dbmanager::testing
