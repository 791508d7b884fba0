// ServiceHarness: for tests of the transports (HTTP handlers, gRPC services), everything
// an API operation needs, built the way the composition root builds it but small and
// deterministic: a real SQLite database file in a fresh temporary directory with the
// embedded migrations applied, a ManualClock, a fast PasswordHasher ({64 KiB, 1}), a
// RecordingMailer, real RateLimiters, a worker pool and a hash pool, one api::Gate, the
// AuthService and the SyncService with its SyncStore.
//
// This file and service_harness.cpp are the ONE place where tests of src/http and
// src/grpc construct AuthService and SyncService: when their construction changes, only
// service_harness.cpp changes.
//
// Password-reset requests run their background work inline (no background pool), so a
// test can read the reset email as soon as the call returns.
//
// Construction failures (temporary directory, database, migrations) throw
// std::runtime_error, which GoogleTest reports as a failure of the test.
// Thread-safety: the accessors may be called from any thread; the services are as
// thread-safe as in production. Not copyable or movable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "api/gate.h"
#include "auth/auth_service.h"
#include "auth/rate_limiter.h"
#include "common/clock.h"
#include "common/worker_pool.h"
#include "email/recording_mailer.h"
#include "storage/database.h"
#include "sync/desktop_sync.h"
#include "sync/sync_service.h"

namespace howler::api::testing {

struct HarnessOptions {
  std::uint32_t auth_per_minute = 1000;  // RATE_LIMIT_AUTH_PER_MIN (per IP)
  std::uint32_t sync_per_minute = 1000;  // RATE_LIMIT_SYNC_PER_MIN (per user)
  std::size_t worker_threads = 2;
  std::size_t worker_queue = 64;
  std::size_t hash_threads = 1;
  std::size_t hash_queue = 4;
  auth::AuthOptions auth;
  sync::SyncOptions sync;

  // Defaults, with the per-IP auth budget at `per_minute` (tests that spend it).
  static HarnessOptions WithAuthBudget(std::uint32_t per_minute) {
    HarnessOptions o;
    o.auth_per_minute = per_minute;
    return o;
  }
};

// A signed-up user and the token pair of its first session.
struct Account {
  std::string user_id;
  std::string username;
  std::string email;
  std::string password;
  std::string access_token;
  std::string refresh_token;
  std::string session_id;
  std::string license_key;  // the session's license key (auth/license_key.h)

  // "Bearer <access_token>", for an Authorization header or metadata.
  std::string Bearer() const { return "Bearer " + access_token; }
  // "Bearer <license_key>", as the desktop client's sync engine sends it.
  std::string LicenseBearer() const { return "Bearer " + license_key; }
};

// Occupies every thread of a pool and fills its queue until Release() or destruction, so
// that the next TrySubmit is refused ("queue full"). Release() returns once the queue is
// empty again. The pool must outlive the blocker.
class PoolBlocker {
 public:
  explicit PoolBlocker(WorkerPool& pool);
  ~PoolBlocker();
  PoolBlocker(const PoolBlocker&) = delete;
  PoolBlocker& operator=(const PoolBlocker&) = delete;

  void Release();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

class ServiceHarness {
 public:
  // The password of every account SignUp creates.
  static constexpr std::string_view kPassword = "correct horse battery";
  // The JWT secret the access tokens are signed with.
  static constexpr std::string_view kJwtSecret = "harness-jwt-secret-of-forty-characters!!";

  explicit ServiceHarness(HarnessOptions options = {});
  ~ServiceHarness();  // stops the pools before the services go away
  ServiceHarness(const ServiceHarness&) = delete;
  ServiceHarness& operator=(const ServiceHarness&) = delete;

  ManualClock& clock();
  storage::Database& db();
  email::RecordingMailer& mailer();
  auth::AuthService& auth();
  sync::SyncService& sync();
  sync::DesktopSync& desktop();
  const api::Gate& gate();
  WorkerPool& workers();
  WorkerPool& hash_pool();
  const HarnessOptions& options() const;

  // A new account `username` (email <username>@example.com, password kPassword) through
  // AuthService::Signup; a failure is a test failure (ADD_FAILURE) and an empty Account.
  Account SignUp(std::string_view username);
  // The token of the newest email of `type` sent to `to`; empty (and ADD_FAILURE) if none.
  std::string EmailToken(email::EmailType type, std::string_view to);

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace howler::api::testing
