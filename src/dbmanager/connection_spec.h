// ConnectionSpec: where and how to open a user's database (everything but the password,
// which travels apart as a Secret). Plain data; thread-safety as for any struct.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace howler::dbmanager {

enum class EngineKind { kPostgres, kMariadb, kLibsql };

// "postgres", "mariadb", "libsql": the wire names and the `engine` metric label.
std::string_view EngineName(EngineKind engine);
// Accepts the wire names and the synced connection types' aliases ("postgresql", "mysql",
// "turso"); nullopt otherwise.
std::optional<EngineKind> ParseEngine(std::string_view name);

// TLS to the database server: disable (plain), require (encrypted, certificate not
// checked), verify-full (encrypted, certificate and host name checked).
enum class SslMode { kDisable, kRequire, kVerifyFull };
std::string_view SslModeName(SslMode mode);
std::optional<SslMode> ParseSslMode(std::string_view name);

struct ConnectionSpec {
  EngineKind engine = EngineKind::kPostgres;
  std::string host;  // as the user named it (TLS host name checks use it)
  // The numeric address to connect to, as the address policy resolved and allowed it;
  // empty: `host` is used as given (tests, libSQL URLs).
  std::string address;
  int port = 0;
  std::string database;
  std::string username;
  SslMode ssl_mode = SslMode::kDisable;
  // Enforced by the engine for every statement of the session (generated SQL).
  bool read_only = false;
  std::chrono::milliseconds connect_timeout{10000};
};

}  // namespace howler::dbmanager
