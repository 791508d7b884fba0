// GET /api/sync/live: the WebSocket of live sync notification (API.md "Live sync").
//
// The caller authenticates at the upgrade (Authorization header or the subprotocol entry
// `bearer.<token>`; a bad token is refused with 401 before the upgrade), or else with its
// first message `{"type":"auth","token":"..."}` within `auth_timeout`. Then the server
// sends `hello` with the user's state and `changes` whenever it moves (sync::LiveNotifier);
// at most one message is queued in the transport per connection, so a slow reader gets
// the newest state instead of a backlog. The client may send `{"type":"ping"}` (answered
// with `pong`); the server sends `heartbeat` while idle. Errors end the connection with
// the close codes below.
#pragma once

#include <chrono>

#include "api/live_identity.h"
#include "http/router.h"

namespace howler {
class TimerQueue;
class WorkerPool;
}  // namespace howler
namespace howler::metrics {
class Metrics;
}
namespace howler::sync {
class LiveNotifier;
}

namespace howler::http {

// Close codes of the live socket (API.md "Live sync").
inline constexpr int kLiveCloseGoingAway = 1001;        // server shutting down: reconnect
inline constexpr int kLiveClosePolicy = 1008;           // malformed or unexpected message
inline constexpr int kLiveCloseTryLater = 1013;         // instance full or busy: back off
inline constexpr int kLiveCloseUnauthenticated = 4001;  // no, bad or late token
inline constexpr int kLiveCloseTokenExpired = 4002;     // refresh the token, reconnect
inline constexpr int kLiveCloseSessionEnded = 4003;     // revoked session or disabled user
inline constexpr int kLiveCloseTooMany = 4029;          // the user's connection cap

// The largest first message (an auth message with a token) the route reads.
inline constexpr std::size_t kMaxLiveMessageBytes = 8192;

struct LiveRouteDeps {
  sync::LiveNotifier& notifier;
  api::LiveAuthenticator authenticate;
  WorkerPool& workers;  // first-message authentication (it may read the database)
  TimerQueue& timers;   // the authentication deadline
  std::chrono::milliseconds auth_timeout = std::chrono::seconds(10);  // LIVE_AUTH_TIMEOUT
  // Sockets waiting for their auth message at once; more are closed with 1013 (an
  // unauthenticated socket spends no per-user budget and counts against no user's cap).
  int max_pending_auth = 1024;  // LIVE_MAX_PENDING_AUTH
  metrics::Metrics* metrics = nullptr;
};

// Registers api::ops::kSyncLive. The dependencies must outlive the HTTP server.
void AddLiveRoutes(Router& router, LiveRouteDeps deps);

}  // namespace howler::http
