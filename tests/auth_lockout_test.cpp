// Brute-force defences through the real binary (API.md "Auth" rules): the per-account
// lockout (Retry-After, not bypassed by forged proxy headers, other accounts unaffected,
// temporary and growing on repeat, unknown accounts treated alike) and the per-IP limiter on
// auth endpoints with X-Forwarded-For honoured only from TRUSTED_PROXIES.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "support/api_client.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

// The Retry-After header as whole seconds, or nullopt when missing or not digits.
std::optional<int> RetryAfter(const ApiResponse& r) {
  const std::string value = r.Header("retry-after");
  if (value.empty() || value.size() > 9 ||
      value.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoi(value);
}

::testing::AssertionResult IsLimited(const ApiResponse& r, std::string_view code, int max_wait) {
  if (auto error = IsApiError(r, 429, code); !error) return error;
  const std::optional<int> wait = RetryAfter(r);
  if (!wait || *wait < 1 || *wait > max_wait) {
    return ::testing::AssertionFailure()
           << "Retry-After '" << r.Header("retry-after") << "' not in [1, " << max_wait << "]";
  }
  return ::testing::AssertionSuccess();
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class AuthLockoutTest : public ::testing::Test {
 protected:
  void Start(const std::map<std::string, std::string>& env) {
    server_.emplace(dir_.path(), AuthServerConfig(env));
    ASSERT_TRUE(server_->ready());
    api_.emplace(server_->base_url());
  }
  const ApiClient& api() const { return *api_; }

  TempDir dir_;
  std::optional<ServerProcess> server_;
  std::optional<ApiClient> api_;
};

// Fails `attempts` logins of `name` with a wrong password; all but the last must be 401,
// the last one 401 or already 429 ACCOUNT_LOCKED.
void FailLogins(const ApiClient& api, const std::string& name, int attempts) {
  for (int i = 1; i <= attempts; ++i) {
    SCOPED_TRACE("failure " + std::to_string(i) + " of " + name);
    const ApiResponse r = api.Login(name, "wrong password " + std::to_string(i));
    if (i < attempts || r.status() == 401) {
      EXPECT_TRUE(IsApiError(r, 401, "UNAUTHORIZED"));
    } else {
      EXPECT_TRUE(IsApiError(r, 429, "ACCOUNT_LOCKED"));
    }
  }
}

TEST_F(AuthLockoutTest, AccountLocksAfterMaxFailuresEvenForTheRightPassword) {
  Start({{"MAX_LOGIN_ATTEMPTS", "3"}, {"LOCKOUT_DURATION", "10m"}});
  const TestAccount target = CreateAccount(api(), "Lock");
  const TestAccount bystander = CreateAccount(api(), "Free");
  FailLogins(api(), target.username, 3);

  EXPECT_TRUE(IsLimited(api().Login(target.username, target.password), "ACCOUNT_LOCKED", 600));
  EXPECT_TRUE(
      IsLimited(api().Login(Upper(target.username), target.password), "ACCOUNT_LOCKED", 600))
      << "another spelling of the same account";
  for (int i = 0; i < 3; ++i) {
    const std::string ip = "198.51.100." + std::to_string(10 + i);
    const ApiResponse forged =
        api().Login(target.username, target.password, std::nullopt,
                    {"X-Forwarded-For: " + ip, "X-Real-IP: " + ip, "Forwarded: for=" + ip});
    EXPECT_TRUE(IsLimited(forged, "ACCOUNT_LOCKED", 600)) << "forged proxy headers from " << ip;
  }
  const ApiResponse other = api().Login(bystander.username, bystander.password);
  EXPECT_EQ(other.status(), 200) << "other accounts are unaffected: " << other;
  EXPECT_EQ(api().Me(bystander.token).status(), 200);
}

TEST_F(AuthLockoutTest, UnknownAccountsAnswerExactlyLikeKnownOnes) {
  Start({{"MAX_LOGIN_ATTEMPTS", "3"}, {"LOCKOUT_DURATION", "10m"}});
  const TestAccount known = CreateAccount(api(), "Known");
  const std::string unknown = UniqueName("Unknown");
  for (int i = 1; i <= 5; ++i) {
    SCOPED_TRACE("attempt " + std::to_string(i));
    const ApiResponse k = api().Login(known.username, "wrong password");
    const ApiResponse u = api().Login(unknown, "wrong password");
    EXPECT_EQ(k.status(), u.status()) << k << "\n" << u;
    EXPECT_EQ(k.Object(), u.Object());
    EXPECT_EQ(k.Header("retry-after").empty(), u.Header("retry-after").empty());
    if (i > 3) {
      EXPECT_TRUE(IsLimited(k, "ACCOUNT_LOCKED", 600));
    }
  }
}

TEST_F(AuthLockoutTest, LockIsTemporaryAndGrowsOnRepeat) {
  Start({{"MAX_LOGIN_ATTEMPTS", "2"}, {"LOCKOUT_DURATION", "2s"}});
  const TestAccount a = CreateAccount(api(), "Grow");
  FailLogins(api(), a.username, 2);
  const ApiResponse first = api().Login(a.username, a.password);
  ASSERT_TRUE(IsLimited(first, "ACCOUNT_LOCKED", 2));
  const int first_wait = *RetryAfter(first);

  // After the lock: failures count again from zero (401), and the next lock lasts longer.
  std::this_thread::sleep_for(std::chrono::milliseconds(first_wait * 1000 + 600));
  FailLogins(api(), a.username, 2);
  const ApiResponse second = api().Login(a.username, a.password);
  ASSERT_TRUE(IsLimited(second, "ACCOUNT_LOCKED", 120));
  const int second_wait = *RetryAfter(second);
  EXPECT_GT(second_wait, first_wait);

  std::this_thread::sleep_for(std::chrono::milliseconds(second_wait * 1000 + 600));
  const ApiResponse after = api().Login(a.username, a.password);
  EXPECT_EQ(after.status(), 200) << "the lock ends: " << after;
}

TEST_F(AuthLockoutTest, PerIpLimitThrottlesAuthEndpointsAndIgnoresForgedForwardedFor) {
  Start({{"RATE_LIMIT_AUTH_PER_MIN", "5"}, {"MAX_LOGIN_ATTEMPTS", "1000"}});
  for (int i = 0; i < 5; ++i) {
    const ApiResponse r = api().Login(UniqueName("ip"), "some password", std::nullopt,
                                      {"X-Forwarded-For: 203.0.113." + std::to_string(i)});
    EXPECT_TRUE(IsApiError(r, 401, "UNAUTHORIZED")) << "request " << i;
  }
  EXPECT_TRUE(IsLimited(api().Login(UniqueName("ip"), "some password"), "RATE_LIMITED", 60));
  EXPECT_TRUE(IsLimited(api().Login(UniqueName("ip"), "some password", std::nullopt,
                                    {"X-Forwarded-For: 198.51.100.99"}),
                        "RATE_LIMITED", 60))
      << "a forged X-Forwarded-For from an untrusted peer is not a new client";
  const std::string name = UniqueName("ipsign");
  EXPECT_TRUE(IsLimited(api().Signup(name, name + "@example.com", std::string(kTestPassword)),
                        "RATE_LIMITED", 60));
  EXPECT_TRUE(IsLimited(api().RequestPasswordReset(name + "@example.com"), "RATE_LIMITED", 60));
  EXPECT_EQ(HttpGet(server_->base_url() + "/health").status, 200) << "health is not throttled";
}

TEST_F(AuthLockoutTest, TrustedProxyForwardedForSeparatesClients) {
  Start({{"RATE_LIMIT_AUTH_PER_MIN", "3"},
         {"MAX_LOGIN_ATTEMPTS", "1000"},
         {"TRUSTED_PROXIES", "127.0.0.1"}});
  auto login_from = [&](const std::string& forwarded_for) {
    return api().Login(UniqueName("px"), "some password", std::nullopt,
                       {"X-Forwarded-For: " + forwarded_for});
  };
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(IsApiError(login_from("198.51.100.1"), 401, "UNAUTHORIZED")) << i;
  }
  EXPECT_TRUE(IsLimited(login_from("198.51.100.1"), "RATE_LIMITED", 60));
  EXPECT_TRUE(IsApiError(login_from("198.51.100.2"), 401, "UNAUTHORIZED"))
      << "another client behind the proxy has its own budget";

  // The client prepends made-up addresses: the proxy's entry (the last one) still counts.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(IsApiError(login_from("203.0.113." + std::to_string(i) + ", 198.51.100.3"), 401,
                           "UNAUTHORIZED"))
        << i;
  }
  EXPECT_TRUE(IsLimited(login_from("203.0.113.200, 198.51.100.3"), "RATE_LIMITED", 60));

  // Sessions record the forwarded client address.
  const std::string name = UniqueName("pxs");
  const std::vector<std::string> via = {"X-Forwarded-For: 198.51.100.4"};
  ASSERT_EQ(api().Signup(name, name + "@example.com", std::string(kTestPassword), via).status(),
            201);
  const ApiResponse login = api().Login(name, std::string(kTestPassword), "proxied", via);
  ASSERT_EQ(login.status(), 200) << login;
  const ApiResponse sessions = api().Sessions(login.Str("token"));
  ASSERT_EQ(sessions.status(), 200) << sessions;
  const json::array& list = sessions.Object().at("sessions").as_array();
  ASSERT_EQ(list.size(), 2u);
  for (const json::value& s : list) EXPECT_EQ(s.at("ip_address"), "198.51.100.4") << s;
}

}  // namespace
}  // namespace howler::testing

namespace howler::testing {
namespace {

// A flood of logins larger than the hash pool and its queue: the excess is answered at once
// with 503 UNAVAILABLE and Retry-After instead of waiting without end, and the rest work.
TEST(AuthHashQueueTest, LoginsBeyondTheHashQueueGet503WithRetryAfter) {
  TempDir dir;
  ServerProcess server(dir.path(), AuthServerConfig({{"HASH_QUEUE", "1"},
                                                     {"PASSWORD_HASH_MEMORY_KIB", "65536"},
                                                     {"PASSWORD_HASH_ITERATIONS", "3"}}));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  TestAccount account = CreateAccount(api, "flood");
  std::vector<std::future<ApiResponse>> logins;
  for (int i = 0; i < 12; ++i) {
    logins.push_back(std::async(std::launch::async,
                                [&] { return api.Login(account.username, account.password); }));
  }
  int ok = 0, busy = 0;
  for (auto& f : logins) {
    ApiResponse r = f.get();
    if (r.status() == 200) ++ok;
    if (r.status() == 503) {
      ++busy;
      EXPECT_TRUE(IsApiError(r, 503, "UNAVAILABLE")) << r;
      EXPECT_GE(std::stoi(r.Header("retry-after")), 1);
    }
    EXPECT_TRUE(r.status() == 200 || r.status() == 503) << r;
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(busy, 1);
  // Once the flood is over, logging in works again.
  EXPECT_EQ(api.Login(account.username, account.password).status(), 200);
}

}  // namespace
}  // namespace howler::testing
