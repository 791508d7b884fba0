// The Auth operations of API.md (/api/auth/*) over auth::AuthService. Their policy (who
// may call, rate-limit budget, where they run, field limits, success messages) is
// declared in api/operations.h and applied by the pipeline; these handlers only turn
// JSON into service calls and results into JSON.
#pragma once

#include "auth/auth_service.h"
#include "http/router.h"

namespace howler::http {

void AddAuthRoutes(Router& router, auth::AuthService& service);

// The client details the services record (address after trusted proxies, User-Agent).
auth::ClientInfo ClientOf(const Request& request);

}  // namespace howler::http
