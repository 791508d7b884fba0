#include "api/operations.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace howler::api {
namespace {

TEST(OperationsTest, NamesAndWireAddressesAreUnique) {
  std::set<std::string> names, routes, methods;
  for (const Operation* op : kAllOperations) {
    EXPECT_TRUE(names.insert(std::string(op->name)).second) << op->name;
    EXPECT_TRUE(
        routes.insert(std::string(op->http_method) + " " + std::string(op->http_path)).second)
        << op->name;
    if (!op->grpc_method.empty()) {
      EXPECT_TRUE(methods.insert(std::string(op->grpc_method)).second) << op->name;
    }
  }
}

TEST(OperationsTest, EveryDeclarationIsComplete) {
  for (const Operation* op : kAllOperations) {
    EXPECT_FALSE(op->name.empty());
    EXPECT_TRUE(op->http_method == "GET" || op->http_method == "POST" ||
                op->http_method == "DELETE" || op->http_method == "PUT")
        << op->name;
    EXPECT_EQ(op->http_path.substr(0, 5), "/api/") << op->name;
    if (!op->grpc_method.empty()) {
      EXPECT_EQ(op->grpc_method.substr(0, 13), "howlerops.v1.") << op->name;
    }
    // A per-user budget needs a user: only session operations can spend it.
    if (op->budget == Budget::kSyncPerUser) EXPECT_NE(op->access, Access::kPublic) << op->name;
    for (const FieldLimit& f : op->fields) {
      EXPECT_FALSE(f.name.empty()) << op->name;
      EXPECT_GT(f.max_bytes, 0u) << op->name;
    }
  }
}

TEST(OperationsTest, PasswordOperationsHashOnTheHashPoolAndAreThrottledPerIp) {
  for (const Operation* op :
       {&ops::kSignup, &ops::kLogin, &ops::kChangePassword, &ops::kResetPassword}) {
    EXPECT_EQ(op->run_on, RunOn::kHashPool) << op->name;
    EXPECT_EQ(op->budget, Budget::kAuthPerIp) << op->name;
  }
}

TEST(OperationsTest, PublicOperationsAreThrottledPerIp) {
  for (const Operation* op : kAllOperations) {
    if (op->access == Access::kPublic) EXPECT_EQ(op->budget, Budget::kAuthPerIp) << op->name;
  }
}

}  // namespace
}  // namespace howler::api
