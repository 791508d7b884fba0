// The one mapping from howler::Status to what a gRPC client sees (DESIGN.md section 3),
// the gRPC twin of common/api_error.h, which it builds on:
// - the code is the Status code (both are the gRPC canonical set), except that a payload
//   that is too large (ApiReason::kPayloadTooLarge) is RESOURCE_EXHAUSTED;
// - the message is the Status message, safe to show a client, which names the field for
//   INVALID_ARGUMENT; codes that are a server fault (HTTP 500: INTERNAL, UNKNOWN, DATA_LOSS)
//   show "internal error" and keep the original for the log only, as any Status::detail()
//   is (log_detail);
// - trailing metadata `error-code` carries the API.md code (INVALID_REQUEST, RATE_LIMITED,
//   ACCOUNT_LOCKED, CONFLICT, ...), and `retry-after` the whole seconds to wait for
//   RESOURCE_EXHAUSTED and UNAVAILABLE (the Status's value, else 1).
// Pure functions; safe from any thread. Internal to src/grpc (it includes gRPC headers).
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace howler::grpcsvc {

inline constexpr char kErrorCodeKey[] = "error-code";
inline constexpr char kRetryAfterKey[] = "retry-after";

struct GrpcError {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;                     // safe to show a client
  std::string_view api_code;               // API.md code; empty for OK
  std::optional<int> retry_after_seconds;  // >= 1 when set
  std::string log_detail;                  // what was hidden from the client; else empty
};

GrpcError MapStatus(const Status& status);

// MapStatus applied to a call: sets the trailing metadata on `context` and returns the
// status to hand back to gRPC. `*detail` (when given) receives GrpcError::log_detail.
grpc::Status ToGrpcStatus(const Status& status, grpc::ServerContext& context,
                          std::string* detail = nullptr);

}  // namespace howler::grpcsvc
