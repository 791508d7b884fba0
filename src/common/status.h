// Status: the error vocabulary of the whole server (DESIGN.md section 3).
//
// A Status is a gRPC canonical code plus a message that is safe to show a client
// (never SQL, paths or secrets), and optionally a detail for the log only: what a fixed
// client message stands for (a remote database's transport error and URL, say). The
// transports log the detail with the request id and never send it. A few API errors need more
// precision than the canonical code gives (410 RESYNC_REQUIRED, 413, 415, 429 ACCOUNT_LOCKED, 405);
// they carry an ApiReason that the HTTP mapping (api_error.h) prefers over the code.
// Values are cheap to copy and safe to share between threads once built.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace howler {

// The gRPC canonical codes, with the same numeric values.
enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// Refinements of a code that change the HTTP status or API error code.
enum class ApiReason : int {
  kNone = 0,
  kResyncRequired,        // FailedPrecondition -> 410 RESYNC_REQUIRED
  kPayloadTooLarge,       // ResourceExhausted / InvalidArgument -> 413
  kUnsupportedMediaType,  // InvalidArgument -> 415
  kAccountLocked,         // ResourceExhausted -> 429 ACCOUNT_LOCKED
  kMethodNotAllowed,      // Unimplemented -> 405
  kConflict,              // any code -> 409 CONFLICT
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  ApiReason reason() const { return reason_; }
  // Seconds a client should wait before retrying (429, 503), when known.
  std::optional<int> retry_after_seconds() const { return retry_after_; }

  Status& WithReason(ApiReason reason) & {
    reason_ = reason;
    return *this;
  }
  Status&& WithReason(ApiReason reason) && {
    reason_ = reason;
    return std::move(*this);
  }
  Status& WithRetryAfter(int seconds) & {
    retry_after_ = seconds;
    return *this;
  }
  Status&& WithRetryAfter(int seconds) && {
    retry_after_ = seconds;
    return std::move(*this);
  }
  // Text for the log only; empty when there is none. Never secrets (tokens, passwords).
  const std::string& detail() const { return detail_; }
  Status& WithDetail(std::string detail) & {
    detail_ = std::move(detail);
    return *this;
  }
  Status&& WithDetail(std::string detail) && {
    detail_ = std::move(detail);
    return std::move(*this);
  }

  // "NOT_FOUND: user not found", with " (<detail>)" when there is one (for logs and
  // tests, never for a client).
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_ && a.reason_ == b.reason_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  ApiReason reason_ = ApiReason::kNone;
  std::optional<int> retry_after_;
  std::string detail_;
};

inline Status InvalidArgumentError(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFoundError(std::string m) {
  return {StatusCode::kNotFound, std::move(m)};
}
inline Status AlreadyExistsError(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
inline Status FailedPreconditionError(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status PermissionDeniedError(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status UnauthenticatedError(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status ResourceExhaustedError(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status UnavailableError(std::string m) {
  return {StatusCode::kUnavailable, std::move(m)};
}
inline Status InternalError(std::string m) {
  return {StatusCode::kInternal, std::move(m)};
}
inline Status DeadlineExceededError(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status UnimplementedError(std::string m) {
  return {StatusCode::kUnimplemented, std::move(m)};
}

}  // namespace howler

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define HOWLER_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::howler::Status howler_status_ = (expr);        \
    if (!howler_status_.ok()) return howler_status_; \
  } while (false)
