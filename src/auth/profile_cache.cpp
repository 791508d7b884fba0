#include "auth/profile_cache.h"

#include <algorithm>
#include <functional>
#include <unordered_set>

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
  const TimePoint now = clock_.Now();
  DropExpired(shard, now);
  if (shard.entries.size() >= max_per_shard_ && !shard.entries.count(user.id)) {
    shard.entries.erase(shard.entries.begin());
  }
  if (shard.expiry.size() >= 2 * max_per_shard_) CompactQueue(shard);
  const std::string id = user.id;
  Entry& entry = shard.entries[id];
  const bool queued = entry.expires_at == now + ttl_;  // put twice within a millisecond
  entry = Entry{std::move(user), now + ttl_};
  if (!queued) shard.expiry.emplace_back(now + ttl_, id);
}

void ProfileCache::Invalidate(std::string_view user_id) {
  Shard& shard = ShardOf(user_id);
  std::lock_guard lock(shard.mu);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  shard.entries.erase(std::string(user_id));
}

std::size_t ProfileCache::size() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    total += shard.entries.size();
  }
  return total;
}

// Pops the queue's expired front, erasing each user whose record still has that expiry.
void ProfileCache::DropExpired(Shard& shard, TimePoint now) {
  while (!shard.expiry.empty() && shard.expiry.front().first <= now) {
    auto it = shard.entries.find(shard.expiry.front().second);
    if (it != shard.entries.end() && it->second.expires_at == shard.expiry.front().first) {
      shard.entries.erase(it);
    }
    shard.expiry.pop_front();
  }
}

// Keeps, in order, one element per record: the first that matches its expiry. Runs after
// at least as many Puts as the shard holds records: amortized O(1) per Put.
void ProfileCache::CompactQueue(Shard& shard) {
  std::deque<std::pair<TimePoint, std::string>> kept;
  std::unordered_set<std::string_view> seen;
  for (auto& element : shard.expiry) {
    auto it = shard.entries.find(element.second);
    if (it != shard.entries.end() && it->second.expires_at == element.first &&
        seen.insert(it->first).second) {
      kept.push_back(std::move(element));
    }
  }
  shard.expiry.swap(kept);
}

}  // namespace howler::auth
