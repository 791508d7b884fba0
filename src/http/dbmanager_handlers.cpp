#include "http/dbmanager_handlers.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>

#include "api/fields.h"
#include "api/operations.h"
#include "common/api_error.h"
#include "common/json_text.h"
#include "common/time_format.h"
#include "dbmanager/dbmanager_json.h"
#include "http/body_source.h"
#include "http/json_body.h"
#include "http/responses.h"

namespace howler::http {
namespace json = boost::json;
using dbmanager::ColumnsLine;
using dbmanager::QueryEvent;
using dbmanager::RowsLine;
using dbmanager::SchemaJson;
using dbmanager::SessionJson;
using dbmanager::SummaryLine;

namespace {

constexpr std::size_t kMaxParams = 1000;

// The in-band error of a streamed answer (its status line said 200 already): the
// StatusCode name as the code ("CANCELLED", "DEADLINE_EXCEEDED", "INVALID_ARGUMENT"...),
// the HTTP status the same error would have had, and the message.
std::string ErrorLine(const Status& status) {
  const ApiError api = ApiErrorFor(status);
  const bool internal = status.code() == StatusCode::kInternal ||
                        status.code() == StatusCode::kUnknown ||
                        status.code() == StatusCode::kDataLoss;
  std::string out = "{\"error\":{\"code\":";
  AppendJsonString(out, StatusCodeName(status.code()));
  out += ",\"status\":" + std::to_string(api.http_status) + ",\"message\":";
  AppendJsonString(out, internal ? "internal error" : status.message());
  return out + "}}\n";
}

// The streamed body of one query. The transport pulls one chunk at a time; each pull asks
// the query stream for its next event. When the client leaves, the query is cancelled and
// the stream read to its end on a worker, so the session is free for the next query.
class QueryBody : public BodySource, public std::enable_shared_from_this<QueryBody> {
 public:
  QueryBody(std::shared_ptr<dbmanager::QueryStream> stream, WorkerPool& workers)
      : stream_(std::move(stream)), workers_(workers) {}

  void Pull(std::function<void(BodyChunk)> deliver) override {
    {
      std::lock_guard lock(mutex_);
      pulling_ = true;
    }
    stream_->Next([self = shared_from_this(), deliver = std::move(deliver)](QueryEvent e) {
      self->Arrived(e);
      switch (e.kind) {
        case QueryEvent::Kind::kColumns:
          return deliver(BodyChunk::Data(ColumnsLine(e.columns)));
        case QueryEvent::Kind::kRows:
          return deliver(BodyChunk::Data(RowsLine(e.rows)));
        case QueryEvent::Kind::kSummary:
          return deliver(BodyChunk::Last(SummaryLine(e.summary)));
        case QueryEvent::Kind::kError:
          return deliver(BodyChunk::Last(ErrorLine(e.error)));
      }
    });
  }

  void Cancel() override {
    bool drain = false;
    {
      std::lock_guard lock(mutex_);
      abandoned_ = true;
      drain = !pulling_ && !ended_;
    }
    auto self = shared_from_this();
    workers_.TrySubmit([self, drain] {
      self->stream_->Cancel();
      if (drain) self->Drain();
    });
  }

 private:
  // Notes an event's arrival; when abandoned, keeps reading (on a worker) to the end.
  void Arrived(const QueryEvent& e) {
    const bool end = e.kind == QueryEvent::Kind::kSummary || e.kind == QueryEvent::Kind::kError;
    bool drain = false;
    {
      std::lock_guard lock(mutex_);
      pulling_ = false;
      ended_ = end;
      drain = abandoned_ && !end;
    }
    if (drain) workers_.TrySubmit([self = shared_from_this()] { self->Drain(); });
  }

  void Drain() {
    stream_->Next([self = shared_from_this()](QueryEvent e) {
      const bool end = e.kind == QueryEvent::Kind::kSummary || e.kind == QueryEvent::Kind::kError;
      if (!end) self->workers_.TrySubmit([self] { self->Drain(); });
    });
  }

  const std::shared_ptr<dbmanager::QueryStream> stream_;
  WorkerPool& workers_;
  std::mutex mutex_;
  bool pulling_ = false;    // guarded by mutex_
  bool ended_ = false;      // guarded by mutex_
  bool abandoned_ = false;  // guarded by mutex_
};

Result<std::int64_t> OptionalInt(const json::object& o, std::string_view name, std::int64_t max) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) return 0;
  if (!v->is_int64() || v->get_int64() < 0 || v->get_int64() > max) {
    return InvalidArgumentError(std::string(name) + " must be a whole number from 0 to " +
                                std::to_string(max));
  }
  return v->get_int64();
}

Result<std::vector<std::optional<std::string>>> Params(const json::object& o) {
  std::vector<std::optional<std::string>> out;
  const json::value* v = o.if_contains("params");
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array() || v->get_array().size() > kMaxParams) {
    return InvalidArgumentError("params must be an array of at most 1000 values");
  }
  for (const json::value& p : v->get_array()) {
    if (p.is_null()) {
      out.emplace_back(std::nullopt);
    } else if (p.is_string()) {
      out.emplace_back(std::string(p.get_string()));
    } else if (p.is_number() || p.is_bool()) {
      out.emplace_back(json::serialize(p));
    } else {
      return InvalidArgumentError("params must be strings, numbers, booleans or null");
    }
  }
  return out;
}

Result<dbmanager::OpenRequest> ParseOpen(const Request& req) {
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req));
  const api::Operation& op = api::ops::kDbOpen;
  dbmanager::OpenRequest r;
  HOWLER_ASSIGN_OR_RETURN(r.connection_id, TextField(body, op.Field("connection_id")));
  HOWLER_ASSIGN_OR_RETURN(r.type, TextField(body, op.Field("type")));
  HOWLER_ASSIGN_OR_RETURN(r.host, TextField(body, op.Field("host")));
  HOWLER_ASSIGN_OR_RETURN(r.database, TextField(body, op.Field("database")));
  HOWLER_ASSIGN_OR_RETURN(r.username, TextField(body, op.Field("username")));
  HOWLER_ASSIGN_OR_RETURN(r.ssl_mode, TextField(body, op.Field("ssl_mode")));
  HOWLER_ASSIGN_OR_RETURN(std::int64_t port, OptionalInt(body, "port", 65535));
  r.port = static_cast<int>(port);
  HOWLER_ASSIGN_OR_RETURN(auto read_only, OptionalBool(body, "read_only"));
  r.read_only = read_only.value_or(false);
  HOWLER_ASSIGN_OR_RETURN(std::string password, TextField(body, op.Field("password")));
  r.password = dbmanager::Secret(password);
  std::fill(password.begin(), password.end(), '\0');
  return r;
}

Result<dbmanager::QueryRequest> ParseQuery(const Request& req, const api::Operation& op) {
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req));
  dbmanager::QueryRequest q;
  HOWLER_ASSIGN_OR_RETURN(q.sql, TextField(body, op.Field("sql")));
  HOWLER_ASSIGN_OR_RETURN(q.params, Params(body));
  HOWLER_ASSIGN_OR_RETURN(q.row_limit, OptionalInt(body, "row_limit", 1'000'000'000));
  HOWLER_ASSIGN_OR_RETURN(std::int64_t ms, OptionalInt(body, "statement_timeout_ms", 86'400'000));
  q.statement_timeout = std::chrono::milliseconds(ms);
  return q;
}

Response Query(const DbManagerHttpDeps& deps, const Request& req, const auth::Principal& who) {
  auto query = ParseQuery(req, api::ops::kDbQuery);
  if (!query.ok()) return ErrorResponse(query.status());
  auto stream = deps.service.StartQuery(who.user_id, req.path_params.at("id"), std::move(*query));
  if (!stream.ok()) return ErrorResponse(stream.status());
  Response r;
  r.kind = ResponseKind::kStream;
  r.headers.Set("Content-Type", "application/x-ndjson");
  r.headers.Set("Cache-Control", "no-store");
  r.body_source = std::make_shared<QueryBody>(std::move(*stream), deps.workers);
  return r;
}

Response Explain(const DbManagerHttpDeps& deps, const Request& req, const auth::Principal& who) {
  auto query = ParseQuery(req, api::ops::kDbExplain);
  if (!query.ok()) return ErrorResponse(query.status());
  auto plan = deps.service.Explain(who.user_id, req.path_params.at("id"), std::move(query->sql));
  if (!plan.ok()) return ErrorResponse(plan.status());
  std::string rows = RowsLine(plan->second);
  rows.pop_back();  // the newline
  std::string columns = ColumnsLine(plan->first);
  columns.pop_back();
  // {"columns":[...],"rows":[...]}: both objects' members, merged.
  return JsonResponse(200, columns.substr(0, columns.size() - 1) + "," + rows.substr(1));
}

Response Message(const api::Operation& op) {
  std::string body = "{\"success\":true,\"message\":";
  AppendJsonString(body, op.success_message);
  return JsonResponse(200, body + "}");
}

}  // namespace

void AddDbManagerRoutes(Router& router, DbManagerHttpDeps deps) {
  namespace ops = api::ops;
  using P = const auth::Principal&;
  router.Add(ops::kDbOpen, [deps](const Request& req, P who) {
    auto request = ParseOpen(req);
    if (!request.ok()) return ErrorResponse(request.status());
    auto info = deps.service.Open(who.user_id, std::move(*request));
    if (!info.ok()) return ErrorResponse(info.status());
    return JsonValueResponse(201, json::object{{"session", SessionJson(*info)}});
  });
  router.Add(ops::kDbListSessions, [deps](const Request&, P who) {
    json::array a;
    for (const auto& s : deps.service.List(who.user_id)) a.emplace_back(SessionJson(s));
    return JsonValueResponse(200, json::object{{"sessions", a}});
  });
  router.Add(ops::kDbClose, [deps](const Request& req, P who) {
    Status s = deps.service.Close(who.user_id, req.path_params.at("id"));
    return s.ok() ? Message(ops::kDbClose) : ErrorResponse(s);
  });
  router.Add(ops::kDbSchema, [deps](const Request& req, P who) {
    auto schema = deps.service.LoadSchema(who.user_id, req.path_params.at("id"));
    if (!schema.ok()) return ErrorResponse(schema.status());
    return JsonValueResponse(200, SchemaJson(*schema));
  });
  router.Add(ops::kDbQuery, [deps](const Request& req, P who) { return Query(deps, req, who); });
  router.Add(ops::kDbCancel, [deps](const Request& req, P who) {
    Status s = deps.service.Cancel(who.user_id, req.path_params.at("id"));
    return s.ok() ? Message(ops::kDbCancel) : ErrorResponse(s);
  });
  router.Add(ops::kDbExplain,
             [deps](const Request& req, P who) { return Explain(deps, req, who); });
}

}  // namespace howler::http
