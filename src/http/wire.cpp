#include "http/wire.h"

namespace howler::http {

std::string_view ReasonPhrase(int status) {
  switch (status) {
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

std::string SerializeResponse(const Response& r, unsigned version, bool keep_alive) {
  const bool has_body = r.status != 204 && r.status != 304;
  std::string out;
  out.reserve(256 + (has_body ? r.body.size() : 0));
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  out += ReasonPhrase(r.status);
  out += "\r\n";
  for (const auto& [name, value] : r.headers.fields()) {
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection") ||
        EqualsIgnoreCase(name, "Server")) {
      continue;  // written below, once
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out += "Server: howlerops\r\n";
  if (has_body) out.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
  if (!keep_alive && version != 10) out += "Connection: close\r\n";
  if (keep_alive && version == 10) out += "Connection: keep-alive\r\n";
  out += "\r\n";
  if (has_body) out += r.body;
  return out;
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
