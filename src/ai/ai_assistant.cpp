#include "ai/ai_assistant.h"

#include <atomic>
#include <chrono>
#include <mutex>

#include "ai/prompt.h"
#include "ai/schema_summary.h"
#include "common/log.h"
#include "common/time_format.h"

namespace howler::ai {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// The state of one answer between the provider's callbacks (all on its thread).
struct Answer {
  AnswerSink sink;
  AiTask task = AiTask::kGenerate;
  std::string dialect;
  std::int64_t prompt_tokens = 0;  // estimated
  std::string text;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  bool first = true;
};

}  // namespace

AiAssistant::AiAssistant(ChatProvider* provider, storage::AiUsageStore& usage, SchemaSource schemas,
                         WorkerPool& workers, const Clock& clock, AssistantOptions options,
                         metrics::Metrics* metrics)
    : provider_(provider),
      usage_(usage),
      schemas_(std::move(schemas)),
      workers_(workers),
      clock_(clock),
      options_(std::move(options)),
      metrics_(metrics),
      limiter_(options_.rate_limit_per_min, 100000, clock) {}

Status AiAssistant::Check(const AiRequest& r) const {
  if (r.task == AiTask::kGenerate && r.question.empty()) {
    return InvalidArgumentError("question is required");
  }
  if (r.task != AiTask::kGenerate && r.sql.empty()) return InvalidArgumentError("sql is required");
  if (r.task == AiTask::kFix && r.error.empty()) return InvalidArgumentError("error is required");
  if (!r.session_id.empty() && !r.connection_id.empty()) {
    return InvalidArgumentError("give session_id or connection_id, not both");
  }
  return Status::Ok();
}

std::int64_t AiAssistant::BudgetOf(const std::string& tier) const {
  if (tier == "individual") return options_.daily_tokens_individual;
  if (tier == "team") return options_.daily_tokens_team;
  return options_.daily_tokens_free;
}

Result<UsageReport> AiAssistant::Usage(const std::string& user_id) {
  const std::int64_t now = clock_.NowMillis();
  const std::int64_t day = now / kDayMs;
  HOWLER_ASSIGN_OR_RETURN(auto read, usage_.Read(user_id, day));
  UsageReport u;
  u.tier = read.second;
  u.day_start_ms = day * kDayMs;
  u.resets_at_ms = (day + 1) * kDayMs;
  u.requests = read.first.requests;
  u.tokens_in = read.first.tokens_in;
  u.tokens_out = read.first.tokens_out;
  u.daily_budget = BudgetOf(u.tier);
  if (u.daily_budget > 0) {
    u.remaining = std::max<std::int64_t>(0, u.daily_budget - u.tokens_in - u.tokens_out);
  }
  return u;
}

Result<std::string> AiAssistant::SchemaText(const std::string& user_id, const AiRequest& r) {
  std::string session = r.session_id;
  if (!r.connection_id.empty()) {
    HOWLER_ASSIGN_OR_RETURN(session, schemas_.session_of_connection(user_id, r.connection_id));
  }
  if (session.empty()) return std::string();
  HOWLER_ASSIGN_OR_RETURN(dbmanager::Schema schema, schemas_.of_session(user_id, session));
  return SummarizeSchema(schema, PromptFocus(r), options_.schema_tokens).text;
}

void AiAssistant::Record(const std::string& user_id, std::int64_t in, std::int64_t out) {
  if (metrics_ != nullptr) {
    metrics_->CountAiTokens("in", static_cast<double>(in));
    metrics_->CountAiTokens("out", static_cast<double>(out));
  }
  const std::int64_t now = clock_.NowMillis();
  const bool queued = workers_.TrySubmit([usage = &usage_, user_id, in, out, now] {
    Status s = usage->Add(user_id, now / kDayMs, in, out, now);
    if (!s.ok()) log::Warn("ai usage not recorded", {{"error", s.ToString()}});
  });
  if (!queued) log::Warn("ai usage not recorded", {{"error", "worker queue full"}});
}

Result<std::shared_ptr<ChatCall>> AiAssistant::Start(const std::string& user_id,
                                                     const AiRequest& request, AnswerSink sink) {
  HOWLER_RETURN_IF_ERROR(Check(request));
  if (provider_ == nullptr) {
    return UnavailableError("the AI assistant is not configured on this server");
  }
  const auto decision = limiter_.Allow(user_id);
  if (!decision.allowed) {
    return ResourceExhaustedError("too many AI requests; retry shortly")
        .WithRetryAfter(decision.retry_after_seconds);
  }
  HOWLER_ASSIGN_OR_RETURN(UsageReport usage, Usage(user_id));
  if (usage.daily_budget > 0 && usage.remaining <= 0) {
    const int retry = static_cast<int>((usage.resets_at_ms - clock_.NowMillis() + 999) / 1000);
    return ResourceExhaustedError("daily AI token budget of " + std::to_string(usage.daily_budget) +
                                  " tokens used up; it resets at " +
                                  FormatRfc3339(FromUnixMillis(usage.resets_at_ms)))
        .WithRetryAfter(std::max(1, retry));
  }
  HOWLER_ASSIGN_OR_RETURN(std::string schema, SchemaText(user_id, request));
  ChatRequest chat;
  chat.model = options_.model;
  chat.messages = BuildPrompt(request, schema);
  chat.max_tokens = options_.max_output_tokens;
  if (usage.daily_budget > 0) chat.max_tokens = std::min(chat.max_tokens, usage.remaining);

  auto answer = std::make_shared<Answer>();
  answer->sink = std::move(sink);
  answer->task = request.task;
  answer->dialect = request.dialect;
  for (const auto& m : chat.messages) answer->prompt_tokens += EstimateTokens(m.content);
  ChatCallbacks callbacks;
  callbacks.on_delta = [this, answer](std::string_view delta) {
    if (answer->first && metrics_ != nullptr) {
      metrics_->ObserveAiProviderLatency("first_chunk", metrics::SecondsSince(answer->started));
    }
    answer->first = false;
    answer->text.append(delta);
    answer->sink.on_delta(delta);
  };
  callbacks.on_done = [this, answer, user_id](Result<TokenUsage> usage) {
    const std::string_view task = TaskName(answer->task);
    TokenUsage counted = usage.ok() ? *usage : TokenUsage{};
    if (counted.prompt_tokens == 0) counted.prompt_tokens = answer->prompt_tokens;
    if (counted.completion_tokens == 0) counted.completion_tokens = EstimateTokens(answer->text);
    Record(user_id, counted.prompt_tokens, counted.completion_tokens);
    if (metrics_ != nullptr) {
      metrics_->ObserveAiProviderLatency("total", metrics::SecondsSince(answer->started));
      metrics_->CountAiRequest(task, usage.ok() ? "ok" : StatusCodeName(usage.status().code()));
    }
    if (!usage.ok()) return answer->sink.on_done(usage.status());
    AiAnswer a = SplitAnswer(std::move(answer->text), answer->dialect);
    a.tokens_in = counted.prompt_tokens;
    a.tokens_out = counted.completion_tokens;
    answer->sink.on_done(std::move(a));
  };
  return provider_->Start(chat, std::move(callbacks));
}

}  // namespace howler::ai
