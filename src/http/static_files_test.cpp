#include "http/static_files.h"

#include <gtest/gtest.h>

#include "http/gzip.h"

namespace howler::http {
namespace {

const std::string kPage = "<!doctype html><title>t</title>" + std::string(2000, 'x');
const std::string kPng = "\x89PNG....binary";
const std::string kScript(3000, ';');
const std::string kSha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const EmbeddedFile kFiles[] = {
    {"/index.html", kPage, kSha},
    {"/robots.txt", "User-agent: *\nDisallow: /\n", kSha},
    {"/logo.png", kPng, kSha},
    {"/app/index.html", "<!doctype html><title>console</title>", kSha},
    {"/app/assets/index-BxK3a9fZ.js", kScript, kSha},
};

Request Get(std::vector<std::pair<std::string, std::string>> headers = {}) {
  Request r;
  r.method = "GET";
  for (auto& [name, value] : headers) r.headers.Add(name, value);
  return r;
}

TEST(StaticFilesTest, ContentTypesComeFromTheExtension) {
  EXPECT_EQ(ContentTypeFor("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/a/b.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/x.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("/x.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("/LICENSE"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("/dir.d/file"), "application/octet-stream");
}

TEST(StaticFilesTest, OnlyBundlerHashedAssetsAreImmutable) {
  EXPECT_TRUE(IsHashedAssetName("/app/assets/index-BxK3a9fZ.js"));
  EXPECT_TRUE(IsHashedAssetName("/assets/vendor.1a2b3c4d5e.css"));
  EXPECT_FALSE(IsHashedAssetName("/app/assets/index-short.js"));
  EXPECT_FALSE(IsHashedAssetName("/app/index-BxK3a9fZ.js")) << "not in an assets directory";
  EXPECT_FALSE(IsHashedAssetName("/app/assets/logo.png"));
  EXPECT_FALSE(IsHashedAssetName("/app/assets/bad-ab+cdefgh.js"));
  EXPECT_FALSE(IsHashedAssetName("/index.html"));
}

TEST(StaticFilesTest, IfNoneMatchComparesWeaklyAndAcceptsLists) {
  const std::vector<std::string> etags = {"\"abc\"", "\"abc-gzip\""};
  EXPECT_TRUE(IfNoneMatchMatches("\"abc\"", etags));
  EXPECT_TRUE(IfNoneMatchMatches("W/\"abc-gzip\"", etags));
  EXPECT_TRUE(IfNoneMatchMatches("\"zzz\", \"abc\"", etags));
  EXPECT_TRUE(IfNoneMatchMatches("*", etags));
  EXPECT_FALSE(IfNoneMatchMatches("\"abcd\"", etags));
  EXPECT_FALSE(IfNoneMatchMatches("abc", etags));
  EXPECT_FALSE(IfNoneMatchMatches("", etags));
}

TEST(StaticFilesTest, ServesIdentityWithValidatorsAndPolicy) {
  StaticFiles files(kFiles);
  const auto r = files.Serve("/index.html", Get());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, kPage);
  EXPECT_EQ(r->headers.Get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->headers.Get("ETag"), "\"0123456789abcdef0123456789abcdef\"");
  EXPECT_EQ(r->headers.Get("Cache-Control"), "no-cache");
  EXPECT_EQ(r->headers.Get("Vary"), "Accept-Encoding");
  EXPECT_EQ(r->headers.Get("Content-Security-Policy"), kStaticContentSecurityPolicy);
  EXPECT_FALSE(r->headers.Has("Content-Encoding"));
  EXPECT_FALSE(r->compressible);
  EXPECT_FALSE(files.Serve("/missing.html", Get()));
}

TEST(StaticFilesTest, GzipOnlyWhenAcceptedAndWithItsOwnEtag) {
  StaticFiles files(kFiles);
  const auto packed = files.Serve("/index.html", Get({{"Accept-Encoding", "br, gzip"}}));
  ASSERT_TRUE(packed);
  EXPECT_EQ(packed->headers.Get("Content-Encoding"), "gzip");
  EXPECT_EQ(packed->headers.Get("ETag"), "\"0123456789abcdef0123456789abcdef-gzip\"");
  EXPECT_LT(packed->body.size(), kPage.size());
  EXPECT_EQ(GzipDecompress(packed->body, 1 << 20).value(), kPage);

  const auto refused = files.Serve("/index.html", Get({{"Accept-Encoding", "gzip;q=0"}}));
  EXPECT_FALSE(refused->headers.Has("Content-Encoding"));
  EXPECT_EQ(refused->body, kPage);
}

TEST(StaticFilesTest, CompressedMediaIsNeverGzipped) {
  StaticFiles files(kFiles);
  const auto r = files.Serve("/logo.png", Get({{"Accept-Encoding", "gzip"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, kPng);
  EXPECT_FALSE(r->headers.Has("Content-Encoding"));
  EXPECT_FALSE(r->headers.Has("Vary"));
  EXPECT_FALSE(r->compressible);
}

TEST(StaticFilesTest, AMatchingIfNoneMatchIs304WithoutBody) {
  StaticFiles files(kFiles);
  const auto first = files.Serve("/index.html", Get({{"Accept-Encoding", "gzip"}}));
  const std::string etag(*first->headers.Get("ETag"));
  const auto again =
      files.Serve("/index.html", Get({{"Accept-Encoding", "gzip"}, {"If-None-Match", etag}}));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(again->headers.Get("ETag"), etag);
  EXPECT_EQ(again->headers.Get("Cache-Control"), "no-cache");
  const auto stale = files.Serve("/index.html", Get({{"If-None-Match", "\"other\""}}));
  EXPECT_EQ(stale->status, 200);
}

TEST(StaticFilesTest, RoutesServeRootFilesAndTheConsoleWithItsFallback) {
  auto files = std::make_shared<StaticFiles>(kFiles);
  Router router;
  AddStaticRoutes(router, files);
  auto call = [&](std::string method, std::string path) {
    RouteMatch m = router.Find(method, path);
    EXPECT_NE(m.route, nullptr) << method << " " << path;
    Request r = Get();
    r.method = method;
    r.path = path;
    r.path_params = m.params;
    return m.route ? m.route->sync(r) : Response{};
  };
  EXPECT_EQ(call("GET", "/").body, kPage);
  EXPECT_EQ(call("HEAD", "/").body, kPage) << "the transport drops a HEAD body";
  EXPECT_EQ(call("GET", "/robots.txt").body, "User-agent: *\nDisallow: /\n");
  EXPECT_EQ(call("GET", "/app/assets/index-BxK3a9fZ.js").headers.Get("Cache-Control"),
            "public, max-age=31536000, immutable");
  EXPECT_EQ(call("GET", "/app/settings/profile").body, "<!doctype html><title>console</title>");
  EXPECT_EQ(call("GET", "/app/").body, "<!doctype html><title>console</title>");
  const Response bare = call("GET", "/app");
  EXPECT_EQ(bare.status, 308);
  EXPECT_EQ(bare.headers.Get("Location"), "/app/");
  EXPECT_EQ(router.Find("GET", "/nothing.txt").route, nullptr);
}

TEST(StaticFilesTest, WithoutAConsoleUnknownAppPathsAre404) {
  const EmbeddedFile only_root[] = {{"/index.html", "<p>hi</p>", kSha}};
  auto files = std::make_shared<StaticFiles>(only_root);
  Router router;
  AddStaticRoutes(router, files);
  for (const char* path : {"/app", "/app/", "/app/x/y"}) {
    RouteMatch m = router.Find("GET", path);
    ASSERT_NE(m.route, nullptr) << path;
    Request r = Get();
    r.path = path;
    r.path_params = m.params;
    EXPECT_EQ(m.route->sync(r).status, 404) << path;
  }
}

}  // namespace
}  // namespace howler::http
