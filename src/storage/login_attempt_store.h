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
  static Statement InsertAttempt(std::string_view id, std::string_view account_key,
                                 std::string_view ip, bool success, std::int64_t at);

  // Removes attempts older than `before`, and lockouts idle since then and unlocked.
  Status DeleteOld(std::int64_t before, std::int64_t now);

 private:
  Database& db_;
};

// Audit trail (auth_events).
class AuthEventStore {
 public:
  static Statement Insert(std::string_view id, const AuthEvent& event);
  static Statement DeleteOlderThan(std::int64_t before);
};

}  // namespace howler::storage
