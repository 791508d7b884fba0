#include "auth/session_cache.h"

#include <algorithm>
#include <vector>

namespace howler::auth {

SessionCache::SessionCache(std::chrono::milliseconds ttl, std::size_t max_entries,
                           const Clock& clock)
    : ttl_(ttl), max_entries_(std::max<std::size_t>(max_entries, 1)), clock_(clock) {}

SessionCache::State SessionCache::Get(std::string_view session_id, std::string_view user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(session_id);
  if (it == entries_.end()) {
    return State::kUnknown;
  }
  if (clock_.Now() >= it->second.expires_at) {
    Erase(it);
    return State::kUnknown;
  }
  if (it->second.state == State::kActive && it->second.user_id != user_id) return State::kUnknown;
  return it->second.state;
}

void SessionCache::PutActive(std::string_view session_id, std::string user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(session_id);
  if (it != entries_.end() && it->second.state == State::kRevoked &&
      clock_.Now() < it->second.expires_at) {
    return;
  }
  Write(session_id, State::kActive, std::move(user_id));
}

void SessionCache::MarkRevoked(std::string_view session_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(session_id);
  std::string user_id = it == entries_.end() ? std::string() : it->second.user_id;
  Write(session_id, State::kRevoked, std::move(user_id));
}

void SessionCache::MarkUserRevoked(std::string_view user_id, std::string_view keep_session_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto sessions = sessions_by_user_.find(user_id);
  if (sessions == sessions_by_user_.end()) {
    return;
  }
  // Copied: Write may evict entries and so edit the index being walked.
  const std::vector<std::string> ids(sessions->second.begin(), sessions->second.end());
  for (const std::string& id : ids) {
    if (id != keep_session_id) {
      Write(id, State::kRevoked, std::string(user_id));
    }
  }
}

std::size_t SessionCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

// Inserts or replaces the entry as the most recently written, evicting the least recently
// written one when full.
void SessionCache::Write(std::string_view session_id, State state, std::string user_id) {
  if (auto it = entries_.find(session_id); it != entries_.end()) {
    Erase(it);
  }
  if (entries_.size() >= max_entries_) {
    Erase(entries_.find(order_.front()));
  }
  order_.emplace_back(session_id);
  const std::string& id = order_.back();
  if (!user_id.empty()) {
    sessions_by_user_[user_id].insert(id);
  }
  entries_.emplace(
      id, Entry{state, std::move(user_id), clock_.Now() + TtlFor(state), std::prev(order_.end())});
}

void SessionCache::Erase(StringMap<Entry>::iterator it) {
  Unindex(it->first, it->second.user_id);
  order_.erase(it->second.order);
  entries_.erase(it);
}

void SessionCache::Unindex(const std::string& session_id, const std::string& user_id) {
  auto sessions = sessions_by_user_.find(user_id);
  if (sessions == sessions_by_user_.end()) {
    return;
  }
  sessions->second.erase(session_id);
  if (sessions->second.empty()) {
    sessions_by_user_.erase(sessions);
  }
}

std::chrono::milliseconds SessionCache::TtlFor(State state) const {
  if (state == State::kRevoked) {
    return std::max<std::chrono::milliseconds>(ttl_, kMinRevokedTtl);
  }
  return ttl_;
}

}  // namespace howler::auth
