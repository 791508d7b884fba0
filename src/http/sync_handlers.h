// The Sync operations of API.md (/api/sync/*) over sync::SyncService, in both dialects:
// the desktop client's (sync::DesktopSync) is recognised by its upload and resolve bodies'
// keys, and, for downloads and the conflict list, by its credential (the license key). Their policy
// (a session, the per-user budget RATE_LIMIT_SYNC_PER_MIN, the worker pool) is declared in
// api/operations.h and applied by the pipeline before these handlers run.
#pragma once

#include <cstdint>

#include "http/router.h"
#include "sync/desktop_sync.h"
#include "sync/sync_service.h"

namespace howler::metrics {
class Metrics;
}

namespace howler::http {

struct SyncHttpDeps {
  sync::SyncService& service;
  sync::DesktopSync& desktop;      // the desktop client's dialect
  std::uint64_t max_upload_bytes;  // SYNC_MAX_UPLOAD_SIZE -> 413
  metrics::Metrics* metrics;       // may be null
};

void AddSyncRoutes(Router& router, SyncHttpDeps deps);

}  // namespace howler::http
