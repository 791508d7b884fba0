// The database manager's operations (API.md "Database manager") over
// dbmanager::DbManagerService. Their policy (a session, the per-user budget, where each
// runs) is declared in api/operations.h and applied by the pipeline. A query's result is
// a streamed body of JSON lines: columns, rows as they arrive, then a summary or an error.
#pragma once

#include "common/worker_pool.h"
#include "dbmanager/dbmanager_service.h"
#include "http/router.h"

namespace howler::http {

struct DbManagerHttpDeps {
  dbmanager::DbManagerService& service;
  WorkerPool& workers;  // cancels of abandoned streams (a cancel request blocks)
};

void AddDbManagerRoutes(Router& router, DbManagerHttpDeps deps);

}  // namespace howler::http
