#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace howler {
namespace {

TEST(StatusTest, CodeNamesAreTheGrpcCanonicalNames) {
  EXPECT_EQ(StatusCodeName(StatusCode::kOk), "OK");
  EXPECT_EQ(StatusCodeName(StatusCode::kCancelled), "CANCELLED");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnknown), "UNKNOWN");
  EXPECT_EQ(StatusCodeName(StatusCode::kInvalidArgument), "INVALID_ARGUMENT");
  EXPECT_EQ(StatusCodeName(StatusCode::kDeadlineExceeded), "DEADLINE_EXCEEDED");
  EXPECT_EQ(StatusCodeName(StatusCode::kNotFound), "NOT_FOUND");
  EXPECT_EQ(StatusCodeName(StatusCode::kAlreadyExists), "ALREADY_EXISTS");
  EXPECT_EQ(StatusCodeName(StatusCode::kPermissionDenied), "PERMISSION_DENIED");
  EXPECT_EQ(StatusCodeName(StatusCode::kResourceExhausted), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(StatusCodeName(StatusCode::kFailedPrecondition), "FAILED_PRECONDITION");
  EXPECT_EQ(StatusCodeName(StatusCode::kAborted), "ABORTED");
  EXPECT_EQ(StatusCodeName(StatusCode::kOutOfRange), "OUT_OF_RANGE");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnimplemented), "UNIMPLEMENTED");
  EXPECT_EQ(StatusCodeName(StatusCode::kInternal), "INTERNAL");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnavailable), "UNAVAILABLE");
  EXPECT_EQ(StatusCodeName(StatusCode::kDataLoss), "DATA_LOSS");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnauthenticated), "UNAUTHENTICATED");
}

TEST(StatusTest, UnknownNumericCodeHasAName) {
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(99)), "UNKNOWN");
}

TEST(StatusTest, ToStringJoinsCodeAndMessage) {
  EXPECT_EQ(Status().ToString(), "OK");
  EXPECT_EQ(NotFoundError("user not found").ToString(), "NOT_FOUND: user not found");
  EXPECT_EQ(Status(StatusCode::kInternal, "").ToString(), "INTERNAL");
}

TEST(StatusTest, DetailIsForTheLogOnly) {
  Status s = UnavailableError("database is unavailable").WithDetail("Couldn't connect to server");
  EXPECT_EQ(s.message(), "database is unavailable");
  EXPECT_EQ(s.detail(), "Couldn't connect to server");
  EXPECT_EQ(s.ToString(), "UNAVAILABLE: database is unavailable (Couldn't connect to server)");
  EXPECT_EQ(s, UnavailableError("database is unavailable")) << "equality ignores the detail";
  EXPECT_TRUE(NotFoundError("x").detail().empty());
}

TEST(StatusTest, ReasonAndRetryAfterAreCarried) {
  Status s =
      ResourceExhaustedError("locked").WithReason(ApiReason::kAccountLocked).WithRetryAfter(7);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), ApiReason::kAccountLocked);
  EXPECT_EQ(s.retry_after_seconds(), 7);
  EXPECT_NE(s, ResourceExhaustedError("locked"));
}

Result<int> Half(int v) {
  if (v % 2 != 0) {
    return InvalidArgumentError("odd");
  }
  return v / 2;
}

Result<int> Quarter(int v) {
  HOWLER_ASSIGN_OR_RETURN(int half, Half(v));
  HOWLER_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusTest, ResultPropagatesErrors) {
  ASSERT_TRUE(Quarter(8).ok());
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Quarter(4).status().ok());
}

}  // namespace
}  // namespace howler
