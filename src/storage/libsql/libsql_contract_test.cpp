// The Database contract suite against the libSQL backend on a local tursodb server,
// one fresh server and database file per test. Skipped when tursodb is not installed.
#include <cstdio>
#include <memory>

#include "storage/database_contract_test.h"
#include "storage/libsql/tursodb_database.h"

namespace howler::storage {
namespace {

std::unique_ptr<Database> OpenOnTursodb() {
  auto db = StartTursodbDatabase();
  if (db.status().code() == StatusCode::kNotFound) {
    static const bool said = [&] {
      std::fprintf(stderr, "skipping the libSQL contract suite: %s\n",
                   db.status().message().c_str());
      return true;
    }();
    (void)said;
    return nullptr;  // the suite skips
  }
  if (!db.ok()) {
    ADD_FAILURE() << db.status().ToString();
    return nullptr;
  }
  return std::move(db).value();
}

INSTANTIATE_TEST_SUITE_P(Libsql, DatabaseContractTest,
                         testing::Values(BackendFactory{"tursodb", &OpenOnTursodb}),
                         BackendFactoryName);

}  // namespace
}  // namespace howler::storage
