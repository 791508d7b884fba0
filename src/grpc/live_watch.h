// LiveWatch: howlerops.v1.SyncService/Watch, the gRPC form of GET /api/sync/live (API.md
// "Live sync"). Internal to src/grpc (it includes gRPC headers).
//
// The call holds one gRPC thread while it runs (the sync server): it waits for the
// notifier's calls and writes them; while a write blocks on a slow reader, newer states
// replace the unsent one (one slot, no queue). It ends when the client cancels, the token
// expires (UNAUTHENTICATED "token expired"), the session ends (UNAUTHENTICATED "session
// ended"), or the notifier stops (UNAVAILABLE).
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/sync_stream.h>

#include "api/live_identity.h"
#include "common/status.h"
#include "grpc/call_runner.h"
#include "howlerops/v1/sync.pb.h"

namespace howler::sync {
class LiveNotifier;
}
namespace howler::metrics {
class Metrics;
}

namespace howler::grpcsvc {

struct LiveWatchDeps {
  sync::LiveNotifier* notifier = nullptr;  // null: Watch is UNIMPLEMENTED
  api::LiveAuthenticator authenticate;
  metrics::Metrics* metrics = nullptr;
};

// Runs one Watch call after CallRunner admitted it (`call.principal` is the caller).
Status RunWatch(grpc::ServerContext& context, const CallInfo& call,
                grpc::ServerWriter<howlerops::v1::WatchEvent>& writer, const LiveWatchDeps& deps);

}  // namespace howler::grpcsvc
