// The remote libSQL backend of Database (the contract is in storage/database.h), over
// Hrana-over-HTTP (PROTOCOLS.md section 1).
//
// Opening probes the server once: `GET /v3`, then `GET /v2`, answering 2xx make it a
// full server (pipelines on that version, each ended by `close`); otherwise a server
// that runs `POST /v2/pipeline` is a minimal one (tursodb: `execute` and `batch` only,
// no `close`). Every call is one pipeline: Query and Execute one `execute`, Batch one
// atomic `batch` (BEGIN IMMEDIATE, each step on the previous, COMMIT, ROLLBACK on
// failure once BEGIN succeeded). Each pipeline starts with `PRAGMA foreign_keys=ON`:
// full servers give every pipeline a fresh connection, and tursodb enforces foreign
// keys only after that pragma (it shares one connection among all clients, so sending
// it every time also survives a server restart). Transaction-control statements
// (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, END) are refused outside Batch: on a
// shared connection an open transaction would capture other clients' writes.
//
// Errors map as in hrana_status.h; a 2xx answer whose body is not a whole pipeline
// response (cut short or garbled on the way) is UNAVAILABLE, as transport failures are.
// Every UNAVAILABLE but "database busy" tells clients only "database is unavailable";
// what failed where (libcurl's text, the HTTP status, the URL) is its Status::detail().
// Those, and HTTP 502/503/504, are retried for Query and Ping (three attempts, 50 ms then
// 100 ms apart, within the request timeout); Execute and Batch are never retried: a write
// may have committed before the failure. Thread-safe; at most max_connections requests
// are in flight at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/result.h"
#include "storage/database.h"

namespace howler::storage {

struct LibsqlOptions {
  std::string url;         // libsql://, https:// or http:// (see libsql_url.h)
  std::string auth_token;  // sent as a Bearer token when not empty; never logged
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{15000};
  int max_connections = 8;
};

// Probes the server as described above. A malformed URL is INVALID_ARGUMENT; a server
// that cannot be reached, refuses the probe or does not speak Hrana is UNAVAILABLE.
Result<std::unique_ptr<Database>> OpenLibsqlDatabase(const LibsqlOptions& options);

}  // namespace howler::storage
