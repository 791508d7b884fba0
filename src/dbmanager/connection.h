// Connection: one open connection to a user's database, behind which every engine
// (PostgreSQL, MariaDB, libSQL) sits. Connections are opened by an Engine (engine.h).
//
// Thread-safety: every method may be called from any thread. Completion callbacks run
// inline or on the engine's own thread (the reactor for PostgreSQL, the connection's
// thread for MariaDB and libSQL) and must not block. At most one query (Query, Explain,
// Schema, Ping) runs at a time: one started while another runs fails at once with
// FAILED_PRECONDITION "a query is already running on this session".
#pragma once

#include <functional>
#include <memory>

#include "common/result.h"
#include "dbmanager/connection_spec.h"
#include "dbmanager/query_stream.h"
#include "dbmanager/schema.h"

namespace howler::dbmanager {

class Connection {
 public:
  virtual ~Connection() = default;

  virtual EngineKind engine() const = 0;

  // Starts `request`; its results arrive through the stream.
  virtual std::shared_ptr<QueryStream> Query(QueryRequest request) = 0;

  // The plan of `sql` (not run): PostgreSQL and MariaDB one row with the plan as JSON,
  // libSQL the rows of EXPLAIN QUERY PLAN.
  virtual std::shared_ptr<QueryStream> Explain(std::string sql) = 0;

  // Schemas, tables, views, columns, primary keys, indexes, foreign keys.
  virtual void LoadSchema(std::function<void(Result<Schema>)> done) = 0;

  // A real round trip; a failure marks the connection broken.
  virtual void Ping(std::function<void(Status)> done) = 0;

  // True once the connection to the server was lost: every later call fails with
  // UNAVAILABLE "session is broken" and the session should be closed.
  virtual bool broken() const = 0;

  // Cancels a running query, closes the connection and wipes the password. Idempotent;
  // later calls fail with FAILED_PRECONDITION "session is closed". Also done by the
  // destructor. May block for the cancel request (see QueryStream::Cancel).
  virtual void Close() = 0;
};

}  // namespace howler::dbmanager
