// VerifiedTokenCache: access tokens that passed AccessTokenService::Verify, remembered
// until they expire, so that a client's repeated requests skip the signature and claim
// checks (about a sixth of an authenticated read's CPU). Keyed by the exact token text,
// so a token differing in any byte is verified afresh. Session revocation is not its
// concern: callers still consult the SessionCache on every request.
//
// Memory follows the tokens in use: a token is held until it expires or for `max_hold`
// after its Put, whichever comes first (a token still in use is then verified again), and
// each Put first drops the tokens whose time is up, in the order they were put (amortized
// O(1) per Put), so the cache holds about the tokens verified within `max_hold`. Tokens are
// put in order of that time when it is max_hold or one access-token TTL; a token due later
// than the ones put after it holds them until its own time (never a token is dropped
// before its time by this). A token put already expired is not kept.
// Bounded as a second line of defence: when `max_entries` is reached the cache is emptied
// and refills. Thread-safe; the Clock must outlive the cache.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
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
  VerifiedTokenCache(std::size_t max_entries, const Clock& clock,
                     std::chrono::milliseconds max_hold = std::chrono::milliseconds::max())
      : max_entries_(max_entries), max_hold_(max_hold), clock_(clock) {}

  // The claims of a token verified before and not yet expired.
  std::optional<AccessClaims> Get(std::string_view token) const;
  void Put(std::string_view token, const AccessClaims& claims);
  // The number of tokens held (<= max_entries); expired ones until the next Put.
  std::size_t size() const;

 private:
  // Requires mu_.
  void DropExpired(TimePoint now);

  const std::size_t max_entries_;
  const std::chrono::milliseconds max_hold_;
  const Clock& clock_;
  mutable std::mutex mu_;
  struct Queued {
    TimePoint drop_at;  // the token's expiry, or max_hold after its Put when sooner
    std::string token;
  };
  // Tokens in the order put. An element is live while the entry of its token is keyed by
  // a view of its text (the latest element of that token); older ones are stale and
  // skipped. At most 2 * max_entries elements.
  std::deque<Queued> expiry_;
  // Keyed by views of live elements' text: the deque neither moves nor copies elements it
  // keeps, so each token's text is held once.
  std::unordered_map<std::string_view, AccessClaims> entries_;
};

}  // namespace howler::auth
