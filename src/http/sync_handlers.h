// The Sync operations of API.md (/api/sync/*) over sync::SyncService. Their policy (a
// session, the per-user budget RATE_LIMIT_SYNC_PER_MIN, the worker pool) is declared in
// api/operations.h and applied by the pipeline before these handlers run.
#pragma once

#include <cstdint>

#include "http/router.h"
#include "sync/sync_service.h"

namespace howler::metrics {
class Metrics;
}

namespace howler::http {

struct SyncHttpDeps {
  sync::SyncService& service;
  std::uint64_t max_upload_bytes;  // SYNC_MAX_UPLOAD_SIZE -> 413
  metrics::Metrics* metrics;       // may be null
};

void AddSyncRoutes(Router& router, SyncHttpDeps deps);

}  // namespace howler::http
