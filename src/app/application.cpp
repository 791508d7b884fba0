#include "app/application.h"

#include <signal.h>

#include <map>
#include <optional>

#include "ai/ai_assistant.h"
#include "ai/chat_provider.h"
#include "api/gate.h"
#include "api/live_identity.h"
#include "app/auth_config.h"
#include "app/build_info.h"
#include "app/database_factory.h"
#include "app/instance_lock.h"
#include "app/job_runner.h"
#include "app/process_limits.h"
#include "app/web_static_files.h"
#include "auth/access_token.h"
#include "auth/auth_service.h"
#include "auth/password_hasher.h"
#include "auth/rate_limiter.h"
#include "auth/refresh_token.h"
#include "auth/session_cache.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/time_format.h"
#include "common/timer_queue.h"
#include "common/tls_key_pair.h"
#include "common/worker_pool.h"
#include "config/loader.h"
#include "dbmanager/dbmanager_service.h"
#include "dbmanager/libsql/libsql_engine.h"
#include "dbmanager/mariadb/mariadb_engine.h"
#include "dbmanager/postgres/postgres_engine.h"
#include "dbmanager/query_history.h"
#include "dbmanager/reactor.h"
#include "dbmanager/session_manager.h"
#include "email/queued_mailer.h"
#include "email/transport_factory.h"
#include "grpc/ai_grpc_service.h"
#include "grpc/auth_grpc_service.h"
#include "grpc/dbmanager_grpc_service.h"
#include "grpc/grpc_server.h"
#include "grpc/org_grpc_service.h"
#include "grpc/sync_grpc_service.h"
#include "http/ai_handlers.h"
#include "http/auth_handlers.h"
#include "http/dbmanager_handlers.h"
#include "http/diagnostic_handlers.h"
#include "http/health_handlers.h"
#include "http/https_redirect.h"
#include "http/live_handlers.h"
#include "http/org_handlers.h"
#include "http/pipeline.h"
#include "http/router.h"
#include "http/server.h"
#include "http/shared_item_handlers.h"
#include "http/static_files.h"
#include "http/sync_handlers.h"
#include "metrics/metrics.h"
#include "orgs/org_service.h"
#include "orgs/shared_items.h"
#include "storage/auth_store.h"
#include "storage/metered_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "storage/org_store.h"
#include "storage/sync_store.h"
#include "sync/desktop_sync.h"
#include "sync/live_notifier.h"
#include "sync/sync_service.h"

namespace howler::app {

struct Application::Parts {
  metrics::Metrics metrics;
  std::unique_ptr<storage::Database> raw_db;
  std::unique_ptr<storage::MeteredDatabase> db;
  std::atomic<http::Readiness> readiness{http::Readiness::kStarting};
  std::chrono::steady_clock::time_point started_at = std::chrono::steady_clock::now();
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<WorkerPool> hash_pool;
  SystemClock clock;
  std::unique_ptr<email::QueuedMailer> mailer;
  std::unique_ptr<auth::PasswordHasher> hasher;
  std::unique_ptr<auth::AccessTokenService> access_tokens;
  std::unique_ptr<auth::RefreshTokenCodec> refresh_tokens;
  std::unique_ptr<auth::SessionCache> session_cache;
  std::unique_ptr<auth::RateLimiter> auth_limiter;
  std::unique_ptr<storage::AuthStore> auth_store;
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<storage::SyncStore> sync_store;
  // Live sync notification; outlives the sync service that reports to it.
  std::unique_ptr<sync::LiveNotifier> live;
  std::unique_ptr<TimerQueue> live_timers;  // live sockets' authentication deadlines
  std::unique_ptr<sync::SyncService> sync;
  std::unique_ptr<sync::DesktopSync> desktop_sync;
  std::unique_ptr<auth::RateLimiter> sync_limiter;
  // Organizations, members, invitations, audit log.
  std::unique_ptr<storage::OrgStore> org_store;
  std::unique_ptr<orgs::OrgService> orgs;
  std::unique_ptr<orgs::SharedItems> shared_items;  // connections and queries, any space
  // The database manager (users' own databases); sessions close before the engines go.
  std::unique_ptr<dbmanager::Reactor> db_reactor;
  std::vector<std::unique_ptr<dbmanager::Engine>> db_engines;
  std::optional<dbmanager::AddressPolicy> db_policy;
  std::unique_ptr<dbmanager::Resolver> db_resolver;
  std::unique_ptr<dbmanager::SessionManager> db_sessions;
  // The last health check of users' database sessions (the hourly job), for /health.
  std::atomic<int> db_last_ping_closed{0};
  std::atomic<std::int64_t> db_last_ping_at{0};
  std::unique_ptr<dbmanager::QueryHistoryRecorder> db_history;
  std::unique_ptr<dbmanager::DbManagerService> db_service;
  // The AI assistant; its provider client is null when AI_BASE_URL/AI_MODEL are unset.
  // The provider goes first (declared last): its calls' callbacks reach the assistant.
  std::unique_ptr<storage::AiUsageStore> ai_usage;
  std::unique_ptr<ai::AiAssistant> ai;
  std::unique_ptr<ai::ChatProvider> ai_provider;
  std::unique_ptr<api::Gate> gate;  // the policy of every API operation, both transports
  // Timers of the diagnostic event streams; outlives the servers (declared before them).
  std::unique_ptr<TimerQueue> diagnostic_timers;
  http::Router api_router;
  http::Router metrics_router;
  std::unique_ptr<http::Pipeline> api_pipeline;
  std::unique_ptr<http::Pipeline> metrics_pipeline;
  std::unique_ptr<http::HttpServer> api_server;
  std::unique_ptr<http::HttpServer> metrics_server;
  // HTTP_REDIRECT_PORT: plain text answering 308 to the HTTPS listener.
  http::Router redirect_router;
  std::unique_ptr<http::Pipeline> redirect_pipeline;
  std::unique_ptr<http::HttpServer> redirect_server;
  // gRPC services outlive grpc_server (declared first).
  std::unique_ptr<grpcsvc::AuthGrpcService> auth_grpc;
  std::unique_ptr<grpcsvc::SyncGrpcService> sync_grpc;
  std::unique_ptr<grpcsvc::DbManagerGrpcService> db_grpc;
  std::unique_ptr<grpcsvc::OrgGrpcService> org_grpc;
  std::unique_ptr<grpcsvc::AiGrpcService> ai_grpc;
  std::unique_ptr<grpcsvc::GrpcServer> grpc_server;
  std::unique_ptr<JobRunner> jobs;
  std::unique_ptr<JobRunner> frequent_jobs;  // every few seconds
  bool shut_down = false;
};

namespace {

http::ServerOptions ListenerOptions(const config::Options& o, std::string name, std::uint16_t port,
                                    int threads) {
  http::ServerOptions s;
  s.name = std::move(name);
  s.host = o.server_host;
  s.port = port;
  s.threads = threads;
  s.max_header_bytes = o.http_max_header_size;
  s.max_body_bytes = o.max_request_size;
  s.read_timeout = o.http_read_timeout;
  s.idle_timeout = o.http_idle_timeout;
  s.event_stream_heartbeat = o.sse_heartbeat_interval;
  s.websocket_idle_timeout = o.websocket_idle_timeout;
  return s;
}

void LogCertificate(std::string_view message, const TlsKeyPair& pair) {
  log::Info(message,
            {{"subject", pair.subject}, {"serial", pair.serial}, {"not_after", pair.not_after}});
}

// With TLS_CERT_FILE and TLS_KEY_FILE: one certificate for the HTTPS and gRPC listeners.
Status ConfigureTls(const config::Options& o, http::ServerOptions& api,
                    grpcsvc::GrpcServerOptions& grpc) {
  if (!config::TlsEnabled(o)) return Status::Ok();
  Result<TlsKeyPair> pair = LoadTlsKeyPair(o.tls_cert_file, o.tls_key_file);
  if (!pair.ok()) {
    return InvalidArgumentError("TLS_CERT_FILE/TLS_KEY_FILE: " + pair.status().message());
  }
  LogCertificate("tls certificate", *pair);
  api.tls = *pair;
  api.hsts = o.tls_hsts;
  grpc.tls = std::move(pair).value();
  return Status::Ok();
}

}  // namespace

Application::Application(config::Options options)
    : options_(std::move(options)), parts_(std::make_unique<Parts>()) {}

Application::~Application() {
  Shutdown();
}

Status Application::Start() {
  Parts& p = *parts_;
  HOWLER_ASSIGN_OR_RETURN(p.raw_db, OpenDatabase(options_));
  p.db = std::make_unique<storage::MeteredDatabase>(*p.raw_db, p.metrics);
  std::vector<std::string> applied;
  HOWLER_RETURN_IF_ERROR(storage::ApplyMigrations(*p.db, storage::EmbeddedMigrations(),
                                                  SystemClock().NowMillis(), &applied));
  for (const auto& name : applied) log::Info("migration applied", {{"migration", name}});

  p.workers =
      std::make_unique<WorkerPool>("worker", options_.worker_threads, options_.worker_queue);
  HOWLER_RETURN_IF_ERROR(StartAuth());
  storage::Database* db = p.db.get();
  http::HealthContext health{
      [db] { return db->Ping(); }, BuildVersion(), p.started_at, &p.readiness, {}};
  // Open sessions on users' databases per engine, and their last health check.
  health.details.emplace_back("dbmanager", [&p] {
    std::string out = "{\"sessions_open\":{";
    if (p.db_sessions) {
      for (const auto& [engine, count] : p.db_sessions->OpenCounts()) {
        if (out.back() != '{') out.push_back(',');
        out += "\"" + std::string(dbmanager::EngineName(engine)) + "\":" + std::to_string(count);
      }
    }
    const std::int64_t at = p.db_last_ping_at.load();
    out += "},\"last_check_closed\":" + std::to_string(p.db_last_ping_closed.load());
    out += ",\"last_check_at\":";
    out += at == 0 ? std::string("null") : "\"" + FormatRfc3339(FromUnixMillis(at)) + "\"";
    return out + "}";
  });
  http::AddHealthRoutes(p.api_router, std::move(health));
  http::AddMetricsRoutes(p.metrics_router, p.metrics);
  http::AddAuthRoutes(p.api_router, *p.auth);
  StartSync();
  p.org_store = std::make_unique<storage::OrgStore>(*p.db);
  p.orgs = std::make_unique<orgs::OrgService>(*p.org_store, *p.mailer, p.clock);
  http::AddOrgRoutes(p.api_router, *p.orgs);
  p.shared_items = std::make_unique<orgs::SharedItems>(*p.orgs, *p.sync, *p.sync_store, p.clock);
  http::AddSharedItemRoutes(p.api_router, *p.shared_items);
  http::AddSyncRoutes(p.api_router, {*p.sync, *p.desktop_sync, options_.sync_max_upload_size,
                                     &p.metrics, http::OrgSpaceResolver(*p.orgs)});
  StartLive();
  HOWLER_RETURN_IF_ERROR(StartDbManager());
  StartAi();
  http::AddStaticRoutes(p.api_router, std::make_shared<const http::StaticFiles>(WebStaticFiles()));
  if (options_.diagnostic_routes) {
    p.diagnostic_timers = std::make_unique<TimerQueue>("diag-timers", 1024);
    http::AddDiagnosticRoutes(p.api_router, {*p.diagnostic_timers});
    log::Warn("diagnostic routes are on (DIAGNOSTIC_ROUTES)");
  }
  p.gate = std::make_unique<api::Gate>(api::GateDeps{api::AuthenticatorOf(*p.auth),
                                                     p.auth_limiter.get(), p.sync_limiter.get(),
                                                     api::LicenseKeyAuthenticatorOf(*p.auth)});

  http::PipelineOptions api;
  api.cors_origins = options_.cors_origins;
  api.trusted_proxies = options_.trusted_proxies;
  api.max_body_bytes = options_.max_request_size;
  api.inline_reads = !config::IsRemoteDatabase(options_);
  p.api_pipeline =
      std::make_unique<http::Pipeline>(api, p.api_router, *p.workers, &p.metrics,
                                       http::OperationDeps{p.gate.get(), p.hash_pool.get()});
  http::PipelineOptions internal = api;
  internal.access_log = false;
  p.metrics_pipeline =
      std::make_unique<http::Pipeline>(internal, p.metrics_router, *p.workers, nullptr);

  http::ServerOptions api_listener =
      ListenerOptions(options_, "api", options_.http_port, options_.http_threads);
  grpcsvc::GrpcServerOptions grpc_options;
  HOWLER_RETURN_IF_ERROR(ConfigureTls(options_, api_listener, grpc_options));
  p.api_server =
      std::make_unique<http::HttpServer>(std::move(api_listener), *p.api_pipeline, &p.metrics);
  p.metrics_server = std::make_unique<http::HttpServer>(
      ListenerOptions(options_, "metrics", options_.metrics_port, 1), *p.metrics_pipeline);
  grpc_options.host = options_.server_host;
  grpc_options.port = options_.grpc_port;
  p.grpc_server = std::make_unique<grpcsvc::GrpcServer>(grpc_options, [db] { return db->Ping(); });
  // gRPC application services: the same service classes as HTTP.
  const grpcsvc::CallDeps calls{p.gate.get(), &p.metrics, p.hash_pool.get(),
                                options_.trusted_proxies};
  p.auth_grpc = std::make_unique<grpcsvc::AuthGrpcService>(*p.auth, calls);
  p.grpc_server->AddService(p.auth_grpc->service());
  p.grpc_server->AddHealthService(std::string(grpcsvc::AuthGrpcService::kServiceName));
  p.sync_grpc =
      std::make_unique<grpcsvc::SyncGrpcService>(*p.sync, calls, options_.sync_max_upload_size);
  p.sync_grpc->EnableWatch(*p.live, api::LiveAuthenticatorOf(*p.auth, *p.access_tokens),
                           &p.metrics);
  p.grpc_server->AddService(p.sync_grpc->service());
  p.grpc_server->AddHealthService(std::string(grpcsvc::SyncGrpcService::kServiceName));
  p.db_grpc = std::make_unique<grpcsvc::DbManagerGrpcService>(*p.db_service, calls);
  p.grpc_server->AddService(p.db_grpc->service());
  p.grpc_server->AddHealthService(std::string(grpcsvc::DbManagerGrpcService::kServiceName));
  p.org_grpc = std::make_unique<grpcsvc::OrgGrpcService>(*p.orgs, calls);
  p.grpc_server->AddService(p.org_grpc->service());
  p.grpc_server->AddHealthService(std::string(grpcsvc::OrgGrpcService::kServiceName));
  p.ai_grpc = std::make_unique<grpcsvc::AiGrpcService>(*p.ai, calls);
  p.grpc_server->AddService(p.ai_grpc->service());
  p.grpc_server->AddHealthService(std::string(grpcsvc::AiGrpcService::kServiceName));

  HOWLER_RETURN_IF_ERROR(p.api_server->Start());
  HOWLER_RETURN_IF_ERROR(p.metrics_server->Start());
  HOWLER_RETURN_IF_ERROR(p.grpc_server->Start());
  HOWLER_RETURN_IF_ERROR(StartRedirect());
  log::Info("listening", {{"listener", "grpc"},
                          {"address", options_.server_host},
                          {"port", static_cast<int>(p.grpc_server->port())}});

  p.jobs = std::make_unique<JobRunner>(options_.jobs_interval, &p.metrics);
  p.jobs->Add({"auth_cleanup", [auth = p.auth.get()] { return auth->Cleanup(); }});
  if (!config::IsRemoteDatabase(options_)) {
    p.jobs->Add({"sqlite_checkpoint", [db] {
                   return db->Query({"PRAGMA wal_checkpoint(PASSIVE)", {}}).status();
                 }});
  }
  p.jobs->Add({"sync_purge", [sync = p.sync.get()] { return sync->PurgeExpired(); }});
  p.jobs->Add({"dbmanager_ping", [&p] {
                 const int closed = p.db_sessions->PingAll(std::chrono::seconds(10));
                 p.db_last_ping_closed = closed;
                 p.db_last_ping_at = SystemClock().NowMillis();
                 if (closed > 0) log::Info("database sessions closed", {{"dead", closed}});
                 return Status::Ok();
               }});
  p.jobs->Start();
  p.frequent_jobs = std::make_unique<JobRunner>(options_.sync_device_flush_interval, &p.metrics);
  p.frequent_jobs->Add(
      {"sync_download_positions", [sync = p.sync.get()] { return sync->FlushDownloads(); }});
  p.frequent_jobs->Add({"dbmanager_sweep", [sessions = p.db_sessions.get()] {
                          sessions->Sweep();
                          return Status::Ok();
                        }});
  p.frequent_jobs->Start();
  p.readiness = http::Readiness::kReady;
  for (const std::string& note : config::ConfigurationNotes(options_)) {
    log::Warn("configuration note", {{"note", note}});
  }
  log::Info("server ready", {{"environment", config::EnvironmentName(options_.environment)},
                             {"version", BuildVersion()},
                             {"database", p.db->backend()}});
  return Status::Ok();
}

namespace {

sync::QuotaLimits Quota(const config::Options::SyncQuota& q) {
  return {static_cast<std::int64_t>(q.connections), static_cast<std::int64_t>(q.saved_queries),
          static_cast<std::int64_t>(q.query_history), static_cast<std::int64_t>(q.reports)};
}

}  // namespace

void Application::StartSync() {
  Parts& p = *parts_;
  sync::SyncOptions o;
  o.max_changes = options_.sync_max_changes;
  o.tombstone_retention = options_.sync_tombstone_retention;
  o.sanitize_history = options_.sync_sanitize_history;
  o.quotas = {Quota(options_.sync_quota_free), Quota(options_.sync_quota_individual),
              Quota(options_.sync_quota_team)};
  p.sync_store = std::make_unique<storage::SyncStore>(*p.db);
  p.sync = std::make_unique<sync::SyncService>(*p.sync_store, p.clock, o, &p.metrics);
  p.desktop_sync = std::make_unique<sync::DesktopSync>(*p.sync, *p.sync_store, p.clock);
  p.sync_limiter =
      std::make_unique<auth::RateLimiter>(options_.rate_limit_sync_per_min, 100000, p.clock);
}

Status Application::StartDbManager() {
  Parts& p = *parts_;
  dbmanager::AddressPolicyOptions policy;
  policy.allow_loopback = options_.environment != config::Environment::kProduction;
  policy.allowed_hosts = options_.dbmanager_allowed_hosts;
  policy.allowed_networks = options_.dbmanager_allowed_networks;
  HOWLER_ASSIGN_OR_RETURN(p.db_policy, dbmanager::AddressPolicy::Create(policy));
  p.db_resolver = dbmanager::MakeSystemResolver();
  p.db_reactor = std::make_unique<dbmanager::Reactor>();
  p.db_engines.push_back(dbmanager::MakePostgresEngine(*p.db_reactor));
  p.db_engines.push_back(dbmanager::MakeMariadbEngine());
  p.db_engines.push_back(dbmanager::MakeLibsqlEngine());
  std::map<dbmanager::EngineKind, dbmanager::Engine*> engines;
  for (const auto& e : p.db_engines) engines[e->kind()] = e.get();
  dbmanager::SessionLimits limits;
  limits.max_sessions_per_user = static_cast<int>(options_.dbmanager_max_sessions_per_user);
  limits.idle_timeout = options_.dbmanager_idle_timeout;
  limits.max_age = options_.dbmanager_max_age;
  p.db_sessions = std::make_unique<dbmanager::SessionManager>(
      std::move(engines), *p.db_policy, *p.db_resolver, p.clock, limits, &p.metrics);
  p.db_history = std::make_unique<dbmanager::QueryHistoryRecorder>(*p.sync, p.clock);
  p.db_service = std::make_unique<dbmanager::DbManagerService>(*p.db_sessions, *p.sync_store,
                                                               *p.db_history, *p.workers, p.clock);
  http::AddDbManagerRoutes(p.api_router, {*p.db_service, *p.workers});
  return Status::Ok();
}

void Application::StartAi() {
  Parts& p = *parts_;
  if (config::AiConfigured(options_)) {
    ai::ChatProviderOptions o;
    o.base_url = options_.ai_base_url;
    while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
    o.api_key = options_.ai_api_key;
    o.connect_timeout = options_.ai_connect_timeout;
    o.request_timeout = options_.ai_request_timeout;
    o.max_calls = static_cast<int>(options_.ai_max_concurrent);
    p.ai_provider = std::make_unique<ai::ChatProvider>(std::move(o));
  }
  ai::AssistantOptions a;
  a.model = options_.ai_model;
  a.max_output_tokens = options_.ai_max_output_tokens;
  a.schema_tokens = options_.ai_schema_tokens;
  a.rate_limit_per_min = options_.ai_rate_limit_per_min;
  a.daily_tokens_free = options_.ai_daily_tokens_free;
  a.daily_tokens_individual = options_.ai_daily_tokens_individual;
  a.daily_tokens_team = options_.ai_daily_tokens_team;
  dbmanager::DbManagerService* db = p.db_service.get();
  ai::SchemaSource schemas{[db](const std::string& user, const std::string& session) {
                             return db->LoadSchema(user, session);
                           },
                           [db](const std::string& user, const std::string& connection) {
                             return db->SessionOfConnection(user, connection);
                           }};
  p.ai_usage = std::make_unique<storage::AiUsageStore>(*p.db);
  p.ai = std::make_unique<ai::AiAssistant>(p.ai_provider.get(), *p.ai_usage, std::move(schemas),
                                           *p.workers, p.clock, std::move(a), &p.metrics);
  http::AddAiRoutes(p.api_router, *p.ai);
  log::Info("ai assistant",
            {{"configured", p.ai_provider != nullptr}, {"model", options_.ai_model}});
}

void Application::StartLive() {
  Parts& p = *parts_;
  sync::LiveOptions o;
  o.poll = config::IsRemoteDatabase(options_);
  o.poll_interval = options_.live_poll_interval;
  // A revoked session is noticed within SESSION_CACHE_TTL, as by any request.
  o.session_check_interval =
      std::max<std::chrono::milliseconds>(options_.session_cache_ttl, std::chrono::seconds(1));
  o.heartbeat_interval = options_.sse_heartbeat_interval;
  o.max_per_user = options_.live_max_per_user;
  o.max_total = options_.live_max_connections;
  storage::SyncStore* sync_store = p.sync_store.get();
  storage::AuthStore* auth_store = p.auth_store.get();
  const Clock* clock = &p.clock;
  sync::LiveReads reads{[sync_store](std::span<const std::string> users) {
                          return sync_store->ReadLiveStates(users);
                        },
                        [auth_store, clock](std::span<const std::string> sessions) {
                          return auth_store->ActiveSessionsAmong(sessions, clock->NowMillis());
                        }};
  p.live = std::make_unique<sync::LiveNotifier>(o, std::move(reads), p.clock, &p.metrics);
  p.sync->SetLiveNotifier(p.live.get());
  p.live_timers = std::make_unique<TimerQueue>("live-timers", 65536);
  http::AddLiveRoutes(p.api_router, {*p.live, api::LiveAuthenticatorOf(*p.auth, *p.access_tokens),
                                     *p.workers, *p.live_timers, options_.live_auth_timeout,
                                     static_cast<int>(options_.live_max_pending_auth), &p.metrics});
  p.live->Start();
}

Status Application::StartAuth() {
  Parts& p = *parts_;
  email::EmailOptions mail;
  mail.resend_api_key = options_.resend_api_key;
  mail.resend_from_email = options_.resend_from_email;
  mail.resend_from_name = options_.resend_from_name;
  mail.resend_api_url = options_.resend_api_url;
  mail.smtp_url = options_.smtp_url;
  mail.base_url = options_.email_base_url;
  email::QueuedMailerOptions queue;
  queue.templates = email::MakeTemplateContext(mail);
  metrics::Metrics* m = &p.metrics;
  p.mailer = std::make_unique<email::QueuedMailer>(
      email::MakeTransport(mail), queue,
      [m](std::string_view type, std::string_view transport, std::string_view result) {
        m->CountEmail(type, transport, result);
      });

  const auth::PasswordParams params{options_.password_hash_memory_kib,
                                    options_.password_hash_iterations};
  HOWLER_RETURN_IF_ERROR(auth::PasswordHasher::CheckParams(params));
  p.hasher = std::make_unique<auth::PasswordHasher>(params);
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  // Signup and login run whole on this pool (hash and database calls). On the embedded
  // database those calls take microseconds, so one thread per core keeps hashing
  // CPU-bound; a remote database adds network waits, which more threads overlap.
  const std::size_t hash_threads = config::IsRemoteDatabase(options_) ? cores * 4 : cores;
  p.hash_pool = std::make_unique<WorkerPool>("hash", hash_threads, options_.hash_queue);
  p.access_tokens = std::make_unique<auth::AccessTokenService>(options_.jwt_secret,
                                                               options_.jwt_expiration, p.clock);
  p.refresh_tokens = std::make_unique<auth::RefreshTokenCodec>(RefreshTokenKey(options_));
  p.session_cache =
      std::make_unique<auth::SessionCache>(options_.session_cache_ttl, 100000, p.clock);
  p.auth_limiter =
      std::make_unique<auth::RateLimiter>(options_.rate_limit_auth_per_min, 100000, p.clock);

  p.auth_store = std::make_unique<storage::AuthStore>(*p.db);
  p.auth = std::make_unique<auth::AuthService>(
      AuthOptionsFrom(options_),
      auth::AuthDeps{*p.auth_store, *p.hasher, *p.access_tokens, *p.refresh_tokens,
                     *p.session_cache, *p.mailer, p.clock, &p.metrics, p.workers.get()});
  return Status::Ok();
}

Status Application::StartRedirect() {
  Parts& p = *parts_;
  if (options_.http_redirect_port == 0) return Status::Ok();
  http::AddHttpsRedirectRoutes(p.redirect_router, p.api_server->port());
  http::PipelineOptions plain;
  plain.access_log = false;
  p.redirect_pipeline =
      std::make_unique<http::Pipeline>(plain, p.redirect_router, *p.workers, nullptr);
  p.redirect_server = std::make_unique<http::HttpServer>(
      ListenerOptions(options_, "redirect", options_.http_redirect_port, 1), *p.redirect_pipeline);
  return p.redirect_server->Start();
}

void Application::ReloadTls() {
  Parts& p = *parts_;
  if (!config::TlsEnabled(options_) || !p.api_server || !p.grpc_server) return;
  Result<TlsKeyPair> pair = LoadTlsKeyPair(options_.tls_cert_file, options_.tls_key_file);
  Status s = pair.status();
  if (s.ok()) s = p.api_server->ReloadTls(*pair);
  if (s.ok()) s = p.grpc_server->ReloadTls(*pair);
  if (!s.ok()) {
    log::Error("tls reload failed; the current certificate stays", {{"error", s.ToString()}});
    return;
  }
  LogCertificate("tls certificate reloaded", *pair);
}

void Application::Shutdown() {
  Parts& p = *parts_;
  if (p.shut_down) return;
  p.shut_down = true;
  p.readiness = http::Readiness::kDraining;
  const auto deadline = std::chrono::steady_clock::now() + options_.shutdown_timeout;

  if (p.api_server) p.api_server->BeginShutdown();
  if (p.metrics_server) p.metrics_server->BeginShutdown();
  // Ends every live listener (WebSocket: 1001; gRPC Watch: UNAVAILABLE) so that no
  // stream holds up the drain.
  if (p.live) p.live->Stop();
  if (p.redirect_server) p.redirect_server->BeginShutdown();
  // Cancels running queries (their streamed answers end) and closes every session, so
  // that no query holds up the drain.
  if (p.db_sessions) {
    const int closed = p.db_sessions->CloseAll();
    if (closed > 0) log::Info("database sessions closed at shutdown", {{"sessions", closed}});
  }
  // Ends every AI answer still streaming (UNAVAILABLE "the server is shutting down") and
  // refuses new ones, so that no call is left when the parts are destroyed.
  if (p.ai_provider) p.ai_provider->CancelAll();
  if (p.grpc_server) {
    p.grpc_server->Shutdown(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
  }
  if (p.api_server && !p.api_server->WaitIdle(deadline)) {
    log::Warn("shutdown budget exhausted with requests in flight",
              {{"in_flight", p.api_server->active_requests()}});
  }
  if (p.jobs) p.jobs->Stop();
  if (p.frequent_jobs) p.frequent_jobs->Stop();
  // Run what is queued; afterwards nothing completes a request any more.
  if (p.hash_pool) p.hash_pool->Shutdown();
  if (p.workers) p.workers->Shutdown();
  if (p.mailer) {
    const auto left = std::max(std::chrono::milliseconds(0),
                               std::chrono::duration_cast<std::chrono::milliseconds>(
                                   deadline - std::chrono::steady_clock::now()));
    p.mailer->Shutdown(left);
  }
  if (p.api_server) p.api_server->Stop();
  if (p.metrics_server) p.metrics_server->Stop();
  if (p.redirect_server) p.redirect_server->Stop();
  if (p.diagnostic_timers) p.diagnostic_timers->Stop();
  if (p.live_timers) p.live_timers->Stop();
  if (p.sync) {
    if (Status s = p.sync->FlushDownloads(); !s.ok()) {
      log::Warn("download positions not saved", {{"error", s.ToString()}});
    }
  }
  p.db.reset();
  p.raw_db.reset();
  log::Info("server stopped");
}

int RunServe(config::Options options) {
  // Signals are taken synchronously by this thread; every thread started later inherits
  // the blocked mask, so no handler ever runs on a worker.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::optional<InstanceLock> lock;
  if (std::optional<std::filesystem::path> db = config::LocalDatabasePath(options)) {
    auto acquired = InstanceLock::Acquire(*db);
    if (!acquired.ok()) {
      log::Error("start-up failed", {{"error", acquired.status().ToString()}});
      return 1;
    }
    lock.emplace(std::move(*acquired));
  }
  const std::uint64_t descriptors = RaiseFileDescriptorLimit();
  log::Info("file descriptor limit", {{"soft", static_cast<std::int64_t>(descriptors)}});
  Application app(std::move(options));
  if (Status s = app.Start(); !s.ok()) {
    log::Error("start-up failed", {{"error", s.ToString()}});
    app.Shutdown();
    return 1;
  }
  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    log::ReopenLogFile();  // first: a rotated file gets this line in the new one
    log::Info("SIGHUP received");
    app.ReloadTls();
  }
  log::Info("shutting down", {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}});
  app.Shutdown();
  return 0;
}

}  // namespace howler::app
