#include "http/static_files.h"

#include <array>
#include <cctype>
#include <utility>

#include "http/gzip.h"
#include "http/responses.h"

namespace howler::http {
namespace {

struct TypeByExtension {
  std::string_view extension;
  std::string_view type;
  bool compressible;
};

constexpr std::array<TypeByExtension, 21> kTypes = {{
    {"html", "text/html; charset=utf-8", true},
    {"css", "text/css; charset=utf-8", true},
    {"js", "text/javascript; charset=utf-8", true},
    {"mjs", "text/javascript; charset=utf-8", true},
    {"json", "application/json", true},
    {"map", "application/json", true},
    {"webmanifest", "application/manifest+json", true},
    {"txt", "text/plain; charset=utf-8", true},
    {"md", "text/plain; charset=utf-8", true},
    {"xml", "application/xml", true},
    {"svg", "image/svg+xml", true},
    {"wasm", "application/wasm", true},
    {"ico", "image/x-icon", true},
    {"png", "image/png", false},
    {"jpg", "image/jpeg", false},
    {"jpeg", "image/jpeg", false},
    {"gif", "image/gif", false},
    {"webp", "image/webp", false},
    {"avif", "image/avif", false},
    {"woff2", "font/woff2", false},
    {"woff", "font/woff", false},
}};

const TypeByExtension* FindType(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  const std::string_view extension = name.substr(dot + 1);
  for (const TypeByExtension& t : kTypes) {
    if (EqualsIgnoreCase(t.extension, extension)) return &t;
  }
  return nullptr;
}

bool IsHashChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Response NotModified(const std::string& etag, const std::string& cache_control, bool varies) {
  Response r;
  r.status = 304;
  r.headers.Set("ETag", etag);
  r.headers.Set("Cache-Control", cache_control);
  if (varies) r.headers.Set("Vary", "Accept-Encoding");
  return r;
}

}  // namespace

std::string ContentTypeFor(std::string_view path) {
  const TypeByExtension* type = FindType(path);
  return std::string(type ? type->type : "application/octet-stream");
}

bool IsHashedAssetName(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view directory = path.substr(0, slash);
  if (directory != "/assets" && !directory.ends_with("/assets")) return false;
  const std::string_view name = path.substr(slash + 1);
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view stem = name.substr(0, dot);
  // The part after the last '-' or '.' of the stem.
  const std::size_t cut = stem.find_last_of("-.");
  if (cut == std::string_view::npos) return false;
  const std::string_view hash = stem.substr(cut + 1);
  if (hash.size() < 8) return false;
  for (char c : hash) {
    if (!IsHashChar(c)) return false;
  }
  return true;
}

bool IfNoneMatchMatches(std::string_view header, const std::vector<std::string>& etags) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    for (const std::string& etag : etags) {
      if (tag == etag) return true;
    }
  }
  return false;
}

StaticFiles::StaticFiles(std::span<const EmbeddedFile> files) {
  for (const EmbeddedFile& file : files) {
    const TypeByExtension* type = FindType(file.path);
    Asset asset;
    asset.content_type = std::string(type ? type->type : "application/octet-stream");
    asset.cache_control =
        IsHashedAssetName(file.path) ? "public, max-age=31536000, immutable" : "no-cache";
    const std::string tag(file.sha256.substr(0, 32));
    asset.etag = "\"" + tag + "\"";
    asset.gzip_etag = "\"" + tag + "-gzip\"";
    asset.identity = file.data;
    if (type && type->compressible) {
      std::string packed = GzipCompress(file.data);
      if (!packed.empty() && packed.size() < file.data.size()) asset.gzip = std::move(packed);
    }
    assets_.insert_or_assign(std::string(file.path), std::move(asset));
  }
}

std::vector<std::string> StaticFiles::Paths() const {
  std::vector<std::string> out;
  for (const auto& [path, asset] : assets_) out.push_back(path);
  return out;
}

std::optional<Response> StaticFiles::Serve(std::string_view path, const Request& request) const {
  const auto it = assets_.find(path);
  if (it == assets_.end()) return std::nullopt;
  const Asset& asset = it->second;
  const bool varies = !asset.gzip.empty();
  const auto accept = request.headers.Get("Accept-Encoding");
  const bool gzip = varies && accept && AcceptsGzip(*accept);
  const std::string& etag = gzip ? asset.gzip_etag : asset.etag;
  if (const auto match = request.headers.Get("If-None-Match");
      match && IfNoneMatchMatches(*match, {asset.etag, asset.gzip_etag})) {
    return NotModified(etag, asset.cache_control, varies);
  }
  Response r;
  r.headers.Set("Content-Type", asset.content_type);
  r.headers.Set("ETag", etag);
  r.headers.Set("Cache-Control", asset.cache_control);
  r.headers.Set("Content-Security-Policy", std::string(kStaticContentSecurityPolicy));
  if (varies) r.headers.Set("Vary", "Accept-Encoding");
  if (gzip) r.headers.Set("Content-Encoding", "gzip");
  r.body = gzip ? asset.gzip : std::string(asset.identity);
  r.compressible = false;  // chosen here: the pipeline must not compress it again
  return r;
}

namespace {

Response NotFound() {
  return ErrorResponse(NotFoundError("no such file"));
}

// `/app` and `/app/{path*}`: a file under /app/, else the console's index.html.
Response ServeApp(const StaticFiles& files, const Request& request) {
  if (request.path == "/app") {
    if (!files.Has("/app/index.html")) return NotFound();
    Response r;
    r.status = 308;
    r.headers.Set("Location", "/app/");
    return r;
  }
  const auto rest = request.path_params.find("path");
  const std::string wanted =
      rest == request.path_params.end() || rest->second.empty() ? "index.html" : rest->second;
  if (auto r = files.Serve("/app/" + wanted, request)) return std::move(*r);
  if (auto r = files.Serve("/app/index.html", request)) return std::move(*r);
  return NotFound();
}

}  // namespace

void AddStaticRoutes(Router& router, std::shared_ptr<const StaticFiles> files) {
  auto serve_at = [files](std::string path) {
    return [files, path](const Request& request) {
      auto r = files->Serve(path, request);
      return r ? std::move(*r) : NotFound();
    };
  };
  auto app = [files](const Request& request) { return ServeApp(*files, request); };
  for (const char* method : {"GET", "HEAD"}) {
    if (files->Has("/index.html")) router.AddInline(method, "/", serve_at("/index.html"));
    for (const std::string& path : files->Paths()) {
      if (!path.starts_with("/app/")) router.AddInline(method, path, serve_at(path));
    }
    router.AddInline(method, "/app", app);
    router.AddInline(method, "/app/{path*}", app);
  }
}

}  // namespace howler::http
