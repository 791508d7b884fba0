#include "dbmanager/mariadb/mariadb_engine.h"

#include "dbmanager/mariadb/maria_connection.h"

namespace howler::dbmanager {
namespace {

class MariadbEngine : public Engine {
 public:
  MariadbEngine() { mysql_library_init(0, nullptr, nullptr); }

  EngineKind kind() const override { return EngineKind::kMariadb; }

  // Connects on the new connection's own thread; `done` runs there.
  void Connect(ConnectionSpec spec, Secret password,
               std::function<void(Result<std::unique_ptr<Connection>>)> done) override {
    auto thread = std::make_unique<TaskThread>();
    TaskThread* raw = thread.get();
    auto task = [spec = std::move(spec), password = std::move(password), thread = std::move(thread),
                 done = std::move(done)]() mutable {
      mysql_thread_init();
      auto conn = OpenMaria(spec, password);
      if (!conn.ok()) {
        password.Wipe();
        done(conn.status());
        return;  // the thread ends when this task (its owner) is destroyed
      }
      auto core = std::make_shared<MariaCore>(std::move(spec), std::move(password), *conn,
                                              std::move(thread));
      done(std::unique_ptr<Connection>(new MariaConnection(std::move(core))));
    };
    // std::function needs a copyable callable; the task owns move-only state.
    auto shared = std::make_shared<decltype(task)>(std::move(task));
    raw->Post([shared] { (*shared)(); });
  }
};

}  // namespace

std::unique_ptr<Engine> MakeMariadbEngine() {
  return std::make_unique<MariadbEngine>();
}

}  // namespace howler::dbmanager
