#include "metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <string>
#include <unordered_map>

#include "metrics/process_stats.h"

namespace howler::metrics {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

const Histogram::BucketBoundaries& LatencyBuckets() {
  static const Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}

std::string S(std::string_view v) {
  return std::string(v);
}

// Metric children by label values, looked up once: prometheus-cpp builds and hashes a
// label map on every Family::Add, which costs more than a request's routing.
template <typename T>
class ChildCache {
 public:
  template <typename Make>
  T& Get(const std::string& key, Make&& make) {
    std::lock_guard lock(mu_);
    auto it = children_.find(key);
    if (it == children_.end()) it = children_.emplace(key, &make()).first;
    return *it->second;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, T*> children_;
};

std::string Key(std::initializer_list<std::string_view> parts) {
  std::string key;
  for (std::string_view p : parts) key.append(p).append(1, '\x1f');
  return key;
}

}  // namespace

struct Metrics::Impl {
  prometheus::Registry registry;

  ChildCache<Counter> http_requests_by;
  ChildCache<Histogram> http_duration_by;
  ChildCache<Histogram> db_duration_by;
  ChildCache<Counter> db_roundtrips_by;
  ChildCache<Counter> sync_changes_by;
  ChildCache<Gauge> streams_open_by;
  ChildCache<Counter> streamed_bytes_by;
  ChildCache<Counter> websocket_messages_by;

  Family<Counter>& http_requests = prometheus::BuildCounter()
                                       .Name("sql_studio_http_requests_total")
                                       .Help("HTTP requests by method, route template and status")
                                       .Register(registry);
  Family<Histogram>& http_duration = prometheus::BuildHistogram()
                                         .Name("sql_studio_http_request_duration_seconds")
                                         .Help("HTTP request duration by method and route")
                                         .Register(registry);
  Gauge& http_in_flight = prometheus::BuildGauge()
                              .Name("sql_studio_http_requests_in_flight")
                              .Help("HTTP requests being served")
                              .Register(registry)
                              .Add({});
  Family<Gauge>& streams_open = prometheus::BuildGauge()
                                    .Name("sql_studio_http_streams_open")
                                    .Help("Open streamed bodies, event streams and WebSockets")
                                    .Register(registry);
  Family<Counter>& streamed_bytes = prometheus::BuildCounter()
                                        .Name("sql_studio_http_streamed_bytes_total")
                                        .Help("Body bytes written by long-lived responses")
                                        .Register(registry);
  Family<Counter>& stream_ends = prometheus::BuildCounter()
                                     .Name("sql_studio_http_stream_ends_total")
                                     .Help("Long-lived responses ended, by kind and reason")
                                     .Register(registry);
  Family<Counter>& websocket_messages = prometheus::BuildCounter()
                                            .Name("sql_studio_websocket_messages_total")
                                            .Help("WebSocket text messages by direction")
                                            .Register(registry);
  Family<Counter>& grpc_requests = prometheus::BuildCounter()
                                       .Name("sql_studio_grpc_requests_total")
                                       .Help("gRPC calls by method and status code")
                                       .Register(registry);
  Family<Histogram>& grpc_duration = prometheus::BuildHistogram()
                                         .Name("sql_studio_grpc_request_duration_seconds")
                                         .Help("gRPC call duration by method")
                                         .Register(registry);
  Family<Histogram>& db_duration = prometheus::BuildHistogram()
                                       .Name("sql_studio_db_query_duration_seconds")
                                       .Help("Database call duration by backend and operation")
                                       .Register(registry);
  Family<Counter>& db_errors = prometheus::BuildCounter()
                                   .Name("sql_studio_db_errors_total")
                                   .Help("Database call failures by backend and status kind")
                                   .Register(registry);
  Family<Counter>& db_roundtrips = prometheus::BuildCounter()
                                       .Name("sql_studio_db_roundtrips_total")
                                       .Help("Round trips to the database by operation")
                                       .Register(registry);
  Family<Counter>& auth_attempts = prometheus::BuildCounter()
                                       .Name("sql_studio_auth_attempts_total")
                                       .Help("Authentication attempts by method and result")
                                       .Register(registry);
  Counter& auth_lockouts = prometheus::BuildCounter()
                               .Name("sql_studio_auth_lockouts_total")
                               .Help("Accounts locked after repeated failures")
                               .Register(registry)
                               .Add({});
  Family<Counter>& tokens_issued = prometheus::BuildCounter()
                                       .Name("sql_studio_auth_tokens_issued_total")
                                       .Help("Tokens issued by type")
                                       .Register(registry);
  Gauge& sessions_active = prometheus::BuildGauge()
                               .Name("sql_studio_auth_sessions_active")
                               .Help(
                                   "Sessions neither revoked nor expired (refreshed by the "
                                   "cleanup job)")
                               .Register(registry)
                               .Add({});
  Family<Counter>& email_sent = prometheus::BuildCounter()
                                    .Name("sql_studio_email_sent_total")
                                    .Help("Emails by type, transport and result")
                                    .Register(registry);
  Family<Counter>& sync_operations = prometheus::BuildCounter()
                                         .Name("sql_studio_sync_operations_total")
                                         .Help("Sync operations by operation and status")
                                         .Register(registry);
  Family<Counter>& sync_changes = prometheus::BuildCounter()
                                      .Name("sql_studio_sync_changes_total")
                                      .Help("Uploaded changes by item type and outcome")
                                      .Register(registry);
  Family<Counter>& sync_conflicts = prometheus::BuildCounter()
                                        .Name("sql_studio_sync_conflicts_total")
                                        .Help("Conflicts detected, and resolved by strategy")
                                        .Register(registry);
  Family<Histogram>& sync_payload = prometheus::BuildHistogram()
                                        .Name("sql_studio_sync_payload_bytes")
                                        .Help("Sync request and response body sizes")
                                        .Register(registry);
  Family<Gauge>& live_connections = prometheus::BuildGauge()
                                        .Name("sql_studio_live_connections")
                                        .Help("Open live sync connections by transport")
                                        .Register(registry);
  Family<Counter>& live_messages = prometheus::BuildCounter()
                                       .Name("sql_studio_live_messages_total")
                                       .Help("Live sync messages sent by type")
                                       .Register(registry);
  Family<Counter>& live_polls = prometheus::BuildCounter()
                                    .Name("sql_studio_live_polls_total")
                                    .Help("Live sync state reads by kind and result")
                                    .Register(registry);
  Family<Histogram>& live_poll_duration = prometheus::BuildHistogram()
                                              .Name("sql_studio_live_poll_duration_seconds")
                                              .Help("Live sync state read duration by kind")
                                              .Register(registry);
  Family<Gauge>& dbm_sessions = prometheus::BuildGauge()
                                    .Name("sql_studio_dbmanager_sessions_open")
                                    .Help("Open sessions on users' databases by engine")
                                    .Register(registry);
  Family<Counter>& dbm_queries = prometheus::BuildCounter()
                                     .Name("sql_studio_dbmanager_queries_total")
                                     .Help("Queries on users' databases by engine and result")
                                     .Register(registry);
  Family<Histogram>& dbm_duration = prometheus::BuildHistogram()
                                        .Name("sql_studio_dbmanager_query_duration_seconds")
                                        .Help("Query duration on users' databases by engine")
                                        .Register(registry);
  Family<Counter>& dbm_rows = prometheus::BuildCounter()
                                  .Name("sql_studio_dbmanager_rows_streamed_total")
                                  .Help("Result rows streamed from users' databases")
                                  .Register(registry);
  Family<Counter>& dbm_bytes =
      prometheus::BuildCounter()
          .Name("sql_studio_dbmanager_bytes_streamed_total")
          .Help("Result cell bytes (JSON text) streamed from users' databases")
          .Register(registry);
  Family<Counter>& ai_requests = prometheus::BuildCounter()
                                     .Name("sql_studio_ai_requests_total")
                                     .Help("AI assistant requests by task and result")
                                     .Register(registry);
  Family<Counter>& ai_tokens =
      prometheus::BuildCounter()
          .Name("sql_studio_ai_tokens_total")
          .Help("AI provider tokens by direction (in: prompt, out: completion)")
          .Register(registry);
  Family<Histogram>& ai_latency =
      prometheus::BuildHistogram()
          .Name("sql_studio_ai_provider_latency_seconds")
          .Help("AI provider latency to the first chunk and the whole answer")
          .Register(registry);
  Family<Counter>& job_runs = prometheus::BuildCounter()
                                  .Name("sql_studio_jobs_runs_total")
                                  .Help("Background job runs by job and result")
                                  .Register(registry);
  Family<Histogram>& job_duration = prometheus::BuildHistogram()
                                        .Name("sql_studio_jobs_duration_seconds")
                                        .Help("Background job duration")
                                        .Register(registry);

  Gauge& rss = prometheus::BuildGauge()
                   .Name("process_resident_memory_bytes")
                   .Help("Resident memory size in bytes")
                   .Register(registry)
                   .Add({});
  Gauge& cpu = prometheus::BuildGauge()
                   .Name("process_cpu_seconds_total")
                   .Help("Total user and system CPU time spent in seconds")
                   .Register(registry)
                   .Add({});
  Gauge& fds = prometheus::BuildGauge()
                   .Name("process_open_fds")
                   .Help("Number of open file descriptors")
                   .Register(registry)
                   .Add({});
  Gauge& start_time = prometheus::BuildGauge()
                          .Name("process_start_time_seconds")
                          .Help("Start time of the process since the Unix epoch in seconds")
                          .Register(registry)
                          .Add({});
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::ObserveHttpRequest(std::string_view method, std::string_view route, int status,
                                 double seconds) {
  const std::string code = std::to_string(status);
  Impl& m = *impl_;
  m.http_requests_by
      .Get(Key({method, route, code}),
           [&]() -> Counter& {
             return m.http_requests.Add(
                 {{"method", S(method)}, {"route", S(route)}, {"status", code}});
           })
      .Increment();
  m.http_duration_by
      .Get(Key({method, route}),
           [&]() -> Histogram& {
             return m.http_duration.Add({{"method", S(method)}, {"route", S(route)}},
                                        LatencyBuckets());
           })
      .Observe(seconds);
}

void Metrics::AddHttpInFlight(int delta) {
  impl_->http_in_flight.Increment(delta);
}

void Metrics::AddOpenStreams(std::string_view kind, int delta) {
  Impl& m = *impl_;
  m.streams_open_by
      .Get(Key({kind}),
           [&]() -> Gauge& {
             return m.streams_open.Add({{"kind", S(kind)}});
           })
      .Increment(delta);
}

void Metrics::CountStreamedBytes(std::string_view kind, std::size_t bytes) {
  Impl& m = *impl_;
  m.streamed_bytes_by
      .Get(Key({kind}),
           [&]() -> Counter& {
             return m.streamed_bytes.Add({{"kind", S(kind)}});
           })
      .Increment(static_cast<double>(bytes));
}

void Metrics::CountStreamEnd(std::string_view kind, std::string_view reason) {
  impl_->stream_ends.Add({{"kind", S(kind)}, {"reason", S(reason)}}).Increment();
}

void Metrics::CountWebSocketMessage(std::string_view direction) {
  Impl& m = *impl_;
  m.websocket_messages_by
      .Get(Key({direction}),
           [&]() -> Counter& {
             return m.websocket_messages.Add({{"direction", S(direction)}});
           })
      .Increment();
}

void Metrics::ObserveGrpcRequest(std::string_view method, std::string_view code, double seconds) {
  impl_->grpc_requests.Add({{"method", S(method)}, {"code", S(code)}}).Increment();
  impl_->grpc_duration.Add({{"method", S(method)}}, LatencyBuckets()).Observe(seconds);
}

void Metrics::ObserveDbCall(std::string_view backend, std::string_view op, double seconds) {
  Impl& m = *impl_;
  m.db_duration_by
      .Get(Key({backend, op}),
           [&]() -> Histogram& {
             return m.db_duration.Add({{"backend", S(backend)}, {"op", S(op)}}, LatencyBuckets());
           })
      .Observe(seconds);
}

void Metrics::CountDbError(std::string_view backend, std::string_view kind) {
  impl_->db_errors.Add({{"backend", S(backend)}, {"kind", S(kind)}}).Increment();
}

void Metrics::CountDbRoundtrip(std::string_view op) {
  Impl& m = *impl_;
  m.db_roundtrips_by
      .Get(Key({op}),
           [&]() -> Counter& {
             return m.db_roundtrips.Add({{"op", S(op)}});
           })
      .Increment();
}

void Metrics::CountAuthAttempt(std::string_view method, std::string_view result) {
  impl_->auth_attempts.Add({{"method", S(method)}, {"result", S(result)}}).Increment();
}

void Metrics::CountLockout() {
  impl_->auth_lockouts.Increment();
}

void Metrics::CountTokenIssued(std::string_view type) {
  impl_->tokens_issued.Add({{"type", S(type)}}).Increment();
}

void Metrics::SetActiveSessions(double value) {
  impl_->sessions_active.Set(value);
}

void Metrics::CountEmail(std::string_view type, std::string_view transport,
                         std::string_view result) {
  impl_->email_sent.Add({{"type", S(type)}, {"transport", S(transport)}, {"result", S(result)}})
      .Increment();
}

void Metrics::CountSyncOperation(std::string_view operation, std::string_view status) {
  impl_->sync_operations.Add({{"operation", S(operation)}, {"status", S(status)}}).Increment();
}

void Metrics::CountSyncChange(std::string_view item_type, std::string_view status) {
  Impl& m = *impl_;
  m.sync_changes_by
      .Get(Key({item_type, status}),
           [&]() -> Counter& {
             return m.sync_changes.Add({{"item_type", S(item_type)}, {"status", S(status)}});
           })
      .Increment();
}

void Metrics::CountSyncConflict(std::string_view resolution) {
  impl_->sync_conflicts.Add({{"resolution", S(resolution)}}).Increment();
}

void Metrics::ObserveSyncPayload(std::string_view operation, double bytes) {
  static const Histogram::BucketBoundaries kBuckets = {256,    1024,    4096,    16384,   65536,
                                                       262144, 1048576, 4194304, 16777216};
  impl_->sync_payload.Add({{"operation", S(operation)}}, kBuckets).Observe(bytes);
}

void Metrics::AddLiveConnections(std::string_view transport, int delta) {
  impl_->live_connections.Add({{"transport", S(transport)}}).Increment(delta);
}

void Metrics::CountLiveMessage(std::string_view type) {
  impl_->live_messages.Add({{"type", S(type)}}).Increment();
}

void Metrics::ObserveLivePoll(std::string_view kind, bool ok, double seconds) {
  impl_->live_polls.Add({{"kind", S(kind)}, {"result", ok ? "ok" : "error"}}).Increment();
  impl_->live_poll_duration.Add({{"kind", S(kind)}}, LatencyBuckets()).Observe(seconds);
}

void Metrics::SetDbManagerSessions(std::string_view engine, double open) {
  impl_->dbm_sessions.Add({{"engine", S(engine)}}).Set(open);
}

void Metrics::ObserveDbManagerQuery(std::string_view engine, std::string_view result,
                                    double seconds, double rows, double bytes) {
  Impl& m = *impl_;
  m.dbm_queries.Add({{"engine", S(engine)}, {"result", S(result)}}).Increment();
  m.dbm_duration.Add({{"engine", S(engine)}}, LatencyBuckets()).Observe(seconds);
  m.dbm_rows.Add({{"engine", S(engine)}}).Increment(rows);
  m.dbm_bytes.Add({{"engine", S(engine)}}).Increment(bytes);
}

void Metrics::CountAiRequest(std::string_view task, std::string_view result) {
  impl_->ai_requests.Add({{"task", S(task)}, {"result", S(result)}}).Increment();
}

void Metrics::CountAiTokens(std::string_view direction, double tokens) {
  impl_->ai_tokens.Add({{"direction", S(direction)}}).Increment(tokens);
}

void Metrics::ObserveAiProviderLatency(std::string_view phase, double seconds) {
  static const Histogram::BucketBoundaries kBuckets = {0.05, 0.1, 0.25, 0.5, 1,  2.5,
                                                       5,    10,  20,   40,  80, 160};
  impl_->ai_latency.Add({{"phase", S(phase)}}, kBuckets).Observe(seconds);
}

void Metrics::ObserveJob(std::string_view job, bool ok, double seconds) {
  impl_->job_runs.Add({{"job", S(job)}, {"result", ok ? "ok" : "error"}}).Increment();
  impl_->job_duration.Add({{"job", S(job)}}, LatencyBuckets()).Observe(seconds);
}

std::string Metrics::Serialize() {
  const ProcessStats stats = ReadProcessStats();
  impl_->rss.Set(stats.resident_memory_bytes);
  impl_->cpu.Set(stats.cpu_seconds);
  impl_->fds.Set(stats.open_fds);
  impl_->start_time.Set(stats.start_time_seconds);
  return prometheus::TextSerializer().Serialize(impl_->registry.Collect());
}

}  // namespace howler::metrics
