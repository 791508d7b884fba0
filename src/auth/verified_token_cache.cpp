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
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.insert_or_assign(std::string(token), claims);
}

std::size_t VerifiedTokenCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace howler::auth
