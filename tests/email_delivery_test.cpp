// Email delivery through the real binary and a real SMTP server on loopback: a slow mail
// server does not hold up signup (the email is queued), and the queued email still
// arrives and its link verifies the account.
#include <gtest/gtest.h>

#include <chrono>

#include "support/api_client.h"
#include "support/server_process.h"
#include "support/smtp_sink.h"

namespace howler::testing {
namespace {

TEST(EmailDeliveryTest, ASlowMailServerDoesNotHoldUpSignup) {
  SmtpSinkOptions slow;
  slow.data_delay = std::chrono::seconds(5);
  SmtpSink sink(slow);
  TempDir dir;
  ServerProcess server(dir.path(),
                       AuthServerConfig({{"SMTP_URL", sink.url()},
                                         {"EMAIL_BASE_URL", "https://app.test"},
                                         {"RESEND_FROM_EMAIL", "noreply@howlerops.test"}}));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());

  const TestAccount account = CreateAccount(api, "SlowMail");
  ASSERT_FALSE(account.token.empty());
  // The signup answer came back while the mail server was still sitting on DATA: no
  // message can have been accepted yet, so signup did not wait for delivery.
  EXPECT_TRUE(sink.Messages().empty()) << "signup waited for the mail server";

  // The queued email is delivered afterwards and its link verifies the account.
  auto message = sink.WaitFor(account.email, "Verify", std::chrono::seconds(60));
  ASSERT_TRUE(message.has_value()) << server.Output();
  const std::string token = ExtractTokenFromLink(message->text, "/verify-email");
  ASSERT_FALSE(token.empty()) << message->text;
  EXPECT_NE(message->text.find("https://app.test/verify-email?token="), std::string::npos);
  EXPECT_EQ(api.VerifyEmail(token).status(), 200);
  EXPECT_EQ(api.Me(account.token).UserObject().at("email_verified"), true);
}

}  // namespace
}  // namespace howler::testing
