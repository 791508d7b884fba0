#include "api/testing/service_harness.h"

#include <gtest/gtest.h>

#include <future>
#include <stdexcept>
#include <thread>

#include "auth/access_token.h"
#include "auth/password_hasher.h"
#include "auth/refresh_token.h"
#include "auth/session_cache.h"
#include "common/temp_dir.h"
#include "storage/auth_store.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "storage/sqlite/sqlite_database.h"
#include "storage/sync_store.h"

namespace howler::api::testing {
namespace {

template <typename T>
T ValueOrThrow(Result<T> result, std::string_view what) {
  if (!result.ok()) {
    throw std::runtime_error(std::string(what) + ": " + result.status().ToString());
  }
  return std::move(result).value();
}

std::unique_ptr<storage::Database> OpenMigratedDatabase(const TempDir& dir, const Clock& clock) {
  storage::SqliteOptions options;
  options.path = (dir.path() / "harness.db").string();
  options.readers = 2;
  auto db = ValueOrThrow(storage::OpenSqliteDatabase(options), "open the harness database");
  const Status migrated =
      storage::ApplyMigrations(*db, storage::EmbeddedMigrations(), clock.NowMillis());
  if (!migrated.ok()) throw std::runtime_error("migrations: " + migrated.ToString());
  return db;
}

}  // namespace

// Members in construction order; destroyed in reverse (services before their stores, the
// database before its directory).
struct ServiceHarness::Parts {
  explicit Parts(HarnessOptions o)
      : options(std::move(o)),
        dir(ValueOrThrow(TempDir::Create("howler-harness-"), "temporary directory")),
        db(OpenMigratedDatabase(dir, clock)),
        hasher(auth::PasswordParams{64, 1}),
        access_tokens(std::string(kJwtSecret), std::chrono::minutes(15), clock),
        refresh_tokens(std::string(32, 'k')),
        session_cache(std::chrono::seconds(10), 1000, clock),
        auth_limiter(options.auth_per_minute, 1000, clock),
        sync_limiter(options.sync_per_minute, 1000, clock),
        auth_store(*db),
        auth(options.auth, auth::AuthDeps{auth_store, hasher, access_tokens, refresh_tokens,
                                          session_cache, mailer, clock}),
        sync_store(*db),
        sync(sync_store, clock, options.sync, nullptr),
        desktop(sync, sync_store, clock),
        gate(GateDeps{AuthenticatorOf(auth), &auth_limiter, &sync_limiter,
                      LicenseKeyAuthenticatorOf(auth)}),
        workers("harness-worker", options.worker_threads, options.worker_queue),
        hash_pool("harness-hash", options.hash_threads, options.hash_queue) {}

  HarnessOptions options;
  ManualClock clock;
  TempDir dir;
  std::unique_ptr<storage::Database> db;
  email::RecordingMailer mailer;
  auth::PasswordHasher hasher;
  auth::AccessTokenService access_tokens;
  auth::RefreshTokenCodec refresh_tokens;
  auth::SessionCache session_cache;
  auth::RateLimiter auth_limiter;
  auth::RateLimiter sync_limiter;
  storage::AuthStore auth_store;
  auth::AuthService auth;
  storage::SyncStore sync_store;
  sync::SyncService sync;
  sync::DesktopSync desktop;
  Gate gate;
  WorkerPool workers;
  WorkerPool hash_pool;
};

ServiceHarness::ServiceHarness(HarnessOptions options)
    : parts_(std::make_unique<Parts>(std::move(options))) {}

ServiceHarness::~ServiceHarness() {
  parts_->hash_pool.Shutdown();
  parts_->workers.Shutdown();
}

ManualClock& ServiceHarness::clock() {
  return parts_->clock;
}
storage::Database& ServiceHarness::db() {
  return *parts_->db;
}
email::RecordingMailer& ServiceHarness::mailer() {
  return parts_->mailer;
}
auth::AuthService& ServiceHarness::auth() {
  return parts_->auth;
}
sync::SyncService& ServiceHarness::sync() {
  return parts_->sync;
}

sync::DesktopSync& ServiceHarness::desktop() {
  return parts_->desktop;
}
const Gate& ServiceHarness::gate() {
  return parts_->gate;
}
WorkerPool& ServiceHarness::workers() {
  return parts_->workers;
}
WorkerPool& ServiceHarness::hash_pool() {
  return parts_->hash_pool;
}
const HarnessOptions& ServiceHarness::options() const {
  return parts_->options;
}

Account ServiceHarness::SignUp(std::string_view username) {
  Account a;
  a.username = std::string(username);
  a.email = a.username + "@example.com";
  a.password = std::string(kPassword);
  auto pair = auth().Signup({a.username, a.email, a.password, "harness"}, {"127.0.0.1", "harness"});
  if (!pair.ok()) {
    ADD_FAILURE() << "signup of " << username << " failed: " << pair.status().ToString();
    return {};
  }
  a.user_id = pair->user.id;
  a.access_token = pair->access_token;
  a.refresh_token = pair->refresh_token;
  a.session_id = pair->session_id;
  a.license_key = pair->license_key;
  return a;
}

std::string ServiceHarness::EmailToken(email::EmailType type, std::string_view to) {
  auto message = mailer().Last(type, to);
  if (!message) {
    ADD_FAILURE() << "no " << email::EmailTypeName(type) << " email to " << to;
    return {};
  }
  return message->token;
}

struct PoolBlocker::State {
  explicit State(WorkerPool& p) : pool(p) {}
  WorkerPool& pool;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  bool done = false;
};

PoolBlocker::PoolBlocker(WorkerPool& pool) : state_(std::make_shared<State>(pool)) {
  auto wait = [f = state_->released] { f.wait(); };
  auto submit = [&](const char* what) {
    if (pool.TrySubmit(wait)) return;
    Release();
    throw std::runtime_error(std::string("PoolBlocker: the pool refused ") + what);
  };
  for (std::size_t i = 0; i < pool.threads(); ++i) {
    submit("a blocker");
    // Once no task is queued, a thread has taken this blocker and is held by it.
    while (pool.queued() != 0) std::this_thread::yield();
  }
  for (std::size_t i = 0; i < pool.max_queue(); ++i) submit("a queued task");
}

PoolBlocker::~PoolBlocker() {
  Release();
}

void PoolBlocker::Release() {
  if (state_->done) return;
  state_->done = true;
  state_->release.set_value();
  // The queued blockers finish at once; wait until they have left the queue.
  while (state_->pool.queued() != 0) std::this_thread::yield();
}

}  // namespace howler::api::testing
