// Gate: the admission checks every operation passes before its handler runs, applied from
// its declaration (operation.h) by both transports, in this order:
//   1. per-IP budget   Budget::kAuthPerIp, keyed by the client IP, before any token is
//                      looked at (so guessing tokens is throttled too)
//   2. session         Access::kSession: `Authorization: Bearer <token>` of an active
//                      session, else UNAUTHENTICATED. Access::kSyncCredential also takes
//                      a license key there: a credential that looks like one
//                      (auth::LooksLikeLicenseKey) goes to the license-key authenticator,
//                      anything else to the access-token one; other operations refuse a
//                      license key without looking it up
//   3. per-user budget Budget::kSyncPerUser, keyed by the authenticated user id
// A spent budget is RESOURCE_EXHAUSTED with a Retry-After.
//
// Thread-safety: const methods may be called concurrently; the dependencies must outlive
// the gate. Step 1 only touches memory and may run on an I/O thread; steps 2-3 may read
// the database (a session-cache miss), so a transport runs them where the operation runs.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "api/operation.h"
#include "auth/auth_service.h"
#include "common/result.h"

namespace howler::auth {
class RateLimiter;
}

namespace howler::api {

// Bearer token -> caller; UNAUTHENTICATED for anything wrong. Must be thread-safe.
using Authenticator = std::function<Result<auth::Principal>(std::string_view token)>;

// auth::AuthService::Authenticate.
Authenticator AuthenticatorOf(auth::AuthService& service);
// auth::AuthService::AuthenticateLicenseKey.
Authenticator LicenseKeyAuthenticatorOf(auth::AuthService& service);

struct GateDeps {
  Authenticator authenticate;              // required by Access::kSession, kSyncCredential
  auth::RateLimiter* auth_ip = nullptr;    // required by Budget::kAuthPerIp
  auth::RateLimiter* sync_user = nullptr;  // required by Budget::kSyncPerUser
  // Required by Access::kSyncCredential when the credential is a license key.
  Authenticator authenticate_license_key;
};

// The token of an `Authorization` value "Bearer <token>" (scheme case-insensitive);
// UNAUTHENTICATED when absent or malformed.
Result<std::string_view> BearerToken(std::optional<std::string_view> authorization);

class Gate {
 public:
  explicit Gate(GateDeps deps);

  // Step 1.
  Status SpendIpBudget(const Operation& operation, std::string_view client_ip) const;
  // Steps 2 and 3: the caller (empty for a public operation).
  Result<auth::Principal> Authorize(const Operation& operation,
                                    std::optional<std::string_view> authorization) const;

 private:
  Status Spend(auth::RateLimiter* limiter, std::string_view key) const;

  GateDeps deps_;
};

}  // namespace howler::api
