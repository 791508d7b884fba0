#include "storage/user_store.h"

namespace howler::storage {
namespace {

constexpr const char* kUserColumns[] = {
    "id",     "username",   "email",      "password_hash", "role", "tier", "email_verified",
    "active", "created_at", "updated_at", "last_login_at"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string UserColumns(std::string_view alias) {
  std::string out;
  for (const char* column : kUserColumns) {
    if (!out.empty()) out += ", ";
    if (!alias.empty()) out.append(alias).append(".");
    out += column;
  }
  return out;
}

UserRecord UserFromRow(const Row& r, std::size_t i) {
  UserRecord u;
  u.id = AsText(r[i + 0]);
  u.username = AsText(r[i + 1]);
  u.email = AsText(r[i + 2]);
  u.password_hash = AsText(r[i + 3]);
  u.role = AsText(r[i + 4]);
  u.tier = AsText(r[i + 5]);
  u.email_verified = AsInt(r[i + 6]) != 0;
  u.active = AsInt(r[i + 7]) != 0;
  u.created_at = AsInt(r[i + 8]);
  u.updated_at = AsInt(r[i + 9]);
  u.last_login_at = AsOptionalInt(r[i + 10]);
  return u;
}

Statement UserStore::Insert(const UserRecord& u) {
  return {
      "INSERT INTO users (id, username, username_key, email, password_hash, role, tier, "
      "email_verified, active, created_at, updated_at, last_login_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {u.id, u.username, Lower(u.username), u.email, u.password_hash, u.role, u.tier,
       std::int64_t{u.email_verified}, std::int64_t{u.active}, u.created_at, u.updated_at,
       IntOrNull(u.last_login_at)}};
}

Statement UserStore::UpdateLastLogin(std::string_view user_id, std::int64_t at) {
  return {"UPDATE users SET last_login_at = ? WHERE id = ?", {at, std::string(user_id)}};
}

Statement UserStore::UpdatePassword(std::string_view user_id, std::string_view hash,
                                    std::int64_t at) {
  return {"UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
          {std::string(hash), at, std::string(user_id)}};
}

Statement UserStore::UpdateActive(std::string_view user_id, bool active, std::int64_t at) {
  return {"UPDATE users SET active = ?, updated_at = ? WHERE id = ?",
          {std::int64_t{active}, at, std::string(user_id)}};
}

Statement UserStore::MarkEmailVerifiedByToken(std::string_view token_hash, std::int64_t at) {
  return {
      "UPDATE users SET email_verified = 1, updated_at = ? WHERE id = "
      "(SELECT user_id FROM email_verification_tokens WHERE token_hash = ?)",
      {at, std::string(token_hash)}};
}

Result<std::optional<UserRecord>> UserStore::FindOne(std::string_view where,
                                                     std::vector<Value> params) {
  static const std::string select = "SELECT " + UserColumns() + " FROM users WHERE ";
  Statement s{select + std::string(where), std::move(params)};
  HOWLER_ASSIGN_OR_RETURN(ResultSet rs, db_.Query(s));
  if (rs.rows.empty()) return std::optional<UserRecord>();
  return std::optional<UserRecord>(UserFromRow(rs.rows[0]));
}

Result<std::optional<UserRecord>> UserStore::FindByLogin(std::string_view identifier_lower) {
  const std::string id(identifier_lower);
  return FindOne("username_key = ? OR email = ? LIMIT 1", {id, id});
}

Result<std::optional<UserRecord>> UserStore::FindById(std::string_view user_id) {
  return FindOne("id = ?", {std::string(user_id)});
}

Result<std::optional<UserRecord>> UserStore::FindByEmail(std::string_view email_lower) {
  return FindOne("email = ?", {std::string(email_lower)});
}

Result<std::optional<UserRecord>> UserStore::FindByAnyName(std::string_view who) {
  const std::string key = Lower(who);
  return FindOne("id = ? OR username_key = ? OR email = ? LIMIT 1", {std::string(who), key, key});
}

Result<std::vector<UserRecord>> UserStore::List(int limit) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rs,
      db_.Query({"SELECT " + UserColumns() + " FROM users ORDER BY created_at, id LIMIT ?",
                 {std::int64_t{limit}}}));
  std::vector<UserRecord> out;
  for (const Row& r : rs.rows) out.push_back(UserFromRow(r));
  return out;
}

}  // namespace howler::storage
