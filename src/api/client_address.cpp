#include "api/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace howler::api {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsTrusted(std::string_view ip, const std::vector<std::string>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(),
                     [&](const std::string& spec) { return AddressMatches(ip, spec); });
}

}  // namespace

bool AddressMatches(std::string_view ip, std::string_view spec) {
  std::string_view net = spec;
  int prefix = -1;
  if (auto slash = spec.find('/'); slash != std::string_view::npos) {
    net = spec.substr(0, slash);
    const std::string bits(spec.substr(slash + 1));
    if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), ::isdigit)) {
      return false;
    }
    prefix = std::stoi(bits);
  }
  std::array<unsigned char, 16> a{}, b{};
  const std::string ip_s(ip), net_s(net);
  int family = AF_INET;
  int len = 4;
  if (inet_pton(AF_INET, ip_s.c_str(), a.data()) != 1) {
    family = AF_INET6;
    len = 16;
    if (inet_pton(AF_INET6, ip_s.c_str(), a.data()) != 1) return false;
  }
  if (inet_pton(family, net_s.c_str(), b.data()) != 1) return false;
  if (prefix < 0) prefix = len * 8;
  if (prefix > len * 8) return false;
  for (int i = 0; i < len && prefix > 0; ++i, prefix -= 8) {
    const unsigned char mask =
        prefix >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - prefix));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

std::string ClientAddress(std::string_view peer, std::optional<std::string_view> forwarded_for,
                          const std::vector<std::string>& trusted_proxies) {
  if (!forwarded_for || !IsTrusted(peer, trusted_proxies)) return std::string(peer);
  std::string_view rest = *forwarded_for;
  while (!rest.empty()) {
    const size_t comma = rest.rfind(',');
    const std::string_view candidate =
        Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (candidate.empty()) continue;
    if (!AddressMatches(candidate, candidate)) break;  // not an address: stop trusting
    if (!IsTrusted(candidate, trusted_proxies)) return std::string(candidate);
  }
  return std::string(peer);
}

}  // namespace howler::api
