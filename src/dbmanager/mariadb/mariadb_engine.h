// The MariaDB / MySQL engine over libmariadb (its blocking API).
//
// Threading contract: every connection owns one TaskThread (task_thread.h) that makes all
// libmariadb calls on its MYSQL handle, so a slow server holds that connection's thread
// and no other (the issue asks for the asynchronous, thread-free design for libpq only).
// Results are read with mysql_use_result, one batch per QueryStream::Next, so rows are
// read from the server only as fast as they are consumed. Cancel() opens a second
// connection with the same credentials and sends `KILL QUERY <thread id>`; that is why
// the password stays in the connection's memory (a Secret) until it closes, and is wiped
// then. Sessions run with time_zone '+00:00', utf8mb4, and `SET SESSION TRANSACTION READ
// ONLY` when the spec is read-only. A statement timeout is `SET STATEMENT
// max_statement_time=<s> FOR <statement>`. Parameters are bound as escaped literals
// (maria_params.h). TLS: libmariadb silently falls back to plain text when the server offers
// none unless the certificate is verified, so `require` is checked after connecting (no
// cipher: FAILED_PRECONDITION "database server does not support TLS").
// Hardening: LOCAL INFILE is off, so a server cannot make this server send it a file.
#pragma once

#include <memory>

#include "dbmanager/engine.h"

namespace howler::dbmanager {

std::unique_ptr<Engine> MakeMariadbEngine();

}  // namespace howler::dbmanager
