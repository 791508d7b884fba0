// Engine: opens Connections to one kind of database server.
//
// Connect errors (clients see the message; nothing in it comes from the password):
//   PERMISSION_DENIED  "database refused the user name or password"
//   NOT_FOUND          "database does not exist"
//   UNAVAILABLE        "database host refused the connection" / "database host is unreachable"
//   DEADLINE_EXCEEDED  "database host did not answer within the connect timeout"
//   FAILED_PRECONDITION "database server requires TLS" / "database server does not support TLS"
// Thread-safe; `done` runs inline or on the engine's thread and must not block.
#pragma once

#include <functional>
#include <memory>

#include "common/result.h"
#include "dbmanager/connection.h"
#include "dbmanager/connection_spec.h"
#include "dbmanager/secret.h"

namespace howler::dbmanager {

class Engine {
 public:
  virtual ~Engine() = default;
  virtual EngineKind kind() const = 0;

  // Opens a connection. The password moves into the connection, which keeps it in memory
  // only as long as it needs it (MariaDB: for the cancel connection) and wipes it on close.
  virtual void Connect(ConnectionSpec spec, Secret password,
                       std::function<void(Result<std::unique_ptr<Connection>>)> done) = 0;
};

}  // namespace howler::dbmanager
