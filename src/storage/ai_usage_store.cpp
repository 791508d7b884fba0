#include "storage/ai_usage_store.h"

namespace howler::storage {

Result<std::pair<AiUsageRecord, std::string>> AiUsageStore::Read(std::string_view user_id,
                                                                 std::int64_t day) {
  const std::string user(user_id);
  HOWLER_ASSIGN_OR_RETURN(std::vector<ResultSet> sets,
                          db_.Batch({{"SELECT requests, tokens_in, tokens_out FROM ai_usage "
                                      "WHERE user_id = ? AND day = ?",
                                      {user, day}},
                                     {"SELECT tier FROM users WHERE id = ?", {user}}}));
  AiUsageRecord r;
  r.day = day;
  if (!sets[0].rows.empty()) {
    r.requests = AsInt(sets[0].rows[0][0]);
    r.tokens_in = AsInt(sets[0].rows[0][1]);
    r.tokens_out = AsInt(sets[0].rows[0][2]);
  }
  std::string tier = sets[1].rows.empty() ? "free" : AsText(sets[1].rows[0][0], "free");
  return std::make_pair(r, std::move(tier));
}

Status AiUsageStore::Add(std::string_view user_id, std::int64_t day, std::int64_t tokens_in,
                         std::int64_t tokens_out, std::int64_t now) {
  return db_
      .Execute({"INSERT INTO ai_usage (user_id, day, requests, tokens_in, tokens_out, updated_at) "
                "VALUES (?, ?, 1, ?, ?, ?) ON CONFLICT (user_id, day) DO UPDATE SET "
                "requests = requests + 1, tokens_in = tokens_in + excluded.tokens_in, "
                "tokens_out = tokens_out + excluded.tokens_out, updated_at = excluded.updated_at",
                {std::string(user_id), day, tokens_in, tokens_out, now}})
      .status();
}

}  // namespace howler::storage
