// The routes of the plain-text redirect listener (HTTP_REDIRECT_PORT): every request, any
// method and path, is answered 308 Permanent Redirect to the same host, path and query
// on https:// at the TLS port. 308 keeps the method and body, so a POST is repeated as a
// POST over TLS (by clients that follow it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "http/router.h"

namespace howler::http {

// "https://host[:port]/target" for a Host header value and an origin-form target; nullopt
// when the host is no DNS name, IPv4 or bracketed IPv6 literal (with an optional port),
// or the target does not start with '/'. The port is left out when it is 443.
std::optional<std::string> HttpsLocation(std::string_view host_header, std::string_view target,
                                         std::uint16_t https_port);

// The 308 answer (400 when HttpsLocation refuses the request).
Response HttpsRedirect(const Request& request, std::uint16_t https_port);

// Registers HttpsRedirect for every method on every path of `router`.
void AddHttpsRedirectRoutes(Router& router, std::uint16_t https_port);

}  // namespace howler::http
