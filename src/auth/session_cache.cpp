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

// Inserts or replaces the entry as the most recently written, after dropping the expired
// entries, and evicting the least recently written one when still full.
void SessionCache::Write(std::string_view session_id, State state, std::string user_id) {
  const TimePoint now = clock_.Now();
  if (auto it = entries_.find(session_id); it != entries_.end()) {
    Erase(it);
  }
  DropExpired(now);
  if (entries_.size() >= max_entries_) {
    EvictLeastRecentlyWritten();
  }
  std::list<std::string>& order = OrderOf(state);
  order.emplace_back(session_id);
  const std::string& id = order.back();
  if (!user_id.empty()) {
    sessions_by_user_[user_id].insert(id);
  }
  entries_.emplace(id,
                   Entry{state, std::move(user_id), now + TtlFor(state), std::prev(order.end())});
}

// Pops each list's front while it has expired: amortized O(1), as every entry is popped at
// most once. A clock that moved backwards only stops the popping early.
void SessionCache::DropExpired(TimePoint now) {
  for (std::list<std::string>* order : {&active_order_, &revoked_order_}) {
    while (!order->empty()) {
      auto it = entries_.find(order->front());
      if (now < it->second.expires_at) break;
      Erase(it);
    }
  }
}

// Evicts the older of the two lists' fronts (by write time: expiry minus its state's TTL).
void SessionCache::EvictLeastRecentlyWritten() {
  auto written_at = [this](const std::list<std::string>& order) {
    const Entry& e = entries_.find(order.front())->second;
    return e.expires_at - TtlFor(e.state);
  };
  const bool active_first =
      revoked_order_.empty() ||
      (!active_order_.empty() && written_at(active_order_) <= written_at(revoked_order_));
  Erase(entries_.find(active_first ? active_order_.front() : revoked_order_.front()));
}

std::list<std::string>& SessionCache::OrderOf(State state) {
  return state == State::kRevoked ? revoked_order_ : active_order_;
}

void SessionCache::Erase(StringMap<Entry>::iterator it) {
  Unindex(it->first, it->second.user_id);
  OrderOf(it->second.state).erase(it->second.order);
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
