#include "sync/download_tracker.h"

#include <algorithm>

namespace howler::sync {

void DownloadTracker::Record(std::string_view user_id, std::string_view device_id, std::int64_t at,
                             std::int64_t seq) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(std::string(user_id), std::string(device_id));
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= max_entries_) return;
    entries_.emplace(key, storage::DeviceDownload{key.first, key.second, at, seq});
    return;
  }
  it->second.at = std::max(it->second.at, at);
  it->second.seq = std::max(it->second.seq, seq);
}

std::vector<storage::DeviceDownload> DownloadTracker::Take() {
  std::map<std::pair<std::string, std::string>, storage::DeviceDownload> taken;
  {
    std::lock_guard lock(mu_);
    taken.swap(entries_);
  }
  std::vector<storage::DeviceDownload> out;
  out.reserve(taken.size());
  for (auto& [key, entry] : taken) out.push_back(std::move(entry));
  return out;
}

void DownloadTracker::Restore(const std::vector<storage::DeviceDownload>& entries) {
  for (const auto& e : entries) Record(e.user_id, e.device_id, e.at, e.seq);
}

std::size_t DownloadTracker::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace howler::sync
