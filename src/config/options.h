// Options: the whole server configuration as plain values, one field per environment
// variable (API.md "Configuration (environment)"), with the documented defaults. Built by
// LoadOptions (loader.h); read-only afterwards and then safe to share between threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace howler::config {

using std::chrono::milliseconds;

enum class Environment { kDevelopment, kProduction, kTest };
enum class LogFormat { kJson, kText };
enum class SqliteSynchronous { kNormal, kFull };

// "development", "production", "test".
std::string_view EnvironmentName(Environment e);
// "json", "text".
std::string_view LogFormatName(LogFormat f);
// "NORMAL", "FULL".
std::string_view SqliteSynchronousName(SqliteSynchronous s);

struct Options {
  Environment environment = Environment::kDevelopment;  // ENVIRONMENT

  // Storage.
  // TURSO_URL; the default depends on ENVIRONMENT (see LoadOptions).
  std::string database_url = "file:./data/development.db";
  std::string database_auth_token;                                    // TURSO_AUTH_TOKEN
  std::filesystem::path data_dir = "./data";                          // DATA_DIR
  SqliteSynchronous sqlite_synchronous = SqliteSynchronous::kNormal;  // SQLITE_SYNCHRONOUS
  milliseconds sqlite_busy_timeout = std::chrono::seconds(5);         // SQLITE_BUSY_TIMEOUT
  std::uint32_t sqlite_readers = 4;                                   // SQLITE_READERS
  milliseconds turso_connect_timeout = std::chrono::seconds(5);       // TURSO_CONNECT_TIMEOUT
  milliseconds turso_request_timeout = std::chrono::seconds(15);      // TURSO_REQUEST_TIMEOUT

  // Tokens and passwords.
  std::string jwt_secret;                                         // JWT_SECRET
  milliseconds jwt_expiration = std::chrono::minutes(15);         // JWT_EXPIRATION
  milliseconds jwt_refresh_expiration = std::chrono::hours(720);  // JWT_REFRESH_EXPIRATION
  milliseconds session_cache_ttl = std::chrono::seconds(10);      // SESSION_CACHE_TTL
  // Least time between two verification emails to one user (the signup email counts).
  milliseconds verification_resend_interval =
      std::chrono::seconds(60);  // VERIFICATION_RESEND_INTERVAL
  // How long the audit trail (auth_events) keeps an event before cleanup deletes it.
  milliseconds auth_event_retention = std::chrono::hours(24 * 365);  // AUTH_EVENT_RETENTION
  std::uint32_t max_login_attempts = 5;                              // MAX_LOGIN_ATTEMPTS
  milliseconds lockout_duration = std::chrono::minutes(15);          // LOCKOUT_DURATION
  std::uint32_t password_hash_memory_kib = 19456;                    // PASSWORD_HASH_MEMORY_KIB
  std::uint32_t password_hash_iterations = 2;                        // PASSWORD_HASH_ITERATIONS
  std::uint32_t hash_queue = 64;                                     // HASH_QUEUE

  // Listeners and transport limits.
  std::string server_host = "0.0.0.0";                           // SERVER_HOST
  std::uint16_t http_port = 8080;                                // SERVER_HTTP_PORT
  std::uint16_t grpc_port = 9090;                                // SERVER_GRPC_PORT
  std::uint16_t metrics_port = 9100;                             // SERVER_METRICS_PORT
  milliseconds shutdown_timeout = std::chrono::seconds(30);      // SHUTDOWN_TIMEOUT
  std::vector<std::string> cors_origins = {"*"};                 // CORS_ORIGINS
  std::vector<std::string> trusted_proxies;                      // TRUSTED_PROXIES (IPs or CIDRs)
  std::uint64_t max_request_size = std::uint64_t{10} << 20;      // MAX_REQUEST_SIZE
  std::uint32_t http_threads = 2;                                // HTTP_THREADS
  std::uint32_t worker_threads = 8;                              // WORKER_THREADS
  std::uint32_t worker_queue = 1024;                             // WORKER_QUEUE
  milliseconds http_read_timeout = std::chrono::seconds(30);     // HTTP_READ_TIMEOUT
  milliseconds http_idle_timeout = std::chrono::seconds(60);     // HTTP_IDLE_TIMEOUT
  std::uint64_t http_max_header_size = std::uint64_t{16} << 10;  // HTTP_MAX_HEADER_SIZE
  std::uint32_t http_max_pipeline = 16;                          // HTTP_MAX_PIPELINE
  std::uint32_t rate_limit_auth_per_min = 20;   // RATE_LIMIT_AUTH_PER_MIN, per client IP
  std::uint32_t rate_limit_sync_per_min = 120;  // RATE_LIMIT_SYNC_PER_MIN, per user

  // TLS on the HTTP and gRPC listeners (both files or neither; empty: plain text). The
  // files are PEM and read again on SIGHUP (API.md "TLS").
  std::string tls_cert_file;  // TLS_CERT_FILE
  std::string tls_key_file;   // TLS_KEY_FILE
  // Strict-Transport-Security on HTTPS answers.
  bool tls_hsts = true;  // TLS_HSTS
  // A plain listener answering 308 to the https:// URL; 0: none. Requires TLS.
  std::uint16_t http_redirect_port = 0;  // HTTP_REDIRECT_PORT

  // Long-lived responses. Event streams write a ": keep-alive" comment after this long
  // without an event.
  milliseconds sse_heartbeat_interval = std::chrono::seconds(15);   // SSE_HEARTBEAT_INTERVAL
  milliseconds websocket_idle_timeout = std::chrono::seconds(300);  // WEBSOCKET_IDLE_TIMEOUT
  // Live sync (/api/sync/live, SyncService.Watch): with a remote database, how often the
  // sequences of all users with listeners are read (one query); connection caps; how long
  // a socket may wait for its first (auth) message.
  milliseconds live_poll_interval = std::chrono::seconds(1);  // LIVE_POLL_INTERVAL
  std::uint32_t live_max_connections = 20000;                 // LIVE_MAX_CONNECTIONS
  std::uint32_t live_max_per_user = 8;                        // LIVE_MAX_PER_USER
  milliseconds live_auth_timeout = std::chrono::seconds(10);  // LIVE_AUTH_TIMEOUT
  std::uint32_t live_max_pending_auth = 1024;                 // LIVE_MAX_PENDING_AUTH
  // The /api/diagnostics/* routes (streamed body, event stream, WebSocket echo).
  bool diagnostic_routes = false;  // DIAGNOSTIC_ROUTES

  // Logging.
  std::string log_level = "info";           // LOG_LEVEL: trace|debug|info|warn|error|critical|off
  LogFormat log_format = LogFormat::kText;  // LOG_FORMAT; json by default in production
  std::string log_file;  // LOG_FILE: lines appended there (reopened on SIGHUP); empty: stdout

  // Email.
  std::string resend_api_key;                             // RESEND_API_KEY
  std::string resend_from_email;                          // RESEND_FROM_EMAIL
  std::string resend_from_name = "Howlerops";             // RESEND_FROM_NAME
  std::string resend_api_url = "https://api.resend.com";  // RESEND_API_URL
  std::string smtp_url;                                   // SMTP_URL
  // EMAIL_BASE_URL; unset: this server's own web console, http(s)://<SERVER_HOST, or
  // localhost for a wildcard>:<SERVER_HTTP_PORT>/app (EmailBaseUrlDefault).
  std::string email_base_url = "http://localhost:8080/app";

  // Sync.
  // SYNC_MAX_UPLOAD_SIZE; defaults to MAX_REQUEST_SIZE.
  std::uint64_t sync_max_upload_size = std::uint64_t{10} << 20;
  std::uint32_t sync_max_changes = 1000;                                // SYNC_MAX_CHANGES
  milliseconds sync_tombstone_retention = std::chrono::hours(90 * 24);  // SYNC_TOMBSTONE_RETENTION
  bool sync_sanitize_history = true;                                    // SYNC_SANITIZE_HISTORY
  // SYNC_QUOTA_FREE / _INDIVIDUAL / _TEAM: live items a user of the tier may keep.
  struct SyncQuota {
    std::uint64_t connections;
    std::uint64_t saved_queries;
    std::uint64_t query_history;
    std::uint64_t reports;
    friend bool operator==(const SyncQuota&, const SyncQuota&) = default;
  };
  SyncQuota sync_quota_free{100, 1000, 50000, 100};
  SyncQuota sync_quota_individual{1000, 10000, 500000, 1000};
  SyncQuota sync_quota_team{5000, 50000, 2000000, 5000};

  // Database manager (users' own databases).
  std::vector<std::string> dbmanager_allowed_hosts;     // DBMANAGER_ALLOWED_HOSTS
  std::vector<std::string> dbmanager_allowed_networks;  // DBMANAGER_ALLOWED_NETWORKS (CIDR)
  std::uint32_t dbmanager_max_sessions_per_user = 5;    // DBMANAGER_MAX_SESSIONS_PER_USER
  milliseconds dbmanager_idle_timeout = std::chrono::minutes(15);  // DBMANAGER_IDLE_TIMEOUT
  milliseconds dbmanager_max_age = std::chrono::hours(8);          // DBMANAGER_MAX_AGE

  // AI assistant (an OpenAI-compatible chat-completions provider). Configured when
  // AI_BASE_URL and AI_MODEL are set (AiConfigured); AI_API_KEY may stay empty for a local
  // server. The key is masked wherever options are shown.
  std::string ai_base_url;                                      // AI_BASE_URL
  std::string ai_api_key;                                       // AI_API_KEY
  std::string ai_model;                                         // AI_MODEL
  milliseconds ai_connect_timeout = std::chrono::seconds(5);    // AI_CONNECT_TIMEOUT
  milliseconds ai_request_timeout = std::chrono::seconds(120);  // AI_REQUEST_TIMEOUT
  std::uint32_t ai_max_output_tokens = 1024;                    // AI_MAX_OUTPUT_TOKENS
  std::uint32_t ai_schema_tokens = 3000;                        // AI_SCHEMA_TOKENS
  std::uint32_t ai_rate_limit_per_min = 20;                     // AI_RATE_LIMIT_PER_MIN
  std::uint32_t ai_max_concurrent = 256;                        // AI_MAX_CONCURRENT
  // AI_DAILY_TOKENS_FREE / _INDIVIDUAL / _TEAM: tokens (in + out) a user of the tier may
  // spend per UTC day; 0: no limit.
  std::uint32_t ai_daily_tokens_free = 50000;
  std::uint32_t ai_daily_tokens_individual = 500000;
  std::uint32_t ai_daily_tokens_team = 2000000;

  // Background jobs.
  milliseconds jobs_interval = std::chrono::hours(1);  // JOBS_INTERVAL
  // SYNC_DEVICE_FLUSH_INTERVAL: how often buffered download positions are written.
  milliseconds sync_device_flush_interval = std::chrono::seconds(5);
};

// True for libsql://, http:// and https:// database URLs.
bool IsRemoteDatabase(const Options& options);

// The file of a file: database URL ("file:./data/x.db" and "file:///abs/x.db?mode=rwc"
// alike); nullopt for :memory: and remote databases.
std::optional<std::filesystem::path> LocalDatabasePath(const Options& options);

// True when TLS_CERT_FILE and TLS_KEY_FILE are set.
bool TlsEnabled(const Options& options);
// The EMAIL_BASE_URL used when it is unset: the web console of this server (/app), so that
// the verification and reset links land on its pages.
std::string EmailBaseUrlDefault(const Options& options);

// True when AI_BASE_URL and AI_MODEL are set.
bool AiConfigured(const Options& options);

// "resend" when RESEND_API_KEY is set, else "smtp" when SMTP_URL is set, else "log".
std::string EmailTransportName(const Options& options);

}  // namespace howler::config
