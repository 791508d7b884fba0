#include "email/transport_factory.h"

#include <gtest/gtest.h>

namespace howler::email {
namespace {

TEST(TransportFactoryTest, PrefersResend) {
  EmailOptions options;
  options.resend_api_key = "re_key";
  options.resend_from_email = "noreply@example.com";
  options.smtp_url = "smtp://127.0.0.1:25";
  EXPECT_EQ(MakeTransport(options)->name(), "resend");
}

TEST(TransportFactoryTest, FallsBackToSmtp) {
  EmailOptions options;
  options.smtp_url = "smtp://127.0.0.1:25";
  EXPECT_EQ(MakeTransport(options)->name(), "smtp");
}

TEST(TransportFactoryTest, FallsBackToTheLog) {
  EXPECT_EQ(MakeTransport(EmailOptions{})->name(), "log");
}

TEST(TransportFactoryTest, TemplateContextComesFromTheOptions) {
  EmailOptions options;
  options.base_url = "https://app.example.com";
  options.product_name = "Acme";
  const TemplateContext context = MakeTemplateContext(options);
  EXPECT_EQ(context.base_url, "https://app.example.com");
  EXPECT_EQ(context.product_name, "Acme");
  EXPECT_EQ(MakeTemplateContext(EmailOptions{}).base_url, TemplateContext{}.base_url);
}

}  // namespace
}  // namespace howler::email
