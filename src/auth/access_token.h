// Access tokens: short-lived HS256 JWTs (API.md "Auth", DESIGN.md section 6).
//
// Claims: iss "howlerops", sub and user_id (the user id), username, role, sid (the
// session id), jti (random), iat, nbf (= iat) and exp, in Unix seconds.
// Verify trusts nothing libjwt does not check itself: it requires alg HS256 exactly, our
// signature, iss, a future exp, a past nbf (30 s leeway for clock skew between
// instances), every claim with its JSON type, and a bounded token size. It does not know
// about session revocation: callers check `session_id` against the session store/cache.
// Thread-safety: immutable after construction; safe from any thread. The Clock must
// outlive the service.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace howler::auth {

struct AccessClaims {
  std::string user_id;
  std::string username;
  std::string role;
  std::string session_id;
  std::string jti;
  TimePoint issued_at;
  TimePoint expires_at;
};

class AccessTokenService {
 public:
  static constexpr std::string_view kIssuer = "howlerops";
  static constexpr std::size_t kMaxTokenBytes = 4096;
  static constexpr std::chrono::seconds kNotBeforeLeeway{30};

  // `secret` is the HMAC key (JWT_SECRET); `lifetime` is rounded up to whole seconds.
  AccessTokenService(std::string secret, std::chrono::milliseconds lifetime, const Clock& clock);

  struct Issued {
    std::string token;
    TimePoint expires_at;  // the token's exp, whole seconds
    std::string jti;
  };

  // A token for the given identity, valid from now (whole seconds, floored) for `lifetime`.
  // InvalidArgument when user_id or session_id is empty or any argument contains a NUL;
  // Internal when the secret is empty, the lifetime is not positive, or signing fails.
  Result<Issued> Issue(std::string_view user_id, std::string_view username, std::string_view role,
                       std::string_view session_id) const;

  // The claims of a valid token; Unauthenticated "invalid or expired token" for anything
  // else (the reason is deliberately not told).
  Result<AccessClaims> Verify(std::string_view token) const;

 private:
  std::string secret_;
  std::chrono::seconds lifetime_;
  const Clock& clock_;
};

}  // namespace howler::auth
