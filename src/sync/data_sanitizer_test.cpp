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

TEST(DataSanitizerTest, WidenedSecretKeyRule) {
  for (const char* k : {"aws_secret_access_key",
                        "AWS_SECRET_ACCESS_KEY",
                        "secret_key",
                        "secretKey",
                        "db_pass",
                        "dbPass",
                        "SMTP_PASS",
                        "pass",
                        "authorization",
                        "Authorization",
                        "private_key_pem",
                        "credential",
                        "credentials_json",
                        "master_key",
                        "masterKey",
                        "client_secret",
                        "AccountKey",
                        "SharedAccessKey",
                        "SharedAccessSignature",
                        "sslpassword",
                        "private_key_file_pwd",
                        "motherduck_token",
                        "authToken",
                        "token_value",
                        "x-api-key",
                        "sig",
                        "X-Amz-Signature",
                        "tlsCertificateKeyFilePassword",
                        "OAuthClientSecret",
                        "ssh_key_data"}) {
    EXPECT_TRUE(IsSecretKey(k)) << k;
  }
  for (const char* k : {"key",
                        "access_key",
                        "accessKey",
                        "aws_access_key_id",
                        "access_key_id",
                        "SharedAccessKeyName",
                        "private_key_id",
                        "private_key_path",
                        "private_key_file",
                        "token_uri",
                        "token_type",
                        "bypass",
                        "passport",
                        "compass",
                        "metadata",
                        "auth",
                        "account_name",
                        "user",
                        "sslkey",
                        "ssl_mode",
                        "password_hint",
                        "credentials_path"}) {
    EXPECT_FALSE(IsSecretKey(k)) << k;
  }
}

TEST(DataSanitizerTest, RemovesManySecretMembersInOnePass) {
  JsonValue data = JsonValue::Object();
  for (int i = 0; i < 40000; ++i) {
    std::string key = "k" + std::to_string(i) + (i % 2 == 0 ? "_password" : "_name");
    data.members().push_back({std::move(key), JsonValue::Bool(true)});
  }
  EXPECT_EQ(SanitizeItemData(ItemType::kConnection, data).size(), 20000u);
  ASSERT_EQ(data.members().size(), 20000u);
  for (const auto& m : data.members()) EXPECT_TRUE(m.key.ends_with("_name")) << m.key;
}

TEST(DataSanitizerTest, StripsSecretsInsideStringsAndReportsThem) {
  JsonValue data = Parse(
      R"({"name":"prod","metadata":{"dsn":"Server=h;User Id=u;Password=X1;",)"
      R"("hosts":["host=h user=u password=X2 dbname=d","jdbc:mysql://h/db?user=u&password=X3"]}})");
  std::vector<std::string> stripped = SanitizeItemData(ItemType::kConnection, data);
  EXPECT_EQ(SerializeJson(data),
            R"({"metadata":{"dsn":"Server=h;User Id=u;Password=;","hosts":)"
            R"(["host=h user=u password='' dbname=d","jdbc:mysql://h/db?user=u&password="]},)"
            R"("name":"prod"})");
  EXPECT_EQ(stripped, (std::vector<std::string>{"metadata.dsn (connection string Password)",
                                                "metadata.hosts[0] (connection string password)",
                                                "metadata.hosts[1] (URL parameter password)"}));
}

TEST(DataSanitizerTest, StripsSecretsInsideJsonText) {
  JsonValue data =
      Parse(R"({"service_account":"{\n  \"type\": \"service_account\",\n  \"private_key_id\": )"
            R"(\"k1\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEv\\n\",\n  )"
            R"(\"client_email\": \"sa@p.iam.gserviceaccount.com\",\n  \"url\": )"
            R"(\"postgres://u:X@h/db\"\n}",)"
            R"("plain_json":"{ \"b\": 1, \"a\": \"{\\\"token\\\":1}\" }"})");
  std::vector<std::string> stripped = SanitizeItemData(ItemType::kConnection, data);
  // Rewritten compact, in its own key order; without secrets, JSON text is kept as sent and
  // JSON text inside JSON text is not opened.
  EXPECT_EQ(data.Find("service_account")->text(),
            R"({"type":"service_account","private_key_id":"k1",)"
            R"("client_email":"sa@p.iam.gserviceaccount.com","url":"postgres://u@h/db"})");
  EXPECT_EQ(data.Find("plain_json")->text(), R"({ "b": 1, "a": "{\"token\":1}" })");
  EXPECT_EQ(stripped, (std::vector<std::string>{"service_account (JSON private_key)",
                                                "service_account (JSON url (URL password))"}));
}

TEST(DataSanitizerTest, QueryTextIsNotReadAsAConnectionString) {
  for (ItemType type : kAllItemTypes) {
    JsonValue data = Parse(R"({"query":"host=h password=X","description":"host=h password=Y",)"
                           R"("metadata":{"query":"host=h password=Z"}})");
    EXPECT_EQ(SanitizeItemData(type, data, {false}),
              (std::vector<std::string>{"description (connection string password)",
                                        "metadata.query (connection string password)"}));
    EXPECT_EQ(data.Find("query")->text(), "host=h password=X");
    JsonValue mongo = Parse(R"({"query":"{\"find\":\"users\",\"filter\":{\"token\":1}}"})");
    const std::string before = SerializeJson(mongo);
    EXPECT_TRUE(SanitizeItemData(type, mongo, {false}).empty());
    EXPECT_EQ(SerializeJson(mongo), before);
    JsonValue url = Parse(R"({"query":"postgres://u:X@h/db?password=Y"})");
    EXPECT_EQ(SanitizeItemData(type, url, {false}),
              (std::vector<std::string>{"query (URL password)"}));  // as before
    EXPECT_EQ(url.Find("query")->text(), "postgres://u@h/db?password=Y");
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

TEST(DataSanitizerTest, HistoryUsesTheConnectionsDialectWhenTheItemNamesIt) {
  const std::string query = R"(SELECT \"Name\" FROM t WHERE owner = 'MK')";
  JsonValue unknown = Parse(R"({"query":")" + query + R"("})");
  SanitizeItemData(ItemType::kQueryHistory, unknown, {true});
  EXPECT_EQ(unknown.Find("query")->text(), "SELECT ? FROM t WHERE owner = ?");  // MySQL string
  JsonValue postgres = Parse(R"({"connection_type":"postgresql","query":")" + query + R"("})");
  SanitizeItemData(ItemType::kQueryHistory, postgres, {true});
  EXPECT_EQ(postgres.Find("query")->text(), R"(SELECT "Name" FROM t WHERE owner = ?)");
  JsonValue mysql = Parse(R"({"database_type":"mysql","query":")" + query + R"("})");
  SanitizeItemData(ItemType::kQueryHistory, mysql, {true});
  EXPECT_EQ(mysql.Find("query")->text(), "SELECT ? FROM t WHERE owner = ?");
}

}  // namespace
}  // namespace howler::sync
