#include "dbmanager/postgres/postgres_engine.h"

#include <libpq-fe.h>

#include <atomic>
#include <string>
#include <vector>

#include "dbmanager/engine_errors.h"
#include "dbmanager/postgres/pg_connection.h"

namespace howler::dbmanager {
namespace {

constexpr const char* kSystemRoots = "/etc/ssl/certs/ca-certificates.crt";
constexpr const char* kNoClientFile = "/nonexistent/howler-no-client-certificate";

// One connection attempt, driven by PQconnectPoll on the reactor thread.
class PgConnect : public std::enable_shared_from_this<PgConnect> {
 public:
  PgConnect(Reactor& reactor, std::function<void(Result<std::unique_ptr<Connection>>)> done)
      : reactor_(reactor), done_(std::move(done)) {}

  // Any thread: starts the attempt; `password` is wiped once libpq copied it.
  void Start(const ConnectionSpec& spec, Secret password) {
    const std::string port = std::to_string(spec.port);
    const std::string options = std::string("-c TimeZone=UTC -c DateStyle=ISO ") +
                                "-c bytea_output=hex -c IntervalStyle=iso_8601" +
                                (spec.read_only ? " -c default_transaction_read_only=on" : "");
    std::vector<const char*> keys = {"host",
                                     "port",
                                     "dbname",
                                     "user",
                                     "password",
                                     "sslmode",
                                     "options",
                                     "client_encoding",
                                     "application_name",
                                     "gssencmode"};
    std::vector<const char*> values = {spec.host.c_str(),     port.c_str(),
                                       spec.database.c_str(), spec.username.c_str(),
                                       password.c_str(),      SslModeName(spec.ssl_mode).data(),
                                       options.c_str(),       "UTF8",
                                       "howlerops",           "disable"};
    // The operator's ~/.pgpass must never supply a password, nor ~/.postgresql its client
    // certificate, to a host a user names (a missing file is no certificate for libpq).
    keys.push_back("passfile");
    values.push_back("/dev/null");
    keys.push_back("sslcert");
    values.push_back(kNoClientFile);
    keys.push_back("sslkey");
    values.push_back(kNoClientFile);
    if (!spec.address.empty()) {
      keys.push_back("hostaddr");
      values.push_back(spec.address.c_str());
    }
    if (spec.ssl_mode == SslMode::kVerifyFull) {
      keys.push_back("sslrootcert");
      values.push_back(kSystemRoots);
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectStartParams(keys.data(), values.data(), 0);
    password.Wipe();
    reactor_.Post([self = shared_from_this(), timeout = spec.connect_timeout] {
      self->timer_ = self->reactor_.RunAfter(timeout, [self] { self->TimedOut(); });
      self->Wait(PGRES_POLLING_WRITING);  // libpq: before the first poll, wait as for writing
    });
  }

 private:
  void Wait(PostgresPollingStatusType status) {
    if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) {
      Fail(ConnectErrorFromText(conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory"));
      return;
    }
    socket_ = PQsocket(conn_);
    reactor_.Watch(socket_, status == PGRES_POLLING_WRITING,
                   [self = shared_from_this()] { self->Poll(); });
  }

  void Poll() {
    if (finished_) {
      return;
    }
    const PostgresPollingStatusType status = PQconnectPoll(conn_);
    if (status == PGRES_POLLING_OK) {
      Succeed();
    } else if (status == PGRES_POLLING_FAILED) {
      Fail(ConnectErrorFromText(PQerrorMessage(conn_)));
    } else {
      Wait(status);
    }
  }

  void TimedOut() {
    if (!finished_) {
      Fail({StatusCode::kDeadlineExceeded,
            "database host did not answer within the connect timeout"});
    }
  }

  void Succeed() {
    finished_ = true;
    reactor_.CancelTimer(timer_);
    if (socket_ >= 0) {
      reactor_.Forget(socket_);
    }
    PQsetnonblocking(conn_, 1);
    auto core = std::make_shared<PgCore>(reactor_, conn_);
    conn_ = nullptr;
    done_(std::unique_ptr<Connection>(new PgConnection(std::move(core))));
  }

  void Fail(Status status) {
    finished_ = true;
    reactor_.CancelTimer(timer_);
    if (socket_ >= 0) {
      reactor_.Forget(socket_);
    }
    if (conn_ != nullptr) {
      PQfinish(conn_);
      conn_ = nullptr;
    }
    done_(std::move(status));
  }

  Reactor& reactor_;
  std::function<void(Result<std::unique_ptr<Connection>>)> done_;
  PGconn* conn_ = nullptr;  // reactor thread once started
  int socket_ = -1;
  std::uint64_t timer_ = 0;
  bool finished_ = false;
};

class PostgresEngine : public Engine {
 public:
  explicit PostgresEngine(Reactor& reactor) : reactor_(reactor) {}

  EngineKind kind() const override { return EngineKind::kPostgres; }

  void Connect(ConnectionSpec spec, Secret password,
               std::function<void(Result<std::unique_ptr<Connection>>)> done) override {
    std::make_shared<PgConnect>(reactor_, std::move(done))->Start(spec, std::move(password));
  }

 private:
  Reactor& reactor_;
};

}  // namespace

std::unique_ptr<Engine> MakePostgresEngine(Reactor& reactor) {
  return std::make_unique<PostgresEngine>(reactor);
}

}  // namespace howler::dbmanager
