#include "config/variables.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdint>
#include <limits>

#include "config/masking.h"
#include "config/units.h"

namespace howler::config {
namespace {

using std::chrono::milliseconds;
template <typename T>
using Field = T Options::*;

constexpr std::uint32_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

std::string Quote(std::string_view s) {
  return "'" + std::string(s) + "'";
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

Result<std::uint64_t> ParseWhole(std::string_view v, std::uint64_t min, std::uint64_t max) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < min || n > max) {
    return InvalidArgumentError("expected a whole number from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", got " + Quote(v));
  }
  return n;
}

// Splits a comma-separated list, trimming spaces and dropping empty items.
std::vector<std::string> SplitList(std::string_view v) {
  std::vector<std::string> items;
  while (true) {
    const std::size_t comma = v.find(',');
    std::string_view item = v.substr(0, comma);
    const std::size_t begin = item.find_first_not_of(" \t");
    if (begin != std::string_view::npos) {
      item = item.substr(begin, item.find_last_not_of(" \t") - begin + 1);
      items.emplace_back(item);
    }
    if (comma == std::string_view::npos) {
      return items;
    }
    v.remove_prefix(comma + 1);
  }
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ",") + item;
  }
  return out.empty() ? "(none)" : out;
}

// True when `url` is scheme://host... with a non-empty host after any user-info.
bool HasHost(std::string_view url, std::string_view scheme) {
  if (!StartsWith(url, scheme)) {
    return false;
  }
  std::string_view rest = url.substr(scheme.size());
  const std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    rest.remove_prefix(at + 1);
  }
  return !rest.empty() && rest.front() != '/' && rest.front() != ':' && rest.front() != '?';
}

bool IsHttpUrl(std::string_view v) {
  return HasHost(v, "http://") || HasHost(v, "https://");
}

bool IsIpOrCidr(const std::string& v) {
  const std::size_t slash = v.find('/');
  const std::string ip = v.substr(0, slash);
  unsigned char buf[16];
  const bool v4 = ::inet_pton(AF_INET, ip.c_str(), buf) == 1;
  const bool v6 = !v4 && ::inet_pton(AF_INET6, ip.c_str(), buf) == 1;
  if (!v4 && !v6) {
    return false;
  }
  return slash == std::string::npos ||
         ParseWhole(std::string_view(v).substr(slash + 1), 0, v4 ? 32 : 128).ok();
}

// --- builders for the common kinds of variable ---

Variable Duration(std::string_view name, Field<milliseconds> f, bool allow_zero = false) {
  return {name,
          [f, allow_zero](std::string_view v, Options& o) -> Status {
            HOWLER_ASSIGN_OR_RETURN(milliseconds d, ParseDuration(v));
            if (!allow_zero && d.count() == 0) {
              return InvalidArgumentError("must be greater than 0");
            }
            o.*f = d;
            return Status::Ok();
          },
          [f](const Options& o) { return FormatDuration(o.*f); }};
}

Variable Size(std::string_view name, Field<std::uint64_t> f) {
  return {name,
          [f](std::string_view v, Options& o) -> Status {
            HOWLER_ASSIGN_OR_RETURN(std::uint64_t bytes, ParseSize(v));
            if (bytes == 0) {
              return InvalidArgumentError("must be greater than 0");
            }
            o.*f = bytes;
            return Status::Ok();
          },
          [f](const Options& o) { return FormatSize(o.*f); }};
}

Variable Count(std::string_view name, Field<std::uint32_t> f, std::uint32_t min = 1,
               std::uint32_t max = kMaxU32) {
  return {name,
          [f, min, max](std::string_view v, Options& o) -> Status {
            HOWLER_ASSIGN_OR_RETURN(std::uint64_t n, ParseWhole(v, min, max));
            o.*f = static_cast<std::uint32_t>(n);
            return Status::Ok();
          },
          [f](const Options& o) { return std::to_string(o.*f); }};
}

// 1-65535; 0 (any free port) only in the test environment.
Variable Port(std::string_view name, Field<std::uint16_t> f) {
  return {name,
          [f](std::string_view v, Options& o) -> Status {
            const std::uint64_t min = o.environment == Environment::kTest ? 0 : 1;
            HOWLER_ASSIGN_OR_RETURN(std::uint64_t n, ParseWhole(v, min, 65535));
            o.*f = static_cast<std::uint16_t>(n);
            return Status::Ok();
          },
          [f](const Options& o) { return std::to_string(o.*f); }};
}

Variable Bool(std::string_view name, Field<bool> f) {
  return {name,
          [f](std::string_view v, Options& o) -> Status {
            HOWLER_ASSIGN_OR_RETURN(o.*f, ParseBool(v));
            return Status::Ok();
          },
          [f](const Options& o) { return std::string(o.*f ? "true" : "false"); }};
}

// A string checked by `valid` (when given); `what` completes "must be ...".
Variable Text(std::string_view name, Field<std::string> f, bool (*valid)(std::string_view),
              std::string_view what) {
  return {name,
          [f, valid, what](std::string_view v, Options& o) -> Status {
            if (valid != nullptr && !valid(v)) {
              return InvalidArgumentError("must be " + std::string(what) + ", got " + Quote(v));
            }
            o.*f = std::string(v);
            return Status::Ok();
          },
          [f](const Options& o) { return (o.*f).empty() ? "(unset)" : o.*f; }};
}

Variable Secret(std::string_view name, Field<std::string> f) {
  return {name,
          [f](std::string_view v, Options& o) {
            o.*f = std::string(v);
            return Status::Ok();
          },
          [f](const Options& o) { return MaskSecret(o.*f); }};
}

// A comma-separated list whose items `valid` accepts.
Variable List(std::string_view name, Field<std::vector<std::string>> f,
              bool (*valid)(const std::string&), std::string_view what) {
  return {name,
          [f, valid, what](std::string_view v, Options& o) -> Status {
            std::vector<std::string> items = SplitList(v);
            for (const std::string& item : items) {
              if (!valid(item)) {
                return InvalidArgumentError(Quote(item) + " is not " + std::string(what));
              }
            }
            o.*f = std::move(items);
            return Status::Ok();
          },
          [f](const Options& o) { return JoinList(o.*f); }};
}

// --- the variables that need their own rules ---

Variable JwtExpiration() {
  return {"JWT_EXPIRATION",
          [](std::string_view v, Options& o) -> Status {
            HOWLER_ASSIGN_OR_RETURN(milliseconds d, ParseDuration(v));
            const milliseconds min = o.environment == Environment::kTest
                                         ? milliseconds(1)
                                         : milliseconds(std::chrono::minutes(10));
            if (d < min) {
              return InvalidArgumentError("must be at least " + FormatDuration(min) + ", got " +
                                          Quote(v));
            }
            o.jwt_expiration = d;
            return Status::Ok();
          },
          [](const Options& o) { return FormatDuration(o.jwt_expiration); }};
}

bool IsDatabaseUrl(std::string_view v) {
  return v == ":memory:" || (StartsWith(v, "file:") && v.size() > 5) || HasHost(v, "libsql://") ||
         HasHost(v, "http://") || HasHost(v, "https://");
}

Variable DatabaseUrl() {
  return {"TURSO_URL",
          [](std::string_view v, Options& o) -> Status {
            if (!IsDatabaseUrl(v)) {  // the value is not echoed: it may hold a token
              return InvalidArgumentError(
                  "must be file:PATH, :memory:, libsql://HOST, http://HOST:PORT or "
                  "https://HOST");
            }
            o.database_url = std::string(v);
            return Status::Ok();
          },
          [](const Options& o) { return MaskUrlCredentials(o.database_url); }};
}

Variable SmtpUrl() {
  return {"SMTP_URL",
          [](std::string_view v, Options& o) -> Status {
            if (!HasHost(v, "smtp://") && !HasHost(v, "smtps://")) {  // not echoed: a password
              return InvalidArgumentError("must be smtp://user:pass@host:port or smtps://...");
            }
            o.smtp_url = std::string(v);
            return Status::Ok();
          },
          [](const Options& o) { return MaskUrlCredentials(o.smtp_url); }};
}

// The AI provider's base URL; shown without user information (it may hold a key).
Variable AiBaseUrl() {
  return {"AI_BASE_URL",
          [](std::string_view v, Options& o) -> Status {
            if (!IsHttpUrl(v)) {  // not echoed: it may hold a key
              return InvalidArgumentError("must be an http(s):// URL");
            }
            o.ai_base_url = std::string(v);
            return Status::Ok();
          },
          [](const Options& o) {
            return o.ai_base_url.empty() ? std::string("(unset)")
                                         : MaskUrlCredentials(o.ai_base_url);
          }};
}

Variable LogLevel() {
  return {"LOG_LEVEL",
          [](std::string_view v, Options& o) -> Status {
            const std::string level = Lowercase(v);
            for (std::string_view known :
                 {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
              if (level == known) {
                o.log_level = level;
                return Status::Ok();
              }
            }
            return InvalidArgumentError(
                "must be trace, debug, info, warn, error, critical or off, got " + Quote(v));
          },
          [](const Options& o) { return o.log_level; }};
}

Variable LogFormatVariable() {
  return {"LOG_FORMAT",
          [](std::string_view v, Options& o) -> Status {
            const std::string format = Lowercase(v);
            if (format != "json" && format != "text") {
              return InvalidArgumentError("must be json or text, got " + Quote(v));
            }
            o.log_format = format == "json" ? LogFormat::kJson : LogFormat::kText;
            return Status::Ok();
          },
          [](const Options& o) { return std::string(LogFormatName(o.log_format)); }};
}

Variable LogFile() {
  return {"LOG_FILE",
          [](std::string_view v, Options& o) -> Status {
            o.log_file = std::string(v);
            return Status::Ok();
          },
          [](const Options& o) { return o.log_file.empty() ? "(stdout)" : o.log_file; }};
}

Variable SqliteSynchronousVariable() {
  return {
      "SQLITE_SYNCHRONOUS",
      [](std::string_view v, Options& o) -> Status {
        const std::string mode = Lowercase(v);
        if (mode != "normal" && mode != "full") {
          return InvalidArgumentError("must be NORMAL or FULL, got " + Quote(v));
        }
        o.sqlite_synchronous =
            mode == "full" ? SqliteSynchronous::kFull : SqliteSynchronous::kNormal;
        return Status::Ok();
      },
      [](const Options& o) { return std::string(SqliteSynchronousName(o.sqlite_synchronous)); }};
}

// "connections=100,saved_queries=1000,query_history=50000,reports=100"; keys left out keep their
// value.
Variable SyncQuotaVariable(std::string_view name, Field<Options::SyncQuota> f) {
  return {name,
          [f](std::string_view v, Options& o) -> Status {
            Options::SyncQuota quota = o.*f;
            std::string_view rest = v;
            while (!rest.empty()) {
              std::size_t comma = rest.find(',');
              std::string_view part = rest.substr(0, comma);
              rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
              std::size_t eq = part.find('=');
              std::string_view key = part.substr(0, eq);
              std::uint64_t* target = key == "connections"     ? &quota.connections
                                      : key == "saved_queries" ? &quota.saved_queries
                                      : key == "query_history" ? &quota.query_history
                                      : key == "reports"       ? &quota.reports
                                                               : nullptr;
              if (target == nullptr || eq == std::string_view::npos) {
                return InvalidArgumentError(
                    "must be a list like "
                    "connections=100,saved_queries=1000,query_history=50000,reports=100, "
                    "got " +
                    Quote(v));
              }
              HOWLER_ASSIGN_OR_RETURN(*target, ParseWhole(part.substr(eq + 1), 0, kMaxU32));
            }
            o.*f = quota;
            return Status::Ok();
          },
          [f](const Options& o) {
            const Options::SyncQuota& q = o.*f;
            return "connections=" + std::to_string(q.connections) +
                   ",saved_queries=" + std::to_string(q.saved_queries) +
                   ",query_history=" + std::to_string(q.query_history) +
                   ",reports=" + std::to_string(q.reports);
          }};
}

Variable DataDir() {
  return {"DATA_DIR",
          [](std::string_view v, Options& o) {
            o.data_dir = std::filesystem::path(v);
            return Status::Ok();
          },
          [](const Options& o) { return o.data_dir.string(); }};
}

bool IsEmailAddress(std::string_view v) {
  const std::size_t at = v.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < v.size() &&
         v.find_first_of(" \t<>,") == std::string_view::npos;
}

// A DNS host name: letters, digits, '-' and '.', at most 253 bytes.
bool IsHostName(const std::string& v) {
  return !v.empty() && v.size() <= 253 &&
         v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") ==
             std::string::npos;
}

bool IsOrigin(const std::string& v) {
  return v == "*" || IsHttpUrl(v);
}

std::vector<Variable> BuildVariables() {
  return {
      DatabaseUrl(),
      Secret("TURSO_AUTH_TOKEN", &Options::database_auth_token),
      Secret("JWT_SECRET", &Options::jwt_secret),
      JwtExpiration(),
      Duration("JWT_REFRESH_EXPIRATION", &Options::jwt_refresh_expiration),
      Text("SERVER_HOST", &Options::server_host, nullptr, ""),
      Port("SERVER_HTTP_PORT", &Options::http_port),
      Port("SERVER_GRPC_PORT", &Options::grpc_port),
      Port("SERVER_METRICS_PORT", &Options::metrics_port),
      Text("TLS_CERT_FILE", &Options::tls_cert_file, nullptr, ""),
      Text("TLS_KEY_FILE", &Options::tls_key_file, nullptr, ""),  // the path, never the key
      Bool("TLS_HSTS", &Options::tls_hsts),
      Port("HTTP_REDIRECT_PORT", &Options::http_redirect_port),
      Duration("SHUTDOWN_TIMEOUT", &Options::shutdown_timeout, /*allow_zero=*/true),
      LogLevel(),
      LogFormatVariable(),
      LogFile(),
      List("CORS_ORIGINS", &Options::cors_origins, IsOrigin, "* or an http(s):// origin"),
      List("TRUSTED_PROXIES", &Options::trusted_proxies, IsIpOrCidr, "an IP address or CIDR range"),
      Size("MAX_REQUEST_SIZE", &Options::max_request_size),
      Count("MAX_LOGIN_ATTEMPTS", &Options::max_login_attempts),
      Duration("LOCKOUT_DURATION", &Options::lockout_duration),
      Count("PASSWORD_HASH_MEMORY_KIB", &Options::password_hash_memory_kib, 8, 4 * 1024 * 1024),
      Count("PASSWORD_HASH_ITERATIONS", &Options::password_hash_iterations),
      Secret("RESEND_API_KEY", &Options::resend_api_key),
      Text("RESEND_FROM_EMAIL", &Options::resend_from_email, IsEmailAddress, "an email address"),
      Text("RESEND_FROM_NAME", &Options::resend_from_name, nullptr, ""),
      Text("RESEND_API_URL", &Options::resend_api_url, IsHttpUrl, "an http(s):// URL"),
      SmtpUrl(),
      Text("EMAIL_BASE_URL", &Options::email_base_url, IsHttpUrl, "an http(s):// URL"),
      Size("SYNC_MAX_UPLOAD_SIZE", &Options::sync_max_upload_size),
      Count("SYNC_MAX_CHANGES", &Options::sync_max_changes),
      Duration("SYNC_TOMBSTONE_RETENTION", &Options::sync_tombstone_retention),
      Bool("SYNC_SANITIZE_HISTORY", &Options::sync_sanitize_history),
      SyncQuotaVariable("SYNC_QUOTA_FREE", &Options::sync_quota_free),
      SyncQuotaVariable("SYNC_QUOTA_INDIVIDUAL", &Options::sync_quota_individual),
      SyncQuotaVariable("SYNC_QUOTA_TEAM", &Options::sync_quota_team),
      Count("RATE_LIMIT_AUTH_PER_MIN", &Options::rate_limit_auth_per_min),
      Count("RATE_LIMIT_SYNC_PER_MIN", &Options::rate_limit_sync_per_min),
      List("DBMANAGER_ALLOWED_HOSTS", &Options::dbmanager_allowed_hosts, IsHostName, "a host name"),
      List("DBMANAGER_ALLOWED_NETWORKS", &Options::dbmanager_allowed_networks, IsIpOrCidr,
           "an IP address or CIDR range"),
      Count("DBMANAGER_MAX_SESSIONS_PER_USER", &Options::dbmanager_max_sessions_per_user, 1, 1000),
      Duration("DBMANAGER_IDLE_TIMEOUT", &Options::dbmanager_idle_timeout),
      Duration("DBMANAGER_MAX_AGE", &Options::dbmanager_max_age),
      AiBaseUrl(),
      Secret("AI_API_KEY", &Options::ai_api_key),
      Text("AI_MODEL", &Options::ai_model, nullptr, ""),
      Duration("AI_CONNECT_TIMEOUT", &Options::ai_connect_timeout),
      Duration("AI_REQUEST_TIMEOUT", &Options::ai_request_timeout),
      Count("AI_MAX_OUTPUT_TOKENS", &Options::ai_max_output_tokens, 1, 1000000),
      Count("AI_SCHEMA_TOKENS", &Options::ai_schema_tokens, 0, 1000000),
      Count("AI_RATE_LIMIT_PER_MIN", &Options::ai_rate_limit_per_min, 0),
      Count("AI_MAX_CONCURRENT", &Options::ai_max_concurrent, 1, 100000),
      Count("AI_DAILY_TOKENS_FREE", &Options::ai_daily_tokens_free, 0),
      Count("AI_DAILY_TOKENS_INDIVIDUAL", &Options::ai_daily_tokens_individual, 0),
      Count("AI_DAILY_TOKENS_TEAM", &Options::ai_daily_tokens_team, 0),
      // Operational variables.
      DataDir(),
      SqliteSynchronousVariable(),
      Duration("SQLITE_BUSY_TIMEOUT", &Options::sqlite_busy_timeout, /*allow_zero=*/true),
      Count("SQLITE_READERS", &Options::sqlite_readers, 1, 1024),
      Duration("TURSO_CONNECT_TIMEOUT", &Options::turso_connect_timeout),
      Duration("TURSO_REQUEST_TIMEOUT", &Options::turso_request_timeout),
      Count("HTTP_THREADS", &Options::http_threads, 1, 1024),
      Duration("HTTP_READ_TIMEOUT", &Options::http_read_timeout),
      Duration("HTTP_IDLE_TIMEOUT", &Options::http_idle_timeout),
      Size("HTTP_MAX_HEADER_SIZE", &Options::http_max_header_size),
      Count("HTTP_MAX_PIPELINE", &Options::http_max_pipeline),
      Duration("SSE_HEARTBEAT_INTERVAL", &Options::sse_heartbeat_interval),
      Duration("WEBSOCKET_IDLE_TIMEOUT", &Options::websocket_idle_timeout),
      Duration("LIVE_POLL_INTERVAL", &Options::live_poll_interval),
      Count("LIVE_MAX_CONNECTIONS", &Options::live_max_connections, 1, 1000000),
      Count("LIVE_MAX_PER_USER", &Options::live_max_per_user, 1, 1024),
      Duration("LIVE_AUTH_TIMEOUT", &Options::live_auth_timeout),
      Count("LIVE_MAX_PENDING_AUTH", &Options::live_max_pending_auth, 1, 1000000),
      Bool("DIAGNOSTIC_ROUTES", &Options::diagnostic_routes),
      Count("WORKER_THREADS", &Options::worker_threads, 1, 1024),
      Count("WORKER_QUEUE", &Options::worker_queue),
      Count("HASH_QUEUE", &Options::hash_queue),
      Duration("SESSION_CACHE_TTL", &Options::session_cache_ttl, /*allow_zero=*/true),
      Duration("VERIFICATION_RESEND_INTERVAL", &Options::verification_resend_interval,
               /*allow_zero=*/true),
      Duration("AUTH_EVENT_RETENTION", &Options::auth_event_retention),
      Duration("JOBS_INTERVAL", &Options::jobs_interval),
      Duration("SYNC_DEVICE_FLUSH_INTERVAL", &Options::sync_device_flush_interval),
  };
}

}  // namespace

const std::vector<Variable>& Variables() {
  static const std::vector<Variable> kVariables = BuildVariables();
  return kVariables;
}

}  // namespace howler::config
