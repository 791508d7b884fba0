#include "api/gate.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "auth/license_key.h"
#include "auth/rate_limiter.h"

namespace howler::api {

Authenticator AuthenticatorOf(auth::AuthService& service) {
  return [&service](std::string_view token) { return service.Authenticate(token); };
}

Authenticator LicenseKeyAuthenticatorOf(auth::AuthService& service) {
  return [&service](std::string_view key) { return service.AuthenticateLicenseKey(key); };
}

Result<std::string_view> BearerToken(std::optional<std::string_view> authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  const bool ok =
      authorization && authorization->size() > kBearer.size() &&
      std::equal(kBearer.begin(), kBearer.end(), authorization->begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      });
  if (!ok) return UnauthenticatedError("missing or malformed bearer token");
  return authorization->substr(kBearer.size());
}

Gate::Gate(GateDeps deps) : deps_(std::move(deps)) {}

Status Gate::SpendIpBudget(const Operation& operation, std::string_view client_ip) const {
  if (operation.budget != Budget::kAuthPerIp) return Status::Ok();
  return Spend(deps_.auth_ip, client_ip);
}

Result<auth::Principal> Gate::Authorize(const Operation& operation,
                                        std::optional<std::string_view> authorization) const {
  if (operation.access == Access::kPublic) return auth::Principal{};
  HOWLER_ASSIGN_OR_RETURN(std::string_view token, BearerToken(authorization));
  const bool license_key = auth::LooksLikeLicenseKey(token);
  if (license_key && operation.access != Access::kSyncCredential) {
    return UnauthenticatedError("a license key is accepted by sync operations only");
  }
  const Authenticator& authenticate =
      license_key ? deps_.authenticate_license_key : deps_.authenticate;
  if (!authenticate) return InternalError("operation needs an authenticator");
  HOWLER_ASSIGN_OR_RETURN(auth::Principal who, authenticate(token));
  if (operation.budget == Budget::kSyncPerUser) {
    HOWLER_RETURN_IF_ERROR(Spend(deps_.sync_user, who.user_id));
  }
  return who;
}

Status Gate::Spend(auth::RateLimiter* limiter, std::string_view key) const {
  if (limiter == nullptr) return InternalError("operation needs a rate limiter");
  const auto decision = limiter->Allow(key);
  if (decision.allowed) return Status::Ok();
  return ResourceExhaustedError("too many requests; slow down")
      .WithRetryAfter(decision.retry_after_seconds);
}

}  // namespace howler::api
