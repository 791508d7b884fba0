#include "auth/profile_cache.h"

#include <algorithm>
#include <functional>

namespace howler::auth {

ProfileCache::ProfileCache(std::chrono::milliseconds ttl, std::size_t max_entries,
                           const Clock& clock)
    : ttl_(ttl), max_per_shard_(std::max<std::size_t>(1, max_entries / kShards)), clock_(clock) {}

ProfileCache::Shard& ProfileCache::ShardOf(std::string_view user_id) {
  return shards_[std::hash<std::string_view>{}(user_id) % kShards];
}

std::optional<storage::UserRecord> ProfileCache::Get(std::string_view user_id) {
  if (ttl_.count() <= 0) return std::nullopt;
  Shard& shard = ShardOf(user_id);
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(std::string(user_id));
  if (it == shard.entries.end()) return std::nullopt;
  if (clock_.Now() >= it->second.expires_at) {
    shard.entries.erase(it);
    return std::nullopt;
  }
  return it->second.user;
}

void ProfileCache::Put(storage::UserRecord user, std::uint64_t generation) {
  if (ttl_.count() <= 0) return;
  user.password_hash.clear();
  Shard& shard = ShardOf(user.id);
  std::lock_guard lock(shard.mu);
  // Checked under the lock that Invalidate's erase also takes: an invalidation either
  // happened before (the generation moved) or erases this entry after.
  if (generation != Generation()) return;
  if (shard.entries.size() >= max_per_shard_ && !shard.entries.count(user.id)) {
    shard.entries.erase(shard.entries.begin());
  }
  const std::string id = user.id;
  shard.entries[id] = Entry{std::move(user), clock_.Now() + ttl_};
}

void ProfileCache::Invalidate(std::string_view user_id) {
  Shard& shard = ShardOf(user_id);
  std::lock_guard lock(shard.mu);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  shard.entries.erase(std::string(user_id));
}

}  // namespace howler::auth
