// AuthService over each real backend (SQLite in memory, and a local tursodb for the remote
// backend; skipped when tursodb is not installed), with a manual clock: the session rules
// (rotation, grace, reuse), lockout, and what password changes end.
#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

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
        hasher_({64, 1}),
        tokens_(std::string(40, 's'), std::chrono::minutes(15), clock_),
        refresh_(std::string(32, 'k')),
        cache_(std::chrono::seconds(10), 1000, clock_),
        service_(Options(), {*db_, hasher_, tokens_, refresh_, cache_, mailer_, clock_}) {}

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

  bool missing_backend_ = false;
  ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
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

TEST_P(AuthServiceTest, LogoutAllEndsEverySession) {
  TokenPair a = SignUp();
  auto b = service_.Login({"alice", "correct horse", "phone"}, client_);
  auto who = service_.Authenticate(b->access_token);
  ASSERT_TRUE(who.ok());
  ASSERT_TRUE(service_.Logout(*who, true, client_).ok());
  EXPECT_FALSE(service_.Authenticate(a.access_token).ok());
  EXPECT_FALSE(service_.Authenticate(b->access_token).ok());
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
        hasher_({64, 1}),
        tokens_(std::string(40, 's'), std::chrono::minutes(15), clock_),
        refresh_(std::string(32, 'k')),
        cache_(std::chrono::seconds(10), 1000, clock_),
        service_(AuthOptions(), {faults_, hasher_, tokens_, refresh_, cache_, mailer_, clock_}) {}

  static std::unique_ptr<storage::Database> AuthServiceTest_OpenDb() {
    auto db = storage::OpenSqliteDatabase({":memory:"});
    EXPECT_TRUE(db.ok());
    EXPECT_TRUE(storage::ApplyMigrations(**db, storage::EmbeddedMigrations(), 0).ok());
    return std::move(db).value();
  }

  ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
  storage::FaultInjectingDatabase faults_;
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

INSTANTIATE_TEST_SUITE_P(Backends, AuthServiceTest, ::testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace howler::auth
