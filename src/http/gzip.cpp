#include "http/gzip.h"

#include <zlib.h>

#include <cstring>

#include "http/message.h"

namespace howler::http {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 16: gzip wrapper instead of zlib's

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool AcceptsGzip(std::string_view accept) {
  size_t start = 0;
  while (start < accept.size()) {
    size_t end = accept.find(',', start);
    if (end == std::string_view::npos) end = accept.size();
    const std::string_view item = Trim(accept.substr(start, end - start));
    const std::string_view coding = Trim(item.substr(0, item.find(';')));
    if (EqualsIgnoreCase(coding, "gzip") || coding == "*") {
      const size_t q = item.find("q=");
      if (q == std::string_view::npos) return true;
      const std::string_view qv = Trim(item.substr(q + 2));
      return !(qv == "0" || qv == "0.0" || qv == "0.00" || qv == "0.000");
    }
    start = end + 1;
  }
  return false;
}

std::string GzipCompress(std::string_view data) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

Result<std::string> GzipDecompress(std::string_view data, std::size_t max_output) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, kGzipWindowBits) != Z_OK) return InternalError("gzip unavailable");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());

  std::string out;
  char buffer[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof(buffer);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buffer, sizeof(buffer) - zs.avail_out);
    if (out.size() > max_output) {
      inflateEnd(&zs);
      return ResourceExhaustedError("request body is too large")
          .WithReason(ApiReason::kPayloadTooLarge);
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) break;  // truncated input
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return InvalidArgumentError("request body is not valid gzip");
  return out;
}

}  // namespace howler::http
