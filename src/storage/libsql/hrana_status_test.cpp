#include "storage/libsql/hrana_status.h"

#include <gtest/gtest.h>

namespace howler::storage {
namespace {

StatusCode Code(std::string_view code, std::string_view message) {
  return HranaErrorStatus(code, message).code();
}

// Shapes measured on tursodb (npm turso 0.6.0).
TEST(HranaStatusTest, TursodbConstraintMessages) {
  EXPECT_EQ(Code("EXECUTE_ERROR", "Runtime error: UNIQUE constraint failed: c.e (19)"),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(Code("EXECUTE_ERROR", "Runtime error: UNIQUE constraint failed: t.(a, b) (19)"),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(Code("BATCH_STEP_ERROR", "Runtime error: UNIQUE constraint failed: t.(a, b) (19)"),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(Code("EXECUTE_ERROR", "Runtime error: NOT NULL constraint failed: c.pid (19)"),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Code("EXECUTE_ERROR", "Runtime error: CHECK constraint failed: n >= 0 (19)"),
            StatusCode::kFailedPrecondition);
  // tursodb gives no code for foreign keys.
  EXPECT_EQ(Code("EXECUTE_ERROR", "Runtime error: FOREIGN KEY constraint failed"),
            StatusCode::kFailedPrecondition);
}

TEST(HranaStatusTest, TursodbPrepareErrorsAreInternal) {
  Status syntax = HranaErrorStatus("PREPARE_ERROR", "near \"selec\": syntax error");
  EXPECT_EQ(syntax.code(), StatusCode::kInternal);
  EXPECT_EQ(syntax.message(), "database error: near \"selec\": syntax error");
  EXPECT_EQ(Code("PREPARE_ERROR", "Parse error: no such table: nosuch"), StatusCode::kInternal);
}

// Shapes of sqld / Turso Cloud, which send the extended SQLite code as the Hrana code.
TEST(HranaStatusTest, SqldCodes) {
  EXPECT_EQ(Code("SQLITE_CONSTRAINT_UNIQUE", "SQLite error: UNIQUE constraint failed: u.email"),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(Code("SQLITE_CONSTRAINT_PRIMARYKEY", "SQLite error: UNIQUE constraint failed: u.id"),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(Code("SQLITE_CONSTRAINT_FOREIGNKEY", "SQLite error: FOREIGN KEY constraint failed"),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Code("SQLITE_CONSTRAINT_NOTNULL", "SQLite error: NOT NULL constraint failed: u.x"),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Code("SQLITE_CONSTRAINT", "SQLite error: CHECK constraint failed: n"),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Code("SQL_PARSE_ERROR", "SQL string could not be parsed: near FROM"),
            StatusCode::kInternal);
  EXPECT_EQ(Code("SQLITE_UNKNOWN", "SQLite error: no such table: x"), StatusCode::kInternal);
}

TEST(HranaStatusTest, ConstraintMessagesAreFixed) {
  EXPECT_EQ(HranaErrorStatus("SQLITE_CONSTRAINT_UNIQUE", "UNIQUE constraint failed: u.email"),
            AlreadyExistsError("already exists"));
  EXPECT_EQ(HranaErrorStatus("EXECUTE_ERROR", "NOT NULL constraint failed: u.secret (19)"),
            FailedPreconditionError("constraint violated"));
}

TEST(HranaStatusTest, BusyIsUnavailableWithRetryAfter) {
  for (auto [code, message] : {std::pair{"SQLITE_BUSY", "database is locked"},
                               std::pair{"SQLITE_LOCKED_SHAREDCACHE", "locked"},
                               std::pair{"EXECUTE_ERROR", "Runtime error: database is locked"},
                               std::pair{"EXECUTE_ERROR", "something busy (5)"}}) {
    Status status = HranaErrorStatus(code, message);
    EXPECT_EQ(status.code(), StatusCode::kUnavailable) << code;
    EXPECT_EQ(status.message(), "database busy");
    EXPECT_EQ(status.retry_after_seconds(), 1);
  }
}

TEST(HranaStatusTest, StreamAndIoErrorsAreUnavailable) {
  for (std::string_view code :
       {"STREAM_EXPIRED", "STREAM_CLOSED", "BATON_INVALID", "BATON_STREAM_CLOSED", "SERVER_ERROR",
        "BLOCKED", "SQLITE_IOERR_WRITE", "SQLITE_FULL", "SQLITE_CANTOPEN"}) {
    EXPECT_EQ(Code(code, "message"), StatusCode::kUnavailable) << code;
  }
  EXPECT_EQ(Code("EXECUTE_ERROR", "disk I/O error (10)"), StatusCode::kUnavailable);
  const Status io = HranaErrorStatus("EXECUTE_ERROR", "disk I/O error (10)");
  EXPECT_EQ(io.message(), "database is unavailable") << "the server's text is not for clients";
  EXPECT_EQ(io.detail(), "disk I/O error (10)");
}

TEST(HranaStatusTest, ATrailingNumberThatIsNotACodeIsIgnored) {
  EXPECT_EQ(Code("PREPARE_ERROR", "no such function: f(x)"), StatusCode::kInternal);
  EXPECT_EQ(Code("PREPARE_ERROR", "bad (19"), StatusCode::kInternal);
  EXPECT_EQ(Code("", ""), StatusCode::kInternal);
}

TEST(HranaStatusTest, HttpFailures) {
  for (long status : {500L, 502L, 503L, 504L, 401L, 403L, 404L, 408L, 429L}) {
    EXPECT_EQ(HttpFailureStatus(status).code(), StatusCode::kUnavailable) << status;
  }
  EXPECT_EQ(HttpFailureStatus(400).code(), StatusCode::kInternal);
  const Status refused = HttpFailureStatus(503, "POST http://db.internal:8080/v2/pipeline");
  EXPECT_EQ(refused.message(), "database is unavailable");
  EXPECT_EQ(refused.detail(), "HTTP 503 from POST http://db.internal:8080/v2/pipeline");
  EXPECT_EQ(HttpFailureStatus(502).detail(), "HTTP 502");
}

}  // namespace
}  // namespace howler::storage
