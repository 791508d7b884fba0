// howlerops.v1.AuthService's methods called directly (no server, no channel) over real
// services on a SQLite file (api/testing/service_harness.h): the same rules as the HTTP
// handlers (http/auth_handlers_test.cpp): codes, messages, field limits, budgets.
#include "grpc/auth_grpc_service.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "api/operations.h"
#include "api/testing/service_harness.h"
#include "auth/license_key.h"
#include "grpc/testing/server_call.h"
#include "howlerops/v1/auth.grpc.pb.h"

namespace howler::grpcsvc {
namespace {

namespace pb = ::howlerops::v1;
namespace ops = api::ops;
using api::testing::Account;
using api::testing::HarnessOptions;
using api::testing::PoolBlocker;
using api::testing::ServiceHarness;
using testing::ServerCall;

pb::SignupRequest SignupRequest(const std::string& name) {
  pb::SignupRequest r;
  r.set_username(name);
  r.set_email(name + "@example.com");
  r.set_password("a long password");
  return r;
}

pb::LoginRequest LoginRequest(const std::string& name, const std::string& password) {
  pb::LoginRequest r;
  r.set_username(name);
  r.set_password(password);
  return r;
}

class AuthGrpcServiceTest : public ::testing::Test {
 protected:
  explicit AuthGrpcServiceTest(HarnessOptions options = {})
      : harness_(std::move(options)),
        grpc_(harness_.auth(), CallDeps{&harness_.gate(), nullptr, &harness_.hash_pool(), {}}),
        service_(dynamic_cast<pb::AuthService::Service*>(grpc_.service())) {}

  void SetUp() override { ASSERT_NE(service_, nullptr); }

  grpc::Status Login(const std::string& name, const std::string& password,
                     pb::TokenPair* out = nullptr) {
    ServerCall call;
    pb::TokenPair ignored;
    const pb::LoginRequest req = LoginRequest(name, password);
    return service_->Login(call.context(), &req, out ? out : &ignored);
  }
  grpc::Status Profile(const std::string& authorization, pb::GetProfileResponse* out = nullptr) {
    ServerCall call(authorization);
    pb::GetProfileResponse ignored;
    const pb::GetProfileRequest req;
    return service_->GetProfile(call.context(), &req, out ? out : &ignored);
  }
  // "Bearer <token>" of a new session of `a`.
  std::string LoginBearer(const Account& a) {
    pb::TokenPair pair;
    EXPECT_TRUE(Login(a.username, a.password, &pair).ok());
    return "Bearer " + pair.token();
  }

  ServiceHarness harness_;
  AuthGrpcService grpc_;
  pb::AuthService::Service* service_;
};

TEST_F(AuthGrpcServiceTest, SignupAnswersATokenPairWithTheDeclaredMessage) {
  ServerCall call;
  call.With("x-request-id", "trace-7");
  pb::SignupRequest req = SignupRequest("alice");
  req.set_device_name("laptop");
  pb::TokenPair res;
  const grpc::Status s = service_->Signup(call.context(), &req, &res);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(res.success());
  EXPECT_EQ(res.message(), ops::kSignup.success_message);
  EXPECT_EQ(res.user().username(), "alice");
  EXPECT_EQ(res.user().email(), "alice@example.com");
  EXPECT_EQ(res.user().role(), "user");
  EXPECT_FALSE(res.user().email_verified());
  EXPECT_TRUE(res.user().active());
  EXPECT_TRUE(res.user().has_created_at());
  EXPECT_TRUE(res.has_expires_at());
  EXPECT_FALSE(res.refresh_token().empty());
  EXPECT_EQ(call.Initial("x-request-id"), "trace-7");
  EXPECT_TRUE(Profile("Bearer " + res.token()).ok());
}

TEST_F(AuthGrpcServiceTest, SignupOfATakenNameIsAConflict) {
  harness_.SignUp("alice");
  ServerCall call;
  const pb::SignupRequest req = SignupRequest("alice");
  pb::TokenPair res;
  const grpc::Status s = service_->Signup(call.context(), &req, &res);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(s.error_message(), "username or email already exists");
  EXPECT_EQ(call.Trailer("error-code"), "CONFLICT");
}

// One text field of one method: the method called with `value` in that field.
struct FieldCase {
  const api::Operation* op;
  std::string field;
  std::function<grpc::Status(pb::AuthService::Service&, ServerCall&, const std::string&)> call;
};

std::vector<FieldCase> PublicFieldCases() {
  using S = pb::AuthService::Service;
  return {
      {&ops::kSignup, "device_name",
       [](S& s, ServerCall& c, const std::string& v) {
         pb::SignupRequest r = SignupRequest("u" + std::to_string(v.size()));
         r.set_device_name(v);
         pb::TokenPair out;
         return s.Signup(c.context(), &r, &out);
       }},
      {&ops::kLogin, "username",
       [](S& s, ServerCall& c, const std::string& v) {
         const pb::LoginRequest r = LoginRequest(v, "whatever1");
         pb::TokenPair out;
         return s.Login(c.context(), &r, &out);
       }},
      {&ops::kRefresh, "refresh_token",
       [](S& s, ServerCall& c, const std::string& v) {
         pb::RefreshRequest r;
         r.set_refresh_token(v);
         pb::TokenPair out;
         return s.Refresh(c.context(), &r, &out);
       }},
      {&ops::kVerifyEmail, "token",
       [](S& s, ServerCall& c, const std::string& v) {
         pb::VerifyEmailRequest r;
         r.set_token(v);
         pb::SuccessResponse out;
         return s.VerifyEmail(c.context(), &r, &out);
       }},
      {&ops::kRequestPasswordReset, "email",
       [](S& s, ServerCall& c, const std::string& v) {
         pb::RequestPasswordResetRequest r;
         r.set_email(v);
         pb::SuccessResponse out;
         return s.RequestPasswordReset(c.context(), &r, &out);
       }},
      {&ops::kResetPassword, "token",
       [](S& s, ServerCall& c, const std::string& v) {
         pb::ResetPasswordRequest r;
         r.set_token(v);
         r.set_new_password("a new password");
         pb::SuccessResponse out;
         return s.ResetPassword(c.context(), &r, &out);
       }},
  };
}

// The limits HTTP applies (http/auth_handlers_test.cpp): the declared ones, with the same
// messages.
TEST_F(AuthGrpcServiceTest, FieldsAreCheckedAgainstTheirDeclaredLimits) {
  for (const FieldCase& c : PublicFieldCases()) {
    SCOPED_TRACE(std::string(c.op->name) + " " + c.field);
    const api::FieldLimit& limit = c.op->Field(c.field);
    ServerCall at;
    EXPECT_NE(c.call(*service_, at, std::string(limit.max_bytes, 'x')).error_message(),
              c.field + " is too long");
    ServerCall over;
    const grpc::Status s = c.call(*service_, over, std::string(limit.max_bytes + 1, 'x'));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(s.error_message(), c.field + " is too long");
    EXPECT_EQ(over.Trailer("error-code"), "INVALID_REQUEST");
    if (limit.required) {
      ServerCall empty;
      EXPECT_EQ(c.call(*service_, empty, "").error_message(), c.field + " is required");
    }
  }
}

TEST_F(AuthGrpcServiceTest, LoginAnswersATokenPairWithoutAMessage) {
  const Account a = harness_.SignUp("alice");
  pb::TokenPair res;
  ASSERT_TRUE(Login(a.email, a.password, &res).ok());
  EXPECT_TRUE(res.success());
  EXPECT_TRUE(res.message().empty());
  EXPECT_EQ(res.user().id(), a.user_id);
  EXPECT_TRUE(res.user().has_last_login());
  ServerCall call;
  const pb::LoginRequest wrong = LoginRequest(a.username, "not the password");
  const grpc::Status s = service_->Login(call.context(), &wrong, &res);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(s.error_message(), "invalid username or password");
  EXPECT_EQ(call.Trailer("error-code"), "UNAUTHORIZED");
}

TEST_F(AuthGrpcServiceTest, RefreshRotatesTheToken) {
  const Account a = harness_.SignUp("alice");
  ServerCall call;
  pb::RefreshRequest req;
  req.set_refresh_token(a.refresh_token);
  pb::TokenPair res;
  ASSERT_TRUE(service_->Refresh(call.context(), &req, &res).ok());
  EXPECT_NE(res.refresh_token(), a.refresh_token);
  EXPECT_TRUE(res.message().empty());
  ServerCall bad;
  req.set_refresh_token("rt1.nonsense");
  EXPECT_EQ(service_->Refresh(bad.context(), &req, &res).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthGrpcServiceTest, SignupAndLoginCarryTheNewSessionsLicenseKeyAndNothingElseTakesIt) {
  ServerCall call;
  const pb::SignupRequest req = SignupRequest("alice");
  pb::TokenPair signup;
  ASSERT_TRUE(service_->Signup(call.context(), &req, &signup).ok());
  EXPECT_TRUE(auth::HasValidLicenseChecksum(signup.license_key())) << signup.license_key();
  pb::TokenPair login;
  ASSERT_TRUE(Login("alice", "a long password", &login).ok());
  EXPECT_TRUE(auth::HasValidLicenseChecksum(login.license_key())) << login.license_key();
  EXPECT_NE(login.license_key(), signup.license_key());
  ServerCall refresh_call;
  pb::RefreshRequest refresh;
  refresh.set_refresh_token(signup.refresh_token());
  pb::TokenPair refreshed;
  ASSERT_TRUE(service_->Refresh(refresh_call.context(), &refresh, &refreshed).ok());
  EXPECT_TRUE(refreshed.license_key().empty());
  pb::GetProfileResponse profile;
  ASSERT_TRUE(Profile("Bearer " + signup.token(), &profile).ok());
  EXPECT_EQ(profile.DebugString().find(signup.license_key()), std::string::npos);
  EXPECT_EQ(Profile("Bearer " + signup.license_key()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED)
      << "a license key is accepted by sync methods only";
}

TEST_F(AuthGrpcServiceTest, SessionMethodsNeedAValidBearerToken) {
  const Account a = harness_.SignUp("alice");
  for (const std::string& authorization :
       {std::string(), "Basic " + a.access_token, std::string("Bearer forged"), a.access_token}) {
    ServerCall call(authorization);
    pb::GetProfileRequest req;
    pb::GetProfileResponse res;
    const grpc::Status s = service_->GetProfile(call.context(), &req, &res);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << authorization;
    EXPECT_EQ(call.Trailer("error-code"), "UNAUTHORIZED");
  }
  ServerCall none;
  pb::LogoutRequest logout;
  pb::SuccessResponse out;
  const grpc::Status s = service_->Logout(none.context(), &logout, &out);
  EXPECT_EQ(s.error_message(), "missing or malformed bearer token");
  ServerCall resend;
  pb::ResendVerificationRequest resend_req;
  EXPECT_EQ(service_->ResendVerification(resend.context(), &resend_req, &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthGrpcServiceTest, ProfileAndSessionsDescribeTheCaller) {
  const Account a = harness_.SignUp("alice");
  const std::string second = LoginBearer(a);
  pb::GetProfileResponse profile;
  ASSERT_TRUE(Profile(a.Bearer(), &profile).ok());
  EXPECT_EQ(profile.user().id(), a.user_id);
  EXPECT_EQ(profile.user().username(), "alice");
  ServerCall call(second);
  pb::ListSessionsRequest req;
  pb::ListSessionsResponse res;
  ASSERT_TRUE(service_->ListSessions(call.context(), &req, &res).ok());
  ASSERT_EQ(res.sessions_size(), 2);
  int current = 0;
  for (const pb::Session& s : res.sessions()) {
    EXPECT_FALSE(s.id().empty());
    EXPECT_TRUE(s.has_created_at());
    if (s.current()) {
      ++current;
      EXPECT_NE(s.id(), a.session_id);
    }
  }
  EXPECT_EQ(current, 1);
}

TEST_F(AuthGrpcServiceTest, RevokeSessionChecksTheIdThenOwnership) {
  const Account a = harness_.SignUp("alice");
  const Account b = harness_.SignUp("bob");
  const std::string second = LoginBearer(a);
  const std::size_t limit = ops::kRevokeSession.Field("session_id").max_bytes;
  auto revoke = [&](const std::string& id, pb::SuccessResponse* out, ServerCall& call) {
    pb::RevokeSessionRequest req;
    req.set_session_id(id);
    return service_->RevokeSession(call.context(), &req, out);
  };
  pb::SuccessResponse res;
  ServerCall over(second), empty(second), at(second), foreign(second), own(second);
  EXPECT_EQ(revoke(std::string(limit + 1, 's'), &res, over).error_message(),
            "session_id is too long");
  EXPECT_EQ(revoke("", &res, empty).error_message(), "session_id is required");
  EXPECT_EQ(revoke(std::string(limit, 's'), &res, at).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(revoke(b.session_id, &res, foreign).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(foreign.Trailer("error-code"), "NOT_FOUND");
  ASSERT_TRUE(revoke(a.session_id, &res, own).ok());
  EXPECT_TRUE(res.success());
  EXPECT_EQ(res.message(), ops::kRevokeSession.success_message);
  EXPECT_FALSE(Profile(a.Bearer()).ok());
  EXPECT_TRUE(Profile(b.Bearer()).ok());
}

TEST_F(AuthGrpcServiceTest, LogoutEndsThisSessionOrEveryOne) {
  const Account a = harness_.SignUp("alice");
  const std::string second = LoginBearer(a);
  const std::string third = LoginBearer(a);
  pb::LogoutRequest req;
  pb::SuccessResponse res;
  ServerCall one(second);
  ASSERT_TRUE(service_->Logout(one.context(), &req, &res).ok());
  EXPECT_TRUE(res.success());
  EXPECT_EQ(res.message(), ops::kLogout.success_message);
  EXPECT_FALSE(Profile(second).ok());
  EXPECT_TRUE(Profile(a.Bearer()).ok());
  req.set_all_devices(true);
  ServerCall all(third);
  ASSERT_TRUE(service_->Logout(all.context(), &req, &res).ok());
  EXPECT_FALSE(Profile(a.Bearer()).ok());
  EXPECT_FALSE(Profile(third).ok());
}

TEST_F(AuthGrpcServiceTest, ChangePasswordEndsOtherSessions) {
  const Account a = harness_.SignUp("alice");
  const std::string other = LoginBearer(a);
  pb::ChangePasswordRequest req;
  req.set_current_password("not it");
  req.set_new_password("a new password");
  pb::SuccessResponse res;
  ServerCall wrong(a.Bearer());
  EXPECT_EQ(service_->ChangePassword(wrong.context(), &req, &res).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  req.set_current_password(a.password);
  ServerCall call(a.Bearer());
  ASSERT_TRUE(service_->ChangePassword(call.context(), &req, &res).ok());
  EXPECT_EQ(res.message(), ops::kChangePassword.success_message);
  EXPECT_TRUE(Profile(a.Bearer()).ok());
  EXPECT_FALSE(Profile(other).ok());
  EXPECT_TRUE(Login(a.username, "a new password").ok());
}

TEST_F(AuthGrpcServiceTest, EmailVerificationFlow) {
  const Account a = harness_.SignUp("alice");
  pb::ResendVerificationRequest resend;
  pb::SuccessResponse res;
  ServerCall soon(a.Bearer());
  EXPECT_EQ(service_->ResendVerification(soon.context(), &resend, &res).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_FALSE(soon.Trailer("retry-after").empty());
  harness_.clock().Advance(harness_.options().auth.resend_interval + std::chrono::seconds(1));
  ServerCall later(a.Bearer());
  ASSERT_TRUE(service_->ResendVerification(later.context(), &resend, &res).ok());
  EXPECT_EQ(res.message(), ops::kResendVerification.success_message);

  pb::VerifyEmailRequest verify;
  verify.set_token(harness_.EmailToken(email::EmailType::kVerification, a.email));
  ServerCall first, again;
  ASSERT_TRUE(service_->VerifyEmail(first.context(), &verify, &res).ok());
  EXPECT_EQ(res.message(), ops::kVerifyEmail.success_message);
  const grpc::Status used = service_->VerifyEmail(again.context(), &verify, &res);
  EXPECT_EQ(used.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(used.error_message(), "invalid, expired or already used token");
  pb::GetProfileResponse profile;
  ASSERT_TRUE(Profile(a.Bearer(), &profile).ok());
  EXPECT_TRUE(profile.user().email_verified());
}

TEST_F(AuthGrpcServiceTest, PasswordResetFlow) {
  const Account a = harness_.SignUp("alice");
  pb::SuccessResponse res;
  for (const std::string& address : {a.email, std::string("nobody@example.com")}) {
    pb::RequestPasswordResetRequest req;
    req.set_email(address);
    ServerCall call;
    ASSERT_TRUE(service_->RequestPasswordReset(call.context(), &req, &res).ok()) << address;
    EXPECT_EQ(res.message(), ops::kRequestPasswordReset.success_message);
  }
  pb::ResetPasswordRequest reset;
  reset.set_token(harness_.EmailToken(email::EmailType::kPasswordReset, a.email));
  reset.set_new_password("a new password");
  ServerCall call;
  ASSERT_TRUE(service_->ResetPassword(call.context(), &reset, &res).ok());
  EXPECT_EQ(res.message(), ops::kResetPassword.success_message);
  EXPECT_FALSE(Profile(a.Bearer()).ok());
  EXPECT_TRUE(Login(a.username, "a new password").ok());
}

TEST_F(AuthGrpcServiceTest, AFullHashPoolIsUnavailableWithRetryAfter) {
  const Account a = harness_.SignUp("alice");
  PoolBlocker blocker(harness_.hash_pool());
  ServerCall call;
  const pb::LoginRequest req = LoginRequest(a.username, a.password);
  pb::TokenPair res;
  const grpc::Status s = service_->Login(call.context(), &req, &res);
  blocker.Release();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(call.Trailer("retry-after"), "1");
  EXPECT_EQ(call.Trailer("error-code"), "UNAVAILABLE");
  EXPECT_TRUE(Profile(a.Bearer()).ok()) << "reads do not use the pool";
  EXPECT_TRUE(Login(a.username, a.password).ok());
}

class AuthGrpcBudgetTest : public AuthGrpcServiceTest {
 protected:
  AuthGrpcBudgetTest() : AuthGrpcServiceTest(HarnessOptions::WithAuthBudget(2)) {}
};

TEST_F(AuthGrpcBudgetTest, PublicMethodsSpendThePerIpBudget) {
  EXPECT_EQ(Login("nobody", "whatever1").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Login("nobody", "whatever1").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ServerCall call;
  call.With("x-forwarded-for", "203.0.113.9");  // from a peer that is no trusted proxy
  const pb::LoginRequest req = LoginRequest("nobody", "whatever1");
  pb::TokenPair res;
  const grpc::Status s = service_->Login(call.context(), &req, &res);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(call.Trailer("error-code"), "RATE_LIMITED");
  EXPECT_GE(std::stoi("0" + call.Trailer("retry-after")), 1);
  harness_.clock().Advance(std::chrono::minutes(1));
  EXPECT_EQ(Login("nobody", "whatever1").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthGrpcBudgetTest, ThePerIpBudgetIsSpentBeforeTheTokenIsLookedAt) {
  const Account a = harness_.SignUp("alice");
  pb::ChangePasswordRequest req;
  req.set_current_password("x");
  req.set_new_password("a new password");
  pb::SuccessResponse res;
  for (int i = 0; i < 2; ++i) {
    ServerCall guess("Bearer guess");
    EXPECT_EQ(service_->ChangePassword(guess.context(), &req, &res).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  ServerCall guess("Bearer guess");
  EXPECT_EQ(service_->ChangePassword(guess.context(), &req, &res).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  ServerCall valid(a.Bearer());
  EXPECT_EQ(service_->ChangePassword(valid.context(), &req, &res).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(Profile(a.Bearer()).ok()) << "profile spends no budget";
}

}  // namespace
}  // namespace howler::grpcsvc
