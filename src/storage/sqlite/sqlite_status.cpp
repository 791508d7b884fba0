#include "storage/sqlite/sqlite_status.h"

#include <sqlite3.h>

#include <string>

namespace howler::storage {

Status SqliteStatus(int code, std::string_view detail) {
  switch (code & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return AlreadyExistsError("already exists");
      }
      return FailedPreconditionError("constraint violated");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError("database busy").WithRetryAfter(1);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return UnavailableError("database unavailable: " + std::string(detail));
    default:
      return InternalError("database error: " + std::string(detail));
  }
}

}  // namespace howler::storage
