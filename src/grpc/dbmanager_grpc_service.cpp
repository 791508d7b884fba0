#include "grpc/dbmanager_grpc_service.h"

#include <boost/json/serialize.hpp>
#include <future>

#include "api/fields.h"
#include "api/operations.h"
#include "common/time_format.h"
#include "dbmanager/dbmanager_json.h"
#include "dbmanager/dbmanager_service.h"
#include "grpc/call_runner.h"
#include "grpc/message_fields.h"
#include "grpc/struct_conversion.h"
#include "howlerops/v1/dbmanager.grpc.pb.h"

namespace howler::grpcsvc {
namespace {

namespace pb = ::howlerops::v1;
namespace ops = api::ops;
using dbmanager::QueryEvent;
using Ctx = grpc::ServerContext;

void ToProto(const dbmanager::SessionInfo& s, pb::DbSession* out) {
  out->set_id(s.id);
  out->set_type(std::string(dbmanager::EngineName(s.engine)));
  out->set_host(s.host);
  out->set_port(s.port);
  out->set_database(s.database);
  out->set_username(s.username);
  out->set_read_only(s.read_only);
  SetTimestamp(ToUnixMillis(s.opened_at), out->mutable_opened_at());
  SetTimestamp(ToUnixMillis(s.last_used_at), out->mutable_last_used_at());
}

void ToProto(const std::vector<dbmanager::Column>& columns,
             google::protobuf::RepeatedPtrField<pb::DbColumn>* out) {
  for (const auto& c : columns) {
    pb::DbColumn* column = out->Add();
    column->set_name(c.name);
    column->set_type(c.type);
  }
}

void ToProto(const dbmanager::QuerySummary& s, pb::DbQueryEvent::Summary* out) {
  out->set_rows(s.rows);
  out->set_bytes(s.bytes);
  out->set_duration_ms(static_cast<double>(s.duration.count()) / 1000.0);
  out->set_truncated(s.truncated);
  out->set_has_affected_rows(s.affected_rows.has_value());
  out->set_affected_rows(s.affected_rows.value_or(0));
  for (const auto& n : s.notices) out->add_notices(n);
}

Result<dbmanager::QueryRequest> FromProto(const pb::DbQueryRequest& in) {
  HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kDbQuery, "sql", in.sql()));
  if (in.params_size() > 1000) return InvalidArgumentError("at most 1000 params");
  dbmanager::QueryRequest q;
  q.sql = in.sql();
  for (const auto& p : in.params()) q.params.emplace_back(p);
  for (int i : in.null_params()) {
    if (i < 0 || i >= in.params_size()) return InvalidArgumentError("null_params out of range");
    q.params[static_cast<std::size_t>(i)].reset();
  }
  if (in.row_limit() < 0 || in.statement_timeout_ms() < 0) {
    return InvalidArgumentError("row_limit and statement_timeout_ms must not be negative");
  }
  q.row_limit = in.row_limit();
  q.statement_timeout = std::chrono::milliseconds(in.statement_timeout_ms());
  return q;
}

// The next event, waiting while checking whether the client cancelled the call (then the
// query is cancelled and its end awaited).
QueryEvent NextEvent(Ctx& ctx, dbmanager::QueryStream& stream) {
  auto promise = std::make_shared<std::promise<QueryEvent>>();
  auto future = promise->get_future();
  stream.Next([promise](QueryEvent e) { promise->set_value(std::move(e)); });
  bool cancelled = false;
  while (future.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    if (!cancelled && ctx.IsCancelled()) {
      cancelled = true;
      stream.Cancel();
    }
  }
  return future.get();
}

// Streams every event; a write that fails (the client left) cancels the query and reads
// the stream to its end, so the session is free again.
Status StreamQuery(Ctx& ctx, dbmanager::QueryStream& stream,
                   grpc::ServerWriter<pb::DbQueryEvent>& writer) {
  bool writing = true;
  for (;;) {
    QueryEvent e = NextEvent(ctx, stream);
    pb::DbQueryEvent out;
    switch (e.kind) {
      case QueryEvent::Kind::kColumns:
        ToProto(e.columns, out.mutable_columns()->mutable_columns());
        break;
      case QueryEvent::Kind::kRows:
        for (const auto& row : e.rows) out.mutable_rows()->add_rows(dbmanager::RowJson(row));
        break;
      case QueryEvent::Kind::kSummary:
        ToProto(e.summary, out.mutable_summary());
        if (writing) writer.Write(out);
        return Status::Ok();
      case QueryEvent::Kind::kError:
        return e.error;
    }
    if (writing && !writer.Write(out)) {
      writing = false;
      stream.Cancel();
    }
  }
}

}  // namespace

class DbManagerGrpcService::Impl final : public pb::DbManagerService::Service {
 public:
  Impl(dbmanager::DbManagerService& service, CallDeps deps)
      : db_(service), calls_(std::move(deps)) {}

  grpc::Status OpenSession(Ctx* ctx, const pb::OpenSessionRequest* req,
                           pb::DbSession* res) override {
    return calls_.Run(*ctx, ops::kDbOpen, [&](const CallInfo& call) -> Status {
      for (const auto& [field, value] : {std::pair{"connection_id", &req->connection_id()},
                                         {"type", &req->type()},
                                         {"host", &req->host()},
                                         {"database", &req->database()},
                                         {"username", &req->username()},
                                         {"ssl_mode", &req->ssl_mode()},
                                         {"password", &req->password()}}) {
        HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kDbOpen, field, *value));
      }
      if (req->port() < 0 || req->port() > 65535)
        return InvalidArgumentError("port is out of range");
      dbmanager::OpenRequest open{
          req->connection_id(), req->type(),      req->host(),
          req->port(),          req->database(),  req->username(),
          req->ssl_mode(),      req->read_only(), dbmanager::Secret(req->password())};
      HOWLER_ASSIGN_OR_RETURN(auto info, db_.Open(call.principal.user_id, std::move(open)));
      ToProto(info, res);
      return Status::Ok();
    });
  }

  grpc::Status ListSessions(Ctx* ctx, const pb::ListDbSessionsRequest*,
                            pb::ListDbSessionsResponse* res) override {
    return calls_.Run(*ctx, ops::kDbListSessions, [&](const CallInfo& call) -> Status {
      for (const auto& s : db_.List(call.principal.user_id)) ToProto(s, res->add_sessions());
      return Status::Ok();
    });
  }

  grpc::Status CloseSession(Ctx* ctx, const pb::DbSessionRequest* req,
                            pb::DbMessageResponse* res) override {
    return calls_.Run(*ctx, ops::kDbClose, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kDbClose, "session_id", req->session_id()));
      HOWLER_RETURN_IF_ERROR(db_.Close(call.principal.user_id, req->session_id()));
      res->set_success(true);
      res->set_message(std::string(ops::kDbClose.success_message));
      return Status::Ok();
    });
  }

  grpc::Status GetSchema(Ctx* ctx, const pb::DbSessionRequest* req,
                         pb::DbSchemaResponse* res) override {
    return calls_.Run(*ctx, ops::kDbSchema, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kDbSchema, "session_id", req->session_id()));
      HOWLER_ASSIGN_OR_RETURN(auto schema,
                              db_.LoadSchema(call.principal.user_id, req->session_id()));
      return JsonTextToStruct(boost::json::serialize(dbmanager::SchemaJson(schema)),
                              res->mutable_schema());
    });
  }

  grpc::Status Query(Ctx* ctx, const pb::DbQueryRequest* req,
                     grpc::ServerWriter<pb::DbQueryEvent>* writer) override {
    return calls_.Run(*ctx, ops::kDbQuery, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kDbQuery, "session_id", req->session_id()));
      HOWLER_ASSIGN_OR_RETURN(auto query, FromProto(*req));
      HOWLER_ASSIGN_OR_RETURN(
          auto stream, db_.StartQuery(call.principal.user_id, req->session_id(), std::move(query)));
      return StreamQuery(*ctx, *stream, *writer);
    });
  }

  grpc::Status Cancel(Ctx* ctx, const pb::DbSessionRequest* req,
                      pb::DbMessageResponse* res) override {
    return calls_.Run(*ctx, ops::kDbCancel, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kDbCancel, "session_id", req->session_id()));
      HOWLER_RETURN_IF_ERROR(db_.Cancel(call.principal.user_id, req->session_id()));
      res->set_success(true);
      res->set_message(std::string(ops::kDbCancel.success_message));
      return Status::Ok();
    });
  }

  grpc::Status Explain(Ctx* ctx, const pb::DbExplainRequest* req,
                       pb::DbExplainResponse* res) override {
    return calls_.Run(*ctx, ops::kDbExplain, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kDbExplain, "session_id", req->session_id()));
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kDbExplain, "sql", req->sql()));
      HOWLER_ASSIGN_OR_RETURN(auto plan,
                              db_.Explain(call.principal.user_id, req->session_id(), req->sql()));
      ToProto(plan.first, res->mutable_columns());
      for (const auto& row : plan.second) res->add_rows(dbmanager::RowJson(row));
      return Status::Ok();
    });
  }

 private:
  dbmanager::DbManagerService& db_;
  CallRunner calls_;
};

DbManagerGrpcService::DbManagerGrpcService(dbmanager::DbManagerService& service, CallDeps deps)
    : impl_(std::make_unique<Impl>(service, std::move(deps))) {}

DbManagerGrpcService::~DbManagerGrpcService() = default;

grpc::Service* DbManagerGrpcService::service() {
  return impl_.get();
}

}  // namespace howler::grpcsvc
