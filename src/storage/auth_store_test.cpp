// AuthStore over each backend (SQLite in memory, and a local tursodb for the remote
// backend): every transition writes its change and its audit event together, or neither;
// token-guarded transitions change nothing unless they consumed the token.
#include "storage/auth_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/libsql/tursodb_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"

namespace howler::storage {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

UserRecord User(const std::string& name) {
  UserRecord u;
  u.id = "u-" + name;
  u.username = name;
  u.email = name + "@example.com";
  u.password_hash = "hash-0";
  u.created_at = u.updated_at = kNow;
  return u;
}

SessionRecord Session(const std::string& id, const std::string& user_id) {
  SessionRecord s;
  s.id = id;
  s.user_id = user_id;
  s.refresh_salt = "salt";
  s.created_at = s.last_seen_at = kNow;
  s.expires_at = kNow + 3'600'000;
  return s;
}

AuthEvent Event(const std::string& id, const std::string& name, const std::string& user_id) {
  return {id, name, user_id, "", "127.0.0.1", "test", kNow};
}

EmailTokenRecord Token(TokenKind kind, const std::string& hash, const std::string& user_id) {
  return {kind, hash, user_id, kNow, kNow + 3'600'000};
}

class AuthStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto db = OpenTestDatabase(GetParam());
    if (db.status().code() == StatusCode::kNotFound) {
      FAIL() << "tursodb is not installed (run scripts/setup.sh)";
    }
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(ApplyMigrations(*db_, EmbeddedMigrations(), 0).ok());
    store_ = std::make_unique<AuthStore>(*db_);
  }

  // The one number `sql` (with one text parameter) answers, or -1.
  std::int64_t Count(const std::string& sql, const std::string& param) {
    auto rows = db_->Query({sql, {param}});
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() && rows->rows.size() == 1 ? AsInt(rows->rows[0][0], -1) : -1;
  }
  std::int64_t Events(const std::string& event) {
    return Count("SELECT COUNT(*) FROM auth_events WHERE event = ?", event);
  }
  std::int64_t ActiveSessions(const std::string& user_id) {
    return Count("SELECT COUNT(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL", user_id);
  }

  // alice with two sessions (s1, s2), her signup event "e-signup".
  void AddAlice() {
    ASSERT_TRUE(store_
                    ->CreateAccount({User("alice"), Session("s1", "u-alice"),
                                     Token(TokenKind::kVerification, "verify-hash", "u-alice"),
                                     Event("e-signup", "signup", "u-alice")})
                    .ok());
    ASSERT_TRUE(store_
                    ->CreateAccount({User("bob"), std::nullopt, std::nullopt,
                                     Event("e-bob", "user_created", "u-bob")})
                    .ok());
    ASSERT_TRUE(store_
                    ->RecordLogin({Session("s2", "u-alice"),
                                   {"a1", "user:u-alice", "127.0.0.1", true, kNow},
                                   std::nullopt,
                                   std::nullopt,
                                   Event("e-login", "login", "u-alice")})
                    .ok());
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<AuthStore> store_;
};

TEST_P(AuthStoreTest, CreateAccountWritesEverythingOrNothing) {
  AddAlice();
  EXPECT_EQ(Events("signup"), 1);
  EXPECT_EQ(Events("user_created"), 1);
  EXPECT_EQ(ActiveSessions("u-alice"), 2);
  auto usable = store_->FindUsableToken(TokenKind::kVerification, "verify-hash", kNow);
  ASSERT_TRUE(usable.ok());
  EXPECT_EQ(*usable, std::optional<std::string>("u-alice"));

  UserRecord taken = User("ALICE");
  taken.id = "u-other";
  taken.email = "other@example.com";
  EXPECT_EQ(store_
                ->CreateAccount({taken, Session("s-other", "u-other"), std::nullopt,
                                 Event("e-other", "signup", "u-other")})
                .code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(Events("signup"), 1) << "no event for an account that was not made";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sessions WHERE id = ?", "s-other"), 0);
}

TEST_P(AuthStoreTest, FindsUsersByIdOrAnyCaseOfNameOrEmail) {
  AddAlice();
  for (const char* who : {"u-alice", "ALICE", "Alice@Example.com"}) {
    auto found = store_->FindUserByAnyName(who);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value()) << who;
    EXPECT_EQ((*found)->id, "u-alice");
  }
  auto missing = store_->FindUserByAnyName("nobody");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto listed = store_->ListUsers(10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
}

// The event's id is taken, so the event insert fails: the change of the same transition
// must not have happened.
TEST_P(AuthStoreTest, ATransitionWhoseEventFailsChangesNothing) {
  AddAlice();
  const AuthEvent taken = Event("e-login", "user_disabled", "u-alice");
  EXPECT_EQ(store_->SetUserActive("u-alice", false, kNow + 1, taken).code(),
            StatusCode::kAlreadyExists);
  auto alice = store_->FindUserById("u-alice");
  ASSERT_TRUE(alice.ok() && alice->has_value());
  EXPECT_TRUE((*alice)->active);
  EXPECT_EQ(ActiveSessions("u-alice"), 2);

  EXPECT_FALSE(store_->ChangePassword("u-alice", "hash-1", "s1", kNow + 1, taken).ok());
  EXPECT_FALSE(store_->RevokeAllSessions("u-alice", "", kNow + 1, "logout_all", taken).ok());
  EXPECT_EQ(ActiveSessions("u-alice"), 2);
  alice = store_->FindUserById("u-alice");
  EXPECT_EQ((*alice)->password_hash, "hash-0");

  auto verified = store_->VerifyEmail("verify-hash", kNow + 1, taken);
  EXPECT_EQ(verified.status().code(), StatusCode::kAlreadyExists);
  auto usable = store_->FindUsableToken(TokenKind::kVerification, "verify-hash", kNow + 1);
  EXPECT_EQ(*usable, std::optional<std::string>("u-alice")) << "the token was not used up";
}

TEST_P(AuthStoreTest, VerifyEmailWritesOneEventForTheTokensUser) {
  AddAlice();
  auto verified = store_->VerifyEmail("verify-hash", kNow + 5, Event("e-v1", "email_verified", ""));
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(*verified, std::optional<std::string>("u-alice"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM auth_events WHERE event = 'email_verified' AND "
                  "user_id = ?",
                  "u-alice"),
            1);
  EXPECT_TRUE((*store_->FindUserById("u-alice"))->email_verified);
  EXPECT_FALSE((*store_->FindUserById("u-bob"))->email_verified);

  auto again = store_->VerifyEmail("verify-hash", kNow + 6, Event("e-v2", "email_verified", ""));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  auto unknown = store_->VerifyEmail("nope", kNow + 6, Event("e-v3", "email_verified", ""));
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  EXPECT_EQ(Events("email_verified"), 1) << "no event without a consumed token";
}

TEST_P(AuthStoreTest, ResetPasswordAppliesWithItsEventOnlyWhenItConsumesTheToken) {
  AddAlice();
  const EmailTokenRecord first = Token(TokenKind::kPasswordReset, "reset-1", "u-alice");
  auto added = store_->AddResetTokenUnlessRecent(first, kNow - 1000,
                                                 Event("e-rq1", "reset_requested", "u-alice"));
  ASSERT_TRUE(added.ok());
  EXPECT_TRUE(*added);
  auto throttled =
      store_->AddResetTokenUnlessRecent(Token(TokenKind::kPasswordReset, "reset-2", "u-alice"),
                                        kNow - 1000, Event("e-rq2", "reset_requested", "u-alice"));
  ASSERT_TRUE(throttled.ok());
  EXPECT_FALSE(*throttled);
  EXPECT_EQ(Events("reset_requested"), 2) << "the request is recorded either way";
  ASSERT_TRUE(store_->AddEmailToken(Token(TokenKind::kPasswordReset, "reset-3", "u-alice")).ok());

  auto reset = store_->ResetPassword("reset-1", "u-alice", "hash-new", kNow + 10,
                                     Event("e-reset", "password_reset", "u-alice"));
  ASSERT_TRUE(reset.ok()) << reset.status().ToString();
  EXPECT_TRUE(*reset);
  EXPECT_EQ((*store_->FindUserById("u-alice"))->password_hash, "hash-new");
  EXPECT_EQ(ActiveSessions("u-alice"), 0);
  EXPECT_FALSE(
      store_->FindUsableToken(TokenKind::kPasswordReset, "reset-3", kNow + 10)->has_value())
      << "the user's other reset tokens are used up";
  EXPECT_EQ(Events("password_reset"), 1);

  auto replay = store_->ResetPassword("reset-1", "u-alice", "hash-other", kNow + 20,
                                      Event("e-reset2", "password_reset", "u-alice"));
  ASSERT_TRUE(replay.ok());
  EXPECT_FALSE(*replay);
  EXPECT_EQ((*store_->FindUserById("u-alice"))->password_hash, "hash-new");
  EXPECT_EQ(Events("password_reset"), 1);
}

TEST_P(AuthStoreTest, RotationAndRevocationTellWhetherTheyApplied) {
  AddAlice();
  const SessionRotation rotation{"s1", 0, kNow + 1, kNow + 7'200'000, "10.0.0.1", "agent"};
  auto rotated = store_->RotateRefresh(rotation, Event("e-r1", "refresh", "u-alice"));
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_EQ(*rotated, std::optional<std::int64_t>(1));
  auto stale = store_->RotateRefresh(rotation, Event("e-r2", "refresh", "u-alice"));
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(stale->has_value());
  auto found = store_->FindSessionWithUser("s1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->session.refresh_counter, 1);
  EXPECT_EQ((*found)->session.ip_address, "10.0.0.1");
  EXPECT_TRUE((*found)->user.password_hash.empty());

  auto revoked = store_->RevokeSession("s1", "u-alice", kNow + 2, "revoked",
                                       Event("e-x1", "session_revoked", "u-alice"));
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(*revoked);
  auto twice = store_->RevokeSession("s1", "u-alice", kNow + 3, "revoked",
                                     Event("e-x2", "session_revoked", "u-alice"));
  ASSERT_TRUE(twice.ok());
  EXPECT_FALSE(*twice);
  auto foreign = store_->RevokeSession("s2", "u-bob", kNow + 3, "revoked",
                                       Event("e-x3", "session_revoked", "u-bob"));
  ASSERT_TRUE(foreign.ok());
  EXPECT_FALSE(*foreign) << "another user's session is not revoked";
  EXPECT_EQ(ActiveSessions("u-alice"), 1);
  auto owner = store_->ActiveSessionOwner("s2", kNow + 3);
  ASSERT_TRUE(owner.ok());
  EXPECT_EQ(*owner, std::optional<std::string>("u-alice"));
}

TEST_P(AuthStoreTest, DisablingRevokesSessionsAndEnablingDoesNot) {
  AddAlice();
  ASSERT_TRUE(
      store_->SetUserActive("u-alice", false, kNow + 1, Event("e-d", "user_disabled", "u-alice"))
          .ok());
  EXPECT_FALSE((*store_->FindUserById("u-alice"))->active);
  EXPECT_EQ(ActiveSessions("u-alice"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sessions WHERE user_id = ? AND "
                  "revoked_reason = 'user_disabled'",
                  "u-alice"),
            2);
  ASSERT_TRUE(
      store_->SetUserActive("u-alice", true, kNow + 2, Event("e-en", "user_enabled", "u-alice"))
          .ok());
  EXPECT_TRUE((*store_->FindUserById("u-alice"))->active);
  EXPECT_EQ(Events("user_disabled"), 1);
  EXPECT_EQ(Events("user_enabled"), 1);
}

TEST_P(AuthStoreTest, LoginFailuresKeepTheLockoutStateWithTheirEvents) {
  AddAlice();
  const LockoutRecord locked{3, kNow, kNow + 900'000, 1};
  ASSERT_TRUE(store_
                  ->RecordLoginFailure({locked,
                                        {"a2", "user:u-alice", "127.0.0.1", false, kNow + 1},
                                        {Event("e-f", "login_failed", "u-alice"),
                                         Event("e-l", "locked", "u-alice")}})
                  .ok());
  auto state = store_->GetLockout("user:u-alice");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->failures, 3);
  EXPECT_EQ(state->locked_until, kNow + 900'000);
  EXPECT_EQ(Events("login_failed"), 1);
  EXPECT_EQ(Events("locked"), 1);

  ASSERT_TRUE(store_
                  ->RecordLogin({Session("s3", "u-alice"),
                                 {"a3", "user:u-alice", "127.0.0.1", true, kNow + 2},
                                 LockoutRecord{},
                                 std::string("hash-rehashed"),
                                 Event("e-login2", "login", "u-alice")})
                  .ok());
  EXPECT_EQ(store_->GetLockout("user:u-alice")->failures, 0);
  auto alice = store_->FindUserById("u-alice");
  EXPECT_EQ((*alice)->password_hash, "hash-rehashed");
  EXPECT_EQ((*alice)->last_login_at, kNow + 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM login_attempts WHERE account_key = ?", "user:u-alice"), 3);
}

TEST_P(AuthStoreTest, PurgeRemovesWhatEndedBeforeEachTime) {
  AddAlice();
  ASSERT_TRUE(store_
                  ->RevokeAllSessions("u-alice", "", kNow, "logout_all",
                                      Event("e-out", "logout", "u-alice"))
                  .ok());
  auto counted = store_->CountActiveSessions(kNow);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(*counted, 0);
  ASSERT_TRUE(store_
                  ->Purge({.sessions_before = kNow + 1,
                           .attempts_before = kNow + 1,
                           .tokens_before = kNow + 3'600'001,
                           .events_before = kNow + 1,
                           .now = kNow + 1})
                  .ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sessions WHERE user_id = ?", "u-alice"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM login_attempts WHERE account_key = ?", "user:u-alice"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM email_verification_tokens WHERE user_id = ?", "u-alice"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM auth_events WHERE user_id = ?", "u-alice"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE id = ?", "u-alice"), 1);
}

TEST_P(AuthStoreTest, LicenseKeysAreFoundByHashWhileTheirSessionIsUsable) {
  AddAlice();
  SessionRecord keyed = Session("s-key", "u-alice");
  keyed.license_key_hash = "key-hash-1";
  ASSERT_TRUE(store_
                  ->RecordLogin({keyed,
                                 {"a-k", "user:u-alice", "127.0.0.1", true, kNow},
                                 std::nullopt,
                                 std::nullopt,
                                 Event("e-login-k", "login", "u-alice")})
                  .ok());
  auto owner = store_->FindLicenseKeyOwner("key-hash-1", kNow + 1);
  ASSERT_TRUE(owner.ok()) << owner.status().ToString();
  ASSERT_TRUE(owner->has_value());
  EXPECT_EQ((*owner)->session_id, "s-key");
  EXPECT_EQ((*owner)->user_id, "u-alice");
  EXPECT_EQ((*owner)->username, "alice");
  EXPECT_EQ((*owner)->role, "user");
  EXPECT_FALSE(store_->FindLicenseKeyOwner("key-hash-2", kNow + 1)->has_value());
  EXPECT_FALSE(store_->FindLicenseKeyOwner("", kNow + 1)->has_value())
      << "sessions without a key match nothing";
  EXPECT_FALSE(store_->FindLicenseKeyOwner("key-hash-1", keyed.expires_at)->has_value())
      << "expired";

  // A hash is unique: a second session with it is refused whole (no event either).
  SessionRecord twin = Session("s-twin", "u-alice");
  twin.license_key_hash = "key-hash-1";
  EXPECT_FALSE(store_
                   ->RecordLogin({twin,
                                  {"a-t", "user:u-alice", "127.0.0.1", true, kNow},
                                  std::nullopt,
                                  std::nullopt,
                                  Event("e-login-t", "login", "u-alice")})
                   .ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sessions WHERE id = ?", "s-twin"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM auth_events WHERE id = ?", "e-login-t"), 0);

  ASSERT_TRUE(
      store_->SetUserActive("u-alice", false, kNow + 2, Event("e-d", "user_disabled", "")).ok());
  EXPECT_FALSE(store_->FindLicenseKeyOwner("key-hash-1", kNow + 3)->has_value()) << "disabled";
  ASSERT_TRUE(
      store_->SetUserActive("u-alice", true, kNow + 4, Event("e-e", "user_enabled", "")).ok());
  EXPECT_FALSE(store_->FindLicenseKeyOwner("key-hash-1", kNow + 5)->has_value())
      << "enabling again does not bring back the revoked session";
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthStoreTest, ::testing::Values("sqlite", "libsql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace howler::storage
