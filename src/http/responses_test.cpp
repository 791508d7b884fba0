#include "http/responses.h"

#include <gtest/gtest.h>

namespace howler::http {
namespace {

TEST(ErrorResponseTest, UnavailableSendsItsMessageAndLogsOnlyTheDetail) {
  const Response r = ErrorResponse(UnavailableError("database is unavailable")
                                       .WithDetail("libcurl: Couldn't connect to server"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"error":true,"code":"UNAVAILABLE","message":"database is unavailable"})");
  EXPECT_EQ(r.headers.Get("Retry-After"), "1");
  EXPECT_EQ(r.log_detail,
            "UNAVAILABLE: database is unavailable (libcurl: Couldn't connect to server)");
}

TEST(ErrorResponseTest, InternalHidesMessageAndDetail) {
  const Response r = ErrorResponse(InternalError("database error: no such table: users")
                                       .WithDetail("/var/lib/howler/db.sqlite"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("users"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("/var/lib"), std::string::npos) << r.body;
  EXPECT_NE(r.log_detail.find("no such table"), std::string::npos);
  EXPECT_NE(r.log_detail.find("/var/lib/howler/db.sqlite"), std::string::npos);
}

TEST(ErrorResponseTest, AStatusWithoutDetailLogsNothing) {
  EXPECT_TRUE(ErrorResponse(UnavailableError("server is busy")).log_detail.empty());
  EXPECT_TRUE(ErrorResponse(NotFoundError("session not found")).log_detail.empty());
}

}  // namespace
}  // namespace howler::http
