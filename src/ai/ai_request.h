// AiRequest and AiAnswer: what the assistant's operations take and give (API.md "AI
// assistant"). Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace howler::ai {

enum class AiTask { kGenerate, kFix, kExplain };

// "generate", "fix", "explain": the metric label and the usage record's task.
std::string_view TaskName(AiTask task);

struct AiRequest {
  AiTask task = AiTask::kGenerate;
  std::string dialect;            // a connection type (sync/sql_dialect.h); may be empty
  std::string question;           // generate: required; fix and explain: an optional note
  std::string sql;                // fix and explain: required
  std::string error;              // fix: the engine's error text, required
  std::string session_id;         // an open database-manager session whose schema is the context
  std::string connection_id;      // or a synced connection with such a session open
  bool include_literals = false;  // the user's opt-in: SQL and error text sent as written
};

struct AiAnswer {
  std::string text;               // everything the model wrote
  std::string sql;                // the SQL of its fenced code blocks, joined; may be empty
  std::string prose;              // the rest, trimmed
  std::optional<bool> read_only;  // of `sql` (ai/sql_access.h); nullopt without SQL
  std::int64_t tokens_in = 0;
  std::int64_t tokens_out = 0;
};

}  // namespace howler::ai
