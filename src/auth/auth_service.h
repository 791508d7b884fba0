// AuthService: accounts and sessions (API.md "Auth"), as plain calls returning
// Result<T>. No HTTP, gRPC or JSON here; both transports call these methods.
//
// Calls that hash a password (Signup, Login, ChangePassword, ResetPassword) take tens
// of milliseconds of CPU: transports run them on the hash pool, never on I/O threads.
// Every method is thread-safe; the dependencies must outlive the service.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/access_token.h"
#include "auth/lockout_policy.h"
#include "auth/password_hasher.h"
#include "auth/profile_cache.h"
#include "auth/refresh_token.h"
#include "auth/session_cache.h"
#include "auth/verified_token_cache.h"
#include "common/clock.h"
#include "common/result.h"
#include "storage/auth_records.h"
#include "storage/database.h"
#include "storage/login_attempt_store.h"
#include "storage/session_store.h"
#include "storage/token_store.h"
#include "storage/user_store.h"

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
};

struct TokenPair {
  storage::UserRecord user;
  std::string access_token;
  TimePoint access_expires_at;
  std::string refresh_token;
  std::string session_id;
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

struct AuthDeps {
  storage::Database& db;
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
  Result<TokenPair> Login(const LoginRequest& request, const ClientInfo& client);
  Result<TokenPair> Refresh(std::string_view refresh_token, const ClientInfo& client);
  Status Logout(const Principal& who, bool all_devices, const ClientInfo& client);

  // Bearer token -> caller. UNAUTHENTICATED for anything wrong, including a revoked
  // session (at once on this instance, within the session cache TTL elsewhere).
  Result<Principal> Authenticate(std::string_view access_token);

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
  Result<TokenPair> IssuePair(storage::UserRecord user, const storage::SessionRecord& session);
  storage::SessionRecord NewSession(const std::string& user_id, const std::string& device,
                                    const ClientInfo& client, std::int64_t now) const;
  Status LoginFailed(const std::string& account_key, const storage::LockoutRecord& state,
                     const std::string& user_id, const ClientInfo& client, std::int64_t now);
  storage::Statement Event(std::string_view event, std::string_view user_id,
                           std::string_view session_id, const ClientInfo& client,
                           std::int64_t now) const;
  void SendPasswordReset(const std::string& email, const ClientInfo& client);
  std::string NewEmailToken(storage::TokenKind kind, const std::string& user_id, std::int64_t now,
                            std::vector<storage::Statement>& batch) const;
  void Count(std::string_view method, std::string_view result) const;

  AuthOptions options_;
  AuthDeps deps_;
  LockoutPolicy lockout_;
  storage::UserStore users_;
  storage::SessionStore sessions_;
  storage::LoginAttemptStore attempts_;
  storage::TokenStore tokens_;
  VerifiedTokenCache verified_tokens_;
  ProfileCache profiles_;
};

}  // namespace howler::auth
