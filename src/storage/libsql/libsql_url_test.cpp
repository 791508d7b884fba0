#include "storage/libsql/libsql_url.h"

#include <gtest/gtest.h>

namespace howler::storage {
namespace {

std::string Base(std::string_view url) {
  auto base = LibsqlBaseUrl(url);
  EXPECT_TRUE(base.ok()) << url << ": " << base.status().ToString();
  return base.ok() ? *base : "";
}

TEST(LibsqlBaseUrlTest, LibsqlSchemeMeansHttps) {
  EXPECT_EQ(Base("libsql://db-org.turso.io"), "https://db-org.turso.io");
  EXPECT_EQ(Base("libsql://db.example:8443/"), "https://db.example:8443");
  EXPECT_EQ(Base("LIBSQL://db.example/base/path"), "https://db.example/base/path");
}

TEST(LibsqlBaseUrlTest, TlsZeroMeansHttp) {
  EXPECT_EQ(Base("libsql://127.0.0.1:8080?tls=0"), "http://127.0.0.1:8080");
  EXPECT_EQ(Base("libsql://127.0.0.1:8080?authToken=x&tls=0"), "http://127.0.0.1:8080");
  EXPECT_EQ(Base("libsql://db.example?tls=1"), "https://db.example");
}

TEST(LibsqlBaseUrlTest, HttpUrlsAreUsedAsGiven) {
  EXPECT_EQ(Base("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
  EXPECT_EQ(Base("https://db.example/"), "https://db.example");
  EXPECT_EQ(Base("http://localhost:9000?tls=0"), "http://localhost:9000");
}

TEST(LibsqlBaseUrlTest, QueryAndFragmentAreDropped) {
  EXPECT_EQ(Base("https://db.example?authToken=secret#frag"), "https://db.example");
}

TEST(LibsqlBaseUrlTest, RejectsWhatTheClientsReject) {
  for (std::string_view bad :
       {"db.example", "ws://db.example", "wss://db.example", "file:local.db", "libsql://",
        "libsql:///path", "https://:443", "libsql://db.example?tls=yes", "https://db.example?tls=0",
        "http://db.example?tls=1"}) {
    auto base = LibsqlBaseUrl(bad);
    EXPECT_EQ(base.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(LibsqlBaseUrlTest, ErrorsDoNotRepeatTheUrl) {
  auto base = LibsqlBaseUrl("ws://db.example?authToken=supersecret");
  ASSERT_FALSE(base.ok());
  EXPECT_EQ(base.status().message().find("supersecret"), std::string::npos);
}

}  // namespace
}  // namespace howler::storage
