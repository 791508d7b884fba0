// LoginAttemptStore: SQL for login_attempts (audit of every attempt) and
// account_lockouts (per-account lockout state, kept in the database so that a lockout
// holds across instances). Thread-safe; the Database must outlive it.
#pragma once

#include <string_view>

#include "storage/auth_records.h"
#include "storage/database.h"

namespace howler::storage {

class LoginAttemptStore {
 public:
  explicit LoginAttemptStore(Database& db) : db_(db) {}

  // The stored state, or a zero state when the key has none.
  Result<LockoutRecord> GetLockout(std::string_view account_key);

  static Statement PutLockout(std::string_view account_key, const LockoutRecord& state,
                              std::int64_t now);
  static Statement InsertAttempt(const LoginAttemptRecord& attempt);

  // Removes attempts older than `before`, and lockouts idle since then and unlocked.
  Status DeleteOld(std::int64_t before, std::int64_t now);

 private:
  Database& db_;
};

// Audit trail (auth_events).
class AuthEventStore {
 public:
  static Statement Insert(const AuthEvent& event);
  // Inserts `event` for the owner of the token of `kind` with `token_hash` (event.user_id
  // is not used), only while that token is usable at `now` (TokenStore::UsableAt): put
  // before the Consume of the same batch, it is written exactly when the Consume applies.
  static Statement InsertForUsableToken(TokenKind kind, std::string_view token_hash,
                                        std::int64_t now, const AuthEvent& event);
  static Statement DeleteOlderThan(std::int64_t before);
};

}  // namespace howler::storage
