#include "grpc/status_conversion.h"

#include <gtest/gtest.h>

namespace howler::grpcsvc {
namespace {

TEST(MapStatusTest, OkIsOk) {
  const GrpcError e = MapStatus(Status::Ok());
  EXPECT_EQ(e.code, grpc::StatusCode::OK);
  EXPECT_TRUE(e.api_code.empty());
  EXPECT_FALSE(e.retry_after_seconds);
}

TEST(MapStatusTest, KeepsTheCodeAndTheSafeMessageNamingTheField) {
  const GrpcError e = MapStatus(InvalidArgumentError("email is required"));
  EXPECT_EQ(e.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(e.message, "email is required");
  EXPECT_EQ(e.api_code, "INVALID_REQUEST");
  EXPECT_TRUE(e.log_detail.empty());
  EXPECT_EQ(MapStatus(UnauthenticatedError("x")).code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(MapStatus(NotFoundError("x")).code, grpc::StatusCode::NOT_FOUND);
}

TEST(MapStatusTest, RateLimitAndLockoutAreResourceExhaustedWithRetryInfo) {
  const GrpcError limited = MapStatus(ResourceExhaustedError("slow down").WithRetryAfter(7));
  EXPECT_EQ(limited.code, grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(limited.api_code, "RATE_LIMITED");
  EXPECT_EQ(limited.retry_after_seconds, 7);

  const GrpcError locked = MapStatus(
      ResourceExhaustedError("locked").WithReason(ApiReason::kAccountLocked).WithRetryAfter(900));
  EXPECT_EQ(locked.code, grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(locked.api_code, "ACCOUNT_LOCKED");
  EXPECT_EQ(locked.retry_after_seconds, 900);
}

TEST(MapStatusTest, RetryAfterDefaultsToOneSecondForBusyAndLimited) {
  EXPECT_EQ(MapStatus(UnavailableError("busy")).retry_after_seconds, 1);
  EXPECT_EQ(MapStatus(ResourceExhaustedError("x").WithRetryAfter(0)).retry_after_seconds, 1);
  EXPECT_FALSE(MapStatus(InvalidArgumentError("x")).retry_after_seconds);
}

TEST(MapStatusTest, ServerFaultsHideTheirMessage) {
  const GrpcError e = MapStatus(InternalError("SELECT failed at /var/db"));
  EXPECT_EQ(e.code, grpc::StatusCode::INTERNAL);
  EXPECT_EQ(e.message, "internal error");
  EXPECT_EQ(e.log_detail, "INTERNAL: SELECT failed at /var/db");
  EXPECT_EQ(MapStatus(UnavailableError("database unreachable")).message, "database unreachable");
  const GrpcError cancelled = MapStatus(Status(StatusCode::kCancelled, "call cancelled"));
  EXPECT_EQ(cancelled.code, grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(cancelled.log_detail.empty()) << "the client's choice, not a fault to log";
}

TEST(MapStatusTest, ADetailIsLoggedAndNeverSent) {
  const GrpcError e = MapStatus(UnavailableError("database is unavailable")
                                    .WithDetail("libcurl: Couldn't connect to server"));
  EXPECT_EQ(e.code, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(e.message, "database is unavailable");
  EXPECT_EQ(e.log_detail,
            "UNAVAILABLE: database is unavailable (libcurl: Couldn't connect to server)");
  EXPECT_TRUE(MapStatus(UnavailableError("busy")).log_detail.empty());
}

TEST(MapStatusTest, ReasonsRefineTheApiCode) {
  const GrpcError taken = MapStatus(AlreadyExistsError("taken").WithReason(ApiReason::kConflict));
  EXPECT_EQ(taken.code, grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(taken.api_code, "CONFLICT");
  const GrpcError big =
      MapStatus(InvalidArgumentError("too big").WithReason(ApiReason::kPayloadTooLarge));
  EXPECT_EQ(big.code, grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(big.api_code, "PAYLOAD_TOO_LARGE");
  const GrpcError resync =
      MapStatus(FailedPreconditionError("old").WithReason(ApiReason::kResyncRequired));
  EXPECT_EQ(resync.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(resync.api_code, "RESYNC_REQUIRED");
}

}  // namespace
}  // namespace howler::grpcsvc
