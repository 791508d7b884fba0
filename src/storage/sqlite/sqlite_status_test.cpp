#include "storage/sqlite/sqlite_status.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace howler::storage {
namespace {

TEST(SqliteStatusTest, UniqueAndPrimaryKeyViolationsAreAlreadyExists) {
  for (int code : {SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY}) {
    Status status = SqliteStatus(code, "UNIQUE constraint failed: users.email");
    EXPECT_EQ(status.code(), StatusCode::kAlreadyExists) << code;
    EXPECT_EQ(status.message(), "already exists");
  }
}

TEST(SqliteStatusTest, OtherConstraintsAreFailedPrecondition) {
  for (int code : {SQLITE_CONSTRAINT, SQLITE_CONSTRAINT_NOTNULL, SQLITE_CONSTRAINT_FOREIGNKEY,
                   SQLITE_CONSTRAINT_CHECK, SQLITE_CONSTRAINT_TRIGGER}) {
    Status status = SqliteStatus(code, "NOT NULL constraint failed: users.email");
    EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << code;
    EXPECT_EQ(status.message(), "constraint violated");
  }
}

TEST(SqliteStatusTest, BusyAndLockedAreUnavailableWithRetry) {
  for (int code : {SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED, SQLITE_LOCKED_SHAREDCACHE}) {
    Status status = SqliteStatus(code, "database is locked");
    EXPECT_EQ(status.code(), StatusCode::kUnavailable) << code;
    EXPECT_EQ(status.message(), "database busy");
    EXPECT_EQ(status.retry_after_seconds(), 1);
  }
}

TEST(SqliteStatusTest, StorageFailuresAreUnavailable) {
  for (int code : {SQLITE_FULL, SQLITE_IOERR, SQLITE_IOERR_WRITE, SQLITE_CANTOPEN}) {
    Status status = SqliteStatus(code, "disk I/O error");
    EXPECT_EQ(status.code(), StatusCode::kUnavailable) << code;
    EXPECT_EQ(status.message(), "database unavailable: disk I/O error");
  }
}

TEST(SqliteStatusTest, EverythingElseIsInternalWithTheDetail) {
  for (int code : {SQLITE_ERROR, SQLITE_MISUSE, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_RANGE}) {
    Status status = SqliteStatus(code, "no such table: t");
    EXPECT_EQ(status.code(), StatusCode::kInternal) << code;
    EXPECT_EQ(status.message(), "database error: no such table: t");
  }
}

TEST(SqliteStatusTest, SuccessCodesAreOk) {
  EXPECT_TRUE(SqliteStatus(SQLITE_OK, "").ok());
  EXPECT_TRUE(SqliteStatus(SQLITE_DONE, "").ok());
}

}  // namespace
}  // namespace howler::storage
