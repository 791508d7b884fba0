#include "grpc/status_conversion.h"

#include <algorithm>

#include "common/api_error.h"

namespace howler::grpcsvc {

GrpcError MapStatus(const Status& status) {
  if (status.ok()) return {};
  const ApiError api = ApiErrorFor(status);
  GrpcError out;
  out.code = status.reason() == ApiReason::kPayloadTooLarge
                 ? grpc::StatusCode::RESOURCE_EXHAUSTED
                 : static_cast<grpc::StatusCode>(status.code());
  out.api_code = api.code;
  out.message = status.message();
  // A server fault is hidden; a call the client cancelled is nobody's fault.
  if (api.http_status >= 500 && api.http_status != 503 && status.code() != StatusCode::kCancelled) {
    out.log_detail = status.ToString();
    out.message = "internal error";
  } else if (!status.detail().empty()) {
    out.log_detail = status.ToString();  // the message is sent; the detail only logged
  }
  if (out.message.empty()) out.message = std::string(api.code);
  const bool may_retry =
      out.code == grpc::StatusCode::RESOURCE_EXHAUSTED || out.code == grpc::StatusCode::UNAVAILABLE;
  if (may_retry) out.retry_after_seconds = std::max(1, status.retry_after_seconds().value_or(1));
  return out;
}

grpc::Status ToGrpcStatus(const Status& status, grpc::ServerContext& context, std::string* detail) {
  GrpcError e = MapStatus(status);
  if (detail != nullptr) *detail = std::move(e.log_detail);
  if (e.code == grpc::StatusCode::OK) return grpc::Status::OK;
  context.AddTrailingMetadata(kErrorCodeKey, std::string(e.api_code));
  if (e.retry_after_seconds) {
    context.AddTrailingMetadata(kRetryAfterKey, std::to_string(*e.retry_after_seconds));
  }
  return grpc::Status(e.code, std::move(e.message));
}

}  // namespace howler::grpcsvc
