#include "dbmanager/testing/postgres_server.h"

#include <libpq-fe.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <thread>
#include <vector>

#include "common/crypto.h"

namespace howler::dbmanager::testing {
namespace {

const std::filesystem::path kBin = "/usr/lib/postgresql/15/bin";
constexpr auto kReadyTimeout = std::chrono::seconds(20);
constexpr int kStartAttempts = 3;

std::string ConnInfo(int port, const std::string& password, const std::string& database) {
  return "host=127.0.0.1 port=" + std::to_string(port) + " user=howler dbname=" + database +
         " password=" + password + " connect_timeout=2";
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::Start(bool tls) {
  if (::access((kBin / "initdb").c_str(), X_OK) != 0 ||
      ::access((kBin / "postgres").c_str(), X_OK) != 0) {
    return NotFoundError("PostgreSQL 15 is not installed (run scripts/setup.sh)");
  }
  HOWLER_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("howler-pg-"));
  std::unique_ptr<PostgresServer> server(
      new PostgresServer(std::move(dir), "pg-" + HexEncode(RandomBytes(12))));
  const std::filesystem::path root = server->dir_.path();
  {
    std::ofstream pwfile(root / "pwfile");
    pwfile << server->password_ << "\n";
  }
  HOWLER_RETURN_IF_ERROR(GiveToChildUser(root));
  HOWLER_RETURN_IF_ERROR(ChildProcess::Run(
      {(kBin / "initdb").string(), "-D", (root / "data").string(), "-A", "scram-sha-256", "-U",
       "howler", "--pwfile=" + (root / "pwfile").string(), "-N", "-E", "UTF8", "--no-locale"},
      root / "initdb.log", std::chrono::seconds(60)));
  std::filesystem::remove(root / "pwfile");
  server->tls_ = tls;
  if (tls) {
    HOWLER_RETURN_IF_ERROR(server->MakeCertificate());
  }
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    if (server->Launch().ok()) {
      HOWLER_RETURN_IF_ERROR(server->Sql("CREATE DATABASE howler_test"));
      return server;
    }
  }
  return UnavailableError("PostgreSQL did not start (see " + (root / "postgres.log").string() +
                          ")");
}

Status PostgresServer::MakeCertificate() {
  const std::filesystem::path root = dir_.path();
  // Run as the server's user, so that it owns the key (postgres insists on that and 0600).
  return ChildProcess::Run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", (root / "server.key").string(), "-out",
                            (root / "server.crt").string(), "-days", "2", "-subj", "/CN=localhost"},
                           root / "openssl.log", std::chrono::seconds(60));
}

Status PostgresServer::Launch() {
  HOWLER_ASSIGN_OR_RETURN(port_, FreeLoopbackPort());
  const std::filesystem::path root = dir_.path();
  std::vector<std::string> argv = {(kBin / "postgres").string(),
                                   "-D",
                                   (root / "data").string(),
                                   "-p",
                                   std::to_string(port_),
                                   "-k",
                                   root.string(),
                                   "-c",
                                   "listen_addresses=127.0.0.1",
                                   "-c",
                                   "fsync=off",
                                   "-c",
                                   "shared_buffers=16MB",
                                   "-c",
                                   "max_connections=40"};
  if (tls_) {
    for (const std::string& setting :
         {std::string("ssl=on"), "ssl_cert_file=" + (root / "server.crt").string(),
          "ssl_key_file=" + (root / "server.key").string()}) {
      argv.push_back("-c");
      argv.push_back(setting);
    }
  }
  HOWLER_ASSIGN_OR_RETURN(process_, ChildProcess::Start(argv, root / "postgres.log"));
  const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  const std::string conninfo = ConnInfo(port_, password_, "postgres");
  while (std::chrono::steady_clock::now() < deadline && process_->Running()) {
    if (PQping(conninfo.c_str()) == PQPING_OK) {
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  process_.reset();
  return UnavailableError("PostgreSQL did not answer");
}

PostgresServer::~PostgresServer() {
  if (process_ != nullptr) {
    process_->Stop(SIGINT);  // fast shutdown
  }
}

Status PostgresServer::Sql(const std::string& sql) {
  // CREATE DATABASE runs in the maintenance database, everything else in howler_test.
  const bool create_db = sql.rfind("CREATE DATABASE", 0) == 0;
  PGconn* conn =
      PQconnectdb(ConnInfo(port_, password_, create_db ? "postgres" : database()).c_str());
  Status status;
  if (PQstatus(conn) != CONNECTION_OK) {
    status = UnavailableError(std::string("fixture connect: ") + PQerrorMessage(conn));
  } else {
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);  // quiet DROP ... IF EXISTS
    PGresult* result = PQexec(conn, sql.c_str());
    const ExecStatusType code = PQresultStatus(result);
    if (code != PGRES_COMMAND_OK && code != PGRES_TUPLES_OK) {
      status = InternalError(std::string("fixture SQL: ") + PQresultErrorMessage(result));
    }
    PQclear(result);
  }
  PQfinish(conn);
  return status;
}

Result<std::string> PostgresServer::Scalar(const std::string& sql) {
  PGconn* conn = PQconnectdb(ConnInfo(port_, password_, database()).c_str());
  Result<std::string> value = std::string();
  if (PQstatus(conn) != CONNECTION_OK) {
    value = UnavailableError(std::string("fixture connect: ") + PQerrorMessage(conn));
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      value = InternalError(std::string("fixture SQL: ") + PQresultErrorMessage(result));
    } else if (PQntuples(result) > 0) {
      value = std::string(PQgetvalue(result, 0, 0));
    }
    PQclear(result);
  }
  PQfinish(conn);
  return value;
}

void PostgresServer::Kill() {
  if (process_ != nullptr) {
    process_->Stop(SIGKILL);
  }
}

}  // namespace howler::dbmanager::testing
