// Row types of the auth tables (migrations/0001_initial.sql). Plain values; times are
// milliseconds since the Unix epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace howler::storage {

struct UserRecord {
  std::string id;
  std::string username;  // as the user spelled it
  std::string email;     // lower-cased
  std::string password_hash;
  std::string role = "user";
  std::string tier = "free";
  bool email_verified = false;
  bool active = true;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> last_login_at;
};

struct SessionRecord {
  std::string id;
  std::string user_id;
  std::int64_t refresh_counter = 0;
  std::string refresh_salt;
  std::optional<std::int64_t> rotated_at;
  std::string device_name;
  std::string ip_address;
  std::string user_agent;
  std::int64_t created_at = 0;
  std::int64_t last_seen_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> revoked_at;
  // The hex SHA-256 of the session's license key (auth/license_key.h); empty when it has
  // none. Written by SessionStore::Insert only: reads of sessions leave it empty.
  std::string license_key_hash;
};

// Who a usable session's license key belongs to (SessionStore::FindActiveByLicenseKey).
struct LicenseKeyOwner {
  std::string session_id;
  std::string user_id;
  std::string username;
  std::string role;
};

// Lockout state of one account key (see auth::LockoutPolicy for the rules).
struct LockoutRecord {
  std::int64_t failures = 0;
  std::int64_t window_started_at = 0;
  std::int64_t locked_until = 0;
  std::int64_t lock_count = 0;
};

// One audit event: signup, user_created (by an operator), login, login_failed, locked,
// logout, refresh, refresh_reuse_detected, session_revoked, password_changed,
// reset_requested, password_reset, email_verified, user_disabled, user_enabled.
struct AuthEvent {
  std::string id;  // unique (a UUIDv7)
  std::string event;
  std::string user_id;     // empty when unknown
  std::string session_id;  // empty when none
  std::string ip_address;
  std::string user_agent;
  std::int64_t at = 0;
};

enum class TokenKind { kVerification, kPasswordReset };

// A single-use email token, stored only as the hex SHA-256 of the token.
struct EmailTokenRecord {
  TokenKind kind = TokenKind::kVerification;
  std::string token_hash;
  std::string user_id;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

// One sign-in attempt (login_attempts), kept for the audit and the lockout rules.
struct LoginAttemptRecord {
  std::string id;
  std::string account_key;  // "user:<id>" or "login:<identifier>"
  std::string ip_address;
  bool success = false;
  std::int64_t at = 0;
};

}  // namespace howler::storage
