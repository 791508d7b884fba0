// ApiErrorFor: the one table from Status to the HTTP status and API error code of
// API.md "Conventions". An ApiReason on the Status wins over its code.
// Pure function; safe from any thread.
#pragma once

#include <string_view>

#include "common/status.h"

namespace howler {

struct ApiError {
  int http_status;
  std::string_view code;  // "INVALID_REQUEST", ...; empty for OK (200)
};

ApiError ApiErrorFor(const Status& s);

}  // namespace howler
