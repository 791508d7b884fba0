#include "dbmanager/engine_errors.h"

namespace howler::dbmanager {
namespace {

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

Status QueryCancelledError() {
  return {StatusCode::kCancelled, "query cancelled"};
}

Status StatementTimeoutError() {
  return {StatusCode::kDeadlineExceeded, "statement timeout reached"};
}

Status ConnectionLostError(std::string detail) {
  return UnavailableError("database connection lost").WithDetail(std::move(detail));
}

Status SessionBrokenError() {
  return UnavailableError("session is broken");
}

Status SessionClosedError() {
  return FailedPreconditionError("session is closed");
}

Status QueryRunningError() {
  return FailedPreconditionError("a query is already running on this session");
}

Status ReadOnlyError(std::string_view engine_text) {
  return {StatusCode::kPermissionDenied, "read-only session: " + std::string(engine_text)};
}

Status EngineQueryError(std::string_view text, std::string_view code, std::optional<int> position) {
  std::string message(text);
  if (!code.empty() || position) {
    message += " (";
    if (!code.empty()) {
      message += std::string(code);
    }
    if (position) {
      message += (code.empty() ? "" : ", ") + std::string("position ") + std::to_string(*position);
    }
    message += ")";
  }
  return InvalidArgumentError(std::move(message));
}

Status ConnectErrorFromText(std::string_view text) {
  Status status;
  if (Contains(text, "password authentication failed") || Contains(text, "Access denied") ||
      Contains(text, "no password supplied") || Contains(text, "HTTP 401")) {
    status = {StatusCode::kPermissionDenied, "database refused the user name or password"};
  } else if ((Contains(text, "database") && Contains(text, "does not exist")) ||
             Contains(text, "Unknown database")) {
    status = NotFoundError("database does not exist");
  } else if (Contains(text, "certificate")) {
    status = FailedPreconditionError("database server's TLS certificate was not accepted");
  } else if (Contains(text, "does not support SSL") || Contains(text, "SSL connection error") ||
             Contains(text, "TLS/SSL error")) {
    status = FailedPreconditionError("database server does not support TLS");
  } else if (Contains(text, "no encryption") || Contains(text, "require_secure_transport") ||
             Contains(text, "SSL off")) {
    status = FailedPreconditionError("database server requires TLS");
  } else if (Contains(text, "Connection refused") || Contains(text, "(111)")) {
    status = UnavailableError("database host refused the connection");
  } else if (Contains(text, "timeout") || Contains(text, "timed out")) {
    status = {StatusCode::kDeadlineExceeded,
              "database host did not answer within the connect timeout"};
  } else if (Contains(text, "unreachable") || Contains(text, "No route") ||
             Contains(text, "Unknown") || Contains(text, "resolve")) {
    status = UnavailableError("database host is unreachable");
  } else {
    status = UnavailableError("could not connect to the database");
  }
  return std::move(status).WithDetail(std::string(text));
}

}  // namespace howler::dbmanager
