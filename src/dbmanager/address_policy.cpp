#include "dbmanager/address_policy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace howler::dbmanager {
namespace {

constexpr std::size_t kMaxHostLength = 253;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

bool InV4(const std::array<std::uint8_t, 4>& a, std::uint8_t b0, std::uint8_t b1, int prefix) {
  const std::uint32_t value =
      (std::uint32_t{a[0]} << 24) | (std::uint32_t{a[1]} << 16) | (std::uint32_t{a[2]} << 8) | a[3];
  const std::uint32_t base = (std::uint32_t{b0} << 24) | (std::uint32_t{b1} << 16);
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (value & mask) == (base & mask);
}

AddressClass ClassifyV4(const std::array<std::uint8_t, 4>& a) {
  if (InV4(a, 127, 0, 8)) return AddressClass::kLoopback;
  if (InV4(a, 169, 254, 16)) return AddressClass::kLinkLocal;
  if (InV4(a, 10, 0, 8) || InV4(a, 172, 16, 12) || InV4(a, 192, 168, 16) || InV4(a, 100, 64, 10)) {
    return AddressClass::kPrivate;
  }
  if (InV4(a, 0, 0, 8) || InV4(a, 224, 0, 4) || InV4(a, 240, 0, 4) || InV4(a, 192, 0, 24) ||
      InV4(a, 198, 18, 15)) {
    return AddressClass::kSpecial;  // this network, multicast, reserved+broadcast, IETF, bench
  }
  return AddressClass::kPublic;
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 64) {
    return std::nullopt;
  }
  const std::string copy(text);
  IpAddress address;
  in_addr v4{};
  if (::inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
    address.v4 = true;
    address.bytes[10] = 0xff;
    address.bytes[11] = 0xff;
    std::memcpy(address.bytes.data() + 12, &v4, 4);
    return address;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, copy.c_str(), &v6) == 1) {
    std::memcpy(address.bytes.data(), &v6, 16);
    return address;
  }
  return std::nullopt;
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (v4) {
    ::inet_ntop(AF_INET, bytes.data() + 12, buffer, sizeof buffer);
  } else {
    ::inet_ntop(AF_INET6, bytes.data(), buffer, sizeof buffer);
  }
  return buffer;
}

std::optional<IpNetwork> IpNetwork::Parse(std::string_view text) {
  text = Trim(text);
  const std::size_t slash = text.find('/');
  auto base = IpAddress::Parse(text.substr(0, slash));
  if (!base) {
    return std::nullopt;
  }
  const int width = base->v4 ? 32 : 128;
  int prefix = width;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
        prefix > width) {
      return std::nullopt;
    }
  }
  return IpNetwork{*base, base->v4 ? prefix + 96 : prefix};
}

bool IpNetwork::Contains(const IpAddress& address) const {
  for (int bit = 0; bit < prefix; ++bit) {
    const int byte = bit / 8;
    const std::uint8_t mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
    if ((address.bytes[byte] & mask) != (base.bytes[byte] & mask)) {
      return false;
    }
  }
  return true;
}

AddressClass Classify(const IpAddress& address) {
  const auto& b = address.bytes;
  const bool mapped = std::all_of(b.begin(), b.begin() + 10, [](auto x) { return x == 0; }) &&
                      b[10] == 0xff && b[11] == 0xff;
  static const IpNetwork kNat64 = *IpNetwork::Parse("64:ff9b::/96");
  if (mapped || kNat64.Contains(address)) {
    return ClassifyV4({b[12], b[13], b[14], b[15]});
  }
  static const IpNetwork kLoopback = *IpNetwork::Parse("::1/128");
  static const IpNetwork kUnspecified = *IpNetwork::Parse("::/128");
  static const IpNetwork kLinkLocal = *IpNetwork::Parse("fe80::/10");
  static const IpNetwork kSiteLocal = *IpNetwork::Parse("fec0::/10");
  static const IpNetwork kUniqueLocal = *IpNetwork::Parse("fc00::/7");
  static const IpNetwork kMulticast = *IpNetwork::Parse("ff00::/8");
  static const IpNetwork kCompatible = *IpNetwork::Parse("::/96");  // deprecated v4-compatible
  if (kLoopback.Contains(address)) return AddressClass::kLoopback;
  if (kLinkLocal.Contains(address)) return AddressClass::kLinkLocal;
  if (kUniqueLocal.Contains(address)) return AddressClass::kPrivate;
  if (kUnspecified.Contains(address) || kSiteLocal.Contains(address) ||
      kMulticast.Contains(address) || kCompatible.Contains(address)) {
    return AddressClass::kSpecial;
  }
  return AddressClass::kPublic;
}

std::vector<std::string> SplitAllowList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = Trim(text.substr(0, comma));
    if (!item.empty()) {
      out.emplace_back(item);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    text.remove_prefix(comma + 1);
  }
  return out;
}

Result<AddressPolicy> AddressPolicy::Create(const AddressPolicyOptions& options) {
  AddressPolicy policy;
  policy.allow_loopback_ = options.allow_loopback;
  for (const auto& host : options.allowed_hosts) {
    policy.allowed_hosts_.push_back(Lower(Trim(host)));
  }
  for (const auto& text : options.allowed_networks) {
    auto network = IpNetwork::Parse(text);
    if (!network) {
      return InvalidArgumentError("DBMANAGER_ALLOWED_NETWORKS: not a network: " + text);
    }
    policy.allowed_networks_.push_back(*network);
  }
  return policy;
}

bool AddressPolicy::Allows(const IpAddress& address, std::string_view host) const {
  const AddressClass kind = Classify(address);
  if (kind == AddressClass::kPublic) {
    return true;
  }
  if (kind == AddressClass::kLoopback && allow_loopback_) {
    return true;
  }
  if (std::find(allowed_hosts_.begin(), allowed_hosts_.end(), Lower(host)) !=
      allowed_hosts_.end()) {
    return true;
  }
  return std::any_of(allowed_networks_.begin(), allowed_networks_.end(),
                     [&](const IpNetwork& network) { return network.Contains(address); });
}

Result<std::string> AddressPolicy::Check(std::string_view host, Resolver& resolver) const {
  if (host.empty() || host.size() > kMaxHostLength ||
      std::any_of(host.begin(), host.end(),
                  [](unsigned char c) { return c <= ' ' || c == 0x7f; })) {
    return InvalidArgumentError("database host is not a valid host name");
  }
  std::vector<IpAddress> addresses;
  if (auto numeric = IpAddress::Parse(host)) {
    addresses.push_back(*numeric);
  } else {
    HOWLER_ASSIGN_OR_RETURN(addresses, resolver.Resolve(std::string(host)));
  }
  std::string refused;
  for (const IpAddress& address : addresses) {
    if (Allows(address, host)) {
      return address.ToString();
    }
    refused += (refused.empty() ? "" : ", ") + address.ToString();
  }
  return PermissionDeniedError("database host is not allowed")
      .WithDetail("refused addresses: " + refused);
}

namespace {

class SystemResolver : public Resolver {
 public:
  Result<std::vector<IpAddress>> Resolve(const std::string& host) override {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0 || found == nullptr) {
      return UnavailableError("database host name could not be resolved")
          .WithDetail(::gai_strerror(rc));
    }
    std::vector<IpAddress> out;
    for (addrinfo* it = found; it != nullptr; it = it->ai_next) {
      char text[INET6_ADDRSTRLEN] = {};
      const void* raw =
          it->ai_family == AF_INET
              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(it->ai_addr)->sin_addr)
              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(it->ai_addr)->sin6_addr);
      if (::inet_ntop(it->ai_family, raw, text, sizeof text) != nullptr) {
        if (auto address = IpAddress::Parse(text);
            address && std::find(out.begin(), out.end(), *address) == out.end()) {
          out.push_back(*address);
        }
      }
    }
    ::freeaddrinfo(found);
    return out;
  }
};

}  // namespace

std::unique_ptr<Resolver> MakeSystemResolver() {
  return std::make_unique<SystemResolver>();
}

}  // namespace howler::dbmanager
