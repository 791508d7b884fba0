// AddressPolicy: which database hosts the server may connect to for users (SSRF defence).
//
// A user names a host; the server connects to it from inside the operator's network. So
// the name is resolved first, every resolved address is checked, and the engine is handed
// the checked numeric address to connect to (ConnectionSpec::address), never the name
// again: a DNS answer that changes between check and connect (rebinding) changes nothing.
//
// Refused unless allowed: loopback (127/8, ::1), link-local (169.254/16 - cloud metadata
// lives there - and fe80::/10), private (10/8, 172.16/12, 192.168/16, 100.64/10),
// unique-local (fc00::/7) and the other special ranges (0/8, multicast, reserved,
// broadcast, unspecified, site-local fec0::/10). IPv4-mapped and NAT64 (64:ff9b::/96) IPv6
// addresses are judged by the IPv4 address inside. Allowed by the operator: a host name in
// DBMANAGER_ALLOWED_HOSTS (exact, case-insensitive), or an address inside one of the
// DBMANAGER_ALLOWED_NETWORKS (CIDR). Development also allows loopback.
//
// Pure logic over a Resolver; immutable after Create, so thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace howler::dbmanager {

// An IPv4 or IPv6 address; IPv4 is kept as its IPv4-mapped IPv6 form (::ffff:a.b.c.d).
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;

  // Numeric text ("10.0.0.1", "fe80::1", "[::1]"); nullopt for anything else.
  static std::optional<IpAddress> Parse(std::string_view text);
  std::string ToString() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// "10.0.0.0/8", "fd00::/8", or a single address (a /32 or /128).
struct IpNetwork {
  IpAddress base;
  int prefix = 0;  // in bits of the 128-bit form

  static std::optional<IpNetwork> Parse(std::string_view text);
  bool Contains(const IpAddress& address) const;
};

enum class AddressClass {
  kPublic,
  kLoopback,
  kLinkLocal,
  kPrivate,  // RFC 1918, shared address space (100.64/10), unique-local (fc00::/7)
  kSpecial,  // unspecified, "this network", multicast, reserved, broadcast, site-local
};
AddressClass Classify(const IpAddress& address);

// Resolves a host name to its addresses, in the order to try them.
class Resolver {
 public:
  virtual ~Resolver() = default;
  // UNAVAILABLE "database host name could not be resolved" when it does not resolve.
  virtual Result<std::vector<IpAddress>> Resolve(const std::string& host) = 0;
};
// getaddrinfo: blocks for the lookup; call on a worker, never an I/O thread.
std::unique_ptr<Resolver> MakeSystemResolver();

struct AddressPolicyOptions {
  bool allow_loopback = false;                // development
  std::vector<std::string> allowed_hosts;     // DBMANAGER_ALLOWED_HOSTS
  std::vector<std::string> allowed_networks;  // DBMANAGER_ALLOWED_NETWORKS (CIDR text)
};

// Splits a comma-separated environment value; blanks dropped, spaces trimmed.
std::vector<std::string> SplitAllowList(std::string_view text);

class AddressPolicy {
 public:
  // INVALID_ARGUMENT naming the entry when a network is not a CIDR.
  static Result<AddressPolicy> Create(const AddressPolicyOptions& options);

  // The numeric address to connect to for `host`: the first resolved address the policy
  // allows (a numeric host is not resolved). INVALID_ARGUMENT for an empty or malformed
  // host, UNAVAILABLE when it does not resolve, PERMISSION_DENIED "database host is not
  // allowed" when no address is (the refused addresses are the detail, for the log).
  Result<std::string> Check(std::string_view host, Resolver& resolver) const;

  // Whether `address`, reached through the name `host`, may be connected to.
  bool Allows(const IpAddress& address, std::string_view host) const;

 private:
  bool allow_loopback_ = false;
  std::vector<std::string> allowed_hosts_;  // lower case
  std::vector<IpNetwork> allowed_networks_;
};

}  // namespace howler::dbmanager
