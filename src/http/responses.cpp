#include "http/responses.h"

#include "common/api_error.h"
#include "common/json_text.h"

namespace howler::http {

Response JsonResponse(int status, std::string json_text) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(json_text);
  return r;
}

Response ErrorResponse(const Status& status) {
  const ApiError api = ApiErrorFor(status);
  std::string message = status.message();
  std::string detail;
  if (api.http_status >= 500 && api.http_status != 503) {
    detail = status.ToString();
    message = "internal error";
  } else if (!status.detail().empty()) {
    detail = status.ToString();  // the message is sent; the detail only logged
  }
  if (message.empty()) message = std::string(api.code);

  std::string body = "{\"error\":true,\"code\":";
  AppendJsonString(body, api.code);
  body += ",\"message\":";
  AppendJsonString(body, message);
  body += "}";

  Response r = JsonResponse(api.http_status, std::move(body));
  r.log_detail = std::move(detail);
  std::optional<int> retry = status.retry_after_seconds();
  if (!retry && (api.http_status == 429 || api.http_status == 503)) retry = 1;
  if (retry) r.headers.Set("Retry-After", std::to_string(*retry));
  return r;
}

}  // namespace howler::http
