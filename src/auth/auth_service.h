// AuthService: accounts and sessions (API.md "Auth"), as plain calls returning
// Result<T>. No HTTP, gRPC, JSON or SQL here; both transports and the operator commands
// call these methods, and every read and write goes through storage::AuthStore.
//
// Calls that hash a password (Signup, CreateUser, Login, ChangePassword, ResetPassword)
// take tens of milliseconds of CPU: transports run them on the hash pool, never on I/O
// threads.
// Every method is thread-safe; the dependencies must outlive the service.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/access_token.h"
#include "auth/license_key_cache.h"
#include "auth/lockout_policy.h"
#include "auth/password_hasher.h"
#include "auth/profile_cache.h"
#include "auth/refresh_token.h"
#include "auth/session_cache.h"
#include "auth/verified_token_cache.h"
#include "common/clock.h"
#include "common/result.h"
#include "storage/auth_records.h"
#include "storage/auth_store.h"

namespace howler {
class WorkerPool;
}
namespace howler::email {
class Mailer;
}
namespace howler::metrics {
class Metrics;
}

namespace howler::auth {

struct AuthOptions {
  std::chrono::milliseconds refresh_lifetime = std::chrono::hours(720);
  std::chrono::milliseconds refresh_grace = std::chrono::seconds(60);
  std::chrono::milliseconds verification_ttl = std::chrono::hours(24);
  std::chrono::milliseconds reset_ttl = std::chrono::hours(1);
  std::chrono::milliseconds resend_interval = std::chrono::seconds(60);
  // Audit events older than this are deleted by Cleanup (AUTH_EVENT_RETENTION).
  std::chrono::milliseconds event_retention = std::chrono::hours(24 * 365);
  std::uint32_t max_login_attempts = 5;
  std::chrono::milliseconds lockout_duration = std::chrono::minutes(15);
  // How long a profile read here is served without reading the store (SESSION_CACHE_TTL);
  // this instance's own writes to a user take effect at once.
  std::chrono::milliseconds profile_cache_ttl = std::chrono::seconds(10);
};

// Who the caller is, from where (for sessions and the audit trail).
struct ClientInfo {
  std::string ip;
  std::string user_agent;
};

// The authenticated caller of a request.
struct Principal {
  std::string user_id;
  std::string username;
  std::string role;
  std::string session_id;
  // Authenticated by the session's license key (AuthenticateLicenseKey), not an access
  // token: the desktop client's sync engine is calling, and the sync operations answer
  // in its dialect.
  bool via_license_key = false;
};

struct TokenPair {
  storage::UserRecord user;
  std::string access_token;
  TimePoint access_expires_at;
  std::string refresh_token;
  std::string session_id;
  // The session's license key (auth/license_key.h), only in the answer that started the
  // session (Signup, Login); empty otherwise. It is never stored, logged or shown again.
  std::string license_key;
};

struct SignupRequest {
  std::string username;
  std::string email;
  std::string password;
  std::string device_name;
};

struct LoginRequest {
  std::string username;  // or the email
  std::string password;
  std::string device_name;
};

// An account an operator creates (`howlerops-server user create`).
struct CreateUserRequest {
  std::string username;
  std::string email;
  std::string password;
  std::string role = "user";  // "user" or "admin"
};

struct AuthDeps {
  // Every read and write of the auth tables; each transition is one batch with its
  // audit event (storage/auth_store.h).
  storage::AuthStore& store;
  const PasswordHasher& hasher;
  const AccessTokenService& access_tokens;
  const RefreshTokenCodec& refresh_tokens;
  SessionCache& session_cache;
  email::Mailer& mailer;
  const Clock& clock;
  metrics::Metrics* metrics = nullptr;  // optional
  // Runs work that the answer must not wait for (the lookup, token write and email of a
  // password reset request, so its timing reveals nothing). Null runs it inline.
  WorkerPool* background = nullptr;
};

class AuthService {
 public:
  AuthService(AuthOptions options, AuthDeps deps);

  Result<TokenPair> Signup(const SignupRequest& request, const ClientInfo& client);
  // An operator's account: Signup's rules for username, email and password, a role of
  // "user" or "admin", the same store path, and a `user_created` event whose user agent
  // names the source (the CLI passes "cli"). No session and no email; the account starts
  // unverified. INVALID_ARGUMENT naming the field; ALREADY_EXISTS (reason CONFLICT)
  // "username or email already exists".
  Result<storage::UserRecord> CreateUser(const CreateUserRequest& request,
                                         const ClientInfo& client);
  // Enables or disables the account with that id, or that username or email in any case,
  // with a `user_enabled` / `user_disabled` event; disabling ends every session of it (at
  // once on this instance, within the session cache TTL elsewhere). NOT_FOUND "no such
  // user". The record returned has no password hash.
  Result<storage::UserRecord> SetUserActive(std::string_view id_username_or_email, bool active,
                                            const ClientInfo& client);
  // Accounts, oldest first, at most `limit`, without password hashes.
  Result<std::vector<storage::UserRecord>> ListUsers(int limit);
  Result<TokenPair> Login(const LoginRequest& request, const ClientInfo& client);
  Result<TokenPair> Refresh(std::string_view refresh_token, const ClientInfo& client);
  Status Logout(const Principal& who, bool all_devices, const ClientInfo& client);

  // Bearer token -> caller. UNAUTHENTICATED for anything wrong, including a revoked
  // session (at once on this instance, within the session cache TTL elsewhere).
  Result<Principal> Authenticate(std::string_view access_token);
  // License key -> caller (via_license_key set). UNAUTHENTICATED for anything wrong: a
  // malformed key or a bad checksum (no store read), an unknown key, and the key of a
  // session that is not usable (logged out, revoked, expired, its user disabled): at once
  // on this instance, within the session cache TTL elsewhere, as for access tokens.
  Result<Principal> AuthenticateLicenseKey(std::string_view license_key);

  Result<storage::UserRecord> Profile(const Principal& who);
  Result<std::vector<storage::SessionRecord>> ListSessions(const Principal& who);
  // NOT_FOUND unless the session is the caller's and active.
  Status RevokeSession(const Principal& who, std::string_view session_id, const ClientInfo& client);
  // Ends every other session of the caller.
  Status ChangePassword(const Principal& who, std::string_view current_password,
                        std::string_view new_password, const ClientInfo& client);

  Status VerifyEmail(std::string_view token, const ClientInfo& client);
  Status ResendVerification(const Principal& who);
  // Same answer, at once, for every address: the lookup, the token and the email happen
  // after it (AuthDeps::background). At most one reset email per account per
  // resend_interval. INVALID_ARGUMENT only for a malformed address; UNAVAILABLE when the
  // background queue is full.
  Status RequestPasswordReset(std::string_view email, const ClientInfo& client);
  // Ends every session of the user.
  Status ResetPassword(std::string_view token, std::string_view new_password,
                       const ClientInfo& client);

  // Background job: deletes ended sessions, old attempts, used or expired tokens, and
  // audit events older than event_retention.
  Status Cleanup();

 private:
  // The pair of `session`; with its license key when the session was just started.
  Result<TokenPair> IssuePair(storage::UserRecord user, const storage::SessionRecord& session,
                              std::string license_key = {});
  // A new session with a new license key, whose hash the session keeps: the key is set in
  // *license_key.
  storage::SessionRecord NewSession(const std::string& user_id, const std::string& device,
                                    const ClientInfo& client, std::int64_t now,
                                    std::string* license_key) const;
  Status LoginFailed(const std::string& account_key, const storage::LockoutRecord& state,
                     const std::string& user_id, const ClientInfo& client, std::int64_t now);
  storage::AuthEvent Event(std::string_view event, std::string_view user_id,
                           std::string_view session_id, const ClientInfo& client,
                           std::int64_t now) const;
  storage::LoginAttemptRecord Attempt(const std::string& account_key, const ClientInfo& client,
                                      bool success, std::int64_t now) const;
  Result<storage::UserRecord> NewUser(const std::string& username, const std::string& email,
                                      const std::string& password, std::int64_t now) const;
  void SendPasswordReset(const std::string& email, const ClientInfo& client);
  // A new random token of `kind` for the user: the token to send, and the record to store.
  std::pair<std::string, storage::EmailTokenRecord> NewEmailToken(storage::TokenKind kind,
                                                                  const std::string& user_id,
                                                                  std::int64_t now) const;
  void Count(std::string_view method, std::string_view result) const;

  AuthOptions options_;
  AuthDeps deps_;
  LockoutPolicy lockout_;
  storage::AuthStore& store_;
  VerifiedTokenCache verified_tokens_;
  LicenseKeyCache license_keys_;
  ProfileCache profiles_;
};

}  // namespace howler::auth
