// PostgresServer: for tests, a real PostgreSQL 15 (scripts/setup.sh installs it) in a
// fresh temporary directory: initdb with SCRAM password authentication, then `postgres`
// as the user `nobody` on a free loopback port, with a database `howler_test` owned by
// the superuser `howler`. The destructor stops the server (fast shutdown) and removes
// the directory. Not thread-safe; one owner.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "common/temp_dir.h"
#include "dbmanager/testing/child_process.h"

namespace howler::dbmanager::testing {

class PostgresServer {
 public:
  // NOT_FOUND when PostgreSQL 15 is not installed, UNAVAILABLE when it does not start or
  // answer within 20 s. Tests fail on either: a missing server is never a skip.
  // With `tls`, the server also accepts TLS (ssl=on) with a self-signed certificate for
  // "localhost" made by openssl, which no system root trusts.
  static Result<std::unique_ptr<PostgresServer>> Start(bool tls = false);

  ~PostgresServer();

  std::string host() const { return "127.0.0.1"; }
  int port() const { return port_; }
  std::string user() const { return "howler"; }
  std::string password() const { return password_; }
  std::string database() const { return "howler_test"; }
  // The server's directory: data files and its log (postgres.log).
  const std::filesystem::path& directory() const { return dir_.path(); }

  // Runs `sql` (one or more statements) as the superuser in `howler_test`; the fixture's
  // own setup, not the code under test.
  Status Sql(const std::string& sql);
  // The first column of the first row of `sql` as text ("" for NULL or no row).
  Result<std::string> Scalar(const std::string& sql);

  // SIGKILL to the server: it dies mid-query, as a crashed server would.
  void Kill();

 private:
  PostgresServer(TempDir dir, std::string password) : dir_(std::move(dir)), password_(password) {}
  Status Launch();
  Status MakeCertificate();

  TempDir dir_;
  std::string password_;
  int port_ = 0;
  bool tls_ = false;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace howler::dbmanager::testing
