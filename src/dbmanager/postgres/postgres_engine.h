// The PostgreSQL engine: libpq's asynchronous API driven by one Reactor thread.
//
// Threading contract: no thread ever waits on a PostgreSQL server. Connecting
// (PQconnectStartParams + PQconnectPoll), sending (non-blocking, PQflush) and reading
// (PQconsumeInput, single-row mode) happen on the reactor thread when the socket is
// ready; every libpq call on a connection's PGconn runs there, so a PGconn is never
// used by two threads. Callers on other threads post work to it. The only blocking call
// is the cancel request (PQcancel: one short connection to the server), made by the
// thread that calls Cancel() or Close().
//
// Sessions run with TimeZone UTC, DateStyle ISO, client_encoding UTF8, bytea_output hex,
// and `default_transaction_read_only` when the spec is read-only. A statement timeout is
// `SET statement_timeout` before the statement (only when it changes). COPY is refused:
// it ends with INVALID_ARGUMENT and the session is broken (close it). The password is handed to
// libpq (which zeroes its copy in PQfinish), and the Secret is wiped as soon as the connection is
// established or failed.
// Hardening: `passfile=/dev/null`, so the server account's ~/.pgpass or PGPASSFILE never
// supplies a password to a host a user names. (The server's environment must not hold
// PGPASSWORD or PGSERVICE: libpq would use them when a user gives no password.)
#pragma once

#include <memory>

#include "dbmanager/engine.h"
#include "dbmanager/reactor.h"

namespace howler::dbmanager {

// `reactor` must outlive the engine and every connection it opened.
std::unique_ptr<Engine> MakePostgresEngine(Reactor& reactor);

}  // namespace howler::dbmanager
