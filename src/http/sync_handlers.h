// The Sync endpoints of API.md (/api/sync/*) over sync::SyncService. Every route needs a
// bearer token (401) and is throttled per user (RATE_LIMIT_SYNC_PER_MIN, 429 with
// Retry-After) before any work is done.
#pragma once

#include <cstdint>

#include "auth/auth_service.h"
#include "http/router.h"
#include "sync/sync_service.h"

namespace howler::auth {
class RateLimiter;
}
namespace howler::metrics {
class Metrics;
}

namespace howler::http {

struct SyncHttpDeps {
  sync::SyncService& service;
  auth::AuthService& auth;
  auth::RateLimiter& user_limiter;
  std::uint64_t max_upload_bytes;  // SYNC_MAX_UPLOAD_SIZE -> 413
  metrics::Metrics* metrics;       // may be null
};

void AddSyncRoutes(Router& router, SyncHttpDeps deps);

}  // namespace howler::http
