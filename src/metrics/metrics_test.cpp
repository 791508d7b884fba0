#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include "metrics/process_stats.h"

namespace howler::metrics {
namespace {

TEST(MetricsTest, CountsHttpRequestsByRouteTemplate) {
  Metrics m;
  m.ObserveHttpRequest("GET", "/health", 200, 0.001);
  m.ObserveHttpRequest("GET", "/health", 200, 0.002);
  m.ObserveHttpRequest("POST", "/api/sync/conflicts/{id}/resolve", 404, 0.003);
  const std::string text = m.Serialize();
  EXPECT_NE(text.find("sql_studio_http_requests_total{method=\"GET\",route=\"/health\","
                      "status=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"/api/sync/conflicts/{id}/resolve\",status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("sql_studio_http_request_duration_seconds_bucket"), std::string::npos);
}

TEST(MetricsTest, ExportsProcessAndDbFamilies) {
  Metrics m;
  m.ObserveDbCall("sqlite", "query", 0.0001);
  m.CountDbError("sqlite", "UNAVAILABLE");
  m.ObserveJob("cleanup", true, 0.01);
  const std::string text = m.Serialize();
  for (const char* name :
       {"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
        "process_start_time_seconds", "sql_studio_db_query_duration_seconds",
        "sql_studio_db_errors_total", "sql_studio_jobs_runs_total"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
}

TEST(MetricsTest, ExportsAuthAndEmailFamilies) {
  Metrics m;
  m.CountAuthAttempt("password", "failure");
  m.CountLockout();
  m.CountTokenIssued("access");
  m.SetActiveSessions(3);
  m.CountEmail("verification", "smtp", "sent");
  const std::string text = m.Serialize();
  EXPECT_NE(text.find("sql_studio_auth_attempts_total{method=\"password\",result=\"failure\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sql_studio_auth_lockouts_total 1"), std::string::npos);
  EXPECT_NE(text.find("sql_studio_auth_tokens_issued_total{type=\"access\"} 1"), std::string::npos);
  EXPECT_NE(text.find("sql_studio_auth_sessions_active 3"), std::string::npos);
  EXPECT_NE(text.find("sql_studio_email_sent_total{result=\"sent\",transport=\"smtp\","
                      "type=\"verification\"} 1"),
            std::string::npos);
}

TEST(MetricsTest, ExportsLongLivedResponseFamilies) {
  Metrics m;
  m.AddOpenStreams("events", 1);
  m.AddOpenStreams("events", 1);
  m.AddOpenStreams("events", -1);
  m.CountStreamedBytes("stream", 65536);
  m.CountStreamedBytes("stream", 10);
  m.CountStreamEnd("websocket", "shutdown");
  m.CountWebSocketMessage("in");
  const std::string text = m.Serialize();
  EXPECT_NE(text.find("sql_studio_http_streams_open{kind=\"events\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("sql_studio_http_streamed_bytes_total{kind=\"stream\"} 65546"),
            std::string::npos);
  EXPECT_NE(
      text.find("sql_studio_http_stream_ends_total{kind=\"websocket\",reason=\"shutdown\"} 1"),
      std::string::npos);
  EXPECT_NE(text.find("sql_studio_websocket_messages_total{direction=\"in\"} 1"),
            std::string::npos);
}

TEST(MetricsTest, ExportsDbManagerFamilies) {
  Metrics m;
  m.SetDbManagerSessions("postgres", 2);
  m.ObserveDbManagerQuery("postgres", "ok", 0.01, 10, 200);
  m.ObserveDbManagerQuery("postgres", "CANCELLED", 0.5, 0, 0);
  const std::string text = m.Serialize();
  EXPECT_NE(text.find("sql_studio_dbmanager_sessions_open{engine=\"postgres\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sql_studio_dbmanager_queries_total{engine=\"postgres\",result=\"ok\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("sql_studio_dbmanager_rows_streamed_total{engine=\"postgres\"} 10"),
            std::string::npos);
  EXPECT_NE(text.find("sql_studio_dbmanager_bytes_streamed_total{engine=\"postgres\"} 200"),
            std::string::npos);
  EXPECT_NE(text.find("sql_studio_dbmanager_query_duration_seconds_bucket"), std::string::npos);
}

TEST(ProcessStatsTest, ReadsThisProcess) {
  const ProcessStats s = ReadProcessStats();
  EXPECT_GT(s.resident_memory_bytes, 1024 * 1024);
  EXPECT_GT(s.open_fds, 2);
  EXPECT_GT(s.start_time_seconds, 1.6e9);  // after 2020
  EXPECT_GE(s.cpu_seconds, 0);
}

}  // namespace
}  // namespace howler::metrics
