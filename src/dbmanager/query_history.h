// QueryHistoryRecorder: each query run through the database manager becomes a
// `query_history` sync item of its user, so that their desktop devices see it.
//
// The item goes through SyncService::Upload like a device's own upload, from the device
// id "dbmanager": the service strips the literals of its query text (history_sanitizer.h,
// in the dialect its `connection_type` names; SYNC_SANITIZE_HISTORY) and every secret,
// keys it by the user, and counts it against their quota. Data (API.md, Sync):
//   {"query", "connection_type" (postgres|mysql|sqlite), "connection_id" (the synced
//    connection item, absent for inline sessions), "execution_time_ms", "row_count",
//    "error" (the failure's message, absent on success), "executed_at" (RFC 3339),
//    "privacy_mode": false, "source": "server"}
// Thread-safety: Record may be called from any thread; it blocks for one sync write
// (call it on a worker, never an I/O thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "dbmanager/connection_spec.h"
#include "sync/sync_service.h"

namespace howler::dbmanager {

struct HistoryEntry {
  std::string connection_id;  // "" for an inline session
  EngineKind engine = EngineKind::kPostgres;
  std::string sql;
  std::chrono::milliseconds execution_time{0};
  std::int64_t row_count = 0;
  std::optional<std::string> error;
  TimePoint executed_at;
};

class QueryHistoryRecorder {
 public:
  static constexpr std::string_view kDeviceId = "dbmanager";

  // Both must outlive the recorder.
  QueryHistoryRecorder(sync::SyncService& sync, const Clock& clock) : sync_(sync), clock_(clock) {}

  // The new item's id. The upload's error, or INTERNAL with the reason when the service
  // rejected the item (a quota reached, say).
  Result<std::string> Record(const std::string& user_id, const HistoryEntry& entry);

 private:
  sync::SyncService& sync_;
  const Clock& clock_;
};

}  // namespace howler::dbmanager
