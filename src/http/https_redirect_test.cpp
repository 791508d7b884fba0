#include "http/https_redirect.h"

#include <gtest/gtest.h>

namespace howler::http {
namespace {

TEST(HttpsLocationTest, KeepsHostPathAndQueryAndSwapsThePort) {
  EXPECT_EQ(HttpsLocation("example.org:80", "/api/auth/me?x=1", 8443),
            "https://example.org:8443/api/auth/me?x=1");
  EXPECT_EQ(HttpsLocation("example.org", "/", 443), "https://example.org/");
  EXPECT_EQ(HttpsLocation("127.0.0.1:8081", "/health", 8443), "https://127.0.0.1:8443/health");
  EXPECT_EQ(HttpsLocation("[::1]:8081", "/a", 443), "https://[::1]/a");
}

TEST(HttpsLocationTest, RefusesHostsAndTargetsThatCouldPointElsewhere) {
  EXPECT_EQ(HttpsLocation("", "/", 443), std::nullopt);
  EXPECT_EQ(HttpsLocation("evil.example/x", "/", 443), std::nullopt);
  EXPECT_EQ(HttpsLocation("user@evil.example", "/", 443), std::nullopt);
  EXPECT_EQ(HttpsLocation("example.org:notaport", "/", 443), std::nullopt);
  EXPECT_EQ(HttpsLocation("[::1", "/", 443), std::nullopt);
  EXPECT_EQ(HttpsLocation("[::1]x", "/", 443), std::nullopt);
  EXPECT_EQ(HttpsLocation("example.org", "//evil.example/", 443), std::nullopt);
  EXPECT_EQ(HttpsLocation("example.org", "http://evil.example/", 443), std::nullopt);
  EXPECT_EQ(HttpsLocation(std::string(300, 'a'), "/", 443), std::nullopt);
}

TEST(HttpsRedirectTest, AnswersPermanentRedirectOr400) {
  Request request;
  request.method = "POST";
  request.target = "/api/auth/login";
  request.headers.Add("Host", "api.example.org:8081");
  Response r = HttpsRedirect(request, 8443);
  EXPECT_EQ(r.status, 308);
  EXPECT_EQ(r.headers.Get("Location"), "https://api.example.org:8443/api/auth/login");
  Request no_host;
  no_host.target = "/";
  EXPECT_EQ(HttpsRedirect(no_host, 8443).status, 400);
}

}  // namespace
}  // namespace howler::http
