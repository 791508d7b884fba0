// LibsqlBaseUrl: the HTTP base URL of a libSQL database URL, as the libSQL clients read it.
//
//   libsql://host[:port][/path]        -> https://host[:port][/path]
//   libsql://host?tls=0                -> http://host
//   http://... and https://...         -> as given (tls=0 with https, tls=1 with http: error)
//
// The query string is dropped (other parameters, such as authToken, are not ours to
// read) and so is a trailing slash. Other schemes (ws, wss, file), a missing host or a
// tls value other than 0/1 are INVALID_ARGUMENT; messages never repeat the URL, which
// may carry a secret.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace howler::storage {

Result<std::string> LibsqlBaseUrl(std::string_view url);

}  // namespace howler::storage
