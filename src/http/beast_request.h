// The Beast request parsed off the wire as the transport-free Request the pipeline takes.
// Included only by the transport (server.cpp) and the HTTP request fuzz target, so that
// Beast's headers stay out of everything else.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "http/message.h"

namespace howler::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Method, target, version, fields and body; the target's path and query decoded (a target
// that is not in origin form keeps its text before '?' as the path, and no query). Takes
// the body out of `in`; its start line and fields stay (a WebSocket handshake needs them
// later). `peer_ip` is the socket's remote address. Any thread.
Request FromBeastRequest(BeastRequest& in, std::string peer_ip);

}  // namespace howler::http
