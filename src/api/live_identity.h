// LiveIdentity: who holds a live sync connection and until when its token is valid, for
// the WebSocket route and the gRPC Watch stream (API.md "Live sync"). A live connection
// outlives the request that opened it, so it needs the token's expiry, which a
// Principal does not carry.
//
// Thread-safety: the authenticator is safe from any thread; it may read the database (a
// session-cache miss), so call it where blocking is allowed.
#pragma once

#include <functional>
#include <string_view>

#include "auth/auth_service.h"
#include "common/clock.h"
#include "common/result.h"

namespace howler::auth {
class AccessTokenService;
}

namespace howler::api {

struct LiveIdentity {
  auth::Principal who;
  TimePoint expires_at{};  // the access token's exp
};

// Bearer token -> identity; UNAUTHENTICATED for anything wrong (as Authenticator).
using LiveAuthenticator = std::function<Result<LiveIdentity>(std::string_view token)>;

// AuthService::Authenticate (session, revocation) plus the token's expiry.
LiveAuthenticator LiveAuthenticatorOf(auth::AuthService& service,
                                      const auth::AccessTokenService& tokens);

}  // namespace howler::api
