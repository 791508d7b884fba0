#include "config/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>  // setenv
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "common/temp_dir.h"

namespace howler::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kProductionSecret = "0123456789abcdef0123456789abcdefTAIL";

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("howler-config-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(dir).value());
  }

  const fs::path& dir() const { return dir_->path(); }

  void WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(dir() / name) << text;
  }

  EnvLookup Lookup() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      return it == env_.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }

  Result<Options> Load() const { return LoadOptions(Lookup(), dir()); }

  Options LoadOk() const {
    auto r = Load();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Options();
  }

  std::string LoadError() const {
    auto r = Load();
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    return r.status().message();
  }

  void SetProductionEssentials() {
    env_["ENVIRONMENT"] = "production";
    env_["JWT_SECRET"] = kProductionSecret;
    env_["TURSO_URL"] = "libsql://db.example.turso.io";
    env_["TURSO_AUTH_TOKEN"] = "token-abcdefghijklmnopqrstuvwxyz";
    env_["RESEND_API_KEY"] = "re_abcdefghijklmnopqrstuvwxyz";
    env_["RESEND_FROM_EMAIL"] = "noreply@example.com";
  }

  std::map<std::string, std::string> env_;
  std::optional<TempDir> dir_;
};

TEST_F(LoaderTest, DevelopmentNeedsNothingAndTouchesNoFile) {
  const Options o = LoadOk();
  EXPECT_EQ(o.environment, Environment::kDevelopment);
  EXPECT_EQ(o.database_url, "file:./data/development.db");
  EXPECT_EQ(o.log_format, LogFormat::kText);
  EXPECT_EQ(o.sync_max_upload_size, o.max_request_size);
  EXPECT_TRUE(o.jwt_secret.empty());
  EXPECT_EQ(EmailTransportName(o), "log");
  EXPECT_TRUE(fs::is_empty(dir()));
}

TEST_F(LoaderTest, TestEnvironmentDefaults) {
  env_["ENVIRONMENT"] = "test";
  env_["SERVER_HTTP_PORT"] = "0";
  env_["SERVER_GRPC_PORT"] = "0";
  env_["SERVER_METRICS_PORT"] = "0";
  env_["JWT_EXPIRATION"] = "1s";
  const Options o = LoadOk();
  EXPECT_EQ(o.environment, Environment::kTest);
  EXPECT_EQ(o.database_url, ":memory:");
  EXPECT_EQ(o.http_port, 0);
  EXPECT_EQ(o.jwt_expiration, seconds(1));
  EXPECT_EQ(o.log_format, LogFormat::kText);
}

TEST_F(LoaderTest, EnvironmentIsCaseInsensitiveAndValidated) {
  env_["ENVIRONMENT"] = "Test";
  EXPECT_EQ(LoadOk().environment, Environment::kTest);
  env_["ENVIRONMENT"] = "staging";
  EXPECT_EQ(LoadError(),
            "invalid configuration: ENVIRONMENT: must be development, production or test, got "
            "'staging'");
}

TEST_F(LoaderTest, PrecedenceProcessThenEnvironmentFileThenDotenv) {
  WriteFile(".env", "SERVER_HOST=1.1.1.1\nRESEND_FROM_NAME=from-dotenv\nSYNC_MAX_CHANGES=7\n");
  WriteFile(".env.development", "SERVER_HOST=2.2.2.2\nRESEND_FROM_NAME=from-env-file\n");
  env_["SERVER_HOST"] = "3.3.3.3";
  Options o = LoadOk();
  EXPECT_EQ(o.server_host, "3.3.3.3");
  EXPECT_EQ(o.resend_from_name, "from-env-file");
  EXPECT_EQ(o.sync_max_changes, 7u);
  env_.erase("SERVER_HOST");
  EXPECT_EQ(LoadOk().server_host, "2.2.2.2");
  fs::remove(dir() / ".env.development");
  EXPECT_EQ(LoadOk().server_host, "1.1.1.1");
}

TEST_F(LoaderTest, EnvironmentFromDotenvSelectsTheSecondFile) {
  WriteFile(".env", "ENVIRONMENT=test\nSERVER_HOST=from-dotenv\n");
  WriteFile(".env.test", "SERVER_HOST=from-test-file\nENVIRONMENT=development\n");
  WriteFile(".env.development", "SERVER_HOST=wrong-file\n");
  const Options o = LoadOk();
  EXPECT_EQ(o.environment, Environment::kTest);  // .env.test cannot change it
  EXPECT_EQ(o.server_host, "from-test-file");
}

TEST_F(LoaderTest, ProcessEnvironmentChoosesTheFileOverDotenv) {
  WriteFile(".env", "ENVIRONMENT=development\n");
  WriteFile(".env.test", "SQLITE_READERS=9\n");
  env_["ENVIRONMENT"] = "test";
  EXPECT_EQ(LoadOk().sqlite_readers, 9u);
}

TEST_F(LoaderTest, EmptyValuesCountAsUnset) {
  WriteFile(".env", "SERVER_HOST=from-dotenv\nLOG_LEVEL=\n");
  env_["SERVER_HOST"] = "";
  const Options o = LoadOk();
  EXPECT_EQ(o.server_host, "from-dotenv");
  EXPECT_EQ(o.log_level, "info");
}

TEST_F(LoaderTest, MalformedDotenvIsAnError) {
  WriteFile(".env", "A=1\nthis is not valid\n");
  EXPECT_EQ(LoadError(), "invalid configuration: .env: line 2: expected KEY=VALUE");
  fs::remove(dir() / ".env");
  WriteFile(".env.development", "B=\"open\n");
  EXPECT_EQ(LoadError(),
            "invalid configuration: .env.development: line 1: unterminated double-quoted value "
            "for B");
}

TEST_F(LoaderTest, ParsesEveryVariable) {
  env_ = {
      {"TURSO_URL", "http://127.0.0.1:8081"},
      {"TURSO_AUTH_TOKEN", "tok"},
      {"JWT_SECRET", "s3cret"},
      {"JWT_EXPIRATION", "20m"},
      {"JWT_REFRESH_EXPIRATION", "7d"},
      {"SERVER_HOST", "127.0.0.1"},
      {"SERVER_HTTP_PORT", "18080"},
      {"SERVER_GRPC_PORT", "19090"},
      {"SERVER_METRICS_PORT", "19100"},
      {"SHUTDOWN_TIMEOUT", "0"},
      {"LOG_LEVEL", "DEBUG"},
      {"LOG_FORMAT", "json"},
      {"CORS_ORIGINS", " https://a.example , http://b.example:3000,"},
      {"TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,::1,fd00::/8"},
      {"MAX_REQUEST_SIZE", "2MiB"},
      {"MAX_LOGIN_ATTEMPTS", "3"},
      {"LOCKOUT_DURATION", "1h"},
      {"PASSWORD_HASH_MEMORY_KIB", "8"},
      {"PASSWORD_HASH_ITERATIONS", "3"},
      {"RESEND_API_KEY", "re_key"},
      {"RESEND_FROM_EMAIL", "noreply@example.com"},
      {"RESEND_FROM_NAME", "Howler Ops"},
      {"RESEND_API_URL", "http://127.0.0.1:9999"},
      {"SMTP_URL", "smtps://u:p@mail.example.com:465"},
      {"EMAIL_BASE_URL", "https://app.example.com"},
      {"SYNC_MAX_UPLOAD_SIZE", "512KiB"},
      {"SYNC_MAX_CHANGES", "50"},
      {"SYNC_TOMBSTONE_RETENTION", "30d"},
      {"SYNC_SANITIZE_HISTORY", "off"},
      {"RATE_LIMIT_AUTH_PER_MIN", "10"},
      {"RATE_LIMIT_SYNC_PER_MIN", "60"},
      {"DATA_DIR", "/var/lib/howler"},
      {"SQLITE_SYNCHRONOUS", "full"},
      {"SQLITE_BUSY_TIMEOUT", "250ms"},
      {"SQLITE_READERS", "2"},
      {"TURSO_CONNECT_TIMEOUT", "2s"},
      {"TURSO_REQUEST_TIMEOUT", "20s"},
      {"HTTP_THREADS", "3"},
      {"HTTP_READ_TIMEOUT", "10s"},
      {"HTTP_IDLE_TIMEOUT", "2m"},
      {"HTTP_MAX_HEADER_SIZE", "8KiB"},
      {"HTTP_MAX_PIPELINE", "4"},
      {"SSE_HEARTBEAT_INTERVAL", "5s"},
      {"LIVE_POLL_INTERVAL", "250ms"},
      {"LIVE_MAX_CONNECTIONS", "50000"},
      {"LIVE_MAX_PER_USER", "4"},
      {"LIVE_AUTH_TIMEOUT", "3s"},
      {"DIAGNOSTIC_ROUTES", "true"},
      {"WORKER_THREADS", "5"},
      {"WORKER_QUEUE", "100"},
      {"HASH_QUEUE", "32"},
      {"SESSION_CACHE_TTL", "0"},
      {"JOBS_INTERVAL", "30m"},
  };
  const Options o = LoadOk();
  EXPECT_EQ(o.database_url, "http://127.0.0.1:8081");
  EXPECT_EQ(o.database_auth_token, "tok");
  EXPECT_EQ(o.jwt_secret, "s3cret");
  EXPECT_EQ(o.jwt_expiration, minutes(20));
  EXPECT_EQ(o.jwt_refresh_expiration, hours(7 * 24));
  EXPECT_EQ(o.server_host, "127.0.0.1");
  EXPECT_EQ(o.http_port, 18080);
  EXPECT_EQ(o.grpc_port, 19090);
  EXPECT_EQ(o.metrics_port, 19100);
  EXPECT_EQ(o.shutdown_timeout, milliseconds(0));
  EXPECT_EQ(o.log_level, "debug");
  EXPECT_EQ(o.log_format, LogFormat::kJson);
  EXPECT_EQ(o.cors_origins,
            (std::vector<std::string>{"https://a.example", "http://b.example:3000"}));
  EXPECT_EQ(o.trusted_proxies,
            (std::vector<std::string>{"10.0.0.0/8", "127.0.0.1", "::1", "fd00::/8"}));
  EXPECT_EQ(o.max_request_size, 2u << 20);
  EXPECT_EQ(o.max_login_attempts, 3u);
  EXPECT_EQ(o.lockout_duration, hours(1));
  EXPECT_EQ(o.password_hash_memory_kib, 8u);
  EXPECT_EQ(o.password_hash_iterations, 3u);
  EXPECT_EQ(o.resend_api_key, "re_key");
  EXPECT_EQ(o.resend_from_email, "noreply@example.com");
  EXPECT_EQ(o.resend_from_name, "Howler Ops");
  EXPECT_EQ(o.resend_api_url, "http://127.0.0.1:9999");
  EXPECT_EQ(o.smtp_url, "smtps://u:p@mail.example.com:465");
  EXPECT_EQ(o.email_base_url, "https://app.example.com");
  EXPECT_EQ(o.sync_max_upload_size, 512u << 10);
  EXPECT_EQ(o.sync_max_changes, 50u);
  EXPECT_EQ(o.sync_tombstone_retention, hours(30 * 24));
  EXPECT_FALSE(o.sync_sanitize_history);
  EXPECT_EQ(o.rate_limit_auth_per_min, 10u);
  EXPECT_EQ(o.rate_limit_sync_per_min, 60u);
  EXPECT_EQ(o.data_dir, "/var/lib/howler");
  EXPECT_EQ(o.sqlite_synchronous, SqliteSynchronous::kFull);
  EXPECT_EQ(o.sqlite_busy_timeout, milliseconds(250));
  EXPECT_EQ(o.sqlite_readers, 2u);
  EXPECT_EQ(o.turso_connect_timeout, seconds(2));
  EXPECT_EQ(o.turso_request_timeout, seconds(20));
  EXPECT_EQ(o.http_threads, 3u);
  EXPECT_EQ(o.http_read_timeout, seconds(10));
  EXPECT_EQ(o.http_idle_timeout, minutes(2));
  EXPECT_EQ(o.http_max_header_size, 8u << 10);
  EXPECT_EQ(o.http_max_pipeline, 4u);
  EXPECT_EQ(o.sse_heartbeat_interval, seconds(5));
  EXPECT_EQ(o.live_poll_interval, milliseconds(250));
  EXPECT_EQ(o.live_max_connections, 50000u);
  EXPECT_EQ(o.live_max_per_user, 4u);
  EXPECT_EQ(o.live_auth_timeout, seconds(3));
  EXPECT_TRUE(o.diagnostic_routes);
  EXPECT_EQ(o.worker_threads, 5u);
  EXPECT_EQ(o.worker_queue, 100u);
  EXPECT_EQ(o.hash_queue, 32u);
  EXPECT_EQ(o.session_cache_ttl, milliseconds(0));
  EXPECT_EQ(o.jobs_interval, minutes(30));
}

TEST_F(LoaderTest, DerivedDefaults) {
  env_["DATA_DIR"] = "/srv/howler";
  env_["MAX_REQUEST_SIZE"] = "4MiB";
  Options o = LoadOk();
  EXPECT_EQ(o.database_url, "file:/srv/howler/development.db");
  EXPECT_EQ(o.sync_max_upload_size, 4u << 20);
  env_["SYNC_MAX_UPLOAD_SIZE"] = "1MiB";
  EXPECT_EQ(LoadOk().sync_max_upload_size, 1u << 20);
}

// Unset EMAIL_BASE_URL: the links of the emails land on this server's own console.
TEST_F(LoaderTest, EmailBaseUrlDefaultsToTheConsole) {
  EXPECT_EQ(LoadOk().email_base_url, "http://localhost:8080/app");
  env_["SERVER_HOST"] = "127.0.0.1";
  env_["SERVER_HTTP_PORT"] = "18080";
  EXPECT_EQ(LoadOk().email_base_url, "http://127.0.0.1:18080/app");
  env_["SERVER_HOST"] = "::1";
  EXPECT_EQ(LoadOk().email_base_url, "http://[::1]:18080/app");
  env_["EMAIL_BASE_URL"] = "https://console.example.com/app";
  EXPECT_EQ(LoadOk().email_base_url, "https://console.example.com/app");
}

// Every value here is malformed for its variable; each error must name the variable.
TEST_F(LoaderTest, EveryErrorNamesItsVariable) {
  const std::map<std::string, std::string> kBad = {
      {"TURSO_URL", "postgres://x"},
      {"JWT_EXPIRATION", "15x"},
      {"JWT_REFRESH_EXPIRATION", "0"},
      {"SERVER_HTTP_PORT", "70000"},
      {"SERVER_GRPC_PORT", "0"},
      {"SERVER_METRICS_PORT", "-1"},
      {"SHUTDOWN_TIMEOUT", "30"},
      {"LOG_LEVEL", "verbose"},
      {"LOG_FORMAT", "xml"},
      {"CORS_ORIGINS", "example.com"},
      {"TRUSTED_PROXIES", "10.0.0.0/33"},
      {"MAX_REQUEST_SIZE", "10 MiB"},
      {"MAX_LOGIN_ATTEMPTS", "0"},
      {"LOCKOUT_DURATION", "soon"},
      {"PASSWORD_HASH_MEMORY_KIB", "7"},
      {"PASSWORD_HASH_ITERATIONS", "0"},
      {"RESEND_FROM_EMAIL", "not-an-address"},
      {"RESEND_API_URL", "api.resend.com"},
      {"SMTP_URL", "mail.example.com:25"},
      {"EMAIL_BASE_URL", "ftp://x"},
      {"SYNC_MAX_UPLOAD_SIZE", "0"},
      {"SYNC_MAX_CHANGES", "many"},
      {"SYNC_TOMBSTONE_RETENTION", "-1d"},
      {"SYNC_SANITIZE_HISTORY", "maybe"},
      {"RATE_LIMIT_AUTH_PER_MIN", "1.5"},
      {"RATE_LIMIT_SYNC_PER_MIN", "4294967296"},
      {"SQLITE_SYNCHRONOUS", "OFF"},
      {"SQLITE_BUSY_TIMEOUT", "5"},
      {"SQLITE_READERS", "0"},
      {"TURSO_CONNECT_TIMEOUT", "0s"},
      {"TURSO_REQUEST_TIMEOUT", "1y"},
      {"HTTP_THREADS", "2000"},
      {"HTTP_READ_TIMEOUT", "0ms"},
      {"HTTP_IDLE_TIMEOUT", ""},  // empty: unset, default used (not an error)
      {"HTTP_MAX_HEADER_SIZE", "0KiB"},
      {"HTTP_MAX_PIPELINE", " 4"},
      {"SSE_HEARTBEAT_INTERVAL", "0s"},
      {"LIVE_POLL_INTERVAL", "0s"},
      {"LIVE_MAX_CONNECTIONS", "0"},
      {"LIVE_MAX_PER_USER", "5000"},
      {"LIVE_AUTH_TIMEOUT", "0ms"},
      {"DIAGNOSTIC_ROUTES", "sometimes"},
      {"WORKER_THREADS", "0"},
      {"WORKER_QUEUE", "+5"},
      {"HASH_QUEUE", "0x10"},
      {"SESSION_CACHE_TTL", "1.5s"},
      {"JOBS_INTERVAL", "0"},
  };
  for (const auto& [name, value] : kBad) {
    env_ = {{name, value}};
    auto r = Load();
    if (value.empty()) {
      EXPECT_TRUE(r.ok()) << name;
      continue;
    }
    ASSERT_FALSE(r.ok()) << name << "=" << value;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("invalid configuration: " + name + ": ")) << name;
  }
}

TEST_F(LoaderTest, AllErrorsAreReportedTogether) {
  env_["JWT_EXPIRATION"] = "15x";
  env_["SERVER_HTTP_PORT"] = "70000";
  env_["LOG_LEVEL"] = "loud";
  EXPECT_EQ(LoadError(),
            "invalid configuration: JWT_EXPIRATION: unknown unit 'x' in '15x'; "
            "SERVER_HTTP_PORT: expected a whole number from 1 to 65535, got '70000'; "
            "LOG_LEVEL: must be trace, debug, info, warn, error, critical or off, got 'loud'");
}

TEST_F(LoaderTest, SecretsAreNeverEchoedInErrors) {
  env_["TURSO_URL"] = "postgres://user:hunter2@db";
  env_["SMTP_URL"] = "mail://user:hunter3@host";
  const std::string message = LoadError();
  EXPECT_THAT(message, HasSubstr("TURSO_URL: "));
  EXPECT_THAT(message, HasSubstr("SMTP_URL: "));
  EXPECT_THAT(message, Not(HasSubstr("hunter")));
}

TEST_F(LoaderTest, JwtExpirationIsAtLeastTenMinutesOutsideTests) {
  env_["JWT_EXPIRATION"] = "9m59s";
  EXPECT_EQ(LoadError(),
            "invalid configuration: JWT_EXPIRATION: must be at least 10m, got '9m59s'");
  env_["JWT_EXPIRATION"] = "10m";
  EXPECT_EQ(LoadOk().jwt_expiration, minutes(10));
  env_["ENVIRONMENT"] = "test";
  env_["JWT_EXPIRATION"] = "50ms";
  EXPECT_EQ(LoadOk().jwt_expiration, milliseconds(50));
}

TEST_F(LoaderTest, PortsMustDiffer) {
  env_["SERVER_GRPC_PORT"] = "8080";
  EXPECT_EQ(LoadError(),
            "invalid configuration: SERVER_GRPC_PORT: must differ from SERVER_HTTP_PORT");
  env_.clear();
  env_["SERVER_METRICS_PORT"] = "9090";
  EXPECT_THAT(LoadError(), HasSubstr("SERVER_METRICS_PORT: must differ"));
  env_ = {{"ENVIRONMENT", "test"}, {"SERVER_HTTP_PORT", "0"}, {"SERVER_GRPC_PORT", "0"}};
  EXPECT_TRUE(Load().ok());  // 0 means "any free port" and never collides
}

TEST_F(LoaderTest, ResendKeyNeedsASender) {
  env_["RESEND_API_KEY"] = "re_123";
  EXPECT_EQ(LoadError(),
            "invalid configuration: RESEND_FROM_EMAIL: must be set when RESEND_API_KEY is set");
}

TEST_F(LoaderTest, ProductionRefusesNamingEachMissingItem) {
  env_["ENVIRONMENT"] = "production";
  EXPECT_EQ(LoadError(),
            "invalid configuration: JWT_SECRET must be set to at least 32 characters; "
            "TURSO_URL must be set: a remote libsql:// or https:// URL, or file:PATH for one "
            "instance on one machine (:memory: loses everything at exit); an email transport "
            "(RESEND_API_KEY with RESEND_FROM_EMAIL, or SMTP_URL) must be set");
}

TEST_F(LoaderTest, ProductionStartsWithAllEssentials) {
  SetProductionEssentials();
  Options o = LoadOk();
  EXPECT_EQ(o.environment, Environment::kProduction);
  EXPECT_EQ(o.log_format, LogFormat::kJson);
  EXPECT_EQ(EmailTransportName(o), "resend");
  // SMTP instead of Resend, https instead of libsql.
  env_.erase("RESEND_API_KEY");
  env_.erase("RESEND_FROM_EMAIL");
  env_["SMTP_URL"] = "smtp://u:p@mail.example.com:587";
  env_["TURSO_URL"] = "https://db.example.com";
  env_["LOG_FORMAT"] = "text";
  o = LoadOk();
  EXPECT_EQ(EmailTransportName(o), "smtp");
  EXPECT_EQ(o.log_format, LogFormat::kText);
}

TEST_F(LoaderTest, ProductionReportsOnlyWhatIsMissing) {
  const std::map<std::string, std::string> kBreak = {
      {"JWT_SECRET", "JWT_SECRET must be set to at least 32 characters"},
      {"TURSO_AUTH_TOKEN", "TURSO_AUTH_TOKEN must be set"},
      {"RESEND_API_KEY",
       "an email transport (RESEND_API_KEY with RESEND_FROM_EMAIL, or SMTP_URL) must be set"},
  };
  for (const auto& [name, message] : kBreak) {
    SetProductionEssentials();
    env_.erase(name);
    EXPECT_EQ(LoadError(), "invalid configuration: " + message) << name;
  }
  SetProductionEssentials();
  env_["JWT_SECRET"] = std::string(31, 'x');
  EXPECT_EQ(LoadError(), "invalid configuration: JWT_SECRET must be set to at least 32 characters");
  SetProductionEssentials();
  env_["TURSO_URL"] = ":memory:";
  EXPECT_THAT(LoadError(), HasSubstr("TURSO_URL must be set"));
  // One instance on one machine: a file database needs no auth token.
  SetProductionEssentials();
  env_["TURSO_URL"] = "file:/data/prod.db";
  env_.erase("TURSO_AUTH_TOKEN");
  env_["AI_BASE_URL"] = "https://api.example.com/v1";
  env_["AI_MODEL"] = "model-1";
  const Options local = LoadOk();
  EXPECT_EQ(local.database_url, "file:/data/prod.db");
  ASSERT_EQ(ConfigurationNotes(local).size(), 1u);
  EXPECT_THAT(ConfigurationNotes(local)[0], HasSubstr("exactly one instance"));
  SetProductionEssentials();
  env_["AI_BASE_URL"] = "https://api.example.com/v1";
  env_["AI_MODEL"] = "model-1";
  EXPECT_TRUE(ConfigurationNotes(LoadOk()).empty());
  // Without a provider, check-config says the assistant is not configured.
  env_.erase("AI_MODEL");
  ASSERT_EQ(ConfigurationNotes(LoadOk()).size(), 1u);
  EXPECT_THAT(ConfigurationNotes(LoadOk())[0], HasSubstr("AI assistant is not configured"));
  SetProductionEssentials();
  env_["SERVER_HTTP_PORT"] = "0";  // only tests may ask for any free port
  EXPECT_THAT(LoadError(), HasSubstr("SERVER_HTTP_PORT: "));
}

TEST_F(LoaderTest, ProductionEssentialsMayComeFromTheEnvironmentFile) {
  WriteFile(".env", "ENVIRONMENT=production\n");
  WriteFile(".env.production", "JWT_SECRET=\"" + kProductionSecret +
                                   "\"\nTURSO_URL=libsql://db.turso.io\nTURSO_AUTH_TOKEN=t\n"
                                   "SMTP_URL=smtp://u:p@h:25\n");
  EXPECT_EQ(LoadOk().environment, Environment::kProduction);
}

TEST_F(LoaderTest, AiProviderVariables) {
  EXPECT_FALSE(AiConfigured(LoadOk()));
  env_["AI_BASE_URL"] = "http://127.0.0.1:11434/v1";
  env_["AI_MODEL"] = "llama3";
  env_["AI_API_KEY"] = "sk-0123456789abcdef";
  env_["AI_DAILY_TOKENS_TEAM"] = "0";
  const Options o = LoadOk();
  EXPECT_TRUE(AiConfigured(o));
  EXPECT_EQ(o.ai_api_key, "sk-0123456789abcdef");
  EXPECT_EQ(o.ai_daily_tokens_team, 0u);
  for (const auto& [name, value] : DescribeOptions(o)) {
    EXPECT_EQ(value.find("0123456789abcdef"), std::string::npos) << name;
  }
  env_["AI_BASE_URL"] = "https://user:sk-in-url-secret@api.example.com/v1";
  for (const auto& [name, value] : DescribeOptions(LoadOk())) {
    EXPECT_EQ(value.find("sk-in-url-secret"), std::string::npos) << name;
  }
  env_["AI_BASE_URL"] = "ftp://x";
  EXPECT_THAT(LoadError(), HasSubstr("AI_BASE_URL"));
}

TEST_F(LoaderTest, DescribeListsEveryVariableOnce) {
  const auto described = DescribeOptions(LoadOk());
  std::set<std::string> names;
  for (const auto& [name, value] : described) {
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_FALSE(value.empty()) << name;
  }
  EXPECT_EQ(described.front().first, "ENVIRONMENT");
  EXPECT_EQ(names.size(), 84u);
  const std::map<std::string, std::string> values(described.begin(), described.end());
  EXPECT_EQ(values.at("ENVIRONMENT"), "development");
  EXPECT_EQ(values.at("TURSO_URL"), "file:./data/development.db");
  EXPECT_EQ(values.at("JWT_SECRET"), "(unset)");
  EXPECT_EQ(values.at("AI_API_KEY"), "(unset)");
  EXPECT_EQ(values.at("AI_REQUEST_TIMEOUT"), "2m");
  EXPECT_EQ(values.at("AI_DAILY_TOKENS_FREE"), "50000");
  EXPECT_EQ(values.at("JWT_EXPIRATION"), "15m");
  EXPECT_EQ(values.at("JWT_REFRESH_EXPIRATION"), "30d");
  EXPECT_EQ(values.at("MAX_REQUEST_SIZE"), "10MiB");
  EXPECT_EQ(values.at("SYNC_TOMBSTONE_RETENTION"), "90d");
  EXPECT_EQ(values.at("CORS_ORIGINS"), "*");
  EXPECT_EQ(values.at("TRUSTED_PROXIES"), "(none)");
  EXPECT_EQ(values.at("SYNC_SANITIZE_HISTORY"), "true");
  EXPECT_EQ(values.at("LOG_FORMAT"), "text");
  EXPECT_EQ(values.at("SQLITE_SYNCHRONOUS"), "NORMAL");
  EXPECT_EQ(values.at("RESEND_FROM_EMAIL"), "(unset)");
  EXPECT_EQ(values.at("SERVER_HTTP_PORT"), "8080");
  EXPECT_EQ(values.at("DATA_DIR"), "./data");
  EXPECT_EQ(values.at("DIAGNOSTIC_ROUTES"), "false");
  EXPECT_EQ(values.at("SSE_HEARTBEAT_INTERVAL"), "15s");
  EXPECT_EQ(values.at("WEBSOCKET_IDLE_TIMEOUT"), "5m");
  EXPECT_EQ(values.at("LIVE_POLL_INTERVAL"), "1s");
  EXPECT_EQ(values.at("LIVE_MAX_CONNECTIONS"), "20000");
  EXPECT_EQ(values.at("LIVE_MAX_PER_USER"), "8");
  EXPECT_EQ(values.at("LIVE_AUTH_TIMEOUT"), "10s");
  EXPECT_EQ(values.at("LIVE_MAX_PENDING_AUTH"), "1024");
  EXPECT_EQ(values.at("TLS_CERT_FILE"), "(unset)");
  EXPECT_EQ(values.at("TLS_HSTS"), "true");
  EXPECT_EQ(values.at("HTTP_REDIRECT_PORT"), "0");
}

TEST_F(LoaderTest, DescribeMasksSecrets) {
  SetProductionEssentials();
  env_["SMTP_URL"] = "smtp://user:smtp-password-123@mail.example.com:587";
  env_["TURSO_URL"] = "libsql://db.turso.io?authToken=url-token-456";
  const auto described = DescribeOptions(LoadOk());
  const std::map<std::string, std::string> values(described.begin(), described.end());
  EXPECT_EQ(values.at("JWT_SECRET"), "****TAIL");
  EXPECT_EQ(values.at("TURSO_AUTH_TOKEN"), "****wxyz");
  EXPECT_EQ(values.at("RESEND_API_KEY"), "****wxyz");
  EXPECT_EQ(values.at("SMTP_URL"), "smtp://user:****@mail.example.com:587");
  EXPECT_EQ(values.at("TURSO_URL"), "libsql://db.turso.io?authToken=****");
  for (const auto& [name, value] : described) {
    for (const std::string& secret :
         {kProductionSecret.substr(0, 20), std::string("token-abcdef"), std::string("re_abcdef"),
          std::string("smtp-password"), std::string("url-token")}) {
      EXPECT_THAT(value, Not(HasSubstr(secret))) << name;
    }
  }
}

TEST_F(LoaderTest, ProcessEnvironmentReadsGetenv) {
  ASSERT_EQ(::setenv("HOWLER_CONFIG_TEST_VARIABLE", "value-1", 1), 0);
  const EnvLookup env = ProcessEnvironment();
  EXPECT_EQ(env("HOWLER_CONFIG_TEST_VARIABLE"), "value-1");
  ASSERT_EQ(::unsetenv("HOWLER_CONFIG_TEST_VARIABLE"), 0);
  EXPECT_EQ(env("HOWLER_CONFIG_TEST_VARIABLE"), std::nullopt);
}

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST_F(LoaderTest, DevelopmentFilesAreCreatedOnceAndReused) {
  env_["DATA_DIR"] = (dir() / "data").string();
  Options o = LoadOk();
  EXPECT_EQ(o.database_url, "file:" + (dir() / "data" / "development.db").string());
  ASSERT_TRUE(PrepareDevelopmentFiles(o).ok());
  EXPECT_TRUE(fs::is_directory(dir() / "data"));
  const fs::path secret_file = dir() / "data" / "jwt-secret";
  ASSERT_TRUE(fs::exists(secret_file));
  EXPECT_EQ(Mode(secret_file), 0600u);
  EXPECT_EQ(o.jwt_secret.size(), 128u);
  Options again = LoadOk();
  ASSERT_TRUE(PrepareDevelopmentFiles(again).ok());
  EXPECT_EQ(again.jwt_secret, o.jwt_secret);
}

TEST_F(LoaderTest, DevelopmentCreatesTheDatabaseDirectory) {
  env_["DATA_DIR"] = (dir() / "data").string();
  env_["TURSO_URL"] = "file:" + (dir() / "db" / "nested" / "x.db").string();
  env_["JWT_SECRET"] = "explicit";
  Options o = LoadOk();
  ASSERT_TRUE(PrepareDevelopmentFiles(o).ok());
  EXPECT_TRUE(fs::is_directory(dir() / "db" / "nested"));
  EXPECT_EQ(o.jwt_secret, "explicit");
  EXPECT_FALSE(fs::exists(dir() / "data" / "jwt-secret"));
}

TEST_F(LoaderTest, DevelopmentFileErrorsAreReported) {
  std::ofstream(dir() / "blocker") << "a file where a directory should be";
  env_["DATA_DIR"] = (dir() / "blocker").string();
  Options o = LoadOk();
  o.database_url = ":memory:";
  EXPECT_EQ(PrepareDevelopmentFiles(o).code(), StatusCode::kFailedPrecondition);
  o.database_url = "file:" + (dir() / "blocker" / "x.db").string();
  o.jwt_secret = "set";
  EXPECT_EQ(PrepareDevelopmentFiles(o).code(), StatusCode::kFailedPrecondition);
}

TEST_F(LoaderTest, TestEnvironmentSecretStaysInMemory) {
  env_["ENVIRONMENT"] = "test";
  env_["DATA_DIR"] = (dir() / "data").string();
  Options a = LoadOk();
  Options b = LoadOk();
  ASSERT_TRUE(PrepareDevelopmentFiles(a).ok());
  ASSERT_TRUE(PrepareDevelopmentFiles(b).ok());
  EXPECT_EQ(a.jwt_secret.size(), 128u);
  EXPECT_NE(a.jwt_secret, b.jwt_secret);
  EXPECT_FALSE(fs::exists(dir() / "data"));
}

TEST_F(LoaderTest, ProductionPreparesNothing) {
  SetProductionEssentials();
  env_["DATA_DIR"] = (dir() / "data").string();
  Options o = LoadOk();
  o.jwt_secret.clear();
  o.database_url = "file:" + (dir() / "db" / "x.db").string();
  ASSERT_TRUE(PrepareDevelopmentFiles(o).ok());
  EXPECT_TRUE(o.jwt_secret.empty());
  EXPECT_TRUE(fs::is_empty(dir()));
}

TEST_F(LoaderTest, TlsIsOffByDefaultAndOnWithBothReadableFiles) {
  EXPECT_FALSE(TlsEnabled(LoadOk()));
  WriteFile("server.crt", "certificate");
  WriteFile("server.key", "key material");
  env_["TLS_CERT_FILE"] = (dir() / "server.crt").string();
  env_["TLS_KEY_FILE"] = (dir() / "server.key").string();
  env_["TLS_HSTS"] = "false";
  env_["HTTP_REDIRECT_PORT"] = "18443";
  Options o = LoadOk();
  EXPECT_TRUE(TlsEnabled(o));
  EXPECT_EQ(o.tls_cert_file, (dir() / "server.crt").string());
  EXPECT_FALSE(o.tls_hsts);
  EXPECT_EQ(o.http_redirect_port, 18443);
  // check-config shows the paths, never what the files hold.
  const auto described = DescribeOptions(o);
  const std::map<std::string, std::string> values(described.begin(), described.end());
  EXPECT_EQ(values.at("TLS_KEY_FILE"), (dir() / "server.key").string());
  for (const auto& [name, value] : described) EXPECT_THAT(value, Not(HasSubstr("key material")));
}

TEST_F(LoaderTest, TlsFilesComeTogether) {
  WriteFile("server.crt", "certificate");
  env_["TLS_CERT_FILE"] = (dir() / "server.crt").string();
  EXPECT_THAT(LoadError(), HasSubstr("TLS_KEY_FILE: must be set with TLS_CERT_FILE"));
  env_.erase("TLS_CERT_FILE");
  env_["TLS_KEY_FILE"] = (dir() / "server.crt").string();
  EXPECT_THAT(LoadError(), HasSubstr("TLS_CERT_FILE: must be set with TLS_KEY_FILE"));
}

TEST_F(LoaderTest, UnreadableTlsFilesNameTheirVariable) {
  WriteFile("server.crt", "certificate");
  WriteFile("server.key", "key");
  env_["TLS_CERT_FILE"] = (dir() / "missing.crt").string();
  env_["TLS_KEY_FILE"] = (dir() / "server.key").string();
  EXPECT_THAT(LoadError(), HasSubstr("TLS_CERT_FILE: cannot read " +
                                     (dir() / "missing.crt").string() + ": No such file"));
  if (geteuid() != 0) {  // root reads any file
    env_["TLS_CERT_FILE"] = (dir() / "server.crt").string();
    fs::permissions(dir() / "server.key", fs::perms::none);
    EXPECT_THAT(LoadError(), HasSubstr("TLS_KEY_FILE: cannot read " +
                                       (dir() / "server.key").string() + ": Permission denied"));
  }
}

TEST_F(LoaderTest, RedirectPortNeedsTlsAndAPortOfItsOwn) {
  env_["HTTP_REDIRECT_PORT"] = "18081";
  EXPECT_THAT(LoadError(), HasSubstr("HTTP_REDIRECT_PORT: needs TLS_CERT_FILE and TLS_KEY_FILE"));
  WriteFile("server.crt", "certificate");
  WriteFile("server.key", "key");
  env_["TLS_CERT_FILE"] = (dir() / "server.crt").string();
  env_["TLS_KEY_FILE"] = (dir() / "server.key").string();
  env_["HTTP_REDIRECT_PORT"] = "8080";
  EXPECT_THAT(LoadError(), HasSubstr("HTTP_REDIRECT_PORT: must differ"));
  env_["HTTP_REDIRECT_PORT"] = "0";  // 0 is not a port outside the test environment
  EXPECT_THAT(LoadError(), HasSubstr("HTTP_REDIRECT_PORT"));
}

}  // namespace
}  // namespace howler::config

namespace howler::config {
namespace {

TEST_F(LoaderTest, SyncQuotasParsePartialListsAndNameBadOnes) {
  env_["SYNC_QUOTA_FREE"] = "connections=5,query_history=7";
  env_["SYNC_QUOTA_TEAM"] = "saved_queries=9";
  Options o = LoadOk();
  EXPECT_EQ(o.sync_quota_free, (Options::SyncQuota{5, 1000, 7, 100}));
  EXPECT_EQ(o.sync_quota_team, (Options::SyncQuota{5000, 9, 2000000, 5000}));
  env_["SYNC_QUOTA_INDIVIDUAL"] = "tables=3";
  EXPECT_NE(LoadError().find("SYNC_QUOTA_INDIVIDUAL"), std::string::npos);
  env_["SYNC_QUOTA_INDIVIDUAL"] = "connections=lots";
  EXPECT_NE(LoadError().find("SYNC_QUOTA_INDIVIDUAL"), std::string::npos);
}

}  // namespace
}  // namespace howler::config
