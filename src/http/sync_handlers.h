// The Sync operations of API.md (/api/sync/*) over sync::SyncService, in both dialects:
// the desktop client's (sync::DesktopSync) is recognised by its upload and resolve bodies'
// keys, and, for downloads and the conflict list, by its credential (the license key). Their policy
// (a session, the per-user budget RATE_LIMIT_SYNC_PER_MIN, the worker pool) is declared in
// api/operations.h and applied by the pipeline before these handlers run.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "http/router.h"
#include "sync/desktop_sync.h"
#include "sync/sync_service.h"

namespace howler::metrics {
class Metrics;
}

namespace howler::http {

// An organization's sync space (API.md "Shared items: organization spaces"): a request
// naming `space` (an organization id) reads or writes the items shared with that
// organization instead of the caller's own. The resolver checks the caller's membership
// and role on every call and returns the key the space's items are synced under.
enum class SpaceUse { kRead, kWrite, kDelete };
using SpaceResolver = std::function<Result<std::string>(
    const auth::Principal& who, const Request& req, std::string_view space, SpaceUse use)>;

struct SyncHttpDeps {
  sync::SyncService& service;
  sync::DesktopSync& desktop;      // the desktop client's dialect
  std::uint64_t max_upload_bytes;  // SYNC_MAX_UPLOAD_SIZE -> 413
  metrics::Metrics* metrics;       // may be null
  SpaceResolver spaces = {};       // empty: a request naming a space is refused
};

void AddSyncRoutes(Router& router, SyncHttpDeps deps);

}  // namespace howler::http
