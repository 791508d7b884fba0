#include "grpc/ai_grpc_service.h"

#include <condition_variable>
#include <deque>
#include <mutex>

#include "ai/ai_assistant.h"
#include "api/fields.h"
#include "api/operations.h"
#include "common/time_format.h"
#include "grpc/call_runner.h"
#include "grpc/message_fields.h"
#include "howlerops/v1/ai.grpc.pb.h"

namespace howler::grpcsvc {
namespace {

namespace pb = ::howlerops::v1;
namespace ops = api::ops;
using Ctx = grpc::ServerContext;

Result<ai::AiRequest> FromProto(const api::Operation& op, ai::AiTask task,
                                const pb::AiRequest& in) {
  for (const auto& [field, value] : {std::pair{"question", &in.question()},
                                     {"sql", &in.sql()},
                                     {"error", &in.error()},
                                     {"dialect", &in.dialect()},
                                     {"session_id", &in.session_id()},
                                     {"connection_id", &in.connection_id()}}) {
    HOWLER_RETURN_IF_ERROR(api::CheckField(op, field, *value));
  }
  ai::AiRequest r;
  r.task = task;
  r.question = in.question();
  r.sql = in.sql();
  r.error = in.error();
  r.dialect = in.dialect();
  r.session_id = in.session_id();
  r.connection_id = in.connection_id();
  r.include_literals = in.include_literals();
  return r;
}

// What the provider's thread hands the call's thread, in order.
struct Queue {
  std::mutex mu;
  std::condition_variable changed;
  std::deque<std::string> deltas;
  std::optional<Result<ai::AiAnswer>> done;
};

void ToProto(const ai::AiAnswer& a, pb::AiAnswer* out) {
  out->set_sql(a.sql);
  out->set_prose(a.prose);
  out->set_has_sql(a.read_only.has_value());
  out->set_read_only(a.read_only.value_or(false));
  out->set_text(a.text);
  out->set_tokens_in(a.tokens_in);
  out->set_tokens_out(a.tokens_out);
}

// Writes the queued deltas, then the answer; cancels the call when the client cancels or
// a write fails, and waits for its end either way.
Status Relay(Ctx& ctx, ai::ChatCall& call, Queue& q, grpc::ServerWriter<pb::AiEvent>& writer) {
  bool writing = true;
  bool cancelled = false;
  for (;;) {
    std::deque<std::string> deltas;
    std::optional<Result<ai::AiAnswer>> done;
    {
      std::unique_lock lock(q.mu);
      q.changed.wait_for(lock, std::chrono::milliseconds(50),
                         [&] { return !q.deltas.empty() || q.done.has_value(); });
      deltas.swap(q.deltas);
      if (q.deltas.empty() && q.done) done = std::move(q.done);
    }
    for (std::string& d : deltas) {
      pb::AiEvent e;
      e.set_delta(std::move(d));
      if (writing && !writer.Write(e)) writing = false;
    }
    if (done) {
      if (!done->ok()) return done->status();
      pb::AiEvent e;
      ToProto(**done, e.mutable_answer());
      if (writing) writer.Write(e);
      return Status::Ok();
    }
    if (!cancelled && (!writing || ctx.IsCancelled())) {
      cancelled = true;
      call.Cancel();
    }
  }
}

}  // namespace

class AiGrpcService::Impl final : public pb::AiService::Service {
 public:
  Impl(ai::AiAssistant& assistant, CallDeps deps) : ai_(assistant), calls_(std::move(deps)) {}

  grpc::Status Generate(Ctx* ctx, const pb::AiRequest* req,
                        grpc::ServerWriter<pb::AiEvent>* writer) override {
    return Answer(*ctx, ops::kAiGenerate, ai::AiTask::kGenerate, *req, *writer);
  }
  grpc::Status Fix(Ctx* ctx, const pb::AiRequest* req,
                   grpc::ServerWriter<pb::AiEvent>* writer) override {
    return Answer(*ctx, ops::kAiFix, ai::AiTask::kFix, *req, *writer);
  }
  grpc::Status Explain(Ctx* ctx, const pb::AiRequest* req,
                       grpc::ServerWriter<pb::AiEvent>* writer) override {
    return Answer(*ctx, ops::kAiExplain, ai::AiTask::kExplain, *req, *writer);
  }

  grpc::Status GetUsage(Ctx* ctx, const pb::AiUsageRequest*, pb::AiUsage* res) override {
    return calls_.Run(*ctx, ops::kAiUsage, [&](const CallInfo& call) -> Status {
      HOWLER_ASSIGN_OR_RETURN(ai::UsageReport u, ai_.Usage(call.principal.user_id));
      res->set_tier(u.tier);
      res->set_day(FormatRfc3339(FromUnixMillis(u.day_start_ms)).substr(0, 10));
      res->set_requests(u.requests);
      res->set_tokens_in(u.tokens_in);
      res->set_tokens_out(u.tokens_out);
      res->set_daily_budget(u.daily_budget);
      res->set_remaining(u.remaining);
      SetTimestamp(u.resets_at_ms, res->mutable_resets_at());
      res->set_configured(ai_.configured());
      return Status::Ok();
    });
  }

 private:
  grpc::Status Answer(Ctx& ctx, const api::Operation& op, ai::AiTask task, const pb::AiRequest& req,
                      grpc::ServerWriter<pb::AiEvent>& writer) {
    return calls_.Run(ctx, op, [&](const CallInfo& call) -> Status {
      HOWLER_ASSIGN_OR_RETURN(ai::AiRequest request, FromProto(op, task, req));
      auto q = std::make_shared<Queue>();
      ai::AnswerSink sink;
      sink.on_delta = [q](std::string_view d) {
        std::lock_guard lock(q->mu);
        q->deltas.emplace_back(d);
        q->changed.notify_one();
      };
      sink.on_done = [q](Result<ai::AiAnswer> a) {
        std::lock_guard lock(q->mu);
        q->done = std::move(a);
        q->changed.notify_one();
      };
      HOWLER_ASSIGN_OR_RETURN(auto running,
                              ai_.Start(call.principal.user_id, request, std::move(sink)));
      return Relay(ctx, *running, *q, writer);
    });
  }

  ai::AiAssistant& ai_;
  CallRunner calls_;
};

AiGrpcService::AiGrpcService(ai::AiAssistant& assistant, CallDeps deps)
    : impl_(std::make_unique<Impl>(assistant, std::move(deps))) {}

AiGrpcService::~AiGrpcService() = default;

grpc::Service* AiGrpcService::service() {
  return impl_.get();
}

}  // namespace howler::grpcsvc
