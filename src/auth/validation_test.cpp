#include "auth/validation.h"

#include <gtest/gtest.h>

namespace howler::auth {
namespace {

TEST(ValidationTest, Usernames) {
  for (std::string ok : {std::string("bob"), std::string("a.b_c-d"), std::string("ABCdef123"),
                         std::string(32, 'x')}) {
    EXPECT_TRUE(ValidateUsername(ok).ok()) << ok;
  }
  for (std::string bad : {std::string("ab"), std::string(33, 'x'), std::string("has space"),
                          std::string("semi;colon"), std::string("émile"), std::string("")}) {
    Status s = ValidateUsername(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("username"), std::string::npos);
  }
}

TEST(ValidationTest, EmailsAreNormalizedToLowerCase) {
  auto e = NormalizeEmail("Alice.Smith+tag@Example.COM");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, "alice.smith+tag@example.com");
  for (const char* bad :
       {"", "plain", "@example.com", "a@", "a@b", "a@.com", "a@b..com", "a b@example.com",
        "a@exa mple.com", ".a@example.com", "a.@example.com", "a@-bad.com", "a@example.com."}) {
    Status s = NormalizeEmail(bad).status();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("email"), std::string::npos);
  }
}

}  // namespace
}  // namespace howler::auth
