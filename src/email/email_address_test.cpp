#include "email/email_address.h"

#include <gtest/gtest.h>

#include <string>

namespace howler::email {
namespace {

TEST(EmailAddressTest, AcceptsOrdinaryAddresses) {
  EXPECT_TRUE(IsValidAddress("alice@example.com"));
  EXPECT_TRUE(IsValidAddress("first.last+tag@sub.example.co.uk"));
  EXPECT_TRUE(IsValidAddress("noreply@localhost"));
}

TEST(EmailAddressTest, RejectsMalformedAddresses) {
  EXPECT_FALSE(IsValidAddress(""));
  EXPECT_FALSE(IsValidAddress("alice"));
  EXPECT_FALSE(IsValidAddress("@example.com"));
  EXPECT_FALSE(IsValidAddress("alice@"));
  EXPECT_FALSE(IsValidAddress("a@b@c"));
  EXPECT_FALSE(IsValidAddress("alice smith@example.com"));
  EXPECT_FALSE(IsValidAddress(std::string(250, 'a') + "@b.cd"));
}

TEST(EmailAddressTest, RejectsHeaderAndCommandInjection) {
  EXPECT_FALSE(IsValidAddress("alice@example.com\r\nBcc: eve@example.com"));
  EXPECT_FALSE(IsValidAddress("alice@example.com\n"));
  EXPECT_FALSE(IsValidAddress("alice@example.com>"));
  EXPECT_FALSE(IsValidAddress("<alice@example.com"));
  EXPECT_FALSE(IsValidAddress("alice@example.com,eve@example.com"));
  EXPECT_FALSE(IsValidAddress("\"alice\"@example.com"));
}

TEST(EmailAddressTest, DomainIsThePartAfterTheAt) {
  EXPECT_EQ(AddressDomain("alice@example.com"), "example.com");
  EXPECT_EQ(AddressDomain("alice"), "");
}

}  // namespace
}  // namespace howler::email
