#include "dbmanager/postgres/pg_query.h"

#include <cstdlib>
#include <string>

#include "dbmanager/cells.h"
#include "dbmanager/engine_errors.h"
#include "dbmanager/postgres/pg_values.h"

namespace howler::dbmanager {
namespace {

constexpr std::size_t kBatchRows = 2048;
constexpr std::size_t kBatchBytes = 1024 * 1024;
constexpr std::size_t kMaxNotices = 100;

std::string Field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value != nullptr ? value : "";
}

}  // namespace

PgQuery::PgQuery(std::shared_ptr<PgCore> core, QueryRequest request)
    : core_(std::move(core)), request_(std::move(request)) {}

void PgQuery::Next(std::function<void(QueryEvent)> deliver) {
  core_->reactor().Post([self = shared_from_this(), deliver = std::move(deliver)]() mutable {
    self->OnNext(std::move(deliver));
  });
}

void PgQuery::Cancel() {
  if (!cancel_requested_.exchange(true)) {
    core_->SendCancel();
  }
}

void PgQuery::OnNext(std::function<void(QueryEvent)> deliver) {
  deliver_ = std::move(deliver);
  if (!ready_.empty() || stage_ == Stage::kDone) {
    DeliverReady();
    return;
  }
  Pump();
}

void PgQuery::Begin() {
  started_ = std::chrono::steady_clock::now();
  if (cancel_requested_) {
    Finish(QueryCancelledError());
    return;
  }
  const int timeout = static_cast<int>(request_.statement_timeout.count());
  if (timeout != core_->applied_timeout_ms) {
    stage_ = Stage::kSettingTimeout;
    Send(("SET statement_timeout = " + std::to_string(timeout)).c_str(), false);
  } else {
    stage_ = Stage::kRunning;
    Send(request_.sql.c_str(), true);
  }
}

void PgQuery::Send(const char* sql, bool with_params) {
  PGconn* conn = core_->conn();
  int sent = 0;
  if (with_params) {
    std::vector<const char*> values;
    for (const auto& param : request_.params) {
      values.push_back(param ? param->c_str() : nullptr);
    }
    sent = PQsendQueryParams(conn, sql, static_cast<int>(values.size()), nullptr, values.data(),
                             nullptr, nullptr, 0);
    if (sent == 1) {
      PQsetSingleRowMode(conn);
    }
  } else {
    sent = PQsendQuery(conn, sql);
  }
  if (sent != 1) {
    if (PQstatus(conn) == CONNECTION_BAD) {
      core_->MarkBroken();
      Finish(ConnectionLostError(PQerrorMessage(conn)));
    } else {
      Finish(EngineQueryError(PQerrorMessage(conn), "", std::nullopt));
    }
    return;
  }
  FlushThenPump();
}

void PgQuery::FlushThenPump() {
  PGconn* conn = core_->conn();
  const int flushed = PQflush(conn);
  if (flushed < 0) {
    core_->MarkBroken();
    Finish(ConnectionLostError(PQerrorMessage(conn)));
  } else if (flushed == 1) {
    core_->reactor().Watch(PQsocket(conn), true,
                           [self = shared_from_this()] { self->FlushThenPump(); });
  } else if (deliver_) {
    Pump();
  }
}

// Reads what the server sent; delivers a batch when one is ready, else waits for the socket.
void PgQuery::Pump() {
  if (stage_ == Stage::kDone) {
    DeliverReady();
    return;
  }
  PGconn* conn = core_->conn();
  if (PQconsumeInput(conn) == 0) {
    core_->MarkBroken();
    Finish(ConnectionLostError(PQerrorMessage(conn)));
    return;
  }
  while (stage_ != Stage::kDone && !PQisBusy(conn) && batch_.size() < kBatchRows &&
         batch_bytes_ < kBatchBytes) {
    PGresult* result = PQgetResult(conn);
    if (result == nullptr) {
      OnResultsEnd();
      continue;
    }
    Handle(result);
    PQclear(result);
  }
  PushBatch();
  if (!ready_.empty()) {
    DeliverReady();
  } else if (stage_ != Stage::kDone && deliver_) {
    core_->reactor().Watch(PQsocket(conn), false, [self = shared_from_this()] { self->Pump(); });
  }
}

void PgQuery::Handle(PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  if (stage_ == Stage::kSettingTimeout) {
    if (status != PGRES_COMMAND_OK && error_.ok()) {
      error_ = EngineQueryError(Field(result, PG_DIAG_MESSAGE_PRIMARY),
                                Field(result, PG_DIAG_SQLSTATE), std::nullopt);
    }
    return;
  }
  switch (status) {
    case PGRES_SINGLE_TUPLE:
      SendColumns(result);
      AddRow(result);
      break;
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
      SendColumns(result);
      break;
    case PGRES_COMMAND_OK: {
      SendColumns(result);
      const char* affected = PQcmdTuples(result);
      if (affected != nullptr && *affected != '\0') {
        summary_.affected_rows = std::strtoll(affected, nullptr, 10);
      }
      break;
    }
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
      // The connection is now in a copy state that this engine does not drive (and
      // PQgetResult would hand the same result back forever): end here, broken.
      core_->MarkBroken();
      Finish(InvalidArgumentError("COPY is not supported; the session is broken"));
      break;
    default: {
      const std::string state = Field(result, PG_DIAG_SQLSTATE);
      const std::string text = Field(result, PG_DIAG_MESSAGE_PRIMARY);
      const std::string position = Field(result, PG_DIAG_STATEMENT_POSITION);
      if (PQstatus(core_->conn()) == CONNECTION_BAD || state.rfind("08", 0) == 0 || state.empty()) {
        core_->MarkBroken();
        error_ = ConnectionLostError(PQresultErrorMessage(result));
      } else if (state == "57014") {
        error_ =
            cancel_requested_ || core_->closed() ? QueryCancelledError() : StatementTimeoutError();
      } else if (state == "25006") {
        error_ = ReadOnlyError(text);
      } else if (error_.ok()) {
        error_ = EngineQueryError(
            text, "SQLSTATE " + state,
            position.empty() ? std::nullopt : std::optional<int>(std::atoi(position.c_str())));
      }
    }
  }
}

void PgQuery::OnResultsEnd() {
  if (stage_ == Stage::kSettingTimeout && error_.ok() && !core_->broken()) {
    core_->applied_timeout_ms = static_cast<int>(request_.statement_timeout.count());
    stage_ = Stage::kRunning;
    Send(request_.sql.c_str(), true);
    return;
  }
  if (cancel_requested_ && !core_->broken()) {
    Finish(QueryCancelledError());
  } else {
    Finish(error_);
  }
}

void PgQuery::SendColumns(const PGresult* result) {
  if (columns_sent_) {
    return;
  }
  columns_sent_ = true;
  QueryEvent event;
  event.kind = QueryEvent::Kind::kColumns;
  const int n = PQnfields(result);
  for (int i = 0; i < n; ++i) {
    types_.push_back(PQftype(result, i));
    event.columns.push_back({PQfname(result, i), PgTypeName(PQftype(result, i))});
  }
  ready_.push_back(std::move(event));
}

void PgQuery::AddRow(const PGresult* result) {
  if (summary_.truncated) {
    return;  // a limit was reached: the rest is read and dropped
  }
  CellRow row;
  row.reserve(types_.size());
  std::size_t bytes = 0;
  for (int i = 0; i < static_cast<int>(types_.size()); ++i) {
    if (PQgetisnull(result, 0, i)) {
      row.emplace_back(kNullCell);
    } else {
      row.push_back(PgCell(types_[i], {PQgetvalue(result, 0, i),
                                       static_cast<std::size_t>(PQgetlength(result, 0, i))}));
    }
    bytes += row.back().size();
  }
  if (AdmitRow(request_, summary_, bytes)) {
    batch_bytes_ += bytes;
    batch_.push_back(std::move(row));
  }
}

void PgQuery::PushBatch() {
  if (batch_.empty()) {
    return;
  }
  QueryEvent event;
  event.kind = QueryEvent::Kind::kRows;
  event.rows = std::move(batch_);
  batch_.clear();
  batch_bytes_ = 0;
  ready_.push_back(std::move(event));
}

void PgQuery::AddNotice(std::string text) {
  if (summary_.notices.size() < kMaxNotices) {
    summary_.notices.push_back(std::move(text));
  }
}

void PgQuery::Abort(Status error) {
  if (stage_ != Stage::kDone) {
    Finish(std::move(error));
  }
}

void PgQuery::Finish(Status error) {
  if (stage_ == Stage::kDone) {
    return;
  }
  stage_ = Stage::kDone;
  if (!columns_sent_) {
    columns_sent_ = true;
    ready_.push_back(QueryEvent{});  // kColumns, none
  }
  PushBatch();
  QueryEvent end;
  if (error.ok()) {
    end.kind = QueryEvent::Kind::kSummary;
    summary_.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_);
    end.summary = summary_;
  } else {
    end.kind = QueryEvent::Kind::kError;
    end.error = std::move(error);
  }
  ready_.push_back(std::move(end));
  core_->QueryEnded();
  DeliverReady();
}

void PgQuery::DeliverReady() {
  if (!deliver_ || ready_.empty()) {
    return;
  }
  auto deliver = std::move(deliver_);
  deliver_ = nullptr;
  QueryEvent event = std::move(ready_.front());
  ready_.pop_front();
  deliver(std::move(event));
}

}  // namespace howler::dbmanager
