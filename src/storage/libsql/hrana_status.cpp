#include "storage/libsql/hrana_status.h"

#include <charconv>
#include <optional>
#include <string>

namespace howler::storage {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The SQLite result code at the end of a message, as tursodb writes it: "... (19)".
std::optional<int> TrailingSqliteCode(std::string_view message) {
  while (!message.empty() && message.back() == ' ') {
    message.remove_suffix(1);
  }
  if (message.size() < 3 || message.back() != ')') {
    return std::nullopt;
  }
  std::size_t open = message.rfind('(');
  if (open == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view digits = message.substr(open + 1, message.size() - open - 2);
  int code = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
    return std::nullopt;
  }
  return code;
}

Status Constraint(std::string_view code, std::string_view message) {
  if (code == "SQLITE_CONSTRAINT_UNIQUE" || code == "SQLITE_CONSTRAINT_PRIMARYKEY" ||
      Contains(message, "UNIQUE constraint failed") ||
      Contains(message, "PRIMARY KEY constraint failed")) {
    return AlreadyExistsError("already exists");
  }
  return FailedPreconditionError("constraint violated");
}

Status Busy() {
  return UnavailableError("database busy").WithRetryAfter(1);
}

bool IsStreamOrServerError(std::string_view code) {
  return StartsWith(code, "STREAM_") || StartsWith(code, "BATON_") || code == "SERVER_ERROR" ||
         code == "BLOCKED" || code == "NAMESPACE_DOESNT_EXIST" || code == "RESPONSE_TOO_LARGE";
}

}  // namespace

Status RemoteUnavailable(std::string detail) {
  return UnavailableError(std::string(kRemoteUnavailable)).WithDetail(std::move(detail));
}

Status HranaErrorStatus(std::string_view code, std::string_view message) {
  const std::optional<int> sqlite_code = TrailingSqliteCode(message);
  const int primary = sqlite_code.value_or(-1) & 0xff;
  if (StartsWith(code, "SQLITE_CONSTRAINT") || primary == 19 ||
      Contains(message, "constraint failed")) {
    return Constraint(code, message);
  }
  if (code == "SQLITE_BUSY" || StartsWith(code, "SQLITE_LOCKED") || primary == 5 || primary == 6 ||
      Contains(message, "database is locked")) {
    return Busy();
  }
  if (code == "SQLITE_FULL" || StartsWith(code, "SQLITE_IOERR") || code == "SQLITE_CANTOPEN" ||
      primary == 10 || primary == 13 || primary == 14 || IsStreamOrServerError(code)) {
    return RemoteUnavailable(std::string(message));
  }
  return InternalError("database error: " + std::string(message));
}

Status HttpFailureStatus(long http_status, std::string_view where) {
  const std::string text = "HTTP " + std::to_string(http_status);
  if (http_status >= 500 || http_status == 401 || http_status == 403 || http_status == 404 ||
      http_status == 408 || http_status == 429) {
    return RemoteUnavailable(where.empty() ? text : text + " from " + std::string(where));
  }
  return InternalError("database error: server refused the request: " + text);
}

}  // namespace howler::storage
