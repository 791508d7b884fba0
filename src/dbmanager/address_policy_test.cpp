#include "dbmanager/address_policy.h"

#include <gtest/gtest.h>

#include <map>

namespace howler::dbmanager {
namespace {

class FakeResolver : public Resolver {
 public:
  std::map<std::string, std::vector<std::string>> answers;
  int calls = 0;

  Result<std::vector<IpAddress>> Resolve(const std::string& host) override {
    ++calls;
    auto it = answers.find(host);
    if (it == answers.end()) {
      return UnavailableError("database host name could not be resolved");
    }
    std::vector<IpAddress> out;
    for (const auto& text : it->second) {
      out.push_back(*IpAddress::Parse(text));
    }
    return out;
  }
};

AddressClass ClassOf(const char* text) {
  auto address = IpAddress::Parse(text);
  EXPECT_TRUE(address.has_value()) << text;
  return address ? Classify(*address) : AddressClass::kSpecial;
}

AddressPolicy Policy(AddressPolicyOptions options = {}) {
  auto policy = AddressPolicy::Create(options);
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  return *policy;
}

TEST(AddressPolicyTest, ClassifiesEveryRange) {
  struct Case {
    const char* address;
    AddressClass expected;
  };
  const Case cases[] = {
      {"127.0.0.1", AddressClass::kLoopback},
      {"127.255.0.9", AddressClass::kLoopback},
      {"::1", AddressClass::kLoopback},
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"169.254.169.254", AddressClass::kLinkLocal},
      {"::ffff:169.254.169.254", AddressClass::kLinkLocal},
      {"64:ff9b::a9fe:a9fe", AddressClass::kLinkLocal},  // NAT64 of 169.254.169.254
      {"fe80::1", AddressClass::kLinkLocal},
      {"10.1.2.3", AddressClass::kPrivate},
      {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"192.168.1.1", AddressClass::kPrivate},
      {"100.64.0.1", AddressClass::kPrivate},
      {"fd00::1", AddressClass::kPrivate},
      {"fc00::", AddressClass::kPrivate},
      {"0.0.0.0", AddressClass::kSpecial},
      {"::", AddressClass::kSpecial},
      {"224.0.0.1", AddressClass::kSpecial},
      {"255.255.255.255", AddressClass::kSpecial},
      {"ff02::1", AddressClass::kSpecial},
      {"fec0::1", AddressClass::kSpecial},
      {"::127.0.0.1", AddressClass::kSpecial},
      {"172.32.0.1", AddressClass::kPublic},
      {"8.8.8.8", AddressClass::kPublic},
      {"2001:4860:4860::8888", AddressClass::kPublic},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ClassOf(c.address), c.expected) << c.address;
  }
}

TEST(AddressPolicyTest, ParsesAddressesAndNetworks) {
  EXPECT_FALSE(IpAddress::Parse("").has_value());
  EXPECT_FALSE(IpAddress::Parse("db.example.com").has_value());
  EXPECT_FALSE(IpAddress::Parse("1.2.3").has_value());
  EXPECT_EQ(IpAddress::Parse("[::1]")->ToString(), "::1");
  EXPECT_EQ(IpAddress::Parse("10.0.0.1")->ToString(), "10.0.0.1");
  auto network = IpNetwork::Parse(" 10.0.0.0/8 ");
  ASSERT_TRUE(network.has_value());
  EXPECT_TRUE(network->Contains(*IpAddress::Parse("10.200.1.1")));
  EXPECT_FALSE(network->Contains(*IpAddress::Parse("11.0.0.1")));
  EXPECT_TRUE(IpNetwork::Parse("fd00::/8")->Contains(*IpAddress::Parse("fd12::1")));
  EXPECT_TRUE(IpNetwork::Parse("192.168.1.5")->Contains(*IpAddress::Parse("192.168.1.5")));
  EXPECT_FALSE(IpNetwork::Parse("192.168.1.5")->Contains(*IpAddress::Parse("192.168.1.6")));
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/33").has_value());
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/").has_value());
  EXPECT_FALSE(IpNetwork::Parse("10.0.0.0/x").has_value());
  EXPECT_FALSE(AddressPolicy::Create({.allowed_networks = {"not-a-network"}}).ok());
  EXPECT_EQ(SplitAllowList(" a.example, ,b.example ,"),
            (std::vector<std::string>{"a.example", "b.example"}));
}

TEST(AddressPolicyTest, ProductionRefusesInternalAddresses) {
  AddressPolicy policy = Policy();
  FakeResolver resolver;
  resolver.answers["localhost"] = {"127.0.0.1", "::1"};
  resolver.answers["metadata.internal"] = {"169.254.169.254"};
  resolver.answers["db.corp"] = {"10.0.0.5"};
  for (const char* host : {"127.0.0.1", "[::1]", "169.254.169.254", "10.0.0.5", "fd00::5",
                           "0.0.0.0", "localhost", "metadata.internal", "db.corp"}) {
    auto checked = policy.Check(host, resolver);
    ASSERT_FALSE(checked.ok()) << host;
    EXPECT_EQ(checked.status().code(), StatusCode::kPermissionDenied) << host;
    EXPECT_EQ(checked.status().message(), "database host is not allowed");
  }
  // The refused address is logged, not shown.
  auto refused = policy.Check("metadata.internal", resolver);
  EXPECT_NE(refused.status().detail().find("169.254.169.254"), std::string::npos);
  EXPECT_EQ(refused.status().message().find("169.254"), std::string::npos);
}

TEST(AddressPolicyTest, DevelopmentAllowsLoopbackOnly) {
  AddressPolicy policy = Policy({.allow_loopback = true});
  FakeResolver resolver;
  resolver.answers["localhost"] = {"127.0.0.1"};
  EXPECT_EQ(*policy.Check("localhost", resolver), "127.0.0.1");
  EXPECT_EQ(*policy.Check("::1", resolver), "::1");
  EXPECT_FALSE(policy.Check("169.254.169.254", resolver).ok());
  EXPECT_FALSE(policy.Check("192.168.0.10", resolver).ok());
}

TEST(AddressPolicyTest, OperatorAllowListsOpenNamesAndNetworks) {
  AddressPolicy policy =
      Policy({.allowed_hosts = {"DB.Corp"}, .allowed_networks = {"192.168.10.0/24"}});
  FakeResolver resolver;
  resolver.answers["db.corp"] = {"10.0.0.5"};
  resolver.answers["other.corp"] = {"10.0.0.5"};
  resolver.answers["lab"] = {"192.168.10.7"};
  EXPECT_EQ(*policy.Check("db.corp", resolver), "10.0.0.5");  // names compare case-blind
  EXPECT_FALSE(policy.Check("other.corp", resolver).ok());    // same address, other name
  EXPECT_EQ(*policy.Check("lab", resolver), "192.168.10.7");
  EXPECT_EQ(*policy.Check("192.168.10.8", resolver), "192.168.10.8");
  EXPECT_FALSE(policy.Check("192.168.11.8", resolver).ok());
  EXPECT_FALSE(policy.Check("127.0.0.1", resolver).ok());
}

TEST(AddressPolicyTest, ResolvesOnceAndHandsBackTheCheckedAddress) {
  AddressPolicy policy = Policy();
  FakeResolver resolver;
  resolver.answers["mixed.example"] = {"10.0.0.1", "93.184.216.34"};
  auto checked = policy.Check("mixed.example", resolver);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(*checked, "93.184.216.34");  // the internal answer is skipped, never used
  EXPECT_EQ(resolver.calls, 1);
  // A later answer (rebinding) cannot matter: the caller connects to the address above.
  resolver.answers["mixed.example"] = {"127.0.0.1"};
  EXPECT_FALSE(policy.Check("mixed.example", resolver).ok());
  // Numeric hosts are not resolved.
  EXPECT_EQ(*policy.Check("93.184.216.34", resolver), "93.184.216.34");
  EXPECT_EQ(resolver.calls, 2);
}

TEST(AddressPolicyTest, RefusesMalformedAndUnknownHosts) {
  AddressPolicy policy = Policy();
  FakeResolver resolver;
  EXPECT_EQ(policy.Check("", resolver).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(policy.Check("a b", resolver).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(policy.Check("bad\nhost", resolver).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(policy.Check(std::string(300, 'a'), resolver).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(policy.Check("nowhere.example", resolver).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(resolver.calls, 1);
}

TEST(AddressPolicyTest, SystemResolverResolvesLocalhost) {
  auto resolver = MakeSystemResolver();
  auto addresses = resolver->Resolve("localhost");
  ASSERT_TRUE(addresses.ok()) << addresses.status().ToString();
  ASSERT_FALSE(addresses->empty());
  EXPECT_EQ(Classify(addresses->front()), AddressClass::kLoopback);
}

}  // namespace
}  // namespace howler::dbmanager
