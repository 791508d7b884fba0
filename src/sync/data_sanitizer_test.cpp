#include "sync/data_sanitizer.h"

#include <gtest/gtest.h>

namespace howler::sync {
namespace {

JsonValue Parse(const std::string& text) {
  auto v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << text;
  return *v;
}

TEST(DataSanitizerTest, StripsSecretsAtAnyDepthAndReportsPaths) {
  JsonValue data = Parse(
      R"({"name":"prod","password":"p","metadata":{"ssh":{"ssh_password":"x","port":22},)"
      R"("hosts":[{"token":"t","host":"h"}]},"apiKey":"k","db-Password":"d","passphrase":"s"})");
  std::vector<std::string> stripped = SanitizeItemData(ItemType::kConnection, data);
  EXPECT_EQ(SerializeJson(data),
            R"({"metadata":{"hosts":[{"host":"h"}],"ssh":{"port":22}},"name":"prod"})");
  EXPECT_EQ(stripped,
            (std::vector<std::string>{"apiKey", "db-Password", "metadata.hosts[0].token",
                                      "metadata.ssh.ssh_password", "passphrase", "password"}));
}

TEST(DataSanitizerTest, SecretKeyRule) {
  for (const char* k : {"password", "PASSWORD", "passwd", "pwd", "secret", "client_secret", "token",
                        "accessToken", "refresh_token", "api_key", "private_key", "ssh_key",
                        "sshPassword", "passphrase", "credentials"}) {
    EXPECT_TRUE(IsSecretKey(k)) << k;
  }
  for (const char* k : {"name", "host", "username", "use_ssh", "ssh_user", "ssh_key_path",
                        "tokens_used", "passwordless", "color", "database"}) {
    EXPECT_FALSE(IsSecretKey(k)) << k;
  }
}

TEST(DataSanitizerTest, RemovesPasswordsFromUrls) {
  JsonValue data = Parse(R"({"url":"postgres://bob:s3cret@db:5432/app","other":"http://h/x"})");
  auto stripped = SanitizeItemData(ItemType::kConnection, data);
  EXPECT_EQ(SerializeJson(data), R"({"other":"http://h/x","url":"postgres://bob@db:5432/app"})");
  EXPECT_EQ(stripped, (std::vector<std::string>{"url (URL password)"}));
}

TEST(DataSanitizerTest, SortsKeysSoThatKeyOrderDoesNotMatter) {
  JsonValue a = Parse(R"({"b":1,"a":{"y":2,"x":[{"d":1,"c":2}]}})");
  JsonValue b = Parse(R"({"a":{"x":[{"c":2,"d":1}],"y":2},"b":1})");
  SanitizeItemData(ItemType::kSavedQuery, a);
  SanitizeItemData(ItemType::kSavedQuery, b);
  EXPECT_EQ(SerializeJson(a), R"({"a":{"x":[{"c":2,"d":1}],"y":2},"b":1})");
  EXPECT_EQ(SerializeJson(a), SerializeJson(b));
}

TEST(DataSanitizerTest, DropsServerFieldsSilently) {
  JsonValue data = Parse(
      R"({"id":"x","user_id":"u","sync_version":9,"updated_at":"t","device_id":"d","name":"n"})");
  EXPECT_TRUE(SanitizeItemData(ItemType::kSavedQuery, data).empty());
  EXPECT_EQ(SerializeJson(data), R"({"name":"n"})");
}

TEST(DataSanitizerTest, ReplacesHistoryLiteralsOnlyWhenEnabled) {
  const std::string text = R"({"query":"SELECT * FROM t WHERE pw = 'hunter2' AND n = 42"})";
  JsonValue on = Parse(text);
  SanitizeItemData(ItemType::kQueryHistory, on, {true});
  EXPECT_EQ(on.Find("query")->text(), "SELECT * FROM t WHERE pw = ? AND n = ?");
  JsonValue off = Parse(text);
  SanitizeItemData(ItemType::kQueryHistory, off, {false});
  EXPECT_EQ(SerializeJson(off), text);
  JsonValue saved = Parse(text);
  SanitizeItemData(ItemType::kSavedQuery, saved, {true});
  EXPECT_EQ(SerializeJson(saved), text);  // saved queries keep their text
}

}  // namespace
}  // namespace howler::sync
