#include "email/templates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace howler::email {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TemplateContext Context() {
  TemplateContext context;
  context.base_url = "https://app.example.com/";
  return context;
}

EmailMessage Message(EmailType type, std::string token = "tok+en/=") {
  return {type, "alice@example.com", "alice", std::move(token)};
}

TEST(TemplatesTest, VerificationEmailCarriesTheLinkAndTheDayLongExpiry) {
  const RenderedEmail email = Render(Message(EmailType::kVerification), Context());
  const std::string link = "https://app.example.com/verify-email?token=tok%2Ben%2F%3D";
  EXPECT_EQ(email.type, EmailType::kVerification);
  EXPECT_EQ(email.to, "alice@example.com");
  EXPECT_EQ(email.link, link);
  EXPECT_EQ(email.subject, "Verify your email for Howlerops");
  EXPECT_THAT(email.text, HasSubstr(link));
  EXPECT_THAT(email.text, HasSubstr("Hi alice,"));
  EXPECT_THAT(email.text, HasSubstr("expires in 24 hours"));
  EXPECT_THAT(email.html, HasSubstr("href=\"" + link + "\""));
  EXPECT_THAT(email.html, HasSubstr("expires in 24 hours"));
  EXPECT_TRUE(email.id.empty());
}

TEST(TemplatesTest, ResetEmailCarriesTheLinkAndTheHourLongExpiry) {
  const RenderedEmail email = Render(Message(EmailType::kPasswordReset, "abc"), Context());
  const std::string link = "https://app.example.com/reset-password?token=abc";
  EXPECT_EQ(email.link, link);
  EXPECT_EQ(email.subject, "Reset your Howlerops password");
  EXPECT_THAT(email.text, HasSubstr(link));
  EXPECT_THAT(email.text, HasSubstr("expires in 1 hour "));
  EXPECT_THAT(email.html, HasSubstr("href=\"" + link + "\""));
  EXPECT_THAT(email.html, HasSubstr("expires in 1 hour "));
}

TEST(TemplatesTest, InvitationEmailLinksToTheInvitePageAndNamesTheTeam) {
  EmailMessage message{EmailType::kInvitation, "bob@example.com", "", "AbC_9-x"};
  message.organization = "Data <Team>";
  message.inviter = "alice";
  message.role = "admin";
  const RenderedEmail email = Render(message, Context());
  const std::string link = "https://app.example.com/#/invite/AbC_9-x";
  EXPECT_EQ(email.link, link);
  EXPECT_EQ(email.subject, "You are invited to join Data <Team> on Howlerops");
  EXPECT_THAT(email.text, HasSubstr("alice invited you to join the organization Data <Team>"));
  EXPECT_THAT(email.text, HasSubstr("as an admin"));
  EXPECT_THAT(email.text, HasSubstr("expires in 168 hours"));
  EXPECT_THAT(email.text, HasSubstr(link));
  EXPECT_THAT(email.html, HasSubstr("Data &lt;Team&gt;"));
  EXPECT_THAT(email.html, Not(HasSubstr("<Team>")));
}

TEST(TemplatesTest, WelcomeEmailLinksToTheAppWithoutExpiry) {
  const RenderedEmail email = Render(Message(EmailType::kWelcome, ""), Context());
  EXPECT_EQ(email.link, "https://app.example.com");
  EXPECT_EQ(email.subject, "Welcome to Howlerops");
  EXPECT_THAT(email.text, HasSubstr("https://app.example.com"));
  EXPECT_THAT(email.text, Not(HasSubstr("expires")));
  EXPECT_THAT(email.html, Not(HasSubstr("token")));
}

TEST(TemplatesTest, EscapesInterpolatedValuesInHtml) {
  TemplateContext context = Context();
  context.product_name = "Howler & <Ops>";
  context.base_url = "https://app.example.com/\"><script>";
  EmailMessage message = Message(EmailType::kVerification);
  message.username = "<script>alert(1)</script>";
  const RenderedEmail email = Render(message, context);
  EXPECT_THAT(email.html, Not(HasSubstr("<script>")));
  EXPECT_THAT(email.html, Not(HasSubstr("<Ops>")));
  EXPECT_THAT(email.html, HasSubstr("Hi &lt;script&gt;alert(1)&lt;/script&gt;,"));
  EXPECT_THAT(email.html, HasSubstr("Howler &amp; &lt;Ops&gt;"));
  EXPECT_THAT(email.html, HasSubstr("href=\"https://app.example.com/&quot;&gt;&lt;script&gt;"));
  EXPECT_THAT(email.text, HasSubstr("Hi <script>alert(1)</script>,"));  // plain text as is
  EXPECT_EQ(email.subject, "Verify your email for Howler & <Ops>");
}

TEST(TemplatesTest, GreetsWithoutANameWhenThereIsNone) {
  EmailMessage message = Message(EmailType::kWelcome, "");
  message.username.clear();
  EXPECT_THAT(Render(message, Context()).text, HasSubstr("Hi,\n"));
}

TEST(TemplatesTest, UsesTheConfiguredProductNameAndExpiry) {
  TemplateContext context = Context();
  context.product_name = "Acme SQL";
  context.reset_ttl = std::chrono::minutes(30);
  const RenderedEmail email = Render(Message(EmailType::kPasswordReset), context);
  EXPECT_EQ(email.subject, "Reset your Acme SQL password");
  EXPECT_THAT(email.text, HasSubstr("expires in 30 minutes"));
  EXPECT_THAT(email.text, HasSubstr("The Acme SQL team"));
}

TEST(ExpiryWordingTest, PrefersHours) {
  EXPECT_EQ(ExpiryWording(std::chrono::hours(24)), "24 hours");
  EXPECT_EQ(ExpiryWording(std::chrono::hours(1)), "1 hour");
  EXPECT_EQ(ExpiryWording(std::chrono::minutes(90)), "90 minutes");
  EXPECT_EQ(ExpiryWording(std::chrono::minutes(1)), "1 minute");
}

TEST(ActionLinkTest, IgnoresTrailingSlashesOfTheBaseUrl) {
  TemplateContext context;
  context.base_url = "http://localhost:3000//";
  EXPECT_EQ(ActionLink(Message(EmailType::kVerification, "t"), context),
            "http://localhost:3000/verify-email?token=t");
  EXPECT_EQ(ActionLink(Message(EmailType::kWelcome, ""), context), "http://localhost:3000");
}

}  // namespace
}  // namespace howler::email
