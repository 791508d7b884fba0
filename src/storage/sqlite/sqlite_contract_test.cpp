// The Database contract suite against the embedded SQLite backend: a file database
// (writer plus readers, WAL) and ":memory:" (one connection).
#include <memory>

#include "common/temp_dir.h"
#include "storage/database_contract_test.h"
#include "storage/database_wrapper.h"
#include "storage/sqlite/sqlite_database.h"

namespace howler::storage {
namespace {

// A database file in a temporary directory that lives as long as the database.
class TempFileDatabase final : public DatabaseWrapper {
 public:
  static std::unique_ptr<Database> Open() {
    auto dir = TempDir::Create("howler-contract-");
    if (!dir.ok()) {
      ADD_FAILURE() << dir.status().ToString();
      return nullptr;
    }
    auto db = OpenSqliteDatabase({.path = (dir->path() / "contract.db").string()});
    if (!db.ok()) {
      ADD_FAILURE() << db.status().ToString();
      return nullptr;
    }
    return std::unique_ptr<Database>(
        new TempFileDatabase(std::move(dir).value(), std::move(db).value()));
  }

 private:
  TempFileDatabase(TempDir dir, std::unique_ptr<Database> db)
      : DatabaseWrapper(*db), dir_(std::move(dir)), db_(std::move(db)) {}

  TempDir dir_;                   // removed after the database closes
  std::unique_ptr<Database> db_;  // declared last: destroyed first
};

std::unique_ptr<Database> OpenMemoryDatabase() {
  auto db = OpenSqliteDatabase({.path = ":memory:"});
  if (!db.ok()) {
    ADD_FAILURE() << db.status().ToString();
    return nullptr;
  }
  return std::move(db).value();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, DatabaseContractTest,
                         testing::Values(BackendFactory{"file", &TempFileDatabase::Open},
                                         BackendFactory{"memory", &OpenMemoryDatabase}),
                         BackendFactoryName);

}  // namespace
}  // namespace howler::storage
