#include "auth/verified_token_cache.h"

namespace howler::auth {

std::optional<AccessClaims> VerifiedTokenCache::Get(std::string_view token) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(token);
  if (it == entries_.end() || it->second.expires_at <= clock_.Now()) return std::nullopt;
  return it->second;
}

void VerifiedTokenCache::Put(std::string_view token, const AccessClaims& claims) {
  std::lock_guard lock(mu_);
  const TimePoint now = clock_.Now();
  DropExpired(now);
  if (claims.expires_at <= now) return;
  if (auto it = entries_.find(token); it != entries_.end()) {
    if (it->second.expires_at == claims.expires_at) {
      it->second = claims;  // its element already has this expiry
      return;
    }
    entries_.erase(it);  // its element turns stale; a new one is queued below
  }
  if (entries_.size() >= max_entries_ || expiry_.size() >= 2 * max_entries_) {
    entries_.clear();
    expiry_.clear();
  }
  const auto life = std::chrono::duration_cast<std::chrono::milliseconds>(claims.expires_at - now);
  const TimePoint drop_at = life > max_hold_ ? now + max_hold_ : claims.expires_at;
  expiry_.push_back(Queued{drop_at, std::string(token)});
  entries_.emplace(std::string_view(expiry_.back().token), claims);
}

std::size_t VerifiedTokenCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

// Pops the queue's front while its time is up, erasing the entry of each live element popped (one
// whose text the entry's key views) before the text goes.
void VerifiedTokenCache::DropExpired(TimePoint now) {
  while (!expiry_.empty() && expiry_.front().drop_at <= now) {
    const std::string& token = expiry_.front().token;
    auto it = entries_.find(token);
    if (it != entries_.end() && it->first.data() == token.data()) entries_.erase(it);
    expiry_.pop_front();
  }
}

}  // namespace howler::auth
