#include "email/smtp_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "email/count_recorder.h"
#include "email/queued_mailer.h"
#include "support/smtp_sink.h"

namespace howler::email {
namespace {

using howler::testing::ExtractTokenFromLink;
using howler::testing::SmtpSink;
using howler::testing::SmtpSinkOptions;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr auto kWait = std::chrono::seconds(10);

SmtpOptions Options(std::string url) {
  SmtpOptions options;
  options.url = std::move(url);
  options.from_email = "noreply@example.com";
  options.from_name = "Howlerops";
  return options;
}

RenderedEmail Email(std::string to = "alice@example.com", std::string token = "t0k+/=") {
  TemplateContext context;
  context.product_name = "Howlerops — Ünïcode";
  context.base_url = "https://app.example.com";
  RenderedEmail email =
      Render({EmailType::kVerification, std::move(to), "alice", std::move(token)}, context);
  email.id = "0123456789abcdef0123456789abcdef";
  return email;
}

TEST(SmtpTransportTest, DeliversAValidMultipartMessage) {
  SmtpSink sink;
  ASSERT_TRUE(sink.running());
  SmtpTransport transport(Options(sink.url()));
  EXPECT_EQ(transport.name(), "smtp");
  const RenderedEmail email = Email();
  ASSERT_TRUE(transport.Deliver(email, {}).ok());

  const auto mail = sink.WaitFor("alice@example.com", "Verify", kWait);
  ASSERT_TRUE(mail.has_value());
  EXPECT_EQ(mail->mail_from, "noreply@example.com");
  EXPECT_THAT(mail->to, ElementsAre("alice@example.com"));
  EXPECT_EQ(mail->subject, "Verify your email for Howlerops — Ünïcode");
  EXPECT_THAT(mail->raw, HasSubstr("\r\nSubject: =?UTF-8?B?"));
  EXPECT_EQ(mail->content_type, "multipart/alternative");
  EXPECT_THAT(mail->parts, ElementsAre("text/plain", "text/html"));
  EXPECT_THAT(mail->defects, IsEmpty());
  EXPECT_EQ(mail->text, email.text);
  EXPECT_EQ(mail->html, email.html);
  EXPECT_EQ(mail->message_id, "<0123456789abcdef0123456789abcdef@example.com>");
  EXPECT_THAT(mail->date, Not(IsEmpty()));
  EXPECT_THAT(mail->raw, HasSubstr("From: Howlerops <noreply@example.com>\r\n"));
  EXPECT_FALSE(mail->tls);
  EXPECT_EQ(ExtractTokenFromLink(mail->text, "/verify-email"), "t0k+/=");
  EXPECT_EQ(ExtractTokenFromLink(mail->html, "/verify-email"), "t0k+/=");
  EXPECT_EQ(ExtractTokenFromLink(mail->text, "/reset-password"), "");
}

TEST(SmtpTransportTest, AuthenticatesWithTheUrlCredentials) {
  SmtpSink sink(SmtpSinkOptions{"mailer", "s3cret-pass"});
  ASSERT_TRUE(sink.running());
  const std::string host = "127.0.0.1:" + std::to_string(sink.port());
  SmtpTransport good(Options("smtp://mailer:s3cret-pass@" + host));
  ASSERT_TRUE(good.Deliver(Email(), {}).ok());
  const auto mail = sink.WaitFor("alice@example.com", "Verify", kWait);
  ASSERT_TRUE(mail.has_value());
  EXPECT_EQ(mail->auth_login, "mailer");

  SmtpTransport bad(Options("smtp://mailer:wrong-pass@" + host));
  const Status status = bad.Deliver(Email("bob@example.com"), {});
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), Not(HasSubstr("wrong-pass")));
}

TEST(SmtpTransportTest, UpgradesToTlsWhenOffered) {
  SmtpSinkOptions options;
  options.starttls = true;
  SmtpSink sink(options);
  ASSERT_TRUE(sink.running());
  SmtpOptions trusting = Options(sink.url());
  trusting.ca_file = sink.cert_file().string();
  ASSERT_TRUE(SmtpTransport(trusting).Deliver(Email(), {}).ok());
  const auto mail = sink.WaitFor("alice@example.com", "Verify", kWait);
  ASSERT_TRUE(mail.has_value());
  EXPECT_TRUE(mail->tls);

  // An untrusted certificate fails instead of falling back to plain text.
  const Status untrusted = SmtpTransport(Options(sink.url())).Deliver(Email("bob@x.org"), {});
  EXPECT_EQ(untrusted.code(), StatusCode::kFailedPrecondition) << untrusted.ToString();
  EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST(SmtpTransportTest, ClassifiesRejectedRecipients) {
  SmtpSink sink;
  ASSERT_TRUE(sink.running());
  SmtpTransport transport(Options(sink.url()));
  const Status rejected = transport.Deliver(Email("reject-me@example.com"), {});
  EXPECT_EQ(rejected.code(), StatusCode::kInvalidArgument) << rejected.ToString();
  const Status later = transport.Deliver(Email("tempfail@example.com"), {});
  EXPECT_EQ(later.code(), StatusCode::kUnavailable) << later.ToString();
  EXPECT_TRUE(sink.Messages().empty());
}

TEST(SmtpTransportTest, UnreachableServerIsTransientAndHidesThePassword) {
  std::uint16_t port = 0;
  {
    SmtpSink gone;
    port = gone.port();
  }
  SmtpTransport transport(Options("smtp://user:hunter2-secret@127.0.0.1:" + std::to_string(port)));
  const Status status = transport.Deliver(Email(), {});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_THAT(status.message(), Not(HasSubstr("hunter2-secret")));
}

TEST(SmtpTransportTest, RefusesBadInputWithoutConnecting) {
  SmtpTransport transport(Options("smtp://127.0.0.1:1"));
  EXPECT_EQ(transport.Deliver(Email("alice@example.com\r\nBcc: eve@x.org"), {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SmtpTransport(Options("")).Deliver(Email(), {}).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(SmtpTransport(Options("http://127.0.0.1:1")).Deliver(Email(), {}).code(),
            StatusCode::kFailedPrecondition);
}

TEST(SmtpTransportTest, QueuedDeliveryToASlowServer) {
  SmtpSinkOptions options;
  options.data_delay = std::chrono::milliseconds(500);
  SmtpSink sink(options);
  ASSERT_TRUE(sink.running());
  CountRecorder counts;
  QueuedMailerOptions mailer_options;
  mailer_options.retry_delays = {std::chrono::milliseconds(1), std::chrono::milliseconds(1)};
  QueuedMailer mailer(std::make_unique<SmtpTransport>(Options(sink.url())), mailer_options,
                      counts.Callback());
  EXPECT_TRUE(mailer.Send({EmailType::kPasswordReset, "carol@example.com", "carol", "r3set"}));
  EXPECT_TRUE(mailer.Send({EmailType::kPasswordReset, "tempfail@example.com", "t", "x"}));
  const auto mail = sink.WaitFor("carol@example.com", "Reset your", std::chrono::seconds(30));
  ASSERT_TRUE(mail.has_value());
  EXPECT_EQ(ExtractTokenFromLink(mail->text, "/reset-password"), "r3set");
  mailer.Shutdown(std::chrono::seconds(60));
  EXPECT_EQ(counts.Get("password_reset", "smtp", "sent"), 1);
  EXPECT_EQ(counts.Get("password_reset", "smtp", "failed"), 1);  // 451 three times
}

TEST(ExtractTokenFromLinkTest, FindsAndDecodesTheToken) {
  EXPECT_EQ(ExtractTokenFromLink("Open https://x/verify-email?token=a%2Bb%3D now", "/verify-email"),
            "a+b=");
  EXPECT_EQ(
      ExtractTokenFromLink("<a href=\"https://x/reset-password?token=abc\">", "/reset-password"),
      "abc");
  EXPECT_EQ(ExtractTokenFromLink("https://x/reset-password?token=abc&amp;x=1", "/reset-password"),
            "abc");
  EXPECT_EQ(ExtractTokenFromLink("no link here", "/verify-email"), "");
}

}  // namespace
}  // namespace howler::email
