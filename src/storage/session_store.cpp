#include "storage/session_store.h"

#include <algorithm>
#include <bit>

#include "storage/user_store.h"

namespace howler::storage {
namespace {

constexpr std::string_view kSessionColumns =
    "s.id, s.user_id, s.refresh_counter, s.refresh_salt, s.rotated_at, s.device_name, "
    "s.ip_address, s.user_agent, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at";

constexpr std::size_t kSessionColumnCount = 12;

SessionRecord SessionFromRow(const Row& r, size_t i = 0) {
  SessionRecord s;
  s.id = AsText(r[i + 0]);
  s.user_id = AsText(r[i + 1]);
  s.refresh_counter = AsInt(r[i + 2]);
  s.refresh_salt = AsText(r[i + 3]);
  s.rotated_at = AsOptionalInt(r[i + 4]);
  s.device_name = AsText(r[i + 5]);
  s.ip_address = AsText(r[i + 6]);
  s.user_agent = AsText(r[i + 7]);
  s.created_at = AsInt(r[i + 8]);
  s.last_seen_at = AsInt(r[i + 9]);
  s.expires_at = AsInt(r[i + 10]);
  s.revoked_at = AsOptionalInt(r[i + 11]);
  return s;
}

}  // namespace

Statement SessionStore::Insert(const SessionRecord& s) {
  return {
      "INSERT INTO sessions (id, user_id, refresh_counter, refresh_salt, rotated_at, "
      "device_name, ip_address, user_agent, created_at, last_seen_at, expires_at, "
      "license_key_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {s.id, s.user_id, s.refresh_counter, s.refresh_salt, IntOrNull(s.rotated_at), s.device_name,
       s.ip_address, s.user_agent, s.created_at, s.last_seen_at, s.expires_at,
       s.license_key_hash.empty() ? Value(Null{}) : Value(s.license_key_hash)}};
}

Statement SessionStore::Rotate(std::string_view session_id, std::int64_t expected, std::int64_t now,
                               std::int64_t expires_at, std::string_view ip,
                               std::string_view user_agent) {
  return {
      "UPDATE sessions SET refresh_counter = refresh_counter + 1, rotated_at = ?, "
      "last_seen_at = ?, expires_at = ?, ip_address = ?, user_agent = ? "
      "WHERE id = ? AND refresh_counter = ? AND revoked_at IS NULL RETURNING refresh_counter",
      {now, now, expires_at, std::string(ip), std::string(user_agent), std::string(session_id),
       expected}};
}

Statement SessionStore::Revoke(std::string_view session_id, std::string_view user_id,
                               std::int64_t now, std::string_view reason) {
  return {
      "UPDATE sessions SET revoked_at = ?, revoked_reason = ? "
      "WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id",
      {now, std::string(reason), std::string(session_id), std::string(user_id)}};
}

Statement SessionStore::RevokeAllForUser(std::string_view user_id, std::string_view keep_session_id,
                                         std::int64_t now, std::string_view reason) {
  return {
      "UPDATE sessions SET revoked_at = ?, revoked_reason = ? "
      "WHERE user_id = ? AND id <> ? AND revoked_at IS NULL",
      {now, std::string(reason), std::string(user_id), std::string(keep_session_id)}};
}

Result<std::optional<SessionWithUser>> SessionStore::FindWithUser(std::string_view session_id) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs,
      db_.Query({"SELECT " + std::string(kSessionColumns) + ", " + UserColumns("u") +
                     " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?",
                 {std::string(session_id)}}));
  if (rs.rows.empty()) return std::optional<SessionWithUser>();
  SessionWithUser out;
  out.session = SessionFromRow(rs.rows[0]);
  out.user = UserFromRow(rs.rows[0], kSessionColumnCount);
  out.user.password_hash.clear();  // never needed by a refresh
  return std::optional<SessionWithUser>(std::move(out));
}

Result<std::optional<std::string>> SessionStore::ActiveOwner(std::string_view session_id,
                                                             std::int64_t now) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs,
      db_.Query({"SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id "
                 "WHERE s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.active = 1",
                 {std::string(session_id), now}}));
  if (rs.rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(AsText(rs.rows[0][0]));
}

Result<std::vector<std::string>> SessionStore::ActiveAmong(std::span<const std::string> session_ids,
                                                           std::int64_t now) {
  // IN lists padded to a power of two (by repeating the last id) keep the statement shapes
  // few; every chunk goes in one read batch.
  constexpr std::size_t kPerStatement = 256;
  std::vector<Statement> reads;
  for (std::size_t start = 0; start < session_ids.size(); start += kPerStatement) {
    const auto chunk =
        session_ids.subspan(start, std::min(kPerStatement, session_ids.size() - start));
    const std::size_t padded = std::bit_ceil(chunk.size());
    Statement st{
        "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.revoked_at IS NULL AND s.expires_at > ? AND u.active = 1 AND s.id IN (",
        {now}};
    for (std::size_t i = 0; i < padded; ++i) {
      st.sql += i == 0 ? "?" : ", ?";
      st.params.emplace_back(chunk[std::min(i, chunk.size() - 1)]);
    }
    st.sql += ")";
    reads.push_back(std::move(st));
  }
  std::vector<ResultSet> sets;
  if (reads.size() == 1) {
    HOWLER_ASSIGN_OR_RETURN(ResultSet rs, db_.Query(reads[0]));
    sets.push_back(std::move(rs));
  } else if (!reads.empty()) {
    HOWLER_ASSIGN_OR_RETURN(sets, db_.Batch(reads));
  }
  std::vector<std::string> out;
  for (const ResultSet& rs : sets) {
    for (const Row& r : rs.rows) out.push_back(AsText(r[0]));
  }
  return out;
}

Result<std::vector<SessionRecord>> SessionStore::ListActive(std::string_view user_id,
                                                            std::int64_t now) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs, db_.Query({"SELECT " + std::string(kSessionColumns) +
                                   " FROM sessions s WHERE s.user_id = ? AND s.revoked_at IS NULL "
                                   "AND s.expires_at > ? ORDER BY s.created_at DESC, s.id DESC",
                               {std::string(user_id), now}}));
  std::vector<SessionRecord> out;
  for (const Row& r : rs.rows) out.push_back(SessionFromRow(r));
  return out;
}

Result<std::optional<LicenseKeyOwner>> SessionStore::FindActiveByLicenseKey(
    std::string_view key_hash, std::int64_t now) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs, db_.Query({"SELECT s.id, s.user_id, u.username, u.role FROM sessions s "
                               "JOIN users u ON u.id = s.user_id WHERE s.license_key_hash = ? "
                               "AND s.revoked_at IS NULL AND s.expires_at > ? AND u.active = 1",
                               {std::string(key_hash), now}}));
  if (rs.rows.empty()) return std::optional<LicenseKeyOwner>();
  const Row& r = rs.rows[0];
  return std::optional<LicenseKeyOwner>(
      LicenseKeyOwner{AsText(r[0]), AsText(r[1]), AsText(r[2]), AsText(r[3])});
}

Result<std::int64_t> SessionStore::CountActive(std::int64_t now) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs,
      db_.Query(
          {"SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > ?", {now}}));
  return rs.rows.empty() ? 0 : AsInt(rs.rows[0][0]);
}

Status SessionStore::DeleteEnded(std::int64_t before) {
  return db_
      .Execute({"DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?", {before, before}})
      .status();
}

}  // namespace howler::storage
