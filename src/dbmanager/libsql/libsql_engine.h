// The libSQL / Turso engine over the project's own Hrana client
// (src/storage/libsql/libsql_database.h).
//
// Threading contract: every connection owns one TaskThread (task_thread.h) that makes the
// Hrana calls, which block on HTTP; a slow server holds that connection's thread only.
// What Hrana over HTTP cannot do, this engine says instead of pretending:
// - a statement's whole result arrives in one HTTP answer; rows are then handed out in
//   batches, and the row limit cuts them in memory;
// - there is no server-side cancel: Cancel() marks the query, which ends CANCELLED when
//   its answer arrives (the answer is dropped);
// - no per-statement timeout (a request is bounded by the client's request timeout): a
//   query with a statement timeout is refused with UNIMPLEMENTED;
// - no read-only sessions: opening one is refused with UNIMPLEMENTED;
// - no affected-row counts (one server always reports 0): the summary has none.
// The auth token (the "password") lives in the Hrana client's request header until the
// connection closes; the engine's own Secret is wiped once the client holds it.
// Integers are numbers while a double holds them exactly (|v| < 2^53), else strings.
#pragma once

#include <memory>

#include "dbmanager/engine.h"

namespace howler::dbmanager {

std::unique_ptr<Engine> MakeLibsqlEngine();

}  // namespace howler::dbmanager
