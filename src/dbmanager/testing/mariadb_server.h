// MariadbServer: for tests, a real MariaDB 10.11 (scripts/setup.sh installs it) in a fresh
// temporary directory: mariadb-install-db, then `mariadbd` as the user `nobody` on a
// free loopback port (and a unix socket in the directory for the fixture's own root
// access), with a database `howler_test` and a user `howler` (password authentication,
// all privileges on that database). The destructor stops the server and removes the
// directory. Not thread-safe; one owner.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "common/temp_dir.h"
#include "dbmanager/testing/child_process.h"

namespace howler::dbmanager::testing {

class MariadbServer {
 public:
  // NOT_FOUND when MariaDB is not installed, UNAVAILABLE when it does not start or
  // answer within 30 s. Tests fail on either: a missing server is never a skip.
  // With `tls`, the server also offers TLS with a self-signed certificate for "localhost"
  // made by openssl, which no system root trusts.
  static Result<std::unique_ptr<MariadbServer>> Start(bool tls = false);

  ~MariadbServer();

  std::string host() const { return "127.0.0.1"; }
  int port() const { return port_; }
  std::string user() const { return "howler"; }
  std::string password() const { return password_; }
  std::string database() const { return "howler_test"; }

  // Runs `sql` (statements separated by ';') as root in `howler_test` (after that database
  // exists); the fixture's own setup, not the code under test.
  Status Sql(const std::string& sql);
  // The first column of the first row of `sql` (one statement) as text ("" for NULL or
  // no row).
  Result<std::string> Scalar(const std::string& sql);

  // SIGKILL to the server: it dies mid-query, as a crashed server would.
  void Kill();

 private:
  MariadbServer(TempDir dir, std::string password) : dir_(std::move(dir)), password_(password) {}
  Status Launch();
  Status RootSql(const std::string& sql, const char* database);

  TempDir dir_;
  std::string password_;
  int port_ = 0;
  bool tls_ = false;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace howler::dbmanager::testing
