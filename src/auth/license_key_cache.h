// LicenseKeyCache: license keys that matched a usable session, by the exact key text
// (auth/license_key.h), so that a client's repeated sync requests skip the checksum, the
// hashing and the store read (as VerifiedTokenCache does for access tokens). It
// remembers only whose key it is: whether the key's session is still usable is the
// SessionCache's concern, consulted on every request (AuthService::AuthenticateLicenseKey),
// so a revoked session's key stops working as its access tokens do.
//
// Bounded: when `max_entries` is reached the cache is emptied and refills. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/auth_records.h"

namespace howler::auth {

class LicenseKeyCache {
 public:
  // `max_entries` below 1 is treated as 1.
  explicit LicenseKeyCache(std::size_t max_entries) : max_entries_(max_entries) {}

  std::optional<storage::LicenseKeyOwner> Get(std::string_view key) const;
  void Put(std::string_view key, const storage::LicenseKeyOwner& owner);
  void Erase(std::string_view key);
  std::size_t size() const;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  const std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, storage::LicenseKeyOwner, StringHash, std::equal_to<>> entries_;
};

}  // namespace howler::auth
