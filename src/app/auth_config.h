// The auth settings of the configuration, mapped once for every place that builds an
// AuthService (the server in application.cpp, the operator commands in user_commands.cpp),
// so that both read the same rules and sign refresh tokens with the same key.
#pragma once

#include <string>

#include "auth/auth_service.h"
#include "config/options.h"

namespace howler::app {

// AuthOptions from the configuration (lifetimes, lockout, resend interval, retention).
auth::AuthOptions AuthOptionsFrom(const config::Options& options);

// The refresh-token HMAC key, derived from JWT_SECRET.
std::string RefreshTokenKey(const config::Options& options);

}  // namespace howler::app
