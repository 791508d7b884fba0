// SessionCache: what this instance recently learnt about sessions, so an authenticated
// request need not read the session row every time (DESIGN.md section 6: a revoked
// session's tokens stop working on the revoking instance at once, everywhere else within
// the cache TTL).
//
// Contract:
// - Get returns kActive only for a PutActive less than `ttl` ago, kRevoked for a revocation
//   mark less than max(ttl, kMinRevokedTtl) ago, else kUnknown (read the store, then
//   PutActive or MarkRevoked).
// - Revocation is final: after MarkRevoked(id) (or MarkUserRevoked covering id), Get never
//   returns kActive for id while the mark lives, even if a request that read the store
//   before the revocation calls PutActive afterwards; once the mark expires or is evicted
//   Get returns kUnknown, forcing a store read that sees the revocation.
// - MarkUserRevoked marks the user's cached sessions only; sessions this instance has not
//   cached are kUnknown anyway. A PutActive racing with it for an uncached session can
//   cache a stale kActive for at most `ttl`, as on any other instance.
// - Memory follows the sessions in use: each write first drops the entries that have
//   expired (amortized O(1) per write), so the cache holds the sessions written within
//   `ttl` and the marks written within their own TTL. A mark is never dropped before it
//   expires except by the bound below.
// - At most max_entries entries are kept (a second line of defence); the least recently
//   written is evicted first.
// Thread-safety: all methods are safe to call concurrently. The Clock must outlive the
// cache.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/clock.h"

namespace howler::auth {

class SessionCache {
 public:
  static constexpr std::chrono::minutes kMinRevokedTtl{5};

  // `max_entries` below 1 is treated as 1.
  SessionCache(std::chrono::milliseconds ttl, std::size_t max_entries, const Clock& clock);

  enum class State { kUnknown, kActive, kRevoked };

  // kActive only when the session was put active for `user_id`: a token naming another
  // user's session is kUnknown, and the store check refuses it.
  State Get(std::string_view session_id, std::string_view user_id);

  // Records that the store says `session_id` (of `user_id`) is active. Ignored while the
  // session carries a revocation mark.
  void PutActive(std::string_view session_id, std::string user_id);

  // Marks `session_id` revoked on this instance, with immediate effect.
  void MarkRevoked(std::string_view session_id);

  // Marks every cached session of `user_id` revoked except `keep_session_id` (for "end the
  // other sessions" after a password change; empty keeps none).
  void MarkUserRevoked(std::string_view user_id, std::string_view keep_session_id = {});

  // The number of entries held (<= max_entries); expired ones until the next write.
  std::size_t size() const;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

  struct Entry {
    State state;
    std::string user_id;
    TimePoint expires_at;
    std::list<std::string>::iterator order;
  };

  // All require mu_.
  void Write(std::string_view session_id, State state, std::string user_id);
  void DropExpired(TimePoint now);
  void EvictLeastRecentlyWritten();
  std::list<std::string>& OrderOf(State state);
  void Erase(StringMap<Entry>::iterator it);
  void Unindex(const std::string& session_id, const std::string& user_id);
  std::chrono::milliseconds TtlFor(State state) const;

  const std::chrono::milliseconds ttl_;
  const std::size_t max_entries_;
  const Clock& clock_;

  mutable std::mutex mu_;
  StringMap<Entry> entries_;
  // Least recently written first, one list per state: entries of one state share a TTL,
  // so each list is also in order of expiry.
  std::list<std::string> active_order_;
  std::list<std::string> revoked_order_;
  StringMap<std::unordered_set<std::string>> sessions_by_user_;
};

}  // namespace howler::auth
