// VerifiedTokenCache: access tokens that passed AccessTokenService::Verify, remembered
// until they expire, so that a client's repeated requests skip the signature and claim
// checks (about a sixth of an authenticated read's CPU). Keyed by the exact token text,
// so a token differing in any byte is verified afresh. Session revocation is not its
// concern: callers still consult the SessionCache on every request.
//
// Bounded: when `max_entries` is reached the cache is emptied and refills. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/access_token.h"
#include "common/clock.h"

namespace howler::auth {

class VerifiedTokenCache {
 public:
  VerifiedTokenCache(std::size_t max_entries, const Clock& clock)
      : max_entries_(max_entries), clock_(clock) {}

  // The claims of a token verified before and not yet expired.
  std::optional<AccessClaims> Get(std::string_view token) const;
  void Put(std::string_view token, const AccessClaims& claims);
  std::size_t size() const;

 private:
  const std::size_t max_entries_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, AccessClaims> entries_;
};

}  // namespace howler::auth
