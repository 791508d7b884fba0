// AiUsageStore: SQL for ai_usage (migrations/0007_ai_usage.sql), the AI assistant's
// requests and tokens per user and UTC day (day = Unix milliseconds / 86400000), and the
// user's tier that sizes the daily budget. Every query is keyed by the user.
// Thread-safe; the Database must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/database.h"

namespace howler::storage {

struct AiUsageRecord {
  std::int64_t day = 0;
  std::int64_t requests = 0;
  std::int64_t tokens_in = 0;
  std::int64_t tokens_out = 0;
};

class AiUsageStore {
 public:
  explicit AiUsageStore(Database& db) : db_(db) {}

  // The user's usage on `day` (zeros when none) and tier ("free" when unknown), in one
  // read batch.
  Result<std::pair<AiUsageRecord, std::string>> Read(std::string_view user_id, std::int64_t day);
  // Adds one request and its tokens to the user's row of `day`.
  Status Add(std::string_view user_id, std::int64_t day, std::int64_t tokens_in,
             std::int64_t tokens_out, std::int64_t now);

 private:
  Database& db_;
};

}  // namespace howler::storage
