#include "dbmanager/connection_spec.h"

namespace howler::dbmanager {

std::string_view EngineName(EngineKind engine) {
  switch (engine) {
    case EngineKind::kPostgres:
      return "postgres";
    case EngineKind::kMariadb:
      return "mariadb";
    case EngineKind::kLibsql:
      return "libsql";
  }
  return "unknown";
}

std::optional<EngineKind> ParseEngine(std::string_view name) {
  if (name == "postgres" || name == "postgresql") {
    return EngineKind::kPostgres;
  }
  if (name == "mariadb" || name == "mysql") {
    return EngineKind::kMariadb;
  }
  if (name == "libsql" || name == "turso") {
    return EngineKind::kLibsql;
  }
  return std::nullopt;
}

std::string_view SslModeName(SslMode mode) {
  switch (mode) {
    case SslMode::kDisable:
      return "disable";
    case SslMode::kRequire:
      return "require";
    case SslMode::kVerifyFull:
      return "verify-full";
  }
  return "disable";
}

std::optional<SslMode> ParseSslMode(std::string_view name) {
  if (name == "disable") {
    return SslMode::kDisable;
  }
  if (name == "require") {
    return SslMode::kRequire;
  }
  if (name == "verify-full") {
    return SslMode::kVerifyFull;
  }
  return std::nullopt;
}

}  // namespace howler::dbmanager
