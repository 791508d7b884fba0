#include "auth/license_key_cache.h"

#include <algorithm>

namespace howler::auth {

std::optional<storage::LicenseKeyOwner> LicenseKeyCache::Get(std::string_view key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void LicenseKeyCache::Put(std::string_view key, const storage::LicenseKeyOwner& owner) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= std::max<std::size_t>(max_entries_, 1) &&
      entries_.find(key) == entries_.end()) {
    entries_.clear();
  }
  entries_.insert_or_assign(std::string(key), owner);
}

void LicenseKeyCache::Erase(std::string_view key) {
  std::lock_guard lock(mu_);
  if (auto it = entries_.find(key); it != entries_.end()) entries_.erase(it);
}

std::size_t LicenseKeyCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace howler::auth
