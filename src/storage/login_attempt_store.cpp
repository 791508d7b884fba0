#include "storage/login_attempt_store.h"

#include "storage/token_store.h"

namespace howler::storage {
namespace {

Value EmptyAsNull(std::string_view s) {
  if (s.empty()) return Null{};
  return std::string(s);
}

}  // namespace

Result<LockoutRecord> LoginAttemptStore::GetLockout(std::string_view account_key) {
  HOWLER_ASSIGN_OR_RETURN(ResultSet rs,
                          db_.Query({"SELECT failures, window_started_at, locked_until, lock_count "
                                     "FROM account_lockouts WHERE account_key = ?",
                                     {std::string(account_key)}}));
  LockoutRecord r;
  if (!rs.rows.empty()) {
    r.failures = AsInt(rs.rows[0][0]);
    r.window_started_at = AsInt(rs.rows[0][1]);
    r.locked_until = AsInt(rs.rows[0][2]);
    r.lock_count = AsInt(rs.rows[0][3]);
  }
  return r;
}

Statement LoginAttemptStore::PutLockout(std::string_view key, const LockoutRecord& s,
                                        std::int64_t now) {
  return {
      "INSERT INTO account_lockouts (account_key, failures, window_started_at, "
      "locked_until, lock_count, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (account_key) DO UPDATE SET failures = excluded.failures, "
      "window_started_at = excluded.window_started_at, locked_until = excluded.locked_until, "
      "lock_count = excluded.lock_count, updated_at = excluded.updated_at",
      {std::string(key), s.failures, s.window_started_at, s.locked_until, s.lock_count, now}};
}

Statement LoginAttemptStore::InsertAttempt(const LoginAttemptRecord& a) {
  return {
      "INSERT INTO login_attempts (id, account_key, ip_address, success, attempted_at) "
      "VALUES (?, ?, ?, ?, ?)",
      {a.id, a.account_key, a.ip_address, std::int64_t{a.success}, a.at}};
}

Status LoginAttemptStore::DeleteOld(std::int64_t before, std::int64_t now) {
  return db_
      .Batch({{"DELETE FROM login_attempts WHERE attempted_at < ?", {before}},
              {"DELETE FROM account_lockouts WHERE updated_at < ? AND "
               "(locked_until IS NULL OR locked_until < ?)",
               {before, now}}})
      .status();
}

Statement AuthEventStore::Insert(const AuthEvent& e) {
  return {
      "INSERT INTO auth_events (id, user_id, session_id, event, ip_address, user_agent, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {e.id, EmptyAsNull(e.user_id), EmptyAsNull(e.session_id), e.event, e.ip_address, e.user_agent,
       e.at}};
}

Statement AuthEventStore::InsertForUsableToken(TokenKind kind, std::string_view token_hash,
                                               std::int64_t now, const AuthEvent& e) {
  return {
      "INSERT INTO auth_events (id, user_id, session_id, event, ip_address, user_agent, "
      "created_at) SELECT ?, user_id, ?, ?, ?, ?, ? FROM " +
          TokenStore::Table(kind) + " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
      {e.id, EmptyAsNull(e.session_id), e.event, e.ip_address, e.user_agent, e.at,
       std::string(token_hash), now}};
}

Statement AuthEventStore::DeleteOlderThan(std::int64_t before) {
  return {"DELETE FROM auth_events WHERE created_at < ?", {before}};
}

}  // namespace howler::storage
