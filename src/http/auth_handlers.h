// The Auth endpoints of API.md (/api/auth/*) over auth::AuthService, and the bearer
// authentication that later endpoints (sync) use.
#pragma once

#include <functional>

#include "auth/auth_service.h"
#include "http/router.h"

namespace howler {
class WorkerPool;
}
namespace howler::auth {
class RateLimiter;
}

namespace howler::http {

struct AuthHttpDeps {
  auth::AuthService& service;
  // Runs the calls that hash a password; when its queue is full the request gets 503.
  WorkerPool& hash_pool;
  // Per client IP, for the public and password endpoints.
  auth::RateLimiter& ip_limiter;
};

void AddAuthRoutes(Router& router, AuthHttpDeps deps);

// Wraps a handler that needs the caller: 401 unless the request carries a valid bearer
// token of an active session.
using AuthedHandler = std::function<Response(const Request&, const auth::Principal&)>;
SyncHandler RequireAuth(auth::AuthService& service, AuthedHandler handler);

// The caller of a request, from its Authorization header.
Result<auth::Principal> AuthenticateRequest(auth::AuthService& service, const Request& request);

auth::ClientInfo ClientOf(const Request& request);

}  // namespace howler::http
