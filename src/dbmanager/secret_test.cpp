#include "dbmanager/secret.h"

#include <gtest/gtest.h>

#include <string>

namespace howler::dbmanager {
namespace {

TEST(SecretTest, HoldsMovesAndWipes) {
  Secret secret("hunter2");
  EXPECT_STREQ(secret.c_str(), "hunter2");
  EXPECT_EQ(secret.size(), 7u);
  Secret moved = std::move(secret);
  EXPECT_STREQ(moved.c_str(), "hunter2");
  EXPECT_TRUE(secret.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_STREQ(secret.c_str(), "");
  moved.Wipe();
  EXPECT_TRUE(moved.empty());
  EXPECT_STREQ(moved.c_str(), "");
}

TEST(SecretTest, AssignmentWipesThePreviousValue) {
  Secret a("first");
  a = Secret("second");
  EXPECT_STREQ(a.c_str(), "second");
  Secret empty;
  EXPECT_STREQ(empty.c_str(), "");
}

}  // namespace
}  // namespace howler::dbmanager
