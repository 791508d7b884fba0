#include "api/gate.h"

#include <gtest/gtest.h>

#include "api/operations.h"
#include "auth/rate_limiter.h"
#include "common/clock.h"

namespace howler::api {
namespace {

class GateTest : public ::testing::Test {
 protected:
  GateTest()
      : ip_(2, 100, clock_),
        user_(2, 100, clock_),
        gate_(GateDeps{[this](std::string_view token) -> Result<auth::Principal> {
                         ++authentications_;
                         if (token != "good") return UnauthenticatedError("invalid token");
                         return auth::Principal{"u1", "ann", "user", "s1"};
                       },
                       &ip_, &user_}) {}

  ManualClock clock_;
  auth::RateLimiter ip_;
  auth::RateLimiter user_;
  int authentications_ = 0;
  Gate gate_;
};

TEST_F(GateTest, BearerTokenParsing) {
  EXPECT_EQ(*BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(*BearerToken("bearer abc"), "abc");
  for (std::optional<std::string_view> bad :
       {std::optional<std::string_view>(), std::optional<std::string_view>("Bearer "),
        std::optional<std::string_view>("Basic abc"), std::optional<std::string_view>("abc")}) {
    EXPECT_EQ(BearerToken(bad).status().code(), StatusCode::kUnauthenticated);
  }
}

TEST_F(GateTest, PublicOperationLooksAtNoToken) {
  auto who = gate_.Authorize(ops::kLogin, "Bearer bad");
  ASSERT_TRUE(who.ok());
  EXPECT_TRUE(who->user_id.empty());
  EXPECT_EQ(authentications_, 0);
}

TEST_F(GateTest, SessionOperationNeedsAValidToken) {
  EXPECT_EQ(gate_.Authorize(ops::kProfile, std::nullopt).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(gate_.Authorize(ops::kProfile, "Bearer bad").status().code(),
            StatusCode::kUnauthenticated);
  auto who = gate_.Authorize(ops::kProfile, "Bearer good");
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->user_id, "u1");
}

TEST_F(GateTest, PerIpBudgetIsSpentOnlyByOperationsThatDeclareIt) {
  EXPECT_TRUE(gate_.SpendIpBudget(ops::kLogin, "1.2.3.4").ok());
  EXPECT_TRUE(gate_.SpendIpBudget(ops::kLogin, "1.2.3.4").ok());
  Status spent = gate_.SpendIpBudget(ops::kLogin, "1.2.3.4");
  EXPECT_EQ(spent.code(), StatusCode::kResourceExhausted);
  EXPECT_GE(spent.retry_after_seconds().value_or(0), 1);
  EXPECT_TRUE(gate_.SpendIpBudget(ops::kLogin, "5.6.7.8").ok());    // another key
  EXPECT_TRUE(gate_.SpendIpBudget(ops::kProfile, "1.2.3.4").ok());  // no budget declared
}

TEST_F(GateTest, PerUserBudgetIsSpentAfterAuthentication) {
  EXPECT_TRUE(gate_.Authorize(ops::kUpload, "Bearer good").ok());
  EXPECT_TRUE(gate_.Authorize(ops::kDownload, "Bearer good").ok());
  EXPECT_EQ(gate_.Authorize(ops::kListDevices, "Bearer good").status().code(),
            StatusCode::kResourceExhausted);
  // A bad token spends nothing of the user's budget: it never gets that far.
  EXPECT_EQ(gate_.Authorize(ops::kUpload, "Bearer bad").status().code(),
            StatusCode::kUnauthenticated);
}

TEST_F(GateTest, MissingDependencyIsInternal) {
  Gate bare(GateDeps{});
  EXPECT_EQ(bare.SpendIpBudget(ops::kLogin, "1.2.3.4").code(), StatusCode::kInternal);
  EXPECT_EQ(bare.Authorize(ops::kProfile, "Bearer good").status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace howler::api
