#include "common/api_error.h"

#include <gtest/gtest.h>

namespace howler {
namespace {

void ExpectMaps(const Status& s, int http, std::string_view code) {
  const ApiError e = ApiErrorFor(s);
  EXPECT_EQ(e.http_status, http) << s.ToString();
  EXPECT_EQ(e.code, code) << s.ToString();
}

Status Code(StatusCode c) {
  return {c, "m"};
}

TEST(ApiErrorTest, OkIs200WithoutCode) {
  ExpectMaps(Status(), 200, "");
  // A reason on an OK status is meaningless and ignored.
  ExpectMaps(Status().WithReason(ApiReason::kConflict), 200, "");
}

TEST(ApiErrorTest, MapsEveryCode) {
  ExpectMaps(Code(StatusCode::kInvalidArgument), 400, "INVALID_REQUEST");
  ExpectMaps(Code(StatusCode::kOutOfRange), 400, "INVALID_REQUEST");
  ExpectMaps(Code(StatusCode::kFailedPrecondition), 400, "INVALID_REQUEST");
  ExpectMaps(Code(StatusCode::kUnauthenticated), 401, "UNAUTHORIZED");
  ExpectMaps(Code(StatusCode::kPermissionDenied), 403, "FORBIDDEN");
  ExpectMaps(Code(StatusCode::kNotFound), 404, "NOT_FOUND");
  ExpectMaps(Code(StatusCode::kUnimplemented), 404, "NOT_FOUND");
  ExpectMaps(Code(StatusCode::kAlreadyExists), 409, "CONFLICT");
  ExpectMaps(Code(StatusCode::kAborted), 409, "CONFLICT");
  ExpectMaps(Code(StatusCode::kResourceExhausted), 429, "RATE_LIMITED");
  ExpectMaps(Code(StatusCode::kUnavailable), 503, "UNAVAILABLE");
  ExpectMaps(Code(StatusCode::kDeadlineExceeded), 503, "UNAVAILABLE");
  ExpectMaps(Code(StatusCode::kInternal), 500, "INTERNAL_ERROR");
  ExpectMaps(Code(StatusCode::kUnknown), 500, "INTERNAL_ERROR");
  ExpectMaps(Code(StatusCode::kDataLoss), 500, "INTERNAL_ERROR");
  ExpectMaps(Code(StatusCode::kCancelled), 500, "INTERNAL_ERROR");
  ExpectMaps(Code(static_cast<StatusCode>(99)), 500, "INTERNAL_ERROR");
}

TEST(ApiErrorTest, ReasonWinsOverCode) {
  ExpectMaps(FailedPreconditionError("m").WithReason(ApiReason::kResyncRequired), 410,
             "RESYNC_REQUIRED");
  ExpectMaps(ResourceExhaustedError("m").WithReason(ApiReason::kPayloadTooLarge), 413,
             "PAYLOAD_TOO_LARGE");
  ExpectMaps(InvalidArgumentError("m").WithReason(ApiReason::kPayloadTooLarge), 413,
             "PAYLOAD_TOO_LARGE");
  ExpectMaps(InvalidArgumentError("m").WithReason(ApiReason::kUnsupportedMediaType), 415,
             "UNSUPPORTED_MEDIA_TYPE");
  ExpectMaps(ResourceExhaustedError("m").WithReason(ApiReason::kAccountLocked), 429,
             "ACCOUNT_LOCKED");
  ExpectMaps(UnimplementedError("m").WithReason(ApiReason::kMethodNotAllowed), 405,
             "METHOD_NOT_ALLOWED");
  ExpectMaps(InternalError("m").WithReason(ApiReason::kConflict), 409, "CONFLICT");
  ExpectMaps(NotFoundError("m").WithReason(ApiReason::kNone), 404, "NOT_FOUND");
}

}  // namespace
}  // namespace howler
