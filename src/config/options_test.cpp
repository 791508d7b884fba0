#include "config/options.h"

#include <gtest/gtest.h>

namespace howler::config {
namespace {

TEST(OptionsTest, DefaultsMatchTheApiDocument) {
  const Options o;
  EXPECT_EQ(o.environment, Environment::kDevelopment);
  EXPECT_EQ(o.database_url, "file:./data/development.db");
  EXPECT_EQ(o.jwt_expiration, std::chrono::minutes(15));
  EXPECT_EQ(o.jwt_refresh_expiration, std::chrono::hours(720));
  EXPECT_EQ(o.server_host, "0.0.0.0");
  EXPECT_EQ(o.http_port, 8080);
  EXPECT_EQ(o.grpc_port, 9090);
  EXPECT_EQ(o.metrics_port, 9100);
  EXPECT_EQ(o.shutdown_timeout, std::chrono::seconds(30));
  EXPECT_EQ(o.log_level, "info");
  EXPECT_EQ(o.cors_origins, std::vector<std::string>{"*"});
  EXPECT_TRUE(o.trusted_proxies.empty());
  EXPECT_EQ(o.max_request_size, 10u * 1024 * 1024);
  EXPECT_EQ(o.max_login_attempts, 5u);
  EXPECT_EQ(o.lockout_duration, std::chrono::minutes(15));
  EXPECT_EQ(o.password_hash_memory_kib, 19456u);
  EXPECT_EQ(o.password_hash_iterations, 2u);
  EXPECT_EQ(o.resend_from_name, "Howlerops");
  EXPECT_EQ(o.resend_api_url, "https://api.resend.com");
  EXPECT_EQ(o.email_base_url, "http://localhost:8080/app");
  EXPECT_EQ(o.sync_max_changes, 1000u);
  EXPECT_EQ(o.sync_tombstone_retention, std::chrono::hours(24 * 90));
  EXPECT_TRUE(o.sync_sanitize_history);
  EXPECT_EQ(o.rate_limit_auth_per_min, 20u);
  EXPECT_EQ(o.rate_limit_sync_per_min, 120u);
  EXPECT_EQ(o.data_dir, "./data");
  EXPECT_EQ(o.sqlite_synchronous, SqliteSynchronous::kNormal);
  EXPECT_EQ(o.sqlite_busy_timeout, std::chrono::seconds(5));
  EXPECT_EQ(o.sqlite_readers, 4u);
  EXPECT_EQ(o.http_threads, 2u);
  EXPECT_EQ(o.worker_threads, 8u);
  EXPECT_EQ(o.worker_queue, 1024u);
  EXPECT_EQ(o.http_read_timeout, std::chrono::seconds(30));
  EXPECT_EQ(o.http_idle_timeout, std::chrono::seconds(60));
  EXPECT_EQ(o.http_max_header_size, 16u * 1024);
  EXPECT_EQ(o.http_max_pipeline, 16u);
  EXPECT_EQ(o.jobs_interval, std::chrono::hours(1));
  EXPECT_EQ(o.session_cache_ttl, std::chrono::seconds(10));
  EXPECT_EQ(o.turso_connect_timeout, std::chrono::seconds(5));
  EXPECT_EQ(o.turso_request_timeout, std::chrono::seconds(15));
  EXPECT_EQ(o.hash_queue, 64u);
}

TEST(OptionsTest, Names) {
  EXPECT_EQ(EnvironmentName(Environment::kDevelopment), "development");
  EXPECT_EQ(EnvironmentName(Environment::kProduction), "production");
  EXPECT_EQ(EnvironmentName(Environment::kTest), "test");
  EXPECT_EQ(LogFormatName(LogFormat::kJson), "json");
  EXPECT_EQ(LogFormatName(LogFormat::kText), "text");
  EXPECT_EQ(SqliteSynchronousName(SqliteSynchronous::kNormal), "NORMAL");
  EXPECT_EQ(SqliteSynchronousName(SqliteSynchronous::kFull), "FULL");
}

TEST(OptionsTest, IsRemoteDatabase) {
  Options o;
  for (const char* remote : {"libsql://db.turso.io", "http://127.0.0.1:8081", "https://db:443"}) {
    o.database_url = remote;
    EXPECT_TRUE(IsRemoteDatabase(o)) << remote;
  }
  for (const char* local : {"file:./data/x.db", ":memory:", "", "ws://db"}) {
    o.database_url = local;
    EXPECT_FALSE(IsRemoteDatabase(o)) << local;
  }
}

TEST(OptionsTest, LocalDatabasePath) {
  Options o;
  o.database_url = "file:./data/development.db";
  EXPECT_EQ(LocalDatabasePath(o), std::filesystem::path("./data/development.db"));
  o.database_url = "file:/var/lib/howler/db.sqlite?mode=rwc";
  EXPECT_EQ(LocalDatabasePath(o), std::filesystem::path("/var/lib/howler/db.sqlite"));
  o.database_url = "file:///abs/x.db";
  EXPECT_EQ(LocalDatabasePath(o), std::filesystem::path("/abs/x.db"));
  o.database_url = "file://localhost/abs/y.db#frag";
  EXPECT_EQ(LocalDatabasePath(o), std::filesystem::path("/abs/y.db"));
  o.database_url = "file:x.db";
  EXPECT_EQ(LocalDatabasePath(o), std::filesystem::path("x.db"));
  for (const char* none : {":memory:", "file::memory:", "file:", "libsql://db", "https://h"}) {
    o.database_url = none;
    EXPECT_EQ(LocalDatabasePath(o), std::nullopt) << none;
  }
}

TEST(OptionsTest, EmailTransportName) {
  Options o;
  EXPECT_EQ(EmailTransportName(o), "log");
  o.smtp_url = "smtp://u:p@h:25";
  EXPECT_EQ(EmailTransportName(o), "smtp");
  o.resend_api_key = "re_123";
  EXPECT_EQ(EmailTransportName(o), "resend");
  o.smtp_url.clear();
  EXPECT_EQ(EmailTransportName(o), "resend");
}

}  // namespace
}  // namespace howler::config
