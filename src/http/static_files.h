// StaticFiles: files compiled into the binary (embedded_file.h), served as a browser
// expects (API.md "Static files"): a content type from the extension, a strong ETag from
// the build-time hash (304 for a matching If-None-Match), Cache-Control `no-cache`, or
// `public, max-age=31536000, immutable` for hashed asset names, a Content-Security-Policy,
// and gzip when the client accepts it (compressed once here, never per request;
// `Vary: Accept-Encoding`). HEAD gets the same head (the transport drops the body).
//
// Thread-safety: immutable after construction; Serve may run on any thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/embedded_file.h"
#include "http/message.h"
#include "http/router.h"

namespace howler::http {

inline constexpr std::string_view kStaticContentSecurityPolicy =
    "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

class StaticFiles {
 public:
  explicit StaticFiles(std::span<const EmbeddedFile> files);

  // The answer to GET or HEAD `request` for the file at `path`; nullopt when there is none.
  std::optional<Response> Serve(std::string_view path, const Request& request) const;
  bool Has(std::string_view path) const { return assets_.count(path) != 0; }
  std::vector<std::string> Paths() const;

 private:
  struct Asset {
    std::string content_type;
    std::string cache_control;
    std::string etag;       // of the identity bytes
    std::string gzip_etag;  // of the gzip bytes
    std::string_view identity;
    std::string gzip;  // empty when gzip does not make it smaller
  };
  std::map<std::string, Asset, std::less<>> assets_;
};

// The content type for a file name, from its extension (application/octet-stream when
// unknown; text types carry charset=utf-8).
std::string ContentTypeFor(std::string_view path);
// Whether a path names a build-hashed asset: a file in an `assets` directory whose name
// has a `-` or `.` separated part of 8 or more [A-Za-z0-9_-] before its extension, as
// bundlers write them ("/app/assets/index-BxK3a9fZ.js").
bool IsHashedAssetName(std::string_view path);
// Whether an If-None-Match value matches one of `etags` (weak comparison; `*` matches).
bool IfNoneMatchMatches(std::string_view if_none_match, const std::vector<std::string>& etags);

// GET and HEAD routes, on the I/O thread: `/` (index.html), every file outside /app/ at its
// own path, and `/app/{path*}`: a file under /app/, else /app/index.html when there is one
// (the console's client-side routes), else 404; `/app` redirects to `/app/`.
void AddStaticRoutes(Router& router, std::shared_ptr<const StaticFiles> files);

}  // namespace howler::http
