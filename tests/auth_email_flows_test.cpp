// The email flows of API.md "Auth" through the real binary and a real SMTP sink: signup's
// verification and welcome emails, verify-email, resend-verification, request-password-reset
// and reset-password, with single-use, single-purpose tokens that are never stored or logged
// in clear.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "storage/database.h"
#include "support/api_client.h"
#include "support/server_process.h"
#include "support/smtp_sink.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

constexpr std::string_view kEmailBaseUrl = "https://app.howlerops.test";
constexpr std::string_view kResetMessage =
    "If the email exists, a password reset link has been sent";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool IsAddressedTo(const SmtpSink::Message& m, std::string_view to) {
  return std::any_of(m.to.begin(), m.to.end(),
                     [&](const std::string& r) { return Lower(r) == Lower(std::string(to)); });
}

// The messages to `to` so far.
std::vector<SmtpSink::Message> MailTo(const SmtpSink& sink, std::string_view to) {
  std::vector<SmtpSink::Message> out;
  for (SmtpSink::Message& m : sink.Messages()) {
    if (IsAddressedTo(m, to)) out.push_back(std::move(m));
  }
  return out;
}

// The `index`-th message to `to` whose text contains `needle`, waiting up to 20 s.
std::optional<SmtpSink::Message> WaitForMail(const SmtpSink& sink, std::string_view to,
                                             std::string_view needle, std::size_t index = 0) {
  for (int i = 0; i < 400; ++i) {
    std::size_t seen = 0;
    for (SmtpSink::Message& m : MailTo(sink, to)) {
      if (m.text.find(needle) != std::string::npos && seen++ == index) return std::move(m);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "no message " << index << " to " << to << " containing " << needle;
  return std::nullopt;
}

std::string VerifyLink() {
  return std::string(kEmailBaseUrl) + "/verify-email?token=";
}
std::string ResetLink() {
  return std::string(kEmailBaseUrl) + "/reset-password?token=";
}

// The token of the `index`-th verification email to `to` ("" when none came).
std::string VerificationToken(const SmtpSink& sink, std::string_view to, std::size_t index = 0) {
  auto mail = WaitForMail(sink, to, VerifyLink(), index);
  return mail ? ExtractTokenFromLink(mail->text, "/verify-email") : std::string();
}

std::string ResetToken(const SmtpSink& sink, std::string_view to, std::size_t index = 0) {
  auto mail = WaitForMail(sink, to, ResetLink(), index);
  return mail ? ExtractTokenFromLink(mail->text, "/reset-password") : std::string();
}

std::map<std::string, std::string> MailEnv(const SmtpSink& sink) {
  return {{"SMTP_URL", sink.url()},
          {"EMAIL_BASE_URL", std::string(kEmailBaseUrl)},
          {"RESEND_FROM_EMAIL", "noreply@howlerops.test"},
          {"VERIFICATION_RESEND_INTERVAL", "2s"}};
}

class AuthEmailFlowsTest : public SharedServerTest<AuthEmailFlowsTest> {
 protected:
  static void SetUpTestSuite() {
    sink_ = new SmtpSink();
    SharedServerTest::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    SharedServerTest::TearDownTestSuite();
    delete sink_;
  }
  static const SmtpSink& sink() { return *sink_; }

 public:
  static std::map<std::string, std::string> ExtraEnv() { return MailEnv(*sink_); }

 private:
  static inline SmtpSink* sink_ = nullptr;
};

TEST_F(AuthEmailFlowsTest, SignupSendsAVerificationAndAWelcomeEmail) {
  const std::string name = UniqueName("Mail");
  const std::string typed_email = "Mixed." + name + "@Example.COM";
  const std::string email = Lower(typed_email);
  ASSERT_EQ(api().Signup(name, typed_email, std::string(kTestPassword)).status(), 201);

  const auto verification = WaitForMail(sink(), email, VerifyLink());
  ASSERT_TRUE(verification.has_value());
  const std::string token = ExtractTokenFromLink(verification->text, "/verify-email");
  ASSERT_GE(token.size(), 16u) << verification->text;
  EXPECT_NE(verification->text.find(VerifyLink() + token), std::string::npos);
  // The welcome email is a second, different message.
  std::vector<SmtpSink::Message> all;
  for (int i = 0; i < 400 && all.size() < 2; ++i) {
    all = MailTo(sink(), email);
    if (all.size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(all.size(), 2u) << "a verification and a welcome email";
  const auto welcome = std::find_if(all.begin(), all.end(), [](const SmtpSink::Message& m) {
    return m.text.find("/verify-email?token=") == std::string::npos;
  });
  ASSERT_NE(welcome, all.end());
  EXPECT_NE(welcome->subject, verification->subject);
}

TEST_F(AuthEmailFlowsTest, VerifyEmailIsSingleUse) {
  const TestAccount a = CreateAccount(api(), "Verify");
  const std::string token = VerificationToken(sink(), a.email);
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(api().Me(a.token).UserObject().at("email_verified"), false);

  const ApiResponse verified = api().VerifyEmail(token);
  ASSERT_EQ(verified.status(), 200) << verified;
  EXPECT_EQ(verified.Object().at("success"), true);
  EXPECT_TRUE(verified.Object().at("message").is_string());
  EXPECT_FALSE(verified.Str("message").empty());
  EXPECT_EQ(api().Me(a.token).UserObject().at("email_verified"), true);
  const ApiResponse login = api().Login(a.username, a.password);
  ASSERT_EQ(login.status(), 200) << login;
  EXPECT_EQ(login.UserObject().at("email_verified"), true);

  EXPECT_TRUE(IsApiError(api().VerifyEmail(token), 400, "INVALID_REQUEST")) << "second use";
}

TEST_F(AuthEmailFlowsTest, VerifyEmailRejectsBadTokens) {
  EXPECT_TRUE(IsApiError(api().VerifyEmail("not-a-real-token"), 400, "INVALID_REQUEST"));
  EXPECT_TRUE(IsApiError(api().VerifyEmail(std::string(64, 'a')), 400, "INVALID_REQUEST"));
  EXPECT_TRUE(IsApiError(api().Call("POST", "/api/auth/verify-email", json::value(json::object{})),
                         400, "INVALID_REQUEST", "token"));
  EXPECT_TRUE(IsApiError(api().Call("POST", "/api/auth/verify-email", json::value{{"token", 7}}),
                         400, "INVALID_REQUEST", "token"));
}

TEST_F(AuthEmailFlowsTest, TokensAreSinglePurpose) {
  const TestAccount a = CreateAccount(api(), "Purpose");
  const std::string verify = VerificationToken(sink(), a.email);
  ASSERT_EQ(api().RequestPasswordReset(a.email).status(), 200);
  const std::string reset = ResetToken(sink(), a.email);
  ASSERT_FALSE(verify.empty());
  ASSERT_FALSE(reset.empty());

  EXPECT_TRUE(IsApiError(api().VerifyEmail(reset), 400, "INVALID_REQUEST"));
  EXPECT_TRUE(
      IsApiError(api().ResetPassword(verify, "a brand new password"), 400, "INVALID_REQUEST"));
  EXPECT_TRUE(IsApiError(api().ResetPassword(a.refresh_token, "a brand new password"), 400,
                         "INVALID_REQUEST"));
  EXPECT_EQ(api().Me(a.token).UserObject().at("email_verified"), false);
  EXPECT_EQ(api().Login(a.username, a.password).status(), 200) << "the password is unchanged";
  // Neither token was spent by the misuse.
  EXPECT_EQ(api().VerifyEmail(verify).status(), 200);
  EXPECT_EQ(api().ResetPassword(reset, "a brand new password").status(), 200);
}

// The Retry-After header in whole seconds, or -1 when missing or not digits.
int RetryAfter(const ApiResponse& r) {
  const std::string value = r.Header("retry-after");
  if (value.empty() || value.size() > 6 ||
      value.find_first_not_of("0123456789") != std::string::npos) {
    return -1;
  }
  return std::stoi(value);
}

// The signup email may count towards the resend throttle (the contract leaves it open): a
// throttled first resend is waited out once, bounded by its Retry-After.
TEST_F(AuthEmailFlowsTest, ResendVerificationSendsANewWorkingTokenAndIsThrottled) {
  const TestAccount a = CreateAccount(api(), "Resend");
  const std::string first = VerificationToken(sink(), a.email);
  ASSERT_FALSE(first.empty());
  ApiResponse resent = api().ResendVerification(a.token);
  if (resent.status() == 429) {
    ASSERT_TRUE(IsApiError(resent, 429, "RATE_LIMITED"));
    const int wait = RetryAfter(resent);
    ASSERT_GE(wait, 1) << resent.Header("retry-after");
    ASSERT_LE(wait, 2) << "VERIFICATION_RESEND_INTERVAL is 2s in this suite";
    std::this_thread::sleep_for(std::chrono::milliseconds(wait * 1000 + 500));
    resent = api().ResendVerification(a.token);
  }
  ASSERT_EQ(resent.status(), 200) << resent;
  const std::string second = VerificationToken(sink(), a.email, 1);
  ASSERT_FALSE(second.empty());
  EXPECT_NE(second, first);

  const ApiResponse again = api().ResendVerification(a.token);
  EXPECT_TRUE(IsApiError(again, 429, "RATE_LIMITED")) << "a repeat right away is throttled";
  EXPECT_GE(RetryAfter(again), 1) << again.Header("retry-after");

  const ApiResponse verified = api().VerifyEmail(second);
  ASSERT_EQ(verified.status(), 200) << verified;
  EXPECT_EQ(api().Me(a.token).UserObject().at("email_verified"), true);
  EXPECT_TRUE(IsApiError(api().ResendVerification(""), 401, "UNAUTHORIZED"));
}

TEST_F(AuthEmailFlowsTest, ResendVerificationWhenAlreadyVerifiedIs400) {
  const TestAccount a = CreateAccount(api(), "Already");
  ASSERT_EQ(api().VerifyEmail(VerificationToken(sink(), a.email)).status(), 200);
  EXPECT_TRUE(IsApiError(api().ResendVerification(a.token), 400, "INVALID_REQUEST"));
}

TEST_F(AuthEmailFlowsTest, ResetRequestAnswersAlikeForKnownAndUnknownEmails) {
  const TestAccount a = CreateAccount(api(), "Known");
  const std::string unknown = UniqueName("nobody") + "@example.com";
  const ApiResponse for_unknown = api().RequestPasswordReset(unknown);
  const ApiResponse for_known = api().RequestPasswordReset(
      std::string(1, static_cast<char>(std::toupper(a.email[0]))) + a.email.substr(1));
  for (const ApiResponse* r : {&for_unknown, &for_known}) {
    ASSERT_EQ(r->status(), 200) << *r;
    EXPECT_EQ(r->Object(),
              (json::object{{"success", true}, {"message", json::string_view(kResetMessage)}}))
        << *r;
  }
  EXPECT_EQ(for_unknown.http.body, for_known.http.body);

  const std::string token = ResetToken(sink(), a.email);
  ASSERT_GE(token.size(), 16u);
  EXPECT_TRUE(MailTo(sink(), unknown).empty()) << "no mail for an unknown address";

  EXPECT_TRUE(
      IsApiError(api().RequestPasswordReset("not-an-email"), 400, "INVALID_REQUEST", "email"));
  EXPECT_TRUE(IsApiError(
      api().Call("POST", "/api/auth/request-password-reset", json::value(json::object{})), 400,
      "INVALID_REQUEST", "email"));
}

TEST_F(AuthEmailFlowsTest, ResetPasswordEndsEverySessionAndIsSingleUse) {
  const TestAccount a = CreateAccount(api(), "Reset");
  const ApiResponse other = api().Login(a.email, a.password, "second device");
  ASSERT_EQ(other.status(), 200) << other;
  ASSERT_EQ(api().RequestPasswordReset(a.email).status(), 200);
  const std::string token = ResetToken(sink(), a.email);
  ASSERT_FALSE(token.empty());

  EXPECT_TRUE(
      IsApiError(api().ResetPassword(token, "short"), 400, "INVALID_REQUEST", "new_password"));
  const std::string new_password = "n\xC3\xA9w passphrase after reset";
  const ApiResponse reset = api().ResetPassword(token, new_password);
  ASSERT_EQ(reset.status(), 200) << "a rejected weak password must not spend the token: " << reset;

  for (const auto& [bearer, refresh] :
       {std::pair{a.token, a.refresh_token},
        std::pair{other.Str("token"), other.Str("refresh_token")}}) {
    EXPECT_TRUE(IsApiError(api().Me(bearer), 401, "UNAUTHORIZED"));
    EXPECT_TRUE(IsApiError(api().Refresh(refresh), 401, "UNAUTHORIZED"));
  }
  EXPECT_TRUE(IsApiError(api().Login(a.username, a.password), 401, "UNAUTHORIZED"));
  const ApiResponse login = api().Login(a.username, new_password);
  EXPECT_EQ(login.status(), 200) << login;

  EXPECT_TRUE(
      IsApiError(api().ResetPassword(token, "yet another password"), 400, "INVALID_REQUEST"))
      << "second use";
  EXPECT_EQ(api().Login(a.username, new_password).status(), 200);
}

TEST_F(AuthEmailFlowsTest, ResetPasswordRejectsBadRequests) {
  EXPECT_TRUE(IsApiError(api().ResetPassword("not-a-real-token", "a fine new password"), 400,
                         "INVALID_REQUEST"));
  EXPECT_TRUE(IsApiError(api().Call("POST", "/api/auth/reset-password",
                                    json::value{{"new_password", "a fine new password"}}),
                         400, "INVALID_REQUEST", "token"));
  EXPECT_TRUE(
      IsApiError(api().Call("POST", "/api/auth/reset-password", json::value{{"token", "abc"}}), 400,
                 "INVALID_REQUEST", "new_password"));
}

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AuthEmailStorageTest, MailedTokensAreNotStoredOrLoggedInClear) {
  SmtpSink sink;
  TempDir dir;
  ServerConfig config = AuthServerConfig(MailEnv(sink));
  config.env["LOG_LEVEL"] = "debug";
  ServerProcess server(dir.path(), config);
  ASSERT_TRUE(server.ready());
  const ApiClient api(server.base_url());
  const TestAccount a = CreateAccount(api, "Canary");
  const std::string verify = VerificationToken(sink, a.email);
  ASSERT_EQ(api.RequestPasswordReset(a.email).status(), 200);
  const std::string reset = ResetToken(sink, a.email);
  ASSERT_FALSE(verify.empty());
  ASSERT_FALSE(reset.empty());
  ASSERT_TRUE(server.Stop().has_value());

  std::string stored;
  for (const auto& file : server.database_files()) stored += ReadBytes(file);
  ASSERT_GT(stored.size(), 0u) << "no database file of " << server.database_url();
  const std::string log = server.Output();
  for (const std::string& secret : {verify, reset}) {
    EXPECT_EQ(stored.find(secret), std::string::npos) << "stored in clear: " << secret;
    EXPECT_EQ(log.find(secret), std::string::npos) << "logged: " << secret;
  }
  EXPECT_EQ(log.find("token="), std::string::npos) << "no token URL in the log";

  // And through the database itself, on whichever backend the server ran.
  const auto db = OpenServerDatabase(server);
  ASSERT_NE(db, nullptr);
  for (const char* sql : {"SELECT count(*) FROM email_verification_tokens WHERE token_hash = ?",
                          "SELECT count(*) FROM password_reset_tokens WHERE token_hash = ?"}) {
    for (const std::string& secret : {verify, reset}) {
      auto rows = db->Query({sql, {secret}});
      ASSERT_TRUE(rows.ok()) << rows.status().ToString();
      EXPECT_EQ(storage::AsInt(rows->rows.at(0).at(0), -1), 0) << sql;
    }
    auto all = db->Query({std::string(sql).substr(0, std::string(sql).find(" WHERE")), {}});
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_GT(storage::AsInt(all->rows.at(0).at(0)), 0) << "the tokens were stored, hashed";
  }
}

}  // namespace
}  // namespace howler::testing
