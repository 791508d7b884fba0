// The client's address behind trusted proxies, one rule for both transports: the peer is
// the client unless it is a trusted proxy (TRUSTED_PROXIES); then the right-most
// X-Forwarded-For address that is not a trusted proxy is (a value that is not an address
// stops the walk, and the peer is used). Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace howler::api {

// Whether `ip` lies in `spec` (an IPv4/IPv6 address or a CIDR block). Invalid input -> false.
bool AddressMatches(std::string_view ip, std::string_view spec);

// `peer`, or the client that trusted proxies forwarded for, from the X-Forwarded-For value
// (HTTP header or gRPC `x-forwarded-for` metadata) when present.
std::string ClientAddress(std::string_view peer, std::optional<std::string_view> forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

}  // namespace howler::api
