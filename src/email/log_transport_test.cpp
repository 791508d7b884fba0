#include "email/log_transport.h"

#include <gtest/gtest.h>

namespace howler::email {
namespace {

TEST(MaskLinkTokenTest, MasksTheInvitationToken) {
  EXPECT_EQ(MaskLinkToken("https://app.example/#/invite/AbC-123_x"),
            "https://app.example/#/invite/****");
}

TEST(MaskLinkTokenTest, MasksTheTokenParameter) {
  EXPECT_EQ(MaskLinkToken("http://localhost:3000/verify-email?token=s3cr3t%2B"),
            "http://localhost:3000/verify-email?token=****");
  EXPECT_EQ(MaskLinkToken("https://x/reset-password?a=1&token=s3cr3t&b=2#top"),
            "https://x/reset-password?a=1&token=****&b=2#top");
  EXPECT_EQ(MaskLinkToken("https://x/p?token=a&token=b"), "https://x/p?token=****&token=****");
}

TEST(MaskLinkTokenTest, LeavesOtherLinksAlone) {
  EXPECT_EQ(MaskLinkToken("https://app.example.com"), "https://app.example.com");
  EXPECT_EQ(MaskLinkToken("https://x/p?tokens=1&mytoken=2"), "https://x/p?tokens=1&mytoken=2");
  EXPECT_EQ(MaskLinkToken(""), "");
}

TEST(LogTransportTest, AlwaysSucceeds) {
  LogTransport transport;
  RenderedEmail email;
  email.type = EmailType::kVerification;
  email.to = "alice@example.com";
  email.link = "http://localhost:3000/verify-email?token=secret";
  EXPECT_EQ(transport.name(), "log");
  EXPECT_TRUE(transport.Deliver(email, {}).ok());
}

}  // namespace
}  // namespace howler::email
