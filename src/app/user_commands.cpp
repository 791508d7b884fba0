#include "app/user_commands.h"

#include <iostream>

#include "app/database_factory.h"
#include "auth/password_hasher.h"
#include "auth/validation.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/time_format.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "storage/user_store.h"

namespace howler::app {
namespace {

Result<std::unique_ptr<storage::Database>> OpenMigrated(const config::Options& options) {
  HOWLER_ASSIGN_OR_RETURN(auto db, OpenDatabase(options));
  HOWLER_RETURN_IF_ERROR(
      storage::ApplyMigrations(*db, storage::EmbeddedMigrations(), SystemClock().NowMillis()));
  return db;
}

int Fail(const Status& s) {
  std::cerr << "howlerops-server: " << s.message() << "\n";
  return 1;
}

}  // namespace

int UserCreate(const config::Options& options, const UserCreateArgs& args,
               std::istream& password_in) {
  if (Status s = auth::ValidateUsername(args.username); !s.ok()) return Fail(s);
  auto email = auth::NormalizeEmail(args.email);
  if (!email.ok()) return Fail(email.status());
  if (args.role != "user" && args.role != "admin") {
    return Fail(InvalidArgumentError("role must be user or admin"));
  }
  std::string password;
  std::getline(password_in, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (Status s = auth::ValidatePassword(password); !s.ok()) return Fail(s);

  auto db = OpenMigrated(options);
  if (!db.ok()) return Fail(db.status());
  auth::PasswordHasher hasher({options.password_hash_memory_kib, options.password_hash_iterations});
  auto hash = hasher.Hash(password);
  if (!hash.ok()) return Fail(hash.status());
  SystemClock clock;
  storage::UserRecord user;
  user.id = NewUuidV7(clock.Now());
  user.username = args.username;
  user.email = *email;
  user.password_hash = *hash;
  user.role = args.role;
  user.created_at = user.updated_at = clock.NowMillis();
  if (Status s = (*db)->Execute(storage::UserStore::Insert(user)).status(); !s.ok()) {
    if (s.code() == StatusCode::kAlreadyExists) {
      return Fail(AlreadyExistsError("username or email already exists"));
    }
    return Fail(s);
  }
  std::cout << "created user " << user.id << " (" << user.username << ")\n";
  return 0;
}

int UserList(const config::Options& options) {
  auto db = OpenMigrated(options);
  if (!db.ok()) return Fail(db.status());
  storage::UserStore users(**db);
  auto list = users.List(100000);
  if (!list.ok()) return Fail(list.status());
  std::cout << "id\tusername\temail\trole\tverified\tactive\tcreated_at\n";
  for (const auto& u : *list) {
    std::cout << u.id << "\t" << u.username << "\t" << u.email << "\t" << u.role << "\t"
              << (u.email_verified ? "yes" : "no") << "\t" << (u.active ? "yes" : "no") << "\t"
              << FormatRfc3339(FromUnixMillis(u.created_at)) << "\n";
  }
  return 0;
}

int UserSetActive(const config::Options& options, const std::string& who, bool active) {
  auto db = OpenMigrated(options);
  if (!db.ok()) return Fail(db.status());
  storage::UserStore users(**db);
  auto user = users.SetActive(who, active, SystemClock().NowMillis());
  if (!user.ok()) return Fail(user.status());
  std::cout << (active ? "enabled" : "disabled") << " user " << user->id << " (" << user->username
            << ")" << (active ? "" : "; all sessions revoked") << "\n";
  return 0;
}

}  // namespace howler::app
