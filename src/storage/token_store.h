// TokenStore: SQL for single-use email tokens (verification: 24 h, password reset: 1 h),
// stored only as the hex SHA-256 of the token. Consuming a token is one conditional
// update that succeeds once. Thread-safe; the Database must outlive it.
#pragma once

#include <optional>
#include <string_view>

#include "storage/database.h"

namespace howler::storage {

enum class TokenKind { kVerification, kPasswordReset };

class TokenStore {
 public:
  explicit TokenStore(Database& db) : db_(db) {}

  static Statement Insert(TokenKind kind, std::string_view token_hash, std::string_view user_id,
                          std::int64_t now, std::int64_t expires_at);
  // Inserts only when the user has no token of `kind` created at or after `not_since`
  // (atomic: one statement); RETURNING user_id, so no rows means "sent recently".
  static Statement InsertUnlessRecent(TokenKind kind, std::string_view token_hash,
                                      std::string_view user_id, std::int64_t now,
                                      std::int64_t expires_at, std::int64_t not_since);
  // RETURNING user_id when the token was unused and unexpired; marks it used at `now`.
  static Statement Consume(TokenKind kind, std::string_view token_hash, std::int64_t now);
  // Condition for later statements of the same batch: "the token was consumed at `now`".
  // Appends its parameters to `params`.
  static std::string ConsumedAt(TokenKind kind, std::string_view token_hash, std::int64_t now,
                                std::vector<Value>& params);
  // Marks every other unused token of the user used.
  static Statement ConsumeAllForUser(TokenKind kind, std::string_view user_id, std::int64_t now);

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
