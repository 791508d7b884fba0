#include "storage/libsql/tursodb_database.h"

#include "common/temp_dir.h"
#include "storage/database_wrapper.h"
#include "storage/libsql/tursodb_process.h"
#include "storage/sqlite/sqlite_database.h"

namespace howler::storage {
namespace {

// The client of a test server, owning the server and its directory.
class TursodbDatabase final : public DatabaseWrapper {
 public:
  TursodbDatabase(TempDir dir, std::unique_ptr<TursodbProcess> server, std::unique_ptr<Database> db)
      : DatabaseWrapper(*db),
        dir_(std::move(dir)),
        server_(std::move(server)),
        db_(std::move(db)) {}

 private:
  TempDir dir_;                             // removed last
  std::unique_ptr<TursodbProcess> server_;  // stopped after the client closes
  std::unique_ptr<Database> db_;
};

}  // namespace

Result<std::unique_ptr<Database>> StartTursodbDatabase(LibsqlOptions options) {
  std::optional<std::filesystem::path> binary = TursodbProcess::FindBinary();
  if (!binary) {
    return NotFoundError("tursodb is not installed (run scripts/setup.sh)");
  }
  HOWLER_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("howler-tursodb-"));
  HOWLER_ASSIGN_OR_RETURN(std::unique_ptr<TursodbProcess> server,
                          TursodbProcess::Start(*binary, dir.path() / "test.db"));
  options.url = server->url();
  HOWLER_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenLibsqlDatabase(options));
  return std::unique_ptr<Database>(
      new TursodbDatabase(std::move(dir), std::move(server), std::move(db)));
}

Result<std::unique_ptr<Database>> OpenTestDatabase(std::string_view backend) {
  if (backend == "libsql") return StartTursodbDatabase();
  return OpenSqliteDatabase({":memory:"});
}

}  // namespace howler::storage
