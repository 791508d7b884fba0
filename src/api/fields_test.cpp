#include "api/fields.h"

#include <gtest/gtest.h>

#include "api/operations.h"

namespace howler::api {
namespace {

TEST(CheckFieldTest, RequiredEmptyIsMissing) {
  Status s = CheckField(ops::kLogin, "username", "");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "username is required");
}

TEST(CheckFieldTest, LimitIsInclusive) {
  EXPECT_TRUE(CheckField(ops::kLogin, "username", std::string(kLoginNameMax, 'a')).ok());
  Status s = CheckField(ops::kLogin, "username", std::string(kLoginNameMax + 1, 'a'));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "username is too long");
}

TEST(CheckFieldTest, OptionalMayBeEmptyButNotLong) {
  EXPECT_TRUE(CheckField(ops::kSignup, "device_name", "").ok());
  EXPECT_EQ(CheckField(ops::kSignup, "device_name", std::string(kDeviceNameMax + 1, 'd')).message(),
            "device_name is too long");
}

TEST(CheckFieldTest, UndeclaredFieldIsAProgrammingError) {
  EXPECT_THROW((void)ops::kLogin.Field("nickname"), std::logic_error);
}

}  // namespace
}  // namespace howler::api
