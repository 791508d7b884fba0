// SessionStore: SQL for the sessions table (one row per signed-in device).
//
// Rotation of a refresh token is Rotate(): one conditional update of refresh_counter
// that returns the new counter, or no row when another request rotated first or the
// session was revoked. Thread-safe; the Database must outlive it.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/auth_records.h"
#include "storage/database.h"

namespace howler::storage {

struct SessionWithUser {
  SessionRecord session;
  UserRecord user;
};

class SessionStore {
 public:
  explicit SessionStore(Database& db) : db_(db) {}

  static Statement Insert(const SessionRecord& session);
  // RETURNING refresh_counter (the new one) when the session still had `expected`.
  static Statement Rotate(std::string_view session_id, std::int64_t expected, std::int64_t now,
                          std::int64_t expires_at, std::string_view ip,
                          std::string_view user_agent);
  // RETURNING id when the user's session was active.
  static Statement Revoke(std::string_view session_id, std::string_view user_id, std::int64_t now,
                          std::string_view reason);
  // Every active session of the user except `keep_session_id` (may be empty).
  static Statement RevokeAllForUser(std::string_view user_id, std::string_view keep_session_id,
                                    std::int64_t now, std::string_view reason);

  Result<std::optional<SessionWithUser>> FindWithUser(std::string_view session_id);
  // The user id of the session when it is usable now (not revoked, not expired, its user
  // active); nullopt otherwise.
  Result<std::optional<std::string>> ActiveOwner(std::string_view session_id, std::int64_t now);
  // The user's usable sessions, newest first.
  // The ids among `session_ids` that are usable now (as ActiveOwner), in one round trip.
  Result<std::vector<std::string>> ActiveAmong(std::span<const std::string> session_ids,
                                               std::int64_t now);
  Result<std::vector<SessionRecord>> ListActive(std::string_view user_id, std::int64_t now);
  // The session holding the license key of this hash and its user, when the session is
  // usable now (as ActiveOwner); nullopt otherwise. One read by the unique index.
  Result<std::optional<LicenseKeyOwner>> FindActiveByLicenseKey(std::string_view key_hash,
                                                                std::int64_t now);
  Result<std::int64_t> CountActive(std::int64_t now);
  // Removes sessions expired or revoked before `before`.
  Status DeleteEnded(std::int64_t before);

 private:
  Database& db_;
};

}  // namespace howler::storage
