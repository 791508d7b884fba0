// TokenStore: SQL for single-use email tokens (verification: 24 h, password reset: 1 h),
// stored only as the hex SHA-256 of the token. Consuming a token is one conditional
// update that succeeds once. Thread-safe; the Database must outlive it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/auth_records.h"
#include "storage/database.h"

namespace howler::storage {

class TokenStore {
 public:
  explicit TokenStore(Database& db) : db_(db) {}

  // The table that holds tokens of `kind`.
  static std::string Table(TokenKind kind);

  static Statement Insert(const EmailTokenRecord& token);
  // Inserts only when the user has no token of its kind created at or after `not_since`
  // (atomic: one statement); RETURNING user_id, so no rows means "sent recently".
  static Statement InsertUnlessRecent(const EmailTokenRecord& token, std::int64_t not_since);
  // RETURNING user_id when the token was unused and unexpired; marks it used at `now`.
  static Statement Consume(TokenKind kind, std::string_view token_hash, std::int64_t now);
  // Condition "the token is unused and unexpired at `now`", for the statements of a batch
  // that run before its Consume: inside the batch's write transaction they then apply
  // exactly when the Consume does. Appends its parameters to `params`.
  static std::string UsableAt(TokenKind kind, std::string_view token_hash, std::int64_t now,
                              std::vector<Value>& params);
  // Marks the user's unused tokens of `kind` other than `except_hash` used.
  static Statement ConsumeOthersForUser(TokenKind kind, std::string_view user_id,
                                        std::string_view except_hash, std::int64_t now);

  // The user id of a usable token, if any.
  Result<std::optional<std::string>> FindUsable(TokenKind kind, std::string_view token_hash,
                                                std::int64_t now);
  // When the user's newest token of this kind was made.
  Result<std::optional<std::int64_t>> LatestCreatedAt(TokenKind kind, std::string_view user_id);
  // Removes tokens expired or used before `before`.
  Status DeleteEnded(std::int64_t before);

 private:
  Database& db_;
};

}  // namespace howler::storage
