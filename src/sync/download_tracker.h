// DownloadTracker: remembers each device's latest download (time and cursor) in memory so
// that a download stays one read; SyncService writes them out in batches (FlushDownloads,
// run by a background job every few seconds, before /devices, and at shutdown).
//
// Holds at most `max_entries` devices; beyond that new devices are not recorded until the
// next Take() (their next download records them). Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "storage/sync_store.h"

namespace howler::sync {

class DownloadTracker {
 public:
  explicit DownloadTracker(std::size_t max_entries = 100000) : max_entries_(max_entries) {}

  // Keeps the later of the recorded and the new position for the device.
  void Record(std::string_view user_id, std::string_view device_id, std::int64_t at,
              std::int64_t seq);
  // Everything recorded since the last Take(), emptying the tracker.
  std::vector<storage::DeviceDownload> Take();
  // Puts entries back after a failed flush (merging with newer ones).
  void Restore(const std::vector<storage::DeviceDownload>& entries);
  std::size_t size() const;

 private:
  const std::size_t max_entries_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, storage::DeviceDownload> entries_;
};

}  // namespace howler::sync
