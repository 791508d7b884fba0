#include "app/user_commands.h"

#include <iostream>
#include <memory>

#include "app/auth_config.h"
#include "app/database_factory.h"
#include "auth/access_token.h"
#include "auth/auth_service.h"
#include "auth/password_hasher.h"
#include "auth/refresh_token.h"
#include "auth/session_cache.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/time_format.h"
#include "email/mailer.h"
#include "storage/auth_store.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"

namespace howler::app {
namespace {

// Who the audit trail names as the source of an operator's change.
const auth::ClientInfo kOperator{"", "cli"};

// The operator commands send no email (an account an operator creates gets none): a
// message reaching this mailer is a bug, so it is logged and refused, never sent.
class NoEmailMailer final : public email::Mailer {
 public:
  bool Send(email::EmailMessage message) override {
    log::Warn("operator command tried to send an email; not sent",
              {{"type", email::EmailTypeName(message.type)}});
    return false;
  }
};

// AuthService over the configured database (migrations applied first), as the server
// builds it, for one command on this thread.
class OperatorAuth {
 public:
  static Result<std::unique_ptr<OperatorAuth>> Open(const config::Options& options) {
    HOWLER_ASSIGN_OR_RETURN(auto db, OpenDatabase(options));
    HOWLER_RETURN_IF_ERROR(
        storage::ApplyMigrations(*db, storage::EmbeddedMigrations(), SystemClock().NowMillis()));
    return std::unique_ptr<OperatorAuth>(new OperatorAuth(options, std::move(db)));
  }

  auth::AuthService& service() { return service_; }

 private:
  OperatorAuth(const config::Options& o, std::unique_ptr<storage::Database> db)
      : db_(std::move(db)),
        store_(*db_),
        hasher_({o.password_hash_memory_kib, o.password_hash_iterations}),
        access_tokens_(o.jwt_secret, o.jwt_expiration, clock_),
        refresh_tokens_(RefreshTokenKey(o)),
        session_cache_(o.session_cache_ttl, 16, clock_),
        service_(AuthOptionsFrom(o), {store_, hasher_, access_tokens_, refresh_tokens_,
                                      session_cache_, mailer_, clock_}) {}

  SystemClock clock_;
  std::unique_ptr<storage::Database> db_;
  storage::AuthStore store_;
  auth::PasswordHasher hasher_;
  auth::AccessTokenService access_tokens_;
  auth::RefreshTokenCodec refresh_tokens_;
  auth::SessionCache session_cache_;
  NoEmailMailer mailer_;
  auth::AuthService service_;
};

// The operator's message: the Status message, and its log detail when there is one.
int Fail(const Status& s) {
  std::cerr << "howlerops-server: " << s.message();
  if (!s.detail().empty()) std::cerr << " (" << s.detail() << ")";
  std::cerr << "\n";
  return 1;
}

}  // namespace

int UserCreate(const config::Options& options, const UserCreateArgs& args,
               std::istream& password_in) {
  std::string password;
  std::getline(password_in, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto auth = OperatorAuth::Open(options);
  if (!auth.ok()) return Fail(auth.status());
  auto user =
      (*auth)->service().CreateUser({args.username, args.email, password, args.role}, kOperator);
  if (!user.ok()) return Fail(user.status());
  std::cout << "created user " << user->id << " (" << user->username << ")\n";
  return 0;
}

int UserList(const config::Options& options) {
  auto auth = OperatorAuth::Open(options);
  if (!auth.ok()) return Fail(auth.status());
  auto list = (*auth)->service().ListUsers(100000);
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
  auto auth = OperatorAuth::Open(options);
  if (!auth.ok()) return Fail(auth.status());
  auto user = (*auth)->service().SetUserActive(who, active, kOperator);
  if (!user.ok()) return Fail(user.status());
  std::cout << (active ? "enabled" : "disabled") << " user " << user->id << " (" << user->username
            << ")" << (active ? "" : "; all sessions revoked") << "\n";
  return 0;
}

}  // namespace howler::app
