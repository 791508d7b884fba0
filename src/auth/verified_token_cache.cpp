#include "auth/verified_token_cache.h"

namespace howler::auth {

std::optional<AccessClaims> VerifiedTokenCache::Get(std::string_view token) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(token));
  if (it == entries_.end() || it->second.expires_at <= clock_.Now()) return std::nullopt;
  return it->second;
}

void VerifiedTokenCache::Put(std::string_view token, const AccessClaims& claims) {
  std::lock_guard lock(mu_);
  const TimePoint now = clock_.Now();
  DropExpired(now);
  if (claims.expires_at <= now) return;
  std::string key(token);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.expires_at == claims.expires_at) {
    it->second = claims;  // already queued at this expiry
    return;
  }
  if (entries_.size() >= max_entries_ || expiry_.size() >= 2 * max_entries_) {
    entries_.clear();
    expiry_.clear();
  }
  expiry_.emplace_back(claims.expires_at, key);
  entries_.insert_or_assign(std::move(key), claims);
}

std::size_t VerifiedTokenCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

// Pops the queue's expired front, erasing each token whose entry still has that expiry.
void VerifiedTokenCache::DropExpired(TimePoint now) {
  while (!expiry_.empty() && expiry_.front().first <= now) {
    auto it = entries_.find(expiry_.front().second);
    if (it != entries_.end() && it->second.expires_at == expiry_.front().first) {
      entries_.erase(it);
    }
    expiry_.pop_front();
  }
}

}  // namespace howler::auth
