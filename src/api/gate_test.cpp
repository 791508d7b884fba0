#include "api/gate.h"

#include <gtest/gtest.h>

#include "api/operations.h"
#include "auth/license_key.h"
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
                       &ip_, &user_,
                       [this](std::string_view key) -> Result<auth::Principal> {
                         ++license_authentications_;
                         if (key != license_key_) return UnauthenticatedError("invalid key");
                         return auth::Principal{"u2", "bob", "user", "s2", true};
                       }}) {}

  ManualClock clock_;
  auth::RateLimiter ip_;
  auth::RateLimiter user_;
  int authentications_ = 0;
  int license_authentications_ = 0;
  const std::string license_key_ = auth::NewLicenseKey();
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

TEST_F(GateTest, SyncOperationsRouteALicenseKeyToItsAuthenticator) {
  auto who = gate_.Authorize(ops::kDownload, "Bearer " + license_key_);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->user_id, "u2");
  EXPECT_TRUE(who->via_license_key);
  EXPECT_EQ(license_authentications_, 1);
  EXPECT_EQ(authentications_, 0);
  // An access token still goes to the access-token authenticator on the same operation.
  auto by_token = gate_.Authorize(ops::kUpload, "Bearer good");
  ASSERT_TRUE(by_token.ok());
  EXPECT_FALSE(by_token->via_license_key);
  EXPECT_EQ(authentications_, 1);
  EXPECT_EQ(license_authentications_, 1);
  // An unknown key of the right shape is refused by the license authenticator.
  EXPECT_EQ(gate_.Authorize(ops::kListConflicts, "Bearer " + auth::NewLicenseKey()).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(license_authentications_, 2);
  EXPECT_EQ(authentications_, 1);
}

TEST_F(GateTest, EverySyncOperationAcceptsALicenseKeyAndTheKeySpendsTheUsersBudget) {
  for (const Operation* op : {&ops::kUpload, &ops::kListConflicts}) {
    EXPECT_TRUE(gate_.Authorize(*op, "Bearer " + license_key_).ok()) << op->name;
  }
  EXPECT_EQ(gate_.Authorize(ops::kResolveConflict, "Bearer " + license_key_).status().code(),
            StatusCode::kResourceExhausted);
  auth::RateLimiter roomy(1000, 100, clock_);
  int keys_seen = 0;
  Gate keys_only(GateDeps{nullptr, &ip_, &roomy, [&](std::string_view) -> Result<auth::Principal> {
                            ++keys_seen;
                            return auth::Principal{"u3", "cy", "user", "s3", true};
                          }});
  int accepting = 0;
  for (const Operation* op : kAllOperations) {
    if (op->access != Access::kSyncCredential) continue;
    ++accepting;
    auto who = keys_only.Authorize(*op, "Bearer " + license_key_);
    ASSERT_TRUE(who.ok()) << op->name << ": " << who.status().ToString();
    EXPECT_TRUE(who->via_license_key) << op->name;
  }
  EXPECT_GE(accepting, 5);
  EXPECT_EQ(keys_seen, accepting);
}

TEST_F(GateTest, EveryOtherOperationRefusesALicenseKeyWithoutLookingItUp) {
  int refused = 0;
  for (const Operation* op : kAllOperations) {
    if (op->access != Access::kSession) continue;
    EXPECT_EQ(gate_.Authorize(*op, "Bearer " + license_key_).status().code(),
              StatusCode::kUnauthenticated)
        << op->name;
    ++refused;
  }
  EXPECT_GT(refused, 5);
  EXPECT_EQ(gate_.Authorize(ops::kMe, "bearer " + license_key_).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(license_authentications_, 0);
  EXPECT_EQ(authentications_, 0);
}

TEST_F(GateTest, MissingDependencyIsInternal) {
  Gate bare(GateDeps{});
  EXPECT_EQ(bare.SpendIpBudget(ops::kLogin, "1.2.3.4").code(), StatusCode::kInternal);
  EXPECT_EQ(bare.Authorize(ops::kProfile, "Bearer good").status().code(), StatusCode::kInternal);
  Gate tokens_only(GateDeps{[](std::string_view) -> Result<auth::Principal> {
    return auth::Principal{"u1", "ann", "user", "s1"};
  }});
  EXPECT_EQ(
      tokens_only.Authorize(ops::kDownload, "Bearer " + auth::NewLicenseKey()).status().code(),
      StatusCode::kInternal);
}

}  // namespace
}  // namespace howler::api
