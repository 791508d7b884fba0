// Building responses: JSON bodies and the API's error shape
// `{"error": true, "code": "...", "message": "..."}` (API.md "Conventions").
#pragma once

#include <string>

#include "common/status.h"
#include "http/message.h"

namespace howler::http {

// A response with Content-Type application/json and the given JSON text.
Response JsonResponse(int status, std::string json_text);

// The API error response for a non-OK Status: the HTTP status and code from
// ApiErrorFor(), Retry-After when the status carries one (429 and 503 always get one).
// Internal failures get a generic message; their detail goes to Response::log_detail, as
// does any Status::detail() (the client sees the message only).
Response ErrorResponse(const Status& status);

}  // namespace howler::http
