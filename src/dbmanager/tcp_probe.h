// ClassifyTcpFailure: when a client library reports a failed connect without saying why
// (libmariadb's timed connect reports errno 115, libcurl "Couldn't connect to server"),
// one plain TCP connect to the same address within the connect timeout tells a refusing
// host from a silent or unreachable one. Blocking (at most the connect timeout): call it
// on the connection's own thread. Thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "dbmanager/connection_spec.h"

namespace howler::dbmanager {

// UNAVAILABLE "database host refused the connection", DEADLINE_EXCEEDED "database host
// did not answer within the connect timeout", or UNAVAILABLE "database host is
// unreachable"; `library_text` becomes the detail.
Status ClassifyTcpFailure(const ConnectionSpec& spec, std::string library_text);

}  // namespace howler::dbmanager
