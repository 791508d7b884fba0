#include "api/client_address.h"

#include <gtest/gtest.h>

namespace howler::api {
namespace {

TEST(AddressMatchesTest, AddressesAndBlocks) {
  EXPECT_TRUE(AddressMatches("10.1.2.3", "10.0.0.0/8"));
  EXPECT_FALSE(AddressMatches("11.1.2.3", "10.0.0.0/8"));
  EXPECT_TRUE(AddressMatches("127.0.0.1", "127.0.0.1"));
  EXPECT_TRUE(AddressMatches("::1", "::1/128"));
  EXPECT_TRUE(AddressMatches("fd00::5", "fd00::/8"));
  EXPECT_FALSE(AddressMatches("127.0.0.1", "::1"));
  EXPECT_FALSE(AddressMatches("garbage", "10.0.0.0/8"));
  EXPECT_FALSE(AddressMatches("10.0.0.1", "10.0.0.0/99"));
  EXPECT_FALSE(AddressMatches("10.0.0.1", "10.0.0.0/"));
}

TEST(ClientAddressTest, UntrustedPeerIsTheClient) {
  EXPECT_EQ(ClientAddress("203.0.113.9", "1.2.3.4", {"10.0.0.0/8"}), "203.0.113.9");
  EXPECT_EQ(ClientAddress("10.0.0.2", std::nullopt, {"10.0.0.0/8"}), "10.0.0.2");
  EXPECT_EQ(ClientAddress("10.0.0.2", "1.2.3.4", {}), "10.0.0.2");
}

TEST(ClientAddressTest, RightMostUntrustedHopBehindTrustedProxies) {
  const std::vector<std::string> trusted = {"10.0.0.0/8", "::1"};
  EXPECT_EQ(ClientAddress("10.0.0.2", "1.2.3.4", trusted), "1.2.3.4");
  // A client cannot choose its address by prepending hops: the right-most untrusted wins.
  EXPECT_EQ(ClientAddress("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.7", trusted), "1.2.3.4");
  EXPECT_EQ(ClientAddress("::1", " 2001:db8::1 ", trusted), "2001:db8::1");
}

TEST(ClientAddressTest, GarbageStopsTheWalk) {
  const std::vector<std::string> trusted = {"10.0.0.0/8"};
  EXPECT_EQ(ClientAddress("10.0.0.2", "1.2.3.4, not-an-ip", trusted), "10.0.0.2");
  EXPECT_EQ(ClientAddress("10.0.0.2", "", trusted), "10.0.0.2");
  EXPECT_EQ(ClientAddress("10.0.0.2", "10.0.0.3, 10.0.0.4", trusted), "10.0.0.2");
}

}  // namespace
}  // namespace howler::api
