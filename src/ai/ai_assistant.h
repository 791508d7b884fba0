// AiAssistant: the AI SQL assistant's operations (API.md "AI assistant"): generate SQL
// from a question, fix SQL from the engine's error, explain SQL; and a user's usage.
//
// A request is checked (fields, dialect), then, in this order: the provider is configured
// (else UNAVAILABLE "the AI assistant is not configured on this server"), the user's
// per-minute rate (RESOURCE_EXHAUSTED with Retry-After), the user's daily token budget by
// tier (RESOURCE_EXHAUSTED "daily AI token budget used up; it resets at <RFC 3339>", with
// Retry-After until the next UTC midnight). Then the schema of the named session (or of a
// session opened from the named synced connection) is summarised to the token budget
// (schema_summary.h), the prompt built (prompt.h: literals masked unless the request opts
// in) and the provider call started. The server never runs the SQL it is given or gets.
//
// Each answer's tokens (as the provider counted them; estimated at 4 bytes a token when it
// did not say, also for a cancelled call) are added to the user's usage of the day, on the
// worker pool.
//
// Thread-safety: every method may be called from any thread. Start and Usage block
// (schema round trip, usage read): call them on a worker. The sink's callbacks run on the
// provider's thread and must not block: on_delta per text delta in order, then on_done
// exactly once. Every argument of the constructor must outlive the assistant, and the
// assistant every call it started; the usage store and the worker pool also the usage
// writes queued on the pool.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ai/ai_request.h"
#include "ai/chat_provider.h"
#include "auth/rate_limiter.h"
#include "common/clock.h"
#include "common/result.h"
#include "common/worker_pool.h"
#include "dbmanager/schema.h"
#include "metrics/metrics.h"
#include "storage/ai_usage_store.h"

namespace howler::ai {

struct AssistantOptions {
  std::string model;
  std::int64_t max_output_tokens = 1024;
  std::int64_t schema_tokens = 3000;
  std::uint32_t rate_limit_per_min = 20;  // 0: no limit
  // Daily tokens (in + out) by tier; 0: no limit. An unknown tier has the free budget.
  std::int64_t daily_tokens_free = 50000;
  std::int64_t daily_tokens_individual = 500000;
  std::int64_t daily_tokens_team = 2000000;
};

// Where schemas come from (the database manager). Each may block; NOT_FOUND for a session
// or connection the user does not have open.
struct SchemaSource {
  std::function<Result<dbmanager::Schema>(const std::string& user, const std::string& session)>
      of_session;
  std::function<Result<std::string>(const std::string& user, const std::string& connection)>
      session_of_connection;
};

struct AnswerSink {
  std::function<void(std::string_view delta)> on_delta;
  std::function<void(Result<AiAnswer> answer)> on_done;
};

struct UsageReport {
  std::string tier;
  std::int64_t day_start_ms = 0;  // the UTC day's start
  std::int64_t resets_at_ms = 0;  // the next UTC midnight
  std::int64_t requests = 0;
  std::int64_t tokens_in = 0;
  std::int64_t tokens_out = 0;
  std::int64_t daily_budget = 0;  // 0: no limit
  std::int64_t remaining = 0;     // of the budget (0 when no limit)
};

class AiAssistant {
 public:
  // `provider` null: not configured.
  AiAssistant(ChatProvider* provider, storage::AiUsageStore& usage, SchemaSource schemas,
              WorkerPool& workers, const Clock& clock, AssistantOptions options,
              metrics::Metrics* metrics = nullptr);

  bool configured() const { return provider_ != nullptr; }

  // Starts one answer (see the header). Errors before the provider call are returned;
  // later ones reach sink.on_done. The returned call's Cancel() aborts the upstream request.
  Result<std::shared_ptr<ChatCall>> Start(const std::string& user_id, const AiRequest& request,
                                          AnswerSink sink);

  // The user's usage of the current UTC day.
  Result<UsageReport> Usage(const std::string& user_id);

 private:
  Status Check(const AiRequest& request) const;
  std::int64_t BudgetOf(const std::string& tier) const;
  Result<std::string> SchemaText(const std::string& user_id, const AiRequest& request);
  void Record(const std::string& user_id, std::int64_t in, std::int64_t out);

  ChatProvider* const provider_;
  storage::AiUsageStore& usage_;
  const SchemaSource schemas_;
  WorkerPool& workers_;
  const Clock& clock_;
  const AssistantOptions options_;
  metrics::Metrics* const metrics_;
  auth::RateLimiter limiter_;
};

}  // namespace howler::ai
