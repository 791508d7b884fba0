#include "dbmanager/postgres/pg_connection.h"

#include <future>

#include "dbmanager/engine_errors.h"
#include "dbmanager/failed_stream.h"
#include "dbmanager/postgres/pg_query.h"
#include "dbmanager/schema_loader.h"

namespace howler::dbmanager {
namespace {

constexpr const char* kSchemaNames = R"(
SELECT nspname FROM pg_namespace
WHERE nspname NOT IN ('information_schema') AND nspname NOT LIKE 'pg\_%'
ORDER BY 1)";

constexpr const char* kRelations = R"(
SELECT n.nspname, c.relname, c.relkind IN ('v', 'm')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 2)";

constexpr const char* kColumns = R"(
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
       COALESCE(a.attnum = ANY (pk.conkey), false)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p'
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 2, a.attnum)";

constexpr const char* kIndexes = R"(
SELECT n.nspname, t.relname, i.relname, ix.indisunique,
       ARRAY(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname NOT IN ('information_schema') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 2, 3)";

constexpr const char* kForeignKeys = R"(
SELECT n.nspname, t.relname, con.conname,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       rn.nspname, rt.relname,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord)
FROM pg_constraint con
JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_class rt ON rt.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rt.relnamespace
WHERE con.contype = 'f'
ORDER BY 1, 2, 3)";

}  // namespace

PgCore::PgCore(Reactor& reactor, PGconn* conn) : reactor_(reactor), conn_(conn) {
  cancel_ = PQgetCancel(conn_);
  PQsetNoticeReceiver(conn_, &PgCore::OnNotice, this);
}

PgCore::~PgCore() {
  // Close() ran (the handle's destructor calls it); nothing of libpq is left.
}

void PgCore::OnNotice(void* self, const PGresult* result) {
  auto* core = static_cast<PgCore*>(self);
  if (core->current_ != nullptr) {
    const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY);
    const char* text = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    core->current_->AddNotice(std::string(severity != nullptr ? severity : "NOTICE") + ": " +
                              (text != nullptr ? text : ""));
  }
}

std::shared_ptr<QueryStream> PgCore::Start(QueryRequest request) {
  if (closed_) {
    return std::make_shared<FailedStream>(SessionClosedError());
  }
  if (broken_) {
    return std::make_shared<FailedStream>(SessionBrokenError());
  }
  if (busy_.exchange(true)) {
    return std::make_shared<FailedStream>(QueryRunningError());
  }
  auto query = std::make_shared<PgQuery>(shared_from_this(), std::move(request));
  reactor_.Post([self = shared_from_this(), query] {
    if (self->conn_ == nullptr) {
      query->Abort(SessionClosedError());
      return;
    }
    self->current_ = query;
    query->Begin();
  });
  return query;
}

void PgCore::QueryEnded() {
  current_ = nullptr;
  busy_ = false;
}

void PgCore::SendCancel() {
  std::lock_guard lock(cancel_mutex_);
  if (cancel_ != nullptr) {
    char error[256];
    PQcancel(cancel_, error, sizeof error);
  }
}

void PgCore::Close() {
  if (closed_.exchange(true)) {
    return;
  }
  if (busy_) {
    SendCancel();
  }
  auto finish = [this] {
    if (current_ != nullptr) {
      auto query = current_;
      query->Abort(SessionClosedError());
    }
    reactor_.Forget(PQsocket(conn_));
    PQfinish(conn_);  // zeroes libpq's copy of the password
    conn_ = nullptr;
  };
  {
    std::lock_guard lock(cancel_mutex_);
    PQfreeCancel(cancel_);
    cancel_ = nullptr;
  }
  if (reactor_.InReactorThread()) {
    finish();
    return;
  }
  std::promise<void> done;
  reactor_.Post([&finish, &done] {
    finish();
    done.set_value();
  });
  done.get_future().wait();
}

std::shared_ptr<QueryStream> PgConnection::Query(QueryRequest request) {
  return core_->Start(std::move(request));
}

std::shared_ptr<QueryStream> PgConnection::Explain(std::string sql) {
  return core_->Start({.sql = "EXPLAIN (FORMAT JSON) " + sql});
}

void PgConnection::LoadSchema(std::function<void(Result<Schema>)> done) {
  RunSchemaQueries(*this, {kSchemaNames, kRelations, kColumns, kIndexes, kForeignKeys},
                   std::move(done));
}

void PgConnection::Ping(std::function<void(Status)> done) {
  CollectRows(Query({.sql = "SELECT 1"}),
              [done = std::move(done)](Result<CollectedRows> rows) { done(rows.status()); });
}

}  // namespace howler::dbmanager
