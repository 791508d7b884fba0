// AuthStore: the auth tables as auth::AuthService uses them (users, sessions,
// login_attempts, account_lockouts, the email tokens, auth_events): reads, and one method
// per state transition. The SQL lives in the table stores it composes (user_store.h,
// session_store.h, token_store.h, login_attempt_store.h); callers see records only.
//
// Every transition is one atomic Batch (one round trip on the remote backend) that
// writes its audit event together with its change: both are written or neither is. A
// transition guarded by a single-use token (VerifyEmail, ResetPassword) changes nothing,
// and writes no event, unless this very batch consumes the token (its statements apply
// only while the token is usable, and the consumption is the batch's last statement).
// Failures are the Database's Status values (database.h).
//
// Thread-safe (stateless over a thread-safe Database, which must outlive it).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/auth_records.h"
#include "storage/database.h"
#include "storage/group_commit.h"
#include "storage/login_attempt_store.h"
#include "storage/session_store.h"
#include "storage/token_store.h"
#include "storage/user_store.h"

namespace howler::storage {

// A new account for CreateAccount: a signup brings its first session and a verification
// token; an account an operator creates has neither.
struct NewAccount {
  UserRecord user;
  std::optional<SessionRecord> session;
  std::optional<EmailTokenRecord> verification;
  AuthEvent event;  // signup, user_created
};

// A successful sign-in for RecordLogin.
struct LoginSuccess {
  SessionRecord session;       // the new session (its user_id is the user's)
  LoginAttemptRecord attempt;  // attempt.at is the time of the sign-in
  // The account's lockout state reset after earlier failures, when there were any.
  std::optional<LockoutRecord> lockout;
  // A new hash of the same password, when the hashing parameters changed.
  std::optional<std::string> rehashed_password;
  AuthEvent event;  // login
};

// A failed sign-in for RecordLoginFailure.
struct LoginFailure {
  LockoutRecord lockout;  // the account's state after this failure
  LoginAttemptRecord attempt;
  std::vector<AuthEvent> events;  // login_failed, and locked when this failure locked it
};

// A refresh-token rotation for RotateRefresh.
struct SessionRotation {
  std::string session_id;
  std::int64_t expected_counter = 0;  // the counter the presented token carries
  std::int64_t at = 0;
  std::int64_t expires_at = 0;
  std::string ip_address;
  std::string user_agent;
};

// What the cleanup job removes: rows that ended before each time.
struct AuthPurge {
  std::int64_t sessions_before = 0;  // expired or revoked
  std::int64_t attempts_before = 0;  // login attempts, and idle unlocked lockouts
  std::int64_t tokens_before = 0;    // expired or used email tokens
  std::int64_t events_before = 0;    // audit events
  std::int64_t now = 0;
};

class AuthStore {
 public:
  explicit AuthStore(Database& db);

  // --- reads ---
  // By lower-cased username or email.
  Result<std::optional<UserRecord>> FindUserByLogin(std::string_view identifier_lower);
  Result<std::optional<UserRecord>> FindUserById(std::string_view user_id);
  Result<std::optional<UserRecord>> FindUserByEmail(std::string_view email_lower);
  // By id, or by username or email in any case.
  Result<std::optional<UserRecord>> FindUserByAnyName(std::string_view id_username_or_email);
  // Oldest first.
  Result<std::vector<UserRecord>> ListUsers(int limit);
  // The stored state, or a zero state when the key has none.
  Result<LockoutRecord> GetLockout(std::string_view account_key);
  // The session and its user (without the password hash).
  Result<std::optional<SessionWithUser>> FindSessionWithUser(std::string_view session_id);
  // The user id of the session when it is usable now (not revoked, not expired, its user
  // active); nullopt otherwise.
  Result<std::optional<std::string>> ActiveSessionOwner(std::string_view session_id,
                                                        std::int64_t now);
  // The owner of the license key with this hash, when its session is usable now (not
  // revoked, not expired, its user active); nullopt otherwise.
  Result<std::optional<LicenseKeyOwner>> FindLicenseKeyOwner(std::string_view key_hash,
                                                             std::int64_t now);
  // The ids among `session_ids` that are usable now (as ActiveSessionOwner); one round
  // trip however many (live connections re-check their sessions with it).
  Result<std::vector<std::string>> ActiveSessionsAmong(std::span<const std::string> session_ids,
                                                       std::int64_t now);
  // The user's usable sessions, newest first.
  Result<std::vector<SessionRecord>> ListActiveSessions(std::string_view user_id, std::int64_t now);
  Result<std::int64_t> CountActiveSessions(std::int64_t now);
  // The user id of a usable (unused, unexpired) token, if any.
  Result<std::optional<std::string>> FindUsableToken(TokenKind kind, std::string_view token_hash,
                                                     std::int64_t now);
  // When the user's newest token of this kind was made.
  Result<std::optional<std::int64_t>> LatestTokenCreatedAt(TokenKind kind,
                                                           std::string_view user_id);

  // --- transitions: each one atomic batch, its audit event included ---
  // ALREADY_EXISTS when the username (in any case) or the email is taken.
  Status CreateAccount(const NewAccount& account);
  // The new session, last_login_at, the attempt, the lockout reset and the rehash.
  Status RecordLogin(const LoginSuccess& login);
  // The attempt and the lockout state.
  Status RecordLoginFailure(const LoginFailure& failure);
  // Moves the session's refresh counter on by one (with the new expiry and client
  // details) if it still has `expected_counter` and is not revoked: the new counter, or
  // nullopt when another rotation came first or the session was revoked. The `refresh`
  // event is written either way.
  Result<std::optional<std::int64_t>> RotateRefresh(const SessionRotation& rotation,
                                                    const AuthEvent& event);
  // Revokes the user's session for `reason`; whether it was active. The event is written
  // either way.
  Result<bool> RevokeSession(std::string_view session_id, std::string_view user_id,
                             std::int64_t now, std::string_view reason, const AuthEvent& event);
  // Revokes every active session of the user but `keep_session_id` (may be empty).
  Status RevokeAllSessions(std::string_view user_id, std::string_view keep_session_id,
                           std::int64_t now, std::string_view reason, const AuthEvent& event);
  // The new password hash; every other session of the user is revoked.
  Status ChangePassword(std::string_view user_id, std::string_view password_hash,
                        std::string_view keep_session_id, std::int64_t now, const AuthEvent& event);
  // Consumes the verification token and marks its user verified: that user's id, or
  // nullopt when the token was unknown, used or expired (nothing written). The event is
  // written for the token's user (event.user_id is not used).
  Result<std::optional<std::string>> VerifyEmail(std::string_view token_hash, std::int64_t now,
                                                 const AuthEvent& event);
  // A new verification token (no event).
  Status AddEmailToken(const EmailTokenRecord& token);
  // The reset token, unless the user has one created at or after `not_since`: whether it
  // was added. The `reset_requested` event is written either way.
  Result<bool> AddResetTokenUnlessRecent(const EmailTokenRecord& token, std::int64_t not_since,
                                         const AuthEvent& event);
  // Consumes the reset token of `user_id` and, only then, sets the password hash, revokes
  // every session of the user, uses up the user's other reset tokens and writes the
  // event: whether this call consumed the token.
  Result<bool> ResetPassword(std::string_view token_hash, std::string_view user_id,
                             std::string_view password_hash, std::int64_t now,
                             const AuthEvent& event);
  // Sets `active`; disabling also revokes every session of the user ("user_disabled").
  Status SetUserActive(std::string_view user_id, bool active, std::int64_t now,
                       const AuthEvent& event);

  // --- cleanup (no events; each kind of row in its own call) ---
  Status Purge(const AuthPurge& purge);

 private:
  Database& db_;
  // Every transition's batch goes through it: concurrent transitions (refreshes, logins
  // of many clients) share one transaction, each still all-or-nothing (group_commit.h).
  GroupCommit writes_;
  UserStore users_;
  SessionStore sessions_;
  LoginAttemptStore attempts_;
  TokenStore tokens_;
};

}  // namespace howler::storage
