#include "storage/token_store.h"

namespace howler::storage {

std::string TokenStore::Table(TokenKind kind) {
  return kind == TokenKind::kVerification ? "email_verification_tokens" : "password_reset_tokens";
}

Statement TokenStore::Insert(const EmailTokenRecord& t) {
  return {"INSERT INTO " + Table(t.kind) +
              " (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
          {t.token_hash, t.user_id, t.created_at, t.expires_at}};
}

Statement TokenStore::InsertUnlessRecent(const EmailTokenRecord& t, std::int64_t not_since) {
  return {"INSERT INTO " + Table(t.kind) +
              " (token_hash, user_id, created_at, expires_at) SELECT ?, ?, ?, ? WHERE NOT EXISTS "
              "(SELECT 1 FROM " +
              Table(t.kind) + " WHERE user_id = ? AND created_at >= ?) RETURNING user_id",
          {t.token_hash, t.user_id, t.created_at, t.expires_at, t.user_id, not_since}};
}

Statement TokenStore::Consume(TokenKind kind, std::string_view token_hash, std::int64_t now) {
  return {"UPDATE " + Table(kind) +
              " SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? "
              "RETURNING user_id",
          {now, std::string(token_hash), now}};
}

std::string TokenStore::UsableAt(TokenKind kind, std::string_view token_hash, std::int64_t now,
                                 std::vector<Value>& params) {
  params.push_back(std::string(token_hash));
  params.push_back(now);
  return "EXISTS (SELECT 1 FROM " + Table(kind) +
         " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?)";
}

Statement TokenStore::ConsumeOthersForUser(TokenKind kind, std::string_view user_id,
                                           std::string_view except_hash, std::int64_t now) {
  return {"UPDATE " + Table(kind) +
              " SET used_at = ? WHERE user_id = ? AND used_at IS NULL AND token_hash <> ?",
          {now, std::string(user_id), std::string(except_hash)}};
}

Result<std::optional<std::string>> TokenStore::FindUsable(TokenKind kind,
                                                          std::string_view token_hash,
                                                          std::int64_t now) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs, db_.Query({"SELECT user_id FROM " + Table(kind) +
                                   " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                               {std::string(token_hash), now}}));
  if (rs.rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(AsText(rs.rows[0][0]));
}

Result<std::optional<std::int64_t>> TokenStore::LatestCreatedAt(TokenKind kind,
                                                                std::string_view user_id) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs, db_.Query({"SELECT MAX(created_at) FROM " + Table(kind) + " WHERE user_id = ?",
                               {std::string(user_id)}}));
  if (rs.rows.empty()) return std::optional<std::int64_t>();
  return AsOptionalInt(rs.rows[0][0]);
}

Status TokenStore::DeleteEnded(std::int64_t before) {
  return db_
      .Batch({{"DELETE FROM email_verification_tokens WHERE expires_at < ? OR used_at < ?",
               {before, before}},
              {"DELETE FROM password_reset_tokens WHERE expires_at < ? OR used_at < ?",
               {before, before}}})
      .status();
}

}  // namespace howler::storage
