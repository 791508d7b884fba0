#include "api/live_identity.h"

#include "auth/access_token.h"

namespace howler::api {

LiveAuthenticator LiveAuthenticatorOf(auth::AuthService& service,
                                      const auth::AccessTokenService& tokens) {
  return [&service, &tokens](std::string_view token) -> Result<LiveIdentity> {
    HOWLER_ASSIGN_OR_RETURN(auth::Principal who, service.Authenticate(token));
    HOWLER_ASSIGN_OR_RETURN(auth::AccessClaims claims, tokens.Verify(token));
    return LiveIdentity{std::move(who), claims.expires_at};
  };
}

}  // namespace howler::api
