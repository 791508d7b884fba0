#include "config/masking.h"

#include <gtest/gtest.h>

namespace howler::config {
namespace {

TEST(MaskSecretTest, ShowsOnlyTheLastFourOfLongSecrets) {
  EXPECT_EQ(MaskSecret(""), "(unset)");
  EXPECT_EQ(MaskSecret("abc"), "****");
  EXPECT_EQ(MaskSecret("123456789012345"), "****");
  EXPECT_EQ(MaskSecret("0123456789abcdefWXYZ"), "****WXYZ");
}

TEST(MaskUrlCredentialsTest, MasksPasswords) {
  EXPECT_EQ(MaskUrlCredentials("smtp://user:hunter2@mail.example.com:587"),
            "smtp://user:****@mail.example.com:587");
  EXPECT_EQ(MaskUrlCredentials("smtps://me%40x.com:p%40ss@host:465"),
            "smtps://me%40x.com:****@host:465");
  EXPECT_EQ(MaskUrlCredentials("smtp://user:pa@ss/w?rd@host:25"), "smtp://user:****@host:25");
  EXPECT_EQ(MaskUrlCredentials("smtp://user@host:25"), "smtp://user@host:25");
  EXPECT_EQ(MaskUrlCredentials("smtp://host:25"), "smtp://host:25");
}

TEST(MaskUrlCredentialsTest, MasksQueryValues) {
  EXPECT_EQ(MaskUrlCredentials("libsql://db.turso.io?authToken=secret&tls=1"),
            "libsql://db.turso.io?authToken=****&tls=****");
  EXPECT_EQ(MaskUrlCredentials("file:./data/x.db?mode=rwc"), "file:./data/x.db?mode=****");
  EXPECT_EQ(MaskUrlCredentials("https://h/?flag"), "https://h/?flag");
}

TEST(MaskUrlCredentialsTest, LeavesPlainUrlsAlone) {
  EXPECT_EQ(MaskUrlCredentials(""), "(unset)");
  EXPECT_EQ(MaskUrlCredentials(":memory:"), ":memory:");
  EXPECT_EQ(MaskUrlCredentials("file:./data/development.db"), "file:./data/development.db");
  EXPECT_EQ(MaskUrlCredentials("libsql://db.turso.io"), "libsql://db.turso.io");
  EXPECT_EQ(MaskUrlCredentials("mailto:a@b"), "mailto:a@b");
}

}  // namespace
}  // namespace howler::config
