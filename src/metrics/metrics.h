// Metrics: every Prometheus family the server exports, in one place (API.md "Health
// and metrics"). Names carry the `sql_studio_` prefix; process families use the
// standard `process_*` names. Label values passed in must come from bounded sets
// (route templates, not raw paths).
//
// Thread-safety: every method may be called from any thread at any time.
// prometheus-cpp stays out of this header so that including it costs little.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace howler::metrics {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // HTTP
  void ObserveHttpRequest(std::string_view method, std::string_view route, int status,
                          double seconds);
  void AddHttpInFlight(int delta);

  // Long-lived HTTP responses (DESIGN.md "Response kinds"). `kind` is
  // stream|events|websocket; `reason` complete|client_gone|write_timeout|source_failed|
  // shutdown|overflow|error. Bytes are body bytes written (chunk data, heartbeats, WebSocket
  // message payloads), not heads or framing.
  void AddOpenStreams(std::string_view kind, int delta);
  void CountStreamedBytes(std::string_view kind, std::size_t bytes);
  void CountStreamEnd(std::string_view kind, std::string_view reason);
  // WebSocket text messages; `direction` is in|out.
  void CountWebSocketMessage(std::string_view direction);

  // gRPC
  void ObserveGrpcRequest(std::string_view method, std::string_view code, double seconds);

  // Storage. `op` is query|execute|batch|ping; `kind` a StatusCode name.
  void ObserveDbCall(std::string_view backend, std::string_view op, double seconds);
  void CountDbError(std::string_view backend, std::string_view kind);
  void CountDbRoundtrip(std::string_view op);

  // Auth. `method` is password|refresh|token; `result` success|failure|locked|rate_limited.
  void CountAuthAttempt(std::string_view method, std::string_view result);
  void CountLockout();
  // `type` is access|refresh.
  void CountTokenIssued(std::string_view type);
  void SetActiveSessions(double value);

  // Email. `type` verification|password_reset|welcome; `transport` resend|smtp|log;
  // `result` sent|failed|dropped.
  void CountEmail(std::string_view type, std::string_view transport, std::string_view result);

  // Sync. `operation` upload|download|list_conflicts|resolve|devices, `status` ok or a
  // StatusCode name; change `status` an upload outcome; `resolution` detected or a
  // strategy; payload sizes in bytes.
  void CountSyncOperation(std::string_view operation, std::string_view status);
  void CountSyncChange(std::string_view item_type, std::string_view status);
  void CountSyncConflict(std::string_view resolution);
  void ObserveSyncPayload(std::string_view operation, double bytes);

  // Live sync notification (sync/live_notifier.h). `transport` websocket|grpc; message
  // `type` hello|changes|heartbeat; a poll reads the state of every user with listeners
  // (remote database), `kind` poll|local|sessions.
  void AddLiveConnections(std::string_view transport, int delta);
  void CountLiveMessage(std::string_view type);
  void ObserveLivePoll(std::string_view kind, bool ok, double seconds);

  // Database manager (users' own databases). `engine` postgres|mariadb|libsql; `result`
  // ok or a StatusCode name; rows and bytes are the result cells streamed (JSON text).
  void SetDbManagerSessions(std::string_view engine, double open);
  void ObserveDbManagerQuery(std::string_view engine, std::string_view result, double seconds,
                             double rows, double bytes);
  // AI assistant. `task` generate|fix|explain; `result` ok or a StatusCode name;
  // `direction` in|out (prompt and completion tokens); `phase` first_chunk|total (from the
  // provider request's start).
  void CountAiRequest(std::string_view task, std::string_view result);
  void CountAiTokens(std::string_view direction, double tokens);
  void ObserveAiProviderLatency(std::string_view phase, double seconds);
  // Background jobs.
  void ObserveJob(std::string_view job, bool ok, double seconds);

  // The Prometheus text exposition of every family, process metrics refreshed first.
  std::string Serialize();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Seconds elapsed since `start` on the steady clock.
inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace howler::metrics
