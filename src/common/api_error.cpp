#include "common/api_error.h"

#include <optional>

namespace howler {
namespace {

std::optional<ApiError> ForReason(ApiReason reason) {
  switch (reason) {
    case ApiReason::kNone:
      return std::nullopt;
    case ApiReason::kResyncRequired:
      return ApiError{410, "RESYNC_REQUIRED"};
    case ApiReason::kPayloadTooLarge:
      return ApiError{413, "PAYLOAD_TOO_LARGE"};
    case ApiReason::kUnsupportedMediaType:
      return ApiError{415, "UNSUPPORTED_MEDIA_TYPE"};
    case ApiReason::kAccountLocked:
      return ApiError{429, "ACCOUNT_LOCKED"};
    case ApiReason::kMethodNotAllowed:
      return ApiError{405, "METHOD_NOT_ALLOWED"};
    case ApiReason::kConflict:
      return ApiError{409, "CONFLICT"};
  }
  return std::nullopt;
}

ApiError ForCode(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return {200, ""};
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange:
    case StatusCode::kFailedPrecondition:
      return {400, "INVALID_REQUEST"};
    case StatusCode::kUnauthenticated:
      return {401, "UNAUTHORIZED"};
    case StatusCode::kPermissionDenied:
      return {403, "FORBIDDEN"};
    case StatusCode::kNotFound:
    case StatusCode::kUnimplemented:  // 501 is not part of the API
      return {404, "NOT_FOUND"};
    case StatusCode::kAlreadyExists:
    case StatusCode::kAborted:
      return {409, "CONFLICT"};
    case StatusCode::kResourceExhausted:
      return {429, "RATE_LIMITED"};
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return {503, "UNAVAILABLE"};
    case StatusCode::kCancelled:
    case StatusCode::kUnknown:
    case StatusCode::kInternal:
    case StatusCode::kDataLoss:
      return {500, "INTERNAL_ERROR"};
  }
  return {500, "INTERNAL_ERROR"};
}

}  // namespace

ApiError ApiErrorFor(const Status& s) {
  if (s.ok()) {
    return ForCode(StatusCode::kOk);
  }
  if (auto by_reason = ForReason(s.reason())) {
    return *by_reason;
  }
  return ForCode(s.code());
}

}  // namespace howler
