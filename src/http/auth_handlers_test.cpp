// The /api/auth handlers through the API pipeline (policy, routing, body checks) over real
// services on a SQLite file (api/testing/service_harness.h), without sockets: status
// codes, JSON shapes and messages of API.md "Auth", and the declared field limits.
#include "http/auth_handlers.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

#include "api/operations.h"
#include "auth/license_key.h"
#include "http/testing/api_pipeline.h"

namespace howler::http {
namespace {

namespace json = boost::json;
namespace ops = api::ops;
using api::testing::Account;
using api::testing::HarnessOptions;
using api::testing::PoolBlocker;
using api::testing::ServiceHarness;
using testing::ApiPipeline;
using testing::ApiPipelineOptions;
using testing::CodeOf;
using testing::Get;
using testing::JsonOf;
using testing::MakeRequest;
using testing::MessageOf;
using testing::Post;

std::string Body(const json::object& o) {
  return json::serialize(o);
}

json::object SignupBody(const std::string& name) {
  return {{"username", name}, {"email", name + "@example.com"}, {"password", "a long password"}};
}

class AuthHandlersTest : public ::testing::Test {
 protected:
  explicit AuthHandlersTest(HarnessOptions options = {}, ApiPipelineOptions api = {})
      : harness_(std::move(options)), api_(harness_, std::move(api)) {}

  Response Send(Request r) { return api_.Send(std::move(r)); }
  Response Login(const std::string& username, const std::string& password) {
    return Send(Post("/api/auth/login", Body({{"username", username}, {"password", password}})));
  }
  // A second session of `a`, through the login handler.
  std::string LoginToken(const Account& a) {
    const Response r = Login(a.username, a.password);
    EXPECT_EQ(r.status, 200) << r.body;
    return "Bearer " + std::string(JsonOf(r)["token"].as_string());
  }

  ServiceHarness harness_;
  ApiPipeline api_;
};

void ExpectUserShape(const json::object& user, const std::string& username) {
  EXPECT_EQ(user.at("username").as_string(), username);
  EXPECT_EQ(user.at("email").as_string(), username + "@example.com");
  EXPECT_EQ(user.at("role").as_string(), "user");
  EXPECT_TRUE(user.at("id").is_string());
  EXPECT_TRUE(user.at("email_verified").is_bool());
  EXPECT_TRUE(user.at("active").as_bool());
  EXPECT_TRUE(user.at("created_at").is_string());
  EXPECT_TRUE(user.at("updated_at").is_string());
  EXPECT_TRUE(user.contains("last_login"));
  for (const char* secret : {"password", "password_hash", "token"}) {
    EXPECT_FALSE(user.contains(secret)) << secret;
  }
}

TEST_F(AuthHandlersTest, SignupAnswers201WithATokenPairAndTheDeclaredMessage) {
  json::object in = SignupBody("alice");
  in["device_name"] = "laptop";
  const Response r = Send(Post("/api/auth/signup", Body(in)));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  json::object out = JsonOf(r);
  EXPECT_EQ(out["success"], true);
  EXPECT_EQ(out["message"].as_string(), ops::kSignup.success_message);
  EXPECT_FALSE(out["token"].as_string().empty());
  EXPECT_FALSE(out["refresh_token"].as_string().empty());
  EXPECT_TRUE(out["expires_at"].as_string().ends_with("Z"));
  ExpectUserShape(out["user"].as_object(), "alice");
  EXPECT_FALSE(out["user"].as_object()["email_verified"].as_bool());
  EXPECT_TRUE(harness_.mailer().Last(email::EmailType::kVerification, "alice@example.com"));
  const std::string bearer = "Bearer " + std::string(out["token"].as_string());
  EXPECT_EQ(Send(Get("/api/auth/me", bearer)).status, 200);
}

TEST_F(AuthHandlersTest, SignupOfATakenNameIs409Conflict) {
  ASSERT_EQ(Send(Post("/api/auth/signup", Body(SignupBody("alice")))).status, 201);
  json::object again = SignupBody("ALICE");
  again["email"] = "other@example.com";
  const Response r = Send(Post("/api/auth/signup", Body(again)));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(CodeOf(r), "CONFLICT");
  EXPECT_EQ(MessageOf(r), "username or email already exists");
}

TEST_F(AuthHandlersTest, SignupFieldErrorsNameTheField) {
  json::object missing = SignupBody("alice");
  missing.erase("email");
  const Response r = Send(Post("/api/auth/signup", Body(missing)));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CodeOf(r), "INVALID_REQUEST");
  EXPECT_EQ(MessageOf(r), "email is required");

  json::object wrong_type = SignupBody("alice");
  wrong_type["username"] = 42;
  EXPECT_EQ(MessageOf(Send(Post("/api/auth/signup", Body(wrong_type)))),
            "username must be a string");
  json::object empty = SignupBody("alice");
  empty["password"] = "";
  EXPECT_EQ(MessageOf(Send(Post("/api/auth/signup", Body(empty)))), "password is required");
  json::object null_field = SignupBody("alice");
  null_field["username"] = nullptr;
  EXPECT_EQ(MessageOf(Send(Post("/api/auth/signup", Body(null_field)))), "username is required");
}

TEST_F(AuthHandlersTest, DeviceNameIsAcceptedAtItsLimitAndRefusedBeyond) {
  const std::size_t limit = ops::kSignup.Field("device_name").max_bytes;
  json::object at = SignupBody("alice");
  at["device_name"] = std::string(limit, 'd');
  EXPECT_EQ(Send(Post("/api/auth/signup", Body(at))).status, 201);
  json::object over = SignupBody("bob");
  over["device_name"] = std::string(limit + 1, 'd');
  const Response r = Send(Post("/api/auth/signup", Body(over)));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(MessageOf(r), "device_name is too long");
}

// Each public operation's declared text field: at its limit the handler reaches the
// service (whatever it answers), one byte more is 400 "<field> is too long".
TEST_F(AuthHandlersTest, PublicFieldsAreCheckedAgainstTheirDeclaredLimits) {
  struct Case {
    const api::Operation* op;
    std::string field;
    json::object base;
  };
  const Case cases[] = {
      {&ops::kLogin, "username", {{"password", "whatever1"}}},
      {&ops::kLogin, "password", {{"username", "nobody"}}},
      {&ops::kRefresh, "refresh_token", {}},
      {&ops::kVerifyEmail, "token", {}},
      {&ops::kRequestPasswordReset, "email", {}},
      {&ops::kResetPassword, "token", {{"new_password", "a new password"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.op->name) + " " + c.field);
    const std::size_t limit = c.op->Field(c.field).max_bytes;
    const std::string too_long = c.field + " is too long";
    json::object at = c.base;
    at[c.field] = std::string(limit, 'x');
    const Response ok = Send(Post(std::string(c.op->http_path), Body(at)));
    EXPECT_NE(MessageOf(ok), too_long) << ok.body;
    json::object over = c.base;
    over[c.field] = std::string(limit + 1, 'x');
    const Response refused = Send(Post(std::string(c.op->http_path), Body(over)));
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(MessageOf(refused), too_long);
  }
}

TEST_F(AuthHandlersTest, MalformedBodiesAre400) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "request body is required"},
      {"{\"username\":", "request body is not valid JSON"},
      {"[1,2]", "request body must be a JSON object"},
      {"{\"username\":\"caf\xc3\"}", "request body is not valid JSON"},  // invalid UTF-8
  };
  for (const auto& [body, message] : cases) {
    Request r = Post("/api/auth/login", body);
    const Response res = Send(std::move(r));
    EXPECT_EQ(res.status, 400) << body;
    EXPECT_EQ(MessageOf(res), message) << body;
  }
}

TEST_F(AuthHandlersTest, ABodyThatIsNotJsonIs415) {
  Request r = Post("/api/auth/login", Body({{"username", "a"}, {"password", "b"}}));
  r.headers.Set("Content-Type", "text/plain");
  const Response res = Send(std::move(r));
  EXPECT_EQ(res.status, 415);
  EXPECT_EQ(CodeOf(res), "UNSUPPORTED_MEDIA_TYPE");
}

class SmallBodyAuthTest : public AuthHandlersTest {
 protected:
  static ApiPipelineOptions SmallBodies() {
    ApiPipelineOptions o;
    o.pipeline.max_body_bytes = 64;
    return o;
  }
  SmallBodyAuthTest() : AuthHandlersTest({}, SmallBodies()) {}
};

TEST_F(SmallBodyAuthTest, ABodyOverTheRequestLimitIs413) {
  const std::string over = Body({{"username", std::string(50, 'u')}, {"password", "p"}});
  ASSERT_GT(over.size(), 64u);
  const Response r = Send(Post("/api/auth/login", over));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(CodeOf(r), "PAYLOAD_TOO_LARGE");
  const std::string within = Body({{"username", "nobody"}, {"password", "whatever1"}});
  EXPECT_EQ(Send(Post("/api/auth/login", within)).status, 401);
}

TEST_F(AuthHandlersTest, LoginByNameOrEmailAnswersATokenPairWithoutAMessage) {
  const Account a = harness_.SignUp("alice");
  for (const std::string& name : {a.username, a.email}) {
    const Response r = Login(name, a.password);
    ASSERT_EQ(r.status, 200) << r.body;
    json::object out = JsonOf(r);
    EXPECT_EQ(out["success"], true);
    EXPECT_FALSE(out.contains("message"));
    EXPECT_FALSE(out["refresh_token"].as_string().empty());
    ExpectUserShape(out["user"].as_object(), "alice");
  }
}

// GET /api/sync/download?device_id=d1 with `Authorization: <authorization>`.
Request Download(const std::string& authorization) {
  Request r = Get("/api/sync/download", authorization);
  r.query.emplace("device_id", "d1");
  return r;
}

// The key travels in `user.license_key` of the answers that start a session, and nowhere
// else; it authenticates the sync operations only.
TEST_F(AuthHandlersTest, SignupAndLoginAnswersCarryTheNewSessionsLicenseKey) {
  const Response signup = Send(Post("/api/auth/signup", Body(SignupBody("alice"))));
  ASSERT_EQ(signup.status, 201) << signup.body;
  json::object first = JsonOf(signup);
  const std::string key(first["user"].as_object()["license_key"].as_string());
  EXPECT_TRUE(auth::HasValidLicenseChecksum(key)) << key;
  const Response login = Login("alice", "a long password");
  ASSERT_EQ(login.status, 200) << login.body;
  json::object second = JsonOf(login);
  const std::string other(second["user"].as_object()["license_key"].as_string());
  EXPECT_TRUE(auth::HasValidLicenseChecksum(other)) << other;
  EXPECT_NE(other, key);

  const std::string bearer = "Bearer " + std::string(first["token"].as_string());
  const Response refreshed = Send(
      Post("/api/auth/refresh", Body({{"refresh_token", first["refresh_token"].as_string()}})));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_FALSE(JsonOf(refreshed)["user"].as_object().contains("license_key"));
  for (const char* path : {"/api/auth/me", "/api/auth/profile", "/api/auth/sessions"}) {
    const Response r = Send(Get(path, bearer));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body.find("license_key"), std::string::npos) << path << ": " << r.body;
    EXPECT_EQ(r.body.find(key), std::string::npos) << path;
  }

  EXPECT_EQ(Send(Download("Bearer " + key)).status, 200);
  EXPECT_EQ(Send(Get("/api/sync/devices", "Bearer " + other)).status, 200);
  for (const char* path : {"/api/auth/me", "/api/auth/sessions"}) {
    const Response r = Send(Get(path, "Bearer " + key));
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_EQ(CodeOf(r), "UNAUTHORIZED");
    EXPECT_EQ(r.body.find(key), std::string::npos) << "an error never repeats the key";
  }
  EXPECT_EQ(Send(Post("/api/auth/logout", "", "Bearer " + key)).status, 401);
  ASSERT_EQ(Send(Post("/api/auth/logout", "", bearer)).status, 200);
  EXPECT_EQ(Send(Download("Bearer " + key)).status, 401);
  EXPECT_EQ(Send(Download("Bearer " + other)).status, 200);
}

TEST_F(AuthHandlersTest, WrongPasswordAndUnknownUserGetTheSame401) {
  const Account a = harness_.SignUp("alice");
  const Response wrong = Login(a.username, "not the password");
  const Response unknown = Login("nobody", "not the password");
  for (const Response* r : {&wrong, &unknown}) {
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(CodeOf(*r), "UNAUTHORIZED");
    EXPECT_EQ(MessageOf(*r), "invalid username or password");
  }
}

TEST_F(AuthHandlersTest, RefreshRotatesTheToken) {
  const Account a = harness_.SignUp("alice");
  const Response r = Send(Post("/api/auth/refresh", Body({{"refresh_token", a.refresh_token}})));
  ASSERT_EQ(r.status, 200) << r.body;
  json::object out = JsonOf(r);
  EXPECT_NE(out["refresh_token"].as_string(), a.refresh_token);
  EXPECT_FALSE(out["token"].as_string().empty());
  const Response bad = Send(Post("/api/auth/refresh", Body({{"refresh_token", "rt1.nonsense"}})));
  EXPECT_EQ(bad.status, 401);
  const Response missing = Send(Post("/api/auth/refresh", "{}"));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(MessageOf(missing), "refresh_token is required");
}

TEST_F(AuthHandlersTest, SessionOperationsNeedAValidBearerToken) {
  const Account a = harness_.SignUp("alice");
  const std::string bad[] = {"", "Bearer", "Basic " + a.access_token, "Bearer not-a-jwt",
                             "Bearer " + a.access_token + "x"};
  for (const std::string& authorization : bad) {
    const Response r = Send(Get("/api/auth/me", authorization));
    EXPECT_EQ(r.status, 401) << authorization;
    EXPECT_EQ(CodeOf(r), "UNAUTHORIZED");
  }
  EXPECT_EQ(MessageOf(Send(Get("/api/auth/me"))), "missing or malformed bearer token");
  EXPECT_EQ(Send(Post("/api/auth/logout", "")).status, 401);
  EXPECT_EQ(Send(Get("/api/auth/sessions")).status, 401);
  EXPECT_EQ(Send(MakeRequest("DELETE", "/api/auth/sessions/" + a.session_id)).status, 401);
  EXPECT_EQ(Send(Post("/api/auth/resend-verification", "")).status, 401);
}

TEST_F(AuthHandlersTest, MeAndProfileAreAliases) {
  const Account a = harness_.SignUp("alice");
  for (const char* path : {"/api/auth/me", "/api/auth/profile"}) {
    const Response r = Send(Get(path, a.Bearer()));
    ASSERT_EQ(r.status, 200) << path << " " << r.body;
    json::object out = JsonOf(r);
    ASSERT_TRUE(out["user"].is_object());
    EXPECT_EQ(out["user"].as_object()["id"].as_string(), a.user_id);
    ExpectUserShape(out["user"].as_object(), "alice");
  }
}

TEST_F(AuthHandlersTest, SessionsListMarksTheCallersSession) {
  const Account a = harness_.SignUp("alice");
  const std::string second = LoginToken(a);
  const Response r = Send(Get("/api/auth/sessions", a.Bearer()));
  ASSERT_EQ(r.status, 200) << r.body;
  json::array sessions = JsonOf(r)["sessions"].as_array();
  ASSERT_EQ(sessions.size(), 2u);
  int current = 0;
  for (const json::value& v : sessions) {
    const json::object& s = v.as_object();
    for (const char* key :
         {"id", "device_name", "ip_address", "user_agent", "created_at", "last_seen_at"}) {
      EXPECT_TRUE(s.at(key).is_string()) << key;
    }
    if (s.at("current").as_bool()) {
      ++current;
      EXPECT_EQ(s.at("id").as_string(), a.session_id);
    }
  }
  EXPECT_EQ(current, 1);
}

TEST_F(AuthHandlersTest, RevokingASessionEndsItsTokens) {
  const Account a = harness_.SignUp("alice");
  const std::string second = LoginToken(a);
  const Response r = Send(MakeRequest("DELETE", "/api/auth/sessions/" + a.session_id, second));
  ASSERT_EQ(r.status, 200) << r.body;
  json::object out = JsonOf(r);
  EXPECT_EQ(out["success"], true);
  EXPECT_EQ(out["message"].as_string(), ops::kRevokeSession.success_message);
  EXPECT_EQ(Send(Get("/api/auth/me", a.Bearer())).status, 401);
  EXPECT_EQ(Send(Get("/api/auth/me", second)).status, 200);
}

TEST_F(AuthHandlersTest, RevokeChecksTheSessionIdLimitThenOwnership) {
  const Account a = harness_.SignUp("alice");
  const Account b = harness_.SignUp("bob");
  const std::size_t limit = ops::kRevokeSession.Field("session_id").max_bytes;
  const Response over =
      Send(MakeRequest("DELETE", "/api/auth/sessions/" + std::string(limit + 1, 's'), a.Bearer()));
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(MessageOf(over), "session_id is too long");
  const Response at =
      Send(MakeRequest("DELETE", "/api/auth/sessions/" + std::string(limit, 's'), a.Bearer()));
  EXPECT_EQ(at.status, 404);
  const Response foreign =
      Send(MakeRequest("DELETE", "/api/auth/sessions/" + b.session_id, a.Bearer()));
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(CodeOf(foreign), "NOT_FOUND");
  EXPECT_EQ(Send(Get("/api/auth/me", b.Bearer())).status, 200);
}

TEST_F(AuthHandlersTest, LogoutEndsThisSessionOrEveryOne) {
  const Account a = harness_.SignUp("alice");
  const std::string second = LoginToken(a);
  const std::string third = LoginToken(a);
  const Response r = Send(MakeRequest("POST", "/api/auth/logout", second));  // no body
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JsonOf(r)["success"], true);
  EXPECT_EQ(Send(Get("/api/auth/me", second)).status, 401);
  EXPECT_EQ(Send(Get("/api/auth/me", a.Bearer())).status, 200);

  const Response wrong = Send(Post("/api/auth/logout", Body({{"all_devices", "yes"}}), third));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(MessageOf(wrong), "all_devices must be a boolean");
  ASSERT_EQ(Send(Post("/api/auth/logout", Body({{"all_devices", true}}), third)).status, 200);
  EXPECT_EQ(Send(Get("/api/auth/me", a.Bearer())).status, 401);
  EXPECT_EQ(Send(Get("/api/auth/me", third)).status, 401);
}

TEST_F(AuthHandlersTest, ChangePasswordEndsOtherSessions) {
  const Account a = harness_.SignUp("alice");
  const std::string other = LoginToken(a);
  const std::string path = "/api/auth/change-password";
  const Response wrong =
      Send(Post(path, Body({{"current_password", "not it"}, {"new_password", "a new password"}}),
                a.Bearer()));
  EXPECT_EQ(wrong.status, 401);
  const Response missing = Send(Post(path, Body({{"current_password", a.password}}), a.Bearer()));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(MessageOf(missing), "new_password is required");

  const Response r =
      Send(Post(path, Body({{"current_password", a.password}, {"new_password", "a new password"}}),
                a.Bearer()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JsonOf(r)["message"].as_string(), ops::kChangePassword.success_message);
  EXPECT_EQ(Send(Get("/api/auth/me", a.Bearer())).status, 200);
  EXPECT_EQ(Send(Get("/api/auth/me", other)).status, 401);
  EXPECT_EQ(Login(a.username, "a new password").status, 200);
  EXPECT_EQ(Login(a.username, a.password).status, 401);
}

TEST_F(AuthHandlersTest, VerifyEmailWithTheMailedTokenOnce) {
  const Account a = harness_.SignUp("alice");
  const std::string token = harness_.EmailToken(email::EmailType::kVerification, a.email);
  const Response r = Send(Post("/api/auth/verify-email", Body({{"token", token}})));
  ASSERT_EQ(r.status, 200) << r.body;
  json::object out = JsonOf(r);
  EXPECT_EQ(out["success"], true);
  EXPECT_EQ(out["message"].as_string(), ops::kVerifyEmail.success_message);
  const Response again = Send(Post("/api/auth/verify-email", Body({{"token", token}})));
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(MessageOf(again), "invalid, expired or already used token");
  json::object me = JsonOf(Send(Get("/api/auth/me", a.Bearer())));
  EXPECT_TRUE(me["user"].as_object()["email_verified"].as_bool());
}

TEST_F(AuthHandlersTest, ResendVerificationWaitsForTheIntervalAndStopsOnceVerified) {
  const Account a = harness_.SignUp("alice");
  const Response soon = Send(Post("/api/auth/resend-verification", "", a.Bearer()));
  EXPECT_EQ(soon.status, 429);
  EXPECT_TRUE(soon.headers.Has("Retry-After"));
  harness_.clock().Advance(harness_.options().auth.resend_interval + std::chrono::seconds(1));
  const Response r = Send(Post("/api/auth/resend-verification", "", a.Bearer()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JsonOf(r)["message"].as_string(), ops::kResendVerification.success_message);
  const std::string token = harness_.EmailToken(email::EmailType::kVerification, a.email);
  ASSERT_EQ(Send(Post("/api/auth/verify-email", Body({{"token", token}}))).status, 200);
  const Response verified = Send(Post("/api/auth/resend-verification", "", a.Bearer()));
  EXPECT_EQ(verified.status, 400);
  EXPECT_EQ(MessageOf(verified), "email is already verified");
}

TEST_F(AuthHandlersTest, PasswordResetAnswersTheSameForEveryAddress) {
  const Account a = harness_.SignUp("alice");
  const std::string path = "/api/auth/request-password-reset";
  for (const std::string& address : {a.email, std::string("nobody@example.com")}) {
    const Response r = Send(Post(path, Body({{"email", address}})));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(JsonOf(r)["message"].as_string(), ops::kRequestPasswordReset.success_message);
  }
  EXPECT_TRUE(harness_.mailer().Last(email::EmailType::kPasswordReset, a.email));
  EXPECT_FALSE(harness_.mailer().Last(email::EmailType::kPasswordReset, "nobody@example.com"));
  const Response malformed = Send(Post(path, Body({{"email", "not an address"}})));
  EXPECT_EQ(malformed.status, 400);
}

TEST_F(AuthHandlersTest, ResetPasswordWithTheMailedTokenEndsEverySession) {
  const Account a = harness_.SignUp("alice");
  ASSERT_EQ(Send(Post("/api/auth/request-password-reset", Body({{"email", a.email}}))).status, 200);
  const std::string token = harness_.EmailToken(email::EmailType::kPasswordReset, a.email);
  const std::string path = "/api/auth/reset-password";
  const Response weak = Send(Post(path, Body({{"token", token}, {"new_password", "short"}})));
  EXPECT_EQ(weak.status, 400);
  const Response r = Send(Post(path, Body({{"token", token}, {"new_password", "a new password"}})));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JsonOf(r)["message"].as_string(), ops::kResetPassword.success_message);
  EXPECT_EQ(Send(Get("/api/auth/me", a.Bearer())).status, 401);
  EXPECT_EQ(Login(a.username, "a new password").status, 200);
  const Response reused =
      Send(Post(path, Body({{"token", token}, {"new_password", "another one"}})));
  EXPECT_EQ(reused.status, 400);
}

class AuthBudgetTest : public AuthHandlersTest {
 protected:
  AuthBudgetTest() : AuthHandlersTest(HarnessOptions::WithAuthBudget(2)) {}
  Request From(Request r, std::string ip) {
    r.peer_ip = std::move(ip);
    return r;
  }
};

TEST_F(AuthBudgetTest, PublicOperationsShareOnePerIpBudget) {
  const std::string login = Body({{"username", "nobody"}, {"password", "whatever1"}});
  EXPECT_EQ(Send(Post("/api/auth/login", login)).status, 401);
  EXPECT_EQ(Send(Post("/api/auth/verify-email", Body({{"token", "x"}}))).status, 400);
  const Response limited = Send(Post("/api/auth/login", login));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(CodeOf(limited), "RATE_LIMITED");
  ASSERT_TRUE(limited.headers.Has("Retry-After"));
  EXPECT_GE(std::stoi(std::string(*limited.headers.Get("Retry-After"))), 1);
  EXPECT_EQ(Send(From(Post("/api/auth/login", login), "198.51.100.7")).status, 401)
      << "another address has its own budget";
  harness_.clock().Advance(std::chrono::minutes(1));
  EXPECT_EQ(Send(Post("/api/auth/login", login)).status, 401) << "the budget refills";
}

TEST_F(AuthBudgetTest, ThePerIpBudgetIsSpentBeforeTheTokenIsLookedAt) {
  const Account a = harness_.SignUp("alice");
  const std::string body = Body({{"current_password", "x"}, {"new_password", "a new password"}});
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Send(Post("/api/auth/change-password", body, "Bearer guess")).status, 401);
  }
  EXPECT_EQ(Send(Post("/api/auth/change-password", body, "Bearer guess")).status, 429);
  EXPECT_EQ(Send(Post("/api/auth/change-password", body, a.Bearer())).status, 429);
  EXPECT_EQ(Send(Get("/api/auth/me", a.Bearer())).status, 200) << "profile spends no budget";
}

TEST_F(AuthHandlersTest, AFullHashPoolAnswers503WithRetryAfter) {
  const Account a = harness_.SignUp("alice");
  PoolBlocker blocker(harness_.hash_pool());
  const Response signup = Send(Post("/api/auth/signup", Body(SignupBody("bob"))));
  const Response login = Login(a.username, a.password);
  blocker.Release();
  for (const Response* r : {&signup, &login}) {
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(CodeOf(*r), "UNAVAILABLE");
    EXPECT_EQ(r->headers.Get("Retry-After"), "1");
  }
  EXPECT_EQ(Send(Get("/api/auth/me", a.Bearer())).status, 200) << "reads do not use the pool";
  EXPECT_EQ(Login(a.username, a.password).status, 200);
}

}  // namespace
}  // namespace howler::http
