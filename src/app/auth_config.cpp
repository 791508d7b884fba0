#include "app/auth_config.h"

#include "common/crypto.h"

namespace howler::app {

auth::AuthOptions AuthOptionsFrom(const config::Options& o) {
  auth::AuthOptions a;
  a.refresh_lifetime = o.jwt_refresh_expiration;
  a.max_login_attempts = o.max_login_attempts;
  a.lockout_duration = o.lockout_duration;
  a.resend_interval = o.verification_resend_interval;
  a.event_retention = o.auth_event_retention;
  a.profile_cache_ttl = o.session_cache_ttl;
  return a;
}

std::string RefreshTokenKey(const config::Options& o) {
  return HmacSha256(o.jwt_secret, "howlerops refresh token v1");
}

}  // namespace howler::app
