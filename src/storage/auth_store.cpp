#include "storage/auth_store.h"

namespace howler::storage {
namespace {

// `statement` (an UPDATE ending in its WHERE clause) applied only while the token of
// `kind` is usable at `now`. Token-guarded batches run such statements first and the
// token's Consume last: in the batch's write transaction they apply exactly when the
// Consume does (and a second request for the same token applies none of them).
Statement IfUsable(Statement statement, TokenKind kind, std::string_view token_hash,
                   std::int64_t now) {
  statement.sql += " AND " + TokenStore::UsableAt(kind, token_hash, now, statement.params);
  return statement;
}

// The rows the first statement of a batch returned.
const std::vector<Row>& FirstRows(const std::vector<ResultSet>& results) {
  return results.front().rows;
}

// The user id the last statement of a batch (a Consume) returned, if any.
std::optional<std::string> ConsumedBy(const std::vector<ResultSet>& results) {
  const std::vector<Row>& rows = results.back().rows;
  if (rows.empty()) return std::nullopt;
  return AsText(rows[0][0]);
}

}  // namespace

AuthStore::AuthStore(Database& db)
    : db_(db), writes_(db), users_(db), sessions_(db), attempts_(db), tokens_(db) {}

Result<std::optional<UserRecord>> AuthStore::FindUserByLogin(std::string_view identifier_lower) {
  return users_.FindByLogin(identifier_lower);
}

Result<std::optional<UserRecord>> AuthStore::FindUserById(std::string_view user_id) {
  return users_.FindById(user_id);
}

Result<std::optional<UserRecord>> AuthStore::FindUserByEmail(std::string_view email_lower) {
  return users_.FindByEmail(email_lower);
}

Result<std::optional<UserRecord>> AuthStore::FindUserByAnyName(std::string_view who) {
  return users_.FindByAnyName(who);
}

Result<std::vector<UserRecord>> AuthStore::ListUsers(int limit) {
  return users_.List(limit);
}

Result<LockoutRecord> AuthStore::GetLockout(std::string_view account_key) {
  return attempts_.GetLockout(account_key);
}

Result<std::optional<SessionWithUser>> AuthStore::FindSessionWithUser(std::string_view session_id) {
  return sessions_.FindWithUser(session_id);
}

Result<std::optional<std::string>> AuthStore::ActiveSessionOwner(std::string_view session_id,
                                                                 std::int64_t now) {
  return sessions_.ActiveOwner(session_id, now);
}

Result<std::optional<LicenseKeyOwner>> AuthStore::FindLicenseKeyOwner(std::string_view key_hash,
                                                                      std::int64_t now) {
  return sessions_.FindActiveByLicenseKey(key_hash, now);
}

Result<std::vector<std::string>> AuthStore::ActiveSessionsAmong(
    std::span<const std::string> session_ids, std::int64_t now) {
  return sessions_.ActiveAmong(session_ids, now);
}

Result<std::vector<SessionRecord>> AuthStore::ListActiveSessions(std::string_view user_id,
                                                                 std::int64_t now) {
  return sessions_.ListActive(user_id, now);
}

Result<std::int64_t> AuthStore::CountActiveSessions(std::int64_t now) {
  return sessions_.CountActive(now);
}

Result<std::optional<std::string>> AuthStore::FindUsableToken(TokenKind kind,
                                                              std::string_view token_hash,
                                                              std::int64_t now) {
  return tokens_.FindUsable(kind, token_hash, now);
}

Result<std::optional<std::int64_t>> AuthStore::LatestTokenCreatedAt(TokenKind kind,
                                                                    std::string_view user_id) {
  return tokens_.LatestCreatedAt(kind, user_id);
}

Status AuthStore::CreateAccount(const NewAccount& a) {
  std::vector<Statement> batch = {UserStore::Insert(a.user)};
  if (a.session) batch.push_back(SessionStore::Insert(*a.session));
  if (a.verification) batch.push_back(TokenStore::Insert(*a.verification));
  batch.push_back(AuthEventStore::Insert(a.event));
  return writes_.Run(batch).status();
}

Status AuthStore::RecordLogin(const LoginSuccess& l) {
  std::vector<Statement> batch = {
      SessionStore::Insert(l.session), UserStore::UpdateLastLogin(l.session.user_id, l.attempt.at),
      LoginAttemptStore::InsertAttempt(l.attempt), AuthEventStore::Insert(l.event)};
  if (l.lockout) {
    batch.push_back(LoginAttemptStore::PutLockout(l.attempt.account_key, *l.lockout, l.attempt.at));
  }
  if (l.rehashed_password) {
    batch.push_back(
        UserStore::UpdatePassword(l.session.user_id, *l.rehashed_password, l.attempt.at));
  }
  return writes_.Run(batch).status();
}

Status AuthStore::RecordLoginFailure(const LoginFailure& f) {
  std::vector<Statement> batch = {
      LoginAttemptStore::PutLockout(f.attempt.account_key, f.lockout, f.attempt.at),
      LoginAttemptStore::InsertAttempt(f.attempt)};
  for (const AuthEvent& event : f.events) batch.push_back(AuthEventStore::Insert(event));
  return writes_.Run(batch).status();
}

Result<std::optional<std::int64_t>> AuthStore::RotateRefresh(const SessionRotation& r,
                                                             const AuthEvent& event) {
  HOWLER_ASSIGN_OR_RETURN(
      std::vector<ResultSet> results,
      writes_.Run({SessionStore::Rotate(r.session_id, r.expected_counter, r.at, r.expires_at,
                                        r.ip_address, r.user_agent),
                   AuthEventStore::Insert(event)}));
  if (FirstRows(results).empty()) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(AsInt(FirstRows(results)[0][0]));
}

Result<bool> AuthStore::RevokeSession(std::string_view session_id, std::string_view user_id,
                                      std::int64_t now, std::string_view reason,
                                      const AuthEvent& event) {
  HOWLER_ASSIGN_OR_RETURN(std::vector<ResultSet> results,
                          writes_.Run({SessionStore::Revoke(session_id, user_id, now, reason),
                                       AuthEventStore::Insert(event)}));
  return !FirstRows(results).empty();
}

Status AuthStore::RevokeAllSessions(std::string_view user_id, std::string_view keep_session_id,
                                    std::int64_t now, std::string_view reason,
                                    const AuthEvent& event) {
  return db_
      .Batch({SessionStore::RevokeAllForUser(user_id, keep_session_id, now, reason),
              AuthEventStore::Insert(event)})
      .status();
}

Status AuthStore::ChangePassword(std::string_view user_id, std::string_view password_hash,
                                 std::string_view keep_session_id, std::int64_t now,
                                 const AuthEvent& event) {
  return db_
      .Batch({UserStore::UpdatePassword(user_id, password_hash, now),
              SessionStore::RevokeAllForUser(user_id, keep_session_id, now, "password_changed"),
              AuthEventStore::Insert(event)})
      .status();
}

Result<std::optional<std::string>> AuthStore::VerifyEmail(std::string_view token_hash,
                                                          std::int64_t now,
                                                          const AuthEvent& event) {
  constexpr TokenKind kind = TokenKind::kVerification;
  HOWLER_ASSIGN_OR_RETURN(
      std::vector<ResultSet> results,
      writes_.Run(
          {IfUsable(UserStore::MarkEmailVerifiedByToken(token_hash, now), kind, token_hash, now),
           AuthEventStore::InsertForUsableToken(kind, token_hash, now, event),
           TokenStore::Consume(kind, token_hash, now)}));
  return ConsumedBy(results);
}

Status AuthStore::AddEmailToken(const EmailTokenRecord& token) {
  return writes_.Run({TokenStore::Insert(token)}).status();
}

Result<bool> AuthStore::AddResetTokenUnlessRecent(const EmailTokenRecord& token,
                                                  std::int64_t not_since, const AuthEvent& event) {
  HOWLER_ASSIGN_OR_RETURN(std::vector<ResultSet> results,
                          writes_.Run({TokenStore::InsertUnlessRecent(token, not_since),
                                       AuthEventStore::Insert(event)}));
  return !FirstRows(results).empty();
}

Result<bool> AuthStore::ResetPassword(std::string_view token_hash, std::string_view user_id,
                                      std::string_view password_hash, std::int64_t now,
                                      const AuthEvent& event) {
  constexpr TokenKind kind = TokenKind::kPasswordReset;
  auto guarded = [&](Statement s) { return IfUsable(std::move(s), kind, token_hash, now); };
  HOWLER_ASSIGN_OR_RETURN(
      std::vector<ResultSet> results,
      writes_.Run({guarded(UserStore::UpdatePassword(user_id, password_hash, now)),
                   guarded(SessionStore::RevokeAllForUser(user_id, "", now, "password_reset")),
                   guarded(TokenStore::ConsumeOthersForUser(kind, user_id, token_hash, now)),
                   AuthEventStore::InsertForUsableToken(kind, token_hash, now, event),
                   TokenStore::Consume(kind, token_hash, now)}));
  return ConsumedBy(results).has_value();
}

Status AuthStore::SetUserActive(std::string_view user_id, bool active, std::int64_t now,
                                const AuthEvent& event) {
  std::vector<Statement> batch = {UserStore::UpdateActive(user_id, active, now)};
  if (!active) batch.push_back(SessionStore::RevokeAllForUser(user_id, "", now, "user_disabled"));
  batch.push_back(AuthEventStore::Insert(event));
  return writes_.Run(batch).status();
}

Status AuthStore::Purge(const AuthPurge& p) {
  HOWLER_RETURN_IF_ERROR(sessions_.DeleteEnded(p.sessions_before));
  HOWLER_RETURN_IF_ERROR(attempts_.DeleteOld(p.attempts_before, p.now));
  HOWLER_RETURN_IF_ERROR(tokens_.DeleteEnded(p.tokens_before));
  return db_.Execute(AuthEventStore::DeleteOlderThan(p.events_before)).status();
}

}  // namespace howler::storage
