// AuthService over each real backend (SQLite in memory, and a local tursodb for the remote
// backend; skipped when tursodb is not installed), with a manual clock: the session rules
// (rotation, grace, reuse), lockout, and what password changes end.
#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "auth/license_key.h"
#include "common/crypto.h"
#include "email/mailer.h"
#include "storage/fault_injecting_database.h"
#include "storage/libsql/tursodb_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "storage/sqlite/sqlite_database.h"

namespace howler::auth {
namespace {

class FakeMailer : public email::Mailer {
 public:
  bool Send(email::EmailMessage m) override {
    std::lock_guard lock(mu_);
    sent_.push_back(std::move(m));
    return true;
  }
  std::vector<email::EmailMessage> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::vector<email::EmailMessage> sent_;
};

class AuthServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  AuthServiceTest()
      : db_(OpenDb(GetParam())),
        store_(*db_),
        hasher_({64, 1}),
        tokens_(std::string(40, 's'), std::chrono::minutes(15), clock_),
        refresh_(std::string(32, 'k')),
        cache_(std::chrono::seconds(10), 1000, clock_),
        service_(Options(), {store_, hasher_, tokens_, refresh_, cache_, mailer_, clock_}) {}

  void SetUp() override {
    if (missing_backend_) FAIL() << "tursodb is not installed (run scripts/setup.sh)";
    ASSERT_TRUE(storage::ApplyMigrations(*db_, storage::EmbeddedMigrations(), 0).ok());
  }

  std::unique_ptr<storage::Database> OpenDb(const std::string& backend) {
    auto db = storage::OpenTestDatabase(backend);
    if (db.ok()) return std::move(db).value();
    missing_backend_ = db.status().code() == StatusCode::kNotFound;
    EXPECT_TRUE(missing_backend_) << db.status().ToString();
    return std::move(storage::OpenTestDatabase("sqlite")).value();
  }
  static AuthOptions Options() {
    AuthOptions o;
    o.max_login_attempts = 3;
    o.lockout_duration = std::chrono::minutes(15);
    return o;
  }

  TokenPair SignUp(const std::string& name = "alice") {
    auto pair = service_.Signup({name, name + "@example.com", "correct horse", "laptop"}, client_);
    EXPECT_TRUE(pair.ok()) << pair.status().ToString();
    return *pair;
  }

  // Audit events named `event` (of `user_id` when given).
  std::int64_t Events(const std::string& event, const std::string& user_id = "") {
    auto rows =
        db_->Query({"SELECT COUNT(*) FROM auth_events WHERE event = ? AND (? = '' OR user_id = ?)",
                    {event, user_id, user_id}});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? storage::AsInt(rows->rows.at(0).at(0)) : -1;
  }

  bool missing_backend_ = false;
  ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
  storage::AuthStore store_;
  PasswordHasher hasher_;
  AccessTokenService tokens_;
  RefreshTokenCodec refresh_;
  SessionCache cache_;
  FakeMailer mailer_;
  AuthService service_;
  ClientInfo client_{"127.0.0.1", "test"};
};

TEST_P(AuthServiceTest, SignupSendsVerificationAndWelcome) {
  TokenPair pair = SignUp();
  EXPECT_EQ(pair.user.username, "alice");
  EXPECT_TRUE(pair.user.password_hash.empty());
  auto sent = mailer_.sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].type, email::EmailType::kVerification);
  EXPECT_FALSE(sent[0].token.empty());
  EXPECT_EQ(sent[1].type, email::EmailType::kWelcome);
  EXPECT_TRUE(service_.VerifyEmail(sent[0].token, client_).ok());
  EXPECT_EQ(service_.VerifyEmail(sent[0].token, client_).code(), StatusCode::kInvalidArgument);
}

TEST_P(AuthServiceTest, RefreshRotatesAndTheOldTokenGetsTheCurrentPairWithinGrace) {
  TokenPair first = SignUp();
  auto second = service_.Refresh(first.refresh_token, client_);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->refresh_token, first.refresh_token);
  clock_.Advance(std::chrono::seconds(30));
  auto replay = service_.Refresh(first.refresh_token, client_);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->refresh_token, second->refresh_token);
  auto third = service_.Refresh(second->refresh_token, client_);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(third->refresh_token, second->refresh_token);
}

TEST_P(AuthServiceTest, ReplayAfterTheGraceRevokesTheSession) {
  TokenPair first = SignUp();
  auto second = service_.Refresh(first.refresh_token, client_);
  ASSERT_TRUE(second.ok());
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(service_.Refresh(first.refresh_token, client_).status().code(),
            StatusCode::kUnauthenticated);
  // The whole session is gone: the newest token and the access token too.
  EXPECT_FALSE(service_.Refresh(second->refresh_token, client_).ok());
  EXPECT_FALSE(service_.Authenticate(second->access_token).ok());
}

TEST_P(AuthServiceTest, ATokenTwoGenerationsOldRevokesEvenWithinGrace) {
  TokenPair first = SignUp();
  auto second = service_.Refresh(first.refresh_token, client_);
  auto third = service_.Refresh(second->refresh_token, client_);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(service_.Refresh(first.refresh_token, client_).ok());
  EXPECT_FALSE(service_.Refresh(third->refresh_token, client_).ok());
}

TEST_P(AuthServiceTest, ConcurrentRefreshesWithOneTokenAgreeOnTheNewToken) {
  TokenPair first = SignUp();
  std::vector<std::string> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      auto r = service_.Refresh(first.refresh_token, client_);
      got[i] = r.ok() ? r->refresh_token : "error: " + r.status().ToString();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, got[0]);
  EXPECT_EQ(got[0].rfind("rt1.", 0), 0u) << got[0];
}

TEST_P(AuthServiceTest, TamperedAndForeignRefreshTokensFail) {
  TokenPair first = SignUp();
  std::string tampered = first.refresh_token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(service_.Refresh(tampered, client_).ok());
  RefreshTokenCodec other(std::string(32, 'x'));
  auto parsed = refresh_.Parse(first.refresh_token);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(service_.Refresh(other.Make(parsed->session_id, 0, "salt"), client_).ok());
  EXPECT_TRUE(service_.Refresh(first.refresh_token, client_).ok()) << "the session survives";
}

TEST_P(AuthServiceTest, LockoutAfterMaxFailuresThenExpires) {
  SignUp();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(service_.Login({"alice", "wrong password", ""}, client_).status().code(),
              StatusCode::kUnauthenticated);
  }
  Status locked = service_.Login({"alice", "correct horse", ""}, client_).status();
  EXPECT_EQ(locked.reason(), ApiReason::kAccountLocked);
  ASSERT_TRUE(locked.retry_after_seconds().has_value());
  EXPECT_GT(*locked.retry_after_seconds(), 0);
  EXPECT_LE(*locked.retry_after_seconds(), 15 * 60);
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(service_.Login({"ALICE@example.com", "correct horse", ""}, client_).ok());
}

TEST_P(AuthServiceTest, UnknownUsersFailLikeWrongPasswords) {
  SignUp();
  Status unknown = service_.Login({"nobody", "whatever1", ""}, client_).status();
  Status wrong = service_.Login({"alice", "whatever1", ""}, client_).status();
  EXPECT_EQ(unknown, wrong);
}

TEST_P(AuthServiceTest, ChangePasswordEndsOtherSessionsButNotThisOne) {
  TokenPair a = SignUp();
  auto b = service_.Login({"alice", "correct horse", "phone"}, client_);
  ASSERT_TRUE(b.ok());
  auto who = service_.Authenticate(a.access_token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(service_.ChangePassword(*who, "bad guess", "new password 1", client_).code(),
            StatusCode::kUnauthenticated);
  ASSERT_TRUE(service_.ChangePassword(*who, "correct horse", "new password 1", client_).ok());
  EXPECT_TRUE(service_.Authenticate(a.access_token).ok());
  EXPECT_FALSE(service_.Authenticate(b->access_token).ok());
  EXPECT_FALSE(service_.Refresh(b->refresh_token, client_).ok());
  EXPECT_TRUE(service_.Login({"alice", "new password 1", ""}, client_).ok());
}

TEST_P(AuthServiceTest, ResetEndsEverySessionAndIsSingleUse) {
  TokenPair a = SignUp();
  ASSERT_TRUE(service_.RequestPasswordReset("ALICE@example.com", client_).ok());
  ASSERT_TRUE(service_.RequestPasswordReset("ghost@example.com", client_).ok());
  auto sent = mailer_.sent();
  ASSERT_EQ(sent.back().type, email::EmailType::kPasswordReset);
  const std::string token = sent.back().token;
  EXPECT_EQ(service_.ResetPassword(token, "short", client_).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(service_.ResetPassword(token, "brand new pass", client_).ok());
  EXPECT_FALSE(service_.Authenticate(a.access_token).ok());
  EXPECT_FALSE(service_.ResetPassword(token, "another pass 2", client_).ok());
  EXPECT_FALSE(service_.Login({"alice", "correct horse", ""}, client_).ok());
  EXPECT_TRUE(service_.Login({"alice", "brand new pass", ""}, client_).ok());
}

TEST_P(AuthServiceTest, ResetTokensExpireAfterAnHour) {
  SignUp();
  ASSERT_TRUE(service_.RequestPasswordReset("alice@example.com", client_).ok());
  clock_.Advance(std::chrono::minutes(61));
  EXPECT_FALSE(service_.ResetPassword(mailer_.sent().back().token, "brand new pass", client_).ok());
}

TEST_P(AuthServiceTest, ResetEmailsAreThrottledPerAccount) {
  const TokenPair a = SignUp();
  auto resets = [&] {
    int n = 0;
    for (const auto& m : mailer_.sent()) n += m.type == email::EmailType::kPasswordReset;
    return n;
  };
  auto tokens = [&] {
    auto rows =
        db_->Query({"SELECT count(*) FROM password_reset_tokens WHERE user_id = ?", {a.user.id}});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? storage::AsInt(rows->rows.at(0).at(0)) : -1;
  };
  const auto interval = Options().resend_interval;
  ASSERT_TRUE(service_.RequestPasswordReset("alice@example.com", client_).ok());
  clock_.Advance(interval / 2);
  ASSERT_TRUE(service_.RequestPasswordReset("ALICE@example.com", client_).ok());
  clock_.Advance(interval / 2 - std::chrono::milliseconds(1));
  ASSERT_TRUE(service_.RequestPasswordReset("alice@example.com", client_).ok());
  EXPECT_EQ(resets(), 1);
  EXPECT_EQ(tokens(), 1);

  clock_.Advance(std::chrono::milliseconds(1));  // the interval since the first has passed
  ASSERT_TRUE(service_.RequestPasswordReset("alice@example.com", client_).ok());
  EXPECT_EQ(resets(), 2);
  EXPECT_EQ(tokens(), 2);
  EXPECT_TRUE(service_.ResetPassword(mailer_.sent().back().token, "brand new pass", client_).ok());
}

TEST_P(AuthServiceTest, CleanupDeletesAuditEventsPastTheRetention) {
  using Events = std::vector<std::pair<std::string, std::int64_t>>;  // event, created_at
  auto events = [&] {
    Events out;
    auto rows = db_->Query({"SELECT event, created_at FROM auth_events ORDER BY created_at", {}});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok()) return out;
    for (const auto& row : rows->rows)
      out.emplace_back(storage::AsText(row[0]), storage::AsInt(row[1]));
    return out;
  };
  const auto retention = Options().event_retention;
  const std::int64_t old_at = clock_.NowMillis();
  SignUp();
  clock_.Advance(retention / 2);
  const std::int64_t new_at = clock_.NowMillis();
  ASSERT_TRUE(service_.Login({"alice", "correct horse", ""}, client_).ok());
  clock_.Advance(retention / 2 + std::chrono::hours(1));  // the signup is now past the retention
  ASSERT_EQ(events(), (Events{{"signup", old_at}, {"login", new_at}}));

  ASSERT_TRUE(service_.Cleanup().ok());
  EXPECT_EQ(events(), (Events{{"login", new_at}}));
}

TEST_P(AuthServiceTest, DuplicateUsernameInAnotherCaseConflicts) {
  SignUp("alice");
  Status s = service_.Signup({"ALICE", "other@example.com", "correct horse", ""}, client_).status();
  EXPECT_EQ(s.reason(), ApiReason::kConflict);
  s = service_.Signup({"bob", "Alice@Example.com", "correct horse", ""}, client_).status();
  EXPECT_EQ(s.reason(), ApiReason::kConflict);
}

TEST_P(AuthServiceTest, VerifyEmailAndResetPasswordRecordOneEventEach) {
  const TokenPair a = SignUp();
  const std::string verification = mailer_.sent().at(0).token;
  ASSERT_TRUE(service_.VerifyEmail(verification, client_).ok());
  EXPECT_FALSE(service_.VerifyEmail(verification, client_).ok());
  EXPECT_EQ(Events("email_verified", a.user.id), 1);
  ASSERT_TRUE(service_.RequestPasswordReset("alice@example.com", client_).ok());
  const std::string reset = mailer_.sent().back().token;
  ASSERT_TRUE(service_.ResetPassword(reset, "brand new pass", client_).ok());
  EXPECT_FALSE(service_.ResetPassword(reset, "another pass 2", client_).ok());
  EXPECT_EQ(Events("password_reset", a.user.id), 1);
}

TEST_P(AuthServiceTest, OperatorCreatesAnUnverifiedAccountWithAnAuditEvent) {
  const ClientInfo cli{"", "cli"};
  auto created =
      service_.CreateUser({"Ops.User", "Ops@Example.com", "operator password", "admin"}, cli);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->username, "Ops.User");
  EXPECT_EQ(created->email, "ops@example.com");
  EXPECT_EQ(created->role, "admin");
  EXPECT_FALSE(created->email_verified);
  EXPECT_TRUE(created->password_hash.empty());
  EXPECT_TRUE(mailer_.sent().empty()) << "an operator's account gets no email";
  auto rows =
      db_->Query({"SELECT user_agent, session_id FROM auth_events WHERE event = 'user_created' AND "
                  "user_id = ?",
                  {created->id}});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(storage::AsText(rows->rows[0][0]), "cli");
  EXPECT_TRUE(storage::IsNull(rows->rows[0][1]));
  auto login = service_.Login({"ops@example.com", "operator password", ""}, client_);
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->user.role, "admin");

  Status taken =
      service_.CreateUser({"OPS.USER", "x@example.com", "operator password"}, cli).status();
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(taken.reason(), ApiReason::kConflict);
  EXPECT_EQ(taken.message(), "username or email already exists");
  EXPECT_EQ(service_.CreateUser({"root", "r@example.com", "operator password", "owner"}, cli)
                .status()
                .message(),
            "role must be user or admin");
  Status weak = service_.CreateUser({"weakling", "w@example.com", "short"}, cli).status();
  EXPECT_EQ(weak.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(weak.message().find("password"), std::string::npos);
  EXPECT_EQ(Events("user_created"), 1) << "no event for a refused account";
}

TEST_P(AuthServiceTest, DisablingAnAccountEndsItsSessionsAtOnce) {
  const TokenPair a = SignUp();
  const TokenPair bystander = SignUp("bob");
  const ClientInfo cli{"", "cli"};
  auto disabled = service_.SetUserActive("ALICE@example.com", false, cli);
  ASSERT_TRUE(disabled.ok()) << disabled.status().ToString();
  EXPECT_EQ(disabled->id, a.user.id);
  EXPECT_FALSE(disabled->active);
  EXPECT_FALSE(service_.Authenticate(a.access_token).ok());
  EXPECT_FALSE(service_.Refresh(a.refresh_token, client_).ok());
  EXPECT_EQ(service_.Login({"alice", "correct horse", ""}, client_).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_TRUE(service_.Authenticate(bystander.access_token).ok());
  EXPECT_EQ(Events("user_disabled", a.user.id), 1);

  ASSERT_TRUE(service_.SetUserActive(a.user.id, true, cli).ok());
  EXPECT_EQ(Events("user_enabled", a.user.id), 1);
  EXPECT_TRUE(service_.Login({"alice", "correct horse", ""}, client_).ok());
  EXPECT_EQ(service_.SetUserActive("nobody", false, cli).status().code(), StatusCode::kNotFound);
  auto listed = service_.ListUsers(10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  for (const auto& u : *listed) EXPECT_TRUE(u.password_hash.empty());
}

TEST_P(AuthServiceTest, LogoutAllEndsEverySession) {
  TokenPair a = SignUp();
  auto b = service_.Login({"alice", "correct horse", "phone"}, client_);
  auto who = service_.Authenticate(b->access_token);
  ASSERT_TRUE(who.ok());
  ASSERT_TRUE(service_.Logout(*who, true, client_).ok());
  EXPECT_FALSE(service_.Authenticate(a.access_token).ok());
  EXPECT_FALSE(service_.Authenticate(b->access_token).ok());
}

TEST_P(AuthServiceTest, SignupAndLoginIssueOneLicenseKeyPerSessionAndRefreshNone) {
  const TokenPair a = SignUp();
  ASSERT_TRUE(HasValidLicenseChecksum(a.license_key)) << a.license_key;
  auto who = service_.AuthenticateLicenseKey(a.license_key);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->user_id, a.user.id);
  EXPECT_EQ(who->username, "alice");
  EXPECT_EQ(who->role, "user");
  EXPECT_EQ(who->session_id, a.session_id);
  EXPECT_TRUE(who->via_license_key);
  EXPECT_FALSE(service_.Authenticate(a.access_token)->via_license_key);

  auto b = service_.Login({"alice", "correct horse", "phone"}, client_);
  ASSERT_TRUE(b.ok());
  EXPECT_NE(b->license_key, a.license_key);
  EXPECT_EQ(service_.AuthenticateLicenseKey(b->license_key)->session_id, b->session_id);
  auto refreshed = service_.Refresh(a.refresh_token, client_);
  ASSERT_TRUE(refreshed.ok());
  EXPECT_TRUE(refreshed->license_key.empty()) << "a refresh starts no session";
  EXPECT_TRUE(service_.AuthenticateLicenseKey(a.license_key).ok()) << "nor ends one";

  // Stored as its hash only; nothing else holds the key.
  auto stored = db_->Query({"SELECT license_key_hash FROM sessions WHERE id = ?", {a.session_id}});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(storage::AsText(stored->rows.at(0).at(0)), LicenseKeyHash(a.license_key));
  auto leaked = db_->Query(
      {"SELECT (SELECT COUNT(*) FROM sessions WHERE id || refresh_salt || device_name || "
       "user_agent || license_key_hash LIKE ?) + (SELECT COUNT(*) FROM auth_events WHERE "
       "id || event || user_id || session_id || ip_address || user_agent LIKE ?)",
       {"%" + a.license_key + "%", "%" + a.license_key + "%"}});
  ASSERT_TRUE(leaked.ok()) << leaked.status().ToString();
  EXPECT_EQ(storage::AsInt(leaked->rows.at(0).at(0)), 0);
}

TEST_P(AuthServiceTest, MalformedUnknownAndMisusedKeysAreRefused) {
  const TokenPair a = SignUp();
  std::string typo = a.license_key;
  typo[20] = typo[20] == '0' ? '1' : '0';
  for (const std::string& bad :
       {NewLicenseKey(), typo, std::string(), a.access_token, a.refresh_token, a.license_key + "0",
        LicenseKeyHash(a.license_key)}) {
    EXPECT_EQ(service_.AuthenticateLicenseKey(bad).status().code(), StatusCode::kUnauthenticated)
        << bad;
  }
  EXPECT_EQ(service_.Authenticate(a.license_key).status().code(), StatusCode::kUnauthenticated)
      << "a key is no access token";
}

TEST_P(AuthServiceTest, ALicenseKeyEndsWithItsSessionAtOnce) {
  const TokenPair a = SignUp();
  auto b = service_.Login({"alice", "correct horse", "phone"}, client_);
  auto c = service_.Login({"alice", "correct horse", "tablet"}, client_);
  ASSERT_TRUE(b.ok() && c.ok());
  for (const std::string& key : {a.license_key, b->license_key, c->license_key}) {
    ASSERT_TRUE(service_.AuthenticateLicenseKey(key).ok());  // cached now
  }
  ASSERT_TRUE(service_.Logout(*service_.Authenticate(a.access_token), false, client_).ok());
  EXPECT_EQ(service_.AuthenticateLicenseKey(a.license_key).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_TRUE(service_.AuthenticateLicenseKey(b->license_key).ok());
  ASSERT_TRUE(
      service_.RevokeSession(*service_.Authenticate(c->access_token), b->session_id, client_).ok());
  EXPECT_FALSE(service_.AuthenticateLicenseKey(b->license_key).ok());
  EXPECT_TRUE(service_.AuthenticateLicenseKey(c->license_key).ok());
  // Still refused once every cache has forgotten the session: the store says so too.
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_FALSE(service_.AuthenticateLicenseKey(a.license_key).ok());
  EXPECT_FALSE(service_.AuthenticateLicenseKey(b->license_key).ok());
  EXPECT_TRUE(service_.AuthenticateLicenseKey(c->license_key).ok());
}

TEST_P(AuthServiceTest, PasswordChangeEndsTheOtherSessionsKeys) {
  const TokenPair a = SignUp();
  auto b = service_.Login({"alice", "correct horse", "phone"}, client_);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(service_.AuthenticateLicenseKey(b->license_key).ok());
  auto who = service_.Authenticate(a.access_token);
  ASSERT_TRUE(who.ok());
  ASSERT_TRUE(service_.ChangePassword(*who, "correct horse", "new password 1", client_).ok());
  EXPECT_TRUE(service_.AuthenticateLicenseKey(a.license_key).ok());
  EXPECT_FALSE(service_.AuthenticateLicenseKey(b->license_key).ok());
}

TEST_P(AuthServiceTest, ResetAndDisablingEndEveryKeyOfTheUser) {
  const TokenPair a = SignUp();
  const TokenPair bob = SignUp("bob");
  ASSERT_TRUE(service_.AuthenticateLicenseKey(a.license_key).ok());
  ASSERT_TRUE(service_.RequestPasswordReset("alice@example.com", client_).ok());
  ASSERT_TRUE(service_.ResetPassword(mailer_.sent().back().token, "brand new pass", client_).ok());
  EXPECT_FALSE(service_.AuthenticateLicenseKey(a.license_key).ok());

  auto again = service_.Login({"alice", "brand new pass", ""}, client_);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(service_.AuthenticateLicenseKey(again->license_key).ok());
  ASSERT_TRUE(service_.SetUserActive("alice", false, {"", "cli"}).ok());
  EXPECT_FALSE(service_.AuthenticateLicenseKey(again->license_key).ok());
  ASSERT_TRUE(service_.SetUserActive("alice", true, {"", "cli"}).ok());
  EXPECT_FALSE(service_.AuthenticateLicenseKey(again->license_key).ok())
      << "enabling the account does not bring its ended sessions back";
  EXPECT_TRUE(service_.AuthenticateLicenseKey(bob.license_key).ok());
}

// Another instance over the same store (its own caches) follows within SESSION_CACHE_TTL,
// as it does for access tokens.
TEST_P(AuthServiceTest, AnotherInstanceStopsAcceptingAnEndedKeyWithinTheCacheTtl) {
  SessionCache other_cache(std::chrono::seconds(10), 1000, clock_);
  AuthService other(Options(), {store_, hasher_, tokens_, refresh_, other_cache, mailer_, clock_});
  const TokenPair a = SignUp();
  ASSERT_TRUE(other.AuthenticateLicenseKey(a.license_key).ok());
  ASSERT_TRUE(service_.Logout(*service_.Authenticate(a.access_token), false, client_).ok());
  EXPECT_FALSE(service_.AuthenticateLicenseKey(a.license_key).ok());
  clock_.Advance(std::chrono::seconds(11));
  EXPECT_EQ(other.AuthenticateLicenseKey(a.license_key).status().code(),
            StatusCode::kUnauthenticated);
  // A key this instance never saw is read from the store: refused at once.
  const TokenPair bob = SignUp("bob");
  ASSERT_TRUE(service_.SetUserActive("bob", false, {"", "cli"}).ok());
  EXPECT_FALSE(other.AuthenticateLicenseKey(bob.license_key).ok());
}

}  // namespace
}  // namespace howler::auth

namespace howler::auth {
namespace {

// The same service over a database that fails on demand: failures surface as
// UNAVAILABLE and leave nothing half-written.
class AuthServiceFaultTest : public ::testing::Test {
 protected:
  AuthServiceFaultTest()
      : db_(AuthServiceTest_OpenDb()),
        faults_(*db_),
        store_(faults_),
        hasher_({64, 1}),
        tokens_(std::string(40, 's'), std::chrono::minutes(15), clock_),
        refresh_(std::string(32, 'k')),
        cache_(std::chrono::seconds(10), 1000, clock_),
        service_(AuthOptions(), {store_, hasher_, tokens_, refresh_, cache_, mailer_, clock_}) {}

  static std::unique_ptr<storage::Database> AuthServiceTest_OpenDb() {
    auto db = storage::OpenSqliteDatabase({":memory:"});
    EXPECT_TRUE(db.ok());
    EXPECT_TRUE(storage::ApplyMigrations(**db, storage::EmbeddedMigrations(), 0).ok());
    return std::move(db).value();
  }

  // The one number `sql` (no parameters) answers, read past the fault injection.
  std::int64_t CountOf(const std::string& sql) {
    auto rows = db_->Query({sql, {}});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? storage::AsInt(rows->rows.at(0).at(0)) : -1;
  }

  ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
  storage::FaultInjectingDatabase faults_;
  storage::AuthStore store_;
  PasswordHasher hasher_;
  AccessTokenService tokens_;
  RefreshTokenCodec refresh_;
  SessionCache cache_;
  FakeMailer mailer_;
  AuthService service_;
  ClientInfo client_{"127.0.0.1", "test"};
};

TEST_F(AuthServiceFaultTest, FailedSignupLeavesNoAccountAndSendsNoMail) {
  faults_.FailAllCalls(UnavailableError("database down"));
  auto failed = service_.Signup({"carol", "carol@example.com", "correct horse", ""}, client_);
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(mailer_.sent().empty());
  faults_.Heal();
  EXPECT_TRUE(service_.Signup({"carol", "carol@example.com", "correct horse", ""}, client_).ok())
      << "nothing of the failed attempt was left behind";
}

TEST_F(AuthServiceFaultTest, FailedRotationKeepsTheOldRefreshTokenValid) {
  auto pair = service_.Signup({"dave", "dave@example.com", "correct horse", ""}, client_);
  ASSERT_TRUE(pair.ok());
  faults_.FailNthCall(2, UnavailableError("database down"));  // the read passes, the rotation fails
  EXPECT_EQ(service_.Refresh(pair->refresh_token, client_).status().code(),
            StatusCode::kUnavailable);
  auto retried = service_.Refresh(pair->refresh_token, client_);
  EXPECT_TRUE(retried.ok()) << retried.status().ToString();
}

TEST_F(AuthServiceFaultTest, LoginWithTheDatabaseDownIsUnavailableNotUnauthorized) {
  ASSERT_TRUE(service_.Signup({"erin", "erin@example.com", "correct horse", ""}, client_).ok());
  faults_.FailAllCalls(UnavailableError("database down"));
  EXPECT_EQ(service_.Login({"erin", "correct horse", ""}, client_).status().code(),
            StatusCode::kUnavailable);
  faults_.Heal();
  EXPECT_TRUE(service_.Login({"erin", "correct horse", ""}, client_).ok());
}

// The event is part of the transition's one batch: one database call, and a failed call
// leaves neither the change nor the event.
TEST_F(AuthServiceFaultTest, VerifyEmailIsOneBatchWithItsEvent) {
  ASSERT_TRUE(service_.Signup({"fay", "fay@example.com", "correct horse", ""}, client_).ok());
  const std::string token = mailer_.sent().at(0).token;
  faults_.FailNthCall(1, UnavailableError("database down"));
  EXPECT_EQ(service_.VerifyEmail(token, client_).code(), StatusCode::kUnavailable);
  EXPECT_EQ(CountOf("SELECT COUNT(*) FROM auth_events WHERE event = 'email_verified'"), 0);
  EXPECT_EQ(CountOf("SELECT COUNT(*) FROM users WHERE email_verified = 1"), 0);
  const int before = faults_.calls();
  ASSERT_TRUE(service_.VerifyEmail(token, client_).ok());
  EXPECT_EQ(faults_.calls() - before, 1);
  EXPECT_EQ(CountOf("SELECT COUNT(*) FROM auth_events WHERE event = 'email_verified'"), 1);
}

TEST_F(AuthServiceFaultTest, ResetPasswordIsOneBatchWithItsEvent) {
  auto pair = service_.Signup({"gus", "gus@example.com", "correct horse", ""}, client_);
  ASSERT_TRUE(pair.ok());
  ASSERT_TRUE(service_.RequestPasswordReset("gus@example.com", client_).ok());
  const std::string token = mailer_.sent().back().token;
  faults_.FailNthCall(2, UnavailableError("database down"));  // the lookup passes
  EXPECT_EQ(service_.ResetPassword(token, "brand new pass", client_).code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(CountOf("SELECT COUNT(*) FROM auth_events WHERE event = 'password_reset'"), 0);
  EXPECT_TRUE(service_.Login({"gus", "correct horse", ""}, client_).ok()) << "nothing changed";
  const int before = faults_.calls();
  ASSERT_TRUE(service_.ResetPassword(token, "brand new pass", client_).ok());
  EXPECT_EQ(faults_.calls() - before, 2) << "the token lookup and one batch";
  EXPECT_EQ(CountOf("SELECT COUNT(*) FROM auth_events WHERE event = 'password_reset'"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthServiceTest, ::testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace howler::auth
