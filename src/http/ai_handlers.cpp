#include "http/ai_handlers.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>

#include "api/operations.h"
#include "common/api_error.h"
#include "common/time_format.h"
#include "http/event_stream.h"
#include "http/json_body.h"
#include "http/responses.h"

namespace howler::http {
namespace json = boost::json;

namespace {

Result<ai::AiRequest> ParseRequest(const Request& req, const api::Operation& op, ai::AiTask task) {
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req));
  ai::AiRequest r;
  r.task = task;
  HOWLER_ASSIGN_OR_RETURN(r.question, TextField(body, op.Field("question")));
  HOWLER_ASSIGN_OR_RETURN(r.sql, TextField(body, op.Field("sql")));
  HOWLER_ASSIGN_OR_RETURN(r.error, TextField(body, op.Field("error")));
  HOWLER_ASSIGN_OR_RETURN(r.dialect, TextField(body, op.Field("dialect")));
  HOWLER_ASSIGN_OR_RETURN(r.session_id, TextField(body, op.Field("session_id")));
  HOWLER_ASSIGN_OR_RETURN(r.connection_id, TextField(body, op.Field("connection_id")));
  HOWLER_ASSIGN_OR_RETURN(auto literals, OptionalBool(body, "include_literals"));
  r.include_literals = literals.value_or(false);
  return r;
}

json::object AnswerJson(const ai::AiAnswer& a) {
  json::object o;
  o["sql"] = a.sql;
  o["prose"] = a.prose;
  o["read_only"] = a.read_only ? json::value(*a.read_only) : json::value(nullptr);
  o["text"] = a.text;
  o["usage"] = json::object{{"tokens_in", a.tokens_in}, {"tokens_out", a.tokens_out}};
  return o;
}

// The in-band error of a stream whose status line said 200 already.
std::string ErrorEventData(const Status& s) {
  const ApiError api = ApiErrorFor(s);
  json::object o{{"code", api.code}, {"status", api.http_status}, {"message", s.message()}};
  if (s.retry_after_seconds()) o["retry_after"] = *s.retry_after_seconds();
  return json::serialize(o);
}

// An event stream that aborts its provider call when the transport cancels it (the client
// hung up) or it closes for a slow reader.
class AiEventStream : public EventStream {
 public:
  void Attach(std::shared_ptr<ai::ChatCall> call) {
    bool cancel = false;
    {
      std::lock_guard lock(mu_);
      call_ = std::move(call);
      cancel = cancelled_;
    }
    if (cancel) call_->Cancel();
  }
  void Cancel() override {
    EventStream::Cancel();
    std::shared_ptr<ai::ChatCall> call;
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
      call = call_;
    }
    if (call) call->Cancel();
  }

 private:
  std::mutex mu_;
  std::shared_ptr<ai::ChatCall> call_;
  bool cancelled_ = false;
};

void Streamed(ai::AiAssistant& assistant, const std::string& user, const ai::AiRequest& request,
              Responder respond) {
  auto stream = std::make_shared<AiEventStream>();
  ai::AnswerSink sink;
  sink.on_delta = [stream](std::string_view delta) {
    if (!stream->Publish("delta", json::serialize(json::object{{"text", delta}}))) {
      stream->Cancel();
    }
  };
  sink.on_done = [stream](Result<ai::AiAnswer> answer) {
    if (answer.ok()) {
      stream->Publish("answer", json::serialize(AnswerJson(*answer)));
    } else if (answer.status().code() != StatusCode::kCancelled) {
      stream->Publish("error", ErrorEventData(answer.status()));
    }
    stream->Close();
  };
  auto call = assistant.Start(user, request, std::move(sink));
  if (!call.ok()) return respond(ErrorResponse(call.status()));
  stream->Attach(std::move(*call));
  respond(EventStreamResponse(stream));
}

void Whole(ai::AiAssistant& assistant, const std::string& user, const ai::AiRequest& request,
           Responder respond) {
  auto shared = std::make_shared<Responder>(std::move(respond));
  ai::AnswerSink sink;
  sink.on_delta = [](std::string_view) {};
  sink.on_done = [shared](Result<ai::AiAnswer> answer) {
    if (!answer.ok()) return (*shared)(ErrorResponse(answer.status()));
    (*shared)(JsonValueResponse(200, AnswerJson(*answer)));
  };
  auto call = assistant.Start(user, request, std::move(sink));
  if (!call.ok()) (*shared)(ErrorResponse(call.status()));
}

bool WantsEvents(const Request& req) {
  const auto accept = req.headers.Get("Accept");
  return accept && accept->find("text/event-stream") != std::string_view::npos;
}

AsyncOperationHandler Answering(ai::AiAssistant& assistant, const api::Operation& op,
                                ai::AiTask task) {
  return
      [&assistant, &op, task](const Request& req, const auth::Principal& who, Responder respond) {
        auto request = ParseRequest(req, op, task);
        if (!request.ok()) return respond(ErrorResponse(request.status()));
        if (WantsEvents(req)) return Streamed(assistant, who.user_id, *request, std::move(respond));
        Whole(assistant, who.user_id, *request, std::move(respond));
      };
}

Response Usage(ai::AiAssistant& assistant, const auth::Principal& who) {
  auto u = assistant.Usage(who.user_id);
  if (!u.ok()) return ErrorResponse(u.status());
  json::object o;
  o["tier"] = u->tier;
  o["day"] = FormatRfc3339(FromUnixMillis(u->day_start_ms)).substr(0, 10);
  o["requests"] = u->requests;
  o["tokens_in"] = u->tokens_in;
  o["tokens_out"] = u->tokens_out;
  o["daily_budget"] = u->daily_budget > 0 ? json::value(u->daily_budget) : json::value(nullptr);
  o["remaining"] = u->daily_budget > 0 ? json::value(u->remaining) : json::value(nullptr);
  o["resets_at"] = FormatRfc3339(FromUnixMillis(u->resets_at_ms));
  o["configured"] = assistant.configured();
  return JsonValueResponse(200, o);
}

}  // namespace

void AddAiRoutes(Router& router, ai::AiAssistant& assistant) {
  namespace ops = api::ops;
  router.AddAsync(ops::kAiGenerate, Answering(assistant, ops::kAiGenerate, ai::AiTask::kGenerate));
  router.AddAsync(ops::kAiFix, Answering(assistant, ops::kAiFix, ai::AiTask::kFix));
  router.AddAsync(ops::kAiExplain, Answering(assistant, ops::kAiExplain, ai::AiTask::kExplain));
  router.Add(ops::kAiUsage, [&assistant](const Request&, const auth::Principal& who) {
    return Usage(assistant, who);
  });
}

}  // namespace howler::http
