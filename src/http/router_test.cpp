#include "http/router.h"

#include <gtest/gtest.h>

namespace howler::http {
namespace {

Response Ok(const Request&) {
  return Response{};
}

TEST(RouterTest, MatchesLiteralAndParameterRoutes) {
  Router r;
  r.Add("GET", "/health", Ok);
  r.Add("POST", "/api/sync/conflicts/{id}/resolve", Ok);
  auto m = r.Find("POST", "/api/sync/conflicts/c-42/resolve");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/sync/conflicts/{id}/resolve");
  EXPECT_EQ(m.params.at("id"), "c-42");
  EXPECT_NE(r.Find("GET", "/health").route, nullptr);
}

TEST(RouterTest, UnknownPathHasNoAllowedMethods) {
  Router r;
  r.Add("GET", "/health", Ok);
  for (const char* path : {"/nope", "/health/", "/healthz", "/", "/api/sync/conflicts//resolve"}) {
    auto m = r.Find("GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

TEST(RouterTest, WrongMethodListsAllowedMethods) {
  Router r;
  r.Add("GET", "/api/auth/sessions", Ok);
  r.Add("DELETE", "/api/auth/sessions/{id}", Ok);
  r.Add("GET", "/api/auth/sessions/{id}", Ok);
  auto m = r.Find("POST", "/api/auth/sessions/abc");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"DELETE", "GET"}));
}

TEST(RouterTest, LiteralSegmentWinsOverParameter) {
  Router r;
  r.Add("GET", "/items/{id}", Ok);
  r.AddInline("GET", "/items/special", Ok);
  auto m = r.Find("GET", "/items/special");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/items/special");
  EXPECT_EQ(m.route->run_on, RunOn::kIoThread);
}

TEST(RouterTest, ARestSegmentCapturesTheRemainingPath) {
  Router r;
  r.AddInline("GET", "/app/{path*}", Ok);
  r.AddInline("GET", "/app/health", Ok);
  auto deep = r.Find("GET", "/app/assets/index-1a2b3c4d.js");
  ASSERT_NE(deep.route, nullptr);
  EXPECT_EQ(deep.route->pattern, "/app/{path*}");
  EXPECT_EQ(deep.params.at("path"), "assets/index-1a2b3c4d.js");
  auto root = r.Find("GET", "/app/");
  ASSERT_NE(root.route, nullptr);
  EXPECT_EQ(root.params.at("path"), "");
  EXPECT_EQ(r.Find("GET", "/app").route, nullptr);
  EXPECT_EQ(r.Find("GET", "/app/health").route->pattern, "/app/health");
  EXPECT_EQ(r.Find("POST", "/app/x").allowed, (std::vector<std::string>{"GET"}));
}

}  // namespace
}  // namespace howler::http
