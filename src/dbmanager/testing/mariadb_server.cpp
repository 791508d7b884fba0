#include "dbmanager/testing/mariadb_server.h"

#include <mysql.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "common/crypto.h"

namespace howler::dbmanager::testing {
namespace {

constexpr const char* kInstallDb = "/usr/bin/mariadb-install-db";
constexpr const char* kServer = "/usr/sbin/mariadbd";
constexpr auto kReadyTimeout = std::chrono::seconds(30);
constexpr int kStartAttempts = 3;

}  // namespace

Result<std::unique_ptr<MariadbServer>> MariadbServer::Start(bool tls) {
  if (::access(kInstallDb, X_OK) != 0 || ::access(kServer, X_OK) != 0) {
    return NotFoundError("MariaDB is not installed (run scripts/setup.sh)");
  }
  HOWLER_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("howler-maria-"));
  std::unique_ptr<MariadbServer> server(
      new MariadbServer(std::move(dir), "maria-" + HexEncode(RandomBytes(12))));
  const std::filesystem::path root = server->dir_.path();
  HOWLER_RETURN_IF_ERROR(GiveToChildUser(root));
  // mariadb-install-db has failed now and then on a loaded machine (its bootstrap server
  // exiting early): a fresh data directory is tried again, and a last failure carries the
  // end of its log.
  Status installed;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::error_code ec;
    std::filesystem::remove_all(root / "data", ec);
    installed =
        ChildProcess::Run({kInstallDb, "--no-defaults", "--datadir=" + (root / "data").string(),
                           "--auth-root-authentication-method=normal", "--skip-test-db"},
                          root / "install.log", std::chrono::seconds(120));
    if (installed.ok()) break;
  }
  if (!installed.ok()) {
    std::ifstream log(root / "install.log");
    std::string text((std::istreambuf_iterator<char>(log)), {});
    if (text.size() > 2000) text = text.substr(text.size() - 2000);
    return InternalError(installed.message() + ": " + text);
  }
  server->tls_ = tls;
  if (tls) {
    HOWLER_RETURN_IF_ERROR(
        ChildProcess::Run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", (root / "server.key").string(), "-out",
                           (root / "server.crt").string(), "-days", "2", "-subj", "/CN=localhost"},
                          root / "openssl.log", std::chrono::seconds(60)));
  }
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    if (server->Launch().ok()) {
      const std::string password = server->password_;
      HOWLER_RETURN_IF_ERROR(server->RootSql(
          "CREATE DATABASE howler_test; CREATE USER 'howler'@'%' IDENTIFIED BY '" + password +
              "'; GRANT ALL ON howler_test.* TO 'howler'@'%'; GRANT PROCESS ON *.* TO "
              "'howler'@'%'",
          nullptr));
      return server;
    }
  }
  return UnavailableError("MariaDB did not start (see " + (root / "mariadbd.log").string() + ")");
}

Status MariadbServer::Launch() {
  HOWLER_ASSIGN_OR_RETURN(port_, FreeLoopbackPort());
  const std::filesystem::path root = dir_.path();
  std::vector<std::string> argv = {kServer,
                                   "--no-defaults",
                                   "--datadir=" + (root / "data").string(),
                                   "--socket=" + (root / "sock").string(),
                                   "--port=" + std::to_string(port_),
                                   "--bind-address=127.0.0.1",
                                   "--pid-file=" + (root / "pid").string(),
                                   "--skip-log-bin",
                                   "--skip-name-resolve",
                                   "--innodb-buffer-pool-size=16M",
                                   "--innodb-flush-log-at-trx-commit=0"};
  if (tls_) {
    argv.push_back("--ssl-cert=" + (root / "server.crt").string());
    argv.push_back("--ssl-key=" + (root / "server.key").string());
  }
  HOWLER_ASSIGN_OR_RETURN(process_, ChildProcess::Start(argv, root / "mariadbd.log"));
  const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < deadline && process_->Running()) {
    if (RootSql("SELECT 1", nullptr).ok()) {
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  process_.reset();
  return UnavailableError("MariaDB did not answer");
}

MariadbServer::~MariadbServer() {
  process_.reset();  // SIGTERM: a clean shutdown
}

Status MariadbServer::RootSql(const std::string& sql, const char* database) {
  MYSQL* conn = mysql_init(nullptr);
  mysql_optionsv(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_optionsv(conn, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
  const std::string socket = (dir_.path() / "sock").string();
  Status status;
  if (mysql_real_connect(conn, "localhost", "root", nullptr, database, 0, socket.c_str(),
                         CLIENT_MULTI_STATEMENTS) == nullptr) {
    status = UnavailableError(std::string("fixture connect: ") + mysql_error(conn));
  } else if (mysql_query(conn, sql.c_str()) != 0) {
    status = InternalError(std::string("fixture SQL: ") + mysql_error(conn));
  } else {
    // Drain every statement's result so that errors of later statements surface.
    do {
      MYSQL_RES* result = mysql_store_result(conn);
      if (result != nullptr) {
        mysql_free_result(result);
      }
    } while (mysql_next_result(conn) == 0);
    if (mysql_errno(conn) != 0) {
      status = InternalError(std::string("fixture SQL: ") + mysql_error(conn));
    }
  }
  mysql_close(conn);
  return status;
}

Status MariadbServer::Sql(const std::string& sql) {
  return RootSql(sql, "howler_test");
}

Result<std::string> MariadbServer::Scalar(const std::string& sql) {
  MYSQL* conn = mysql_init(nullptr);
  const std::string socket = (dir_.path() / "sock").string();
  Result<std::string> value = std::string();
  if (mysql_real_connect(conn, "localhost", "root", nullptr, "howler_test", 0, socket.c_str(), 0) ==
      nullptr) {
    value = UnavailableError(std::string("fixture connect: ") + mysql_error(conn));
  } else if (mysql_query(conn, sql.c_str()) != 0) {
    value = InternalError(std::string("fixture SQL: ") + mysql_error(conn));
  } else if (MYSQL_RES* result = mysql_store_result(conn); result != nullptr) {
    MYSQL_ROW row = mysql_fetch_row(result);
    if (row != nullptr && row[0] != nullptr) {
      value = std::string(row[0]);
    }
    mysql_free_result(result);
  }
  mysql_close(conn);
  return value;
}

void MariadbServer::Kill() {
  if (process_ != nullptr) {
    process_->Stop(SIGKILL);
  }
}

}  // namespace howler::dbmanager::testing
