// UserStore: SQL for the users table. Reads run at once; writes are returned as
// Statements for AuthStore to put into one Batch with the rest of their transition.
//
// Thread-safe (stateless over a thread-safe Database, which must outlive it).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "storage/auth_records.h"
#include "storage/database.h"

namespace howler::storage {

// The users columns every user query selects, in the order UserFromRow reads them,
// each prefixed with `alias.` when an alias is given.
std::string UserColumns(std::string_view alias = {});
// A UserRecord from UserColumns() starting at column `first` of `row`.
UserRecord UserFromRow(const Row& row, std::size_t first = 0);

class UserStore {
 public:
  explicit UserStore(Database& db) : db_(db) {}

  // Insert; a taken username (any case) or email fails the batch with ALREADY_EXISTS.
  static Statement Insert(const UserRecord& user);
  static Statement UpdateLastLogin(std::string_view user_id, std::int64_t at);
  static Statement UpdatePassword(std::string_view user_id, std::string_view password_hash,
                                  std::int64_t at);
  static Statement UpdateActive(std::string_view user_id, bool active, std::int64_t at);
  // Marks verified the user whose verification token has the hash (whether or not the
  // token is still usable: callers guard it with TokenStore::UsableAt).
  static Statement MarkEmailVerifiedByToken(std::string_view token_hash, std::int64_t at);

  // By lower-cased username or email.
  Result<std::optional<UserRecord>> FindByLogin(std::string_view identifier_lower);
  Result<std::optional<UserRecord>> FindById(std::string_view user_id);
  Result<std::optional<UserRecord>> FindByEmail(std::string_view email_lower);
  // By id, or by username or email in any case.
  Result<std::optional<UserRecord>> FindByAnyName(std::string_view id_username_or_email);
  // Oldest first.
  Result<std::vector<UserRecord>> List(int limit);

 private:
  Result<std::optional<UserRecord>> FindOne(std::string_view where, std::vector<Value> params);

  Database& db_;
};

}  // namespace howler::storage
