// ResponseRecorder: when HOWLER_RECORD_RESPONSES names a directory, every HTTP exchange of
// the integration tests' client (http_client.h) is appended to <dir>/responses-<pid>.jsonl,
// one JSON object a line: method, path (query left out), status, content type and
// encoding, Location, and the body in base64 (cut at 4 MiB, with "truncated": true).
// scripts/validate_openapi_responses.py checks them against docs/openapi.json.
//
// Thread-safety: RecordResponse may be called from any thread.
#pragma once

#include <string>

#include "support/http_client.h"

namespace howler::testing {

void RecordResponse(const std::string& method, const std::string& url, const HttpResult& result);

}  // namespace howler::testing
