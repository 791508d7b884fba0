#include "http/wire.h"

namespace howler::http {

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

namespace {

void AppendHead(std::string& out, const Response& r, unsigned version, bool keep_alive,
                BodyFraming framing) {
  const bool has_body = r.status != 204 && r.status != 304;
  if (framing == BodyFraming::kUntilClose) keep_alive = false;
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  out += ReasonPhrase(r.status);
  out += "\r\n";
  for (const auto& [name, value] : r.headers.fields()) {
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection") ||
        EqualsIgnoreCase(name, "Server") || EqualsIgnoreCase(name, "Transfer-Encoding")) {
      continue;  // written below, once
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out += "Server: howlerops\r\n";
  if (has_body && framing == BodyFraming::kLength) {
    out.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
  }
  if (has_body && framing == BodyFraming::kChunked) out += "Transfer-Encoding: chunked\r\n";
  if (!keep_alive && version != 10) out += "Connection: close\r\n";
  if (keep_alive && version == 10) out += "Connection: keep-alive\r\n";
  out += "\r\n";
}

}  // namespace

std::string SerializeResponse(const Response& r, unsigned version, bool keep_alive) {
  const bool has_body = r.status != 204 && r.status != 304;
  std::string out;
  out.reserve(256 + (has_body ? r.body.size() : 0));
  AppendHead(out, r, version, keep_alive, BodyFraming::kLength);
  if (has_body) out += r.body;
  return out;
}

std::string SerializeHead(const Response& r, unsigned version, bool keep_alive,
                          BodyFraming framing) {
  std::string out;
  out.reserve(256);
  AppendHead(out, r, version, keep_alive, framing);
  return out;
}

std::string ChunkSizeLine(std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  char digits[2 * sizeof(std::size_t)];
  int n = 0;
  do {
    digits[n++] = kHex[size & 0xf];
    size >>= 4;
  } while (size != 0);
  std::string line;
  line.reserve(n + 2);
  while (n > 0) line += digits[--n];
  line += "\r\n";
  return line;
}

bool IsAcceptedTransferEncoding(const std::vector<std::string_view>& values) {
  if (values.empty()) return true;
  if (values.size() != 1) return false;
  std::string_view v = values.front();
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return EqualsIgnoreCase(v, "chunked");
}

}  // namespace howler::http
