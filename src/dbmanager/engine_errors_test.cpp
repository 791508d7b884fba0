#include "dbmanager/engine_errors.h"

#include <gtest/gtest.h>

namespace howler::dbmanager {
namespace {

struct Case {
  const char* text;
  StatusCode code;
  const char* message;
};

// Engine texts as the libraries word them, each classified by what it says.
TEST(EngineErrorsTest, ConnectFailuresAreClassifiedByTheirText) {
  const Case cases[] = {
      {"connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password "
       "authentication failed for user \"howler\"",
       StatusCode::kPermissionDenied, "database refused the user name or password"},
      {"Access denied for user 'howler'@'localhost' (using password: YES)",
       StatusCode::kPermissionDenied, "database refused the user name or password"},
      {"HTTP 401 from https://db.example.com", StatusCode::kPermissionDenied,
       "database refused the user name or password"},
      {"FATAL:  database \"nope\" does not exist", StatusCode::kNotFound,
       "database does not exist"},
      {"connection to server at \"127.0.0.1\", port 5432 failed: server does not support SSL, "
       "but SSL was required",
       StatusCode::kFailedPrecondition, "database server does not support TLS"},
      {"connection to server at \"127.0.0.1\", port 5432 failed: Connection refused",
       StatusCode::kUnavailable, "database host refused the connection"},
  };
  for (const Case& c : cases) {
    const Status s = ConnectErrorFromText(c.text);
    EXPECT_EQ(s.code(), c.code) << c.text;
    EXPECT_EQ(s.message(), c.message) << c.text;
    EXPECT_EQ(s.detail(), c.text);
  }
}

// Found in CI: a port number containing "401" read as HTTP 401, so any failure to
// connect to such a port (refused, no TLS) was reported as a wrong password.
TEST(EngineErrorsTest, APortNumberNeverDecidesTheClass) {
  const Status refused = ConnectErrorFromText(
      "connection to server at \"127.0.0.1\", port 40143 failed: Connection refused\n\tIs "
      "the server running on that host and accepting TCP/IP connections?");
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_EQ(refused.message(), "database host refused the connection");
  const Status no_tls = ConnectErrorFromText(
      "connection to server at \"127.0.0.1\", port 34017 failed: server does not support SSL, "
      "but SSL was required");
  EXPECT_EQ(no_tls.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(no_tls.message(), "database server does not support TLS");
}

}  // namespace
}  // namespace howler::dbmanager
