// SanitizeItemData over real-world connection strings of every engine the desktop client
// supports: the secret never appears anywhere in what is stored, the non-secret parts
// (host, port, database, user, options) do, the removal is reported at the string's path,
// and a second pass changes nothing. Strings without secrets are kept byte for byte.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sync/data_sanitizer.h"

namespace howler::sync {
namespace {

struct CorpusEntry {
  std::string_view engine;
  std::string_view value;
  std::vector<std::string_view> secrets;  // empty: the value must stay byte-identical
  std::vector<std::string_view> kept;
};

constexpr std::string_view kServiceAccount = R"({
  "type": "service_account",
  "project_id": "proj-123",
  "private_key_id": "abc123keyid",
  "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
  "client_email": "loader@proj-123.iam.gserviceaccount.com",
  "client_id": "10987654321",
  "token_uri": "https://oauth2.googleapis.com/token"
})";

// clang-format off
const std::vector<CorpusEntry> kCorpus = {
    // PostgreSQL
    {"postgres", "postgresql://app_user:pgS3cret!@db.example.com:5432/appdb?sslmode=require",
     {"pgS3cret"}, {"app_user@db.example.com:5432/appdb", "sslmode=require"}},
    {"postgres", "postgres://app_user:p%40ss%2Fw0rdPg@10.0.0.5/appdb",
     {"p%40ss%2Fw0rdPg"}, {"app_user@10.0.0.5/appdb"}},
    {"postgres", "host=db.example.com port=5432 dbname=appdb user=app_user password=pgLibpqS3cret sslmode=verify-full",
     {"pgLibpqS3cret"}, {"host=db.example.com port=5432 dbname=appdb user=app_user", "sslmode=verify-full"}},
    {"postgres", R"(host=db.example.com user=app_user password='pg quoted \' S3cret' dbname=appdb)",
     {"pg quoted", "S3cret"}, {"host=db.example.com user=app_user", "dbname=appdb"}},
    {"postgres", "jdbc:postgresql://db.example.com:5432/appdb?user=app_user&password=pgJdbcS3cret&ssl=true",
     {"pgJdbcS3cret"}, {"jdbc:postgresql://db.example.com:5432/appdb?user=app_user", "&ssl=true"}},
    {"postgres", "jdbc:postgresql://db.example.com/appdb?user=app_user&sslpassword=pgKeyPass1&sslkey=/keys/client.pk8",
     {"pgKeyPass1"}, {"sslkey=/keys/client.pk8", "user=app_user"}},
    {"postgres", "Host=db.example.com;Port=5432;Database=appdb;Username=app_user;Password=npgsqlS3cret;SSL Mode=Require;Trust Server Certificate=true",
     {"npgsqlS3cret"}, {"Host=db.example.com;Port=5432;Database=appdb;Username=app_user", "SSL Mode=Require"}},
    // MySQL / MariaDB
    {"mysql", "mysql://root:myS3cret@127.0.0.1:3306/shop", {"myS3cret"}, {"root@127.0.0.1:3306/shop"}},
    {"mysql", "jdbc:mysql://db.example.com:3306/shop?user=shop&password=myJdbcS3cret&useSSL=true&serverTimezone=UTC",
     {"myJdbcS3cret"}, {"db.example.com:3306/shop?user=shop", "&useSSL=true&serverTimezone=UTC"}},
    {"mariadb", "jdbc:mariadb://db1.example.com:3306,db2.example.com:3306/shop?user=shop&password=mariaS3cret",
     {"mariaS3cret"}, {"db1.example.com:3306,db2.example.com:3306/shop?user=shop"}},
    {"mysql", "shop:goMyS3cret@tcp(db.example.com:3306)/shop?parseTime=true&loc=Local",
     {"goMyS3cret"}, {"shop@tcp(db.example.com:3306)/shop?parseTime=true&loc=Local"}},
    {"mysql", "Server=db.example.com;Port=3306;Database=shop;Uid=shop;Pwd=myAdoS3cret;SslMode=Required",
     {"myAdoS3cret"}, {"Server=db.example.com;Port=3306;Database=shop;Uid=shop;", "SslMode=Required"}},
    // SQLite: no secrets, except a SQLCipher key given as Password
    {"sqlite", "/Users/me/Library/Application Support/app/app.sqlite", {}, {}},
    {"sqlite", "file:app.db?mode=ro&cache=shared", {}, {}},
    {"sqlite", "sqlite:///var/data/app.db", {}, {}},
    {"sqlite", "jdbc:sqlite:/var/data/app.db", {}, {}},
    {"sqlite", "Data Source=app.db;Cache=Shared;Mode=ReadOnly", {}, {}},
    {"sqlite", "Data Source=enc.db;Password=sqlcipherS3cret", {"sqlcipherS3cret"}, {"Data Source=enc.db;"}},
    // SQL Server
    {"sqlserver", "jdbc:sqlserver://sql.example.com:1433;databaseName=sales;user=sa;password=mssqlS3cret;encrypt=true;trustServerCertificate=false",
     {"mssqlS3cret"}, {"sql.example.com:1433;databaseName=sales;user=sa;", ";encrypt=true;trustServerCertificate=false"}},
    {"sqlserver", R"(jdbc:sqlserver://sql.example.com\SQLEXPRESS;databaseName=sales;user=sa;password={ms;sql}}S3cret};encrypt=true)",
     {"ms;sql", "S3cret"}, {R"(sql.example.com\SQLEXPRESS;databaseName=sales;user=sa;)", ";encrypt=true"}},
    {"sqlserver", "Server=tcp:sql.example.com,1433;Initial Catalog=sales;Persist Security Info=False;User ID=sa;Password=adoS3cret;MultipleActiveResultSets=False;Encrypt=True;Connection Timeout=30;",
     {"adoS3cret"}, {"Server=tcp:sql.example.com,1433;Initial Catalog=sales;", "User ID=sa;", "Connection Timeout=30;"}},
    {"sqlserver", "Driver={ODBC Driver 18 for SQL Server};Server=sql.example.com;Database=sales;UID=sa;PWD={odbc;S3cret};Encrypt=yes",
     {"odbc;", "S3cret"}, {"Driver={ODBC Driver 18 for SQL Server};Server=sql.example.com;Database=sales;UID=sa;", ";Encrypt=yes"}},
    {"sqlserver", "sqlserver://sa:goMssqlS3cret@sql.example.com:1433?database=sales&encrypt=true",
     {"goMssqlS3cret"}, {"sa@sql.example.com:1433?database=sales&encrypt=true"}},
    {"sqlserver", "Data Source=sql.example.com;Initial Catalog=sales;Integrated Security=SSPI", {}, {}},
    // Oracle
    {"oracle", "jdbc:oracle:thin:scott/tigerS3cret@db.example.com:1521/ORCLPDB1",
     {"tigerS3cret"}, {"jdbc:oracle:thin:scott@db.example.com:1521/ORCLPDB1"}},
    {"oracle", "jdbc:oracle:thin:scott/tigerS3cret@//db.example.com:1521/ORCLPDB1",
     {"tigerS3cret"}, {"scott@//db.example.com:1521/ORCLPDB1"}},
    {"oracle", "scott/ezS3cret@//db.example.com:1521/ORCLPDB1", {"ezS3cret"}, {"scott@//db.example.com:1521/ORCLPDB1"}},
    {"oracle", "jdbc:oracle:thin:scott/descS3cret@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db.example.com)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=ORCLPDB1)))",
     {"descS3cret"}, {"scott@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db.example.com)(PORT=1521))"}},
    {"oracle", "Data Source=db.example.com:1521/ORCLPDB1;User Id=scott;Password=odpS3cret;",
     {"odpS3cret"}, {"Data Source=db.example.com:1521/ORCLPDB1;User Id=scott;"}},
    {"oracle", "oracle://scott:urlS3cret@db.example.com:1521/ORCLPDB1", {"urlS3cret"}, {"scott@db.example.com:1521/ORCLPDB1"}},
    {"oracle", "jdbc:oracle:thin:@//db.example.com:1521/ORCLPDB1", {}, {}},
    // MongoDB
    {"mongodb", "mongodb+srv://app:mongoS3cret@cluster0.ab1cd.mongodb.net/appdb?retryWrites=true&w=majority",
     {"mongoS3cret"}, {"app@cluster0.ab1cd.mongodb.net/appdb?retryWrites=true&w=majority"}},
    {"mongodb", "mongodb://admin:mongoRs@S3cret@mongo1.example.com:27017,mongo2.example.com:27017/appdb?replicaSet=rs0&authSource=admin",
     {"mongoRs", "S3cret"}, {"admin@mongo1.example.com:27017,mongo2.example.com:27017/appdb?replicaSet=rs0&authSource=admin"}},
    {"mongodb", "mongodb://mongo.example.com:27017/?tls=true&tlsCertificateKeyFile=/certs/c.pem&tlsCertificateKeyFilePassword=mongoPemS3cret",
     {"mongoPemS3cret"}, {"tls=true&tlsCertificateKeyFile=/certs/c.pem"}},
    {"mongodb", "mongodb://localhost:27017/appdb", {}, {}},
    // Redis
    {"redis", "redis://:redisS3cret@cache.example.com:6379/0", {"redisS3cret"}, {"cache.example.com:6379/0"}},
    {"redis", "rediss://default:redisAclS3cret@cache.example.com:6380", {"redisAclS3cret"}, {"default@cache.example.com:6380"}},
    {"redis", "redis://cache.example.com:6379?password=redisQS3cret&db=2", {"redisQS3cret"}, {"cache.example.com:6379?", "&db=2"}},
    {"redis", "redis://cache.example.com:6379/0", {}, {}},
    // ClickHouse
    {"clickhouse", "clickhouse://default:chS3cret@ch.example.com:9000/analytics?dial_timeout=200ms",
     {"chS3cret"}, {"default@ch.example.com:9000/analytics?dial_timeout=200ms"}},
    {"clickhouse", "https://ch.example.com:8443/?user=default&password=chHttpS3cret&database=analytics",
     {"chHttpS3cret"}, {"ch.example.com:8443/?user=default", "&database=analytics"}},
    {"clickhouse", "jdbc:clickhouse://ch.example.com:8123/analytics?user=default&password=chJdbcS3cret&ssl=true",
     {"chJdbcS3cret"}, {"ch.example.com:8123/analytics?user=default", "&ssl=true"}},
    {"clickhouse", "clickhouse://ch.example.com:9440?password=chQS3cret&secure=true", {"chQS3cret"}, {"ch.example.com:9440?", "&secure=true"}},
    // Snowflake
    {"snowflake", "snowflake://jsmith:sfS3cret@myorg-acct1/SALES/PUBLIC?warehouse=WH&role=ANALYST",
     {"sfS3cret"}, {"jsmith@myorg-acct1/SALES/PUBLIC?warehouse=WH&role=ANALYST"}},
    {"snowflake", "jsmith:sfGoS3cret@myorg-acct1/SALES/PUBLIC?warehouse=WH", {"sfGoS3cret"}, {"jsmith@myorg-acct1/SALES/PUBLIC?warehouse=WH"}},
    {"snowflake", "jdbc:snowflake://myorg-acct1.snowflakecomputing.com/?user=jsmith&password=sfJdbcS3cret&db=SALES&warehouse=WH",
     {"sfJdbcS3cret"}, {"myorg-acct1.snowflakecomputing.com/?user=jsmith", "&db=SALES&warehouse=WH"}},
    {"snowflake", "snowflake://jsmith@myorg-acct1/SALES?authenticator=SNOWFLAKE_JWT&private_key_file=/keys/rsa_key.p8&private_key_file_pwd=sfKeyS3cret",
     {"sfKeyS3cret"}, {"jsmith@myorg-acct1/SALES?authenticator=SNOWFLAKE_JWT&private_key_file=/keys/rsa_key.p8"}},
    // BigQuery: a service-account key file held as JSON text, and Simba JDBC
    {"bigquery", kServiceAccount, {"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "PRIVATE KEY-----"},
     {R"("project_id":"proj-123")", R"("private_key_id":"abc123keyid")",
      R"("client_email":"loader@proj-123.iam.gserviceaccount.com")", "https://oauth2.googleapis.com/token"}},
    {"bigquery", "bigquery://proj-123/analytics?credentials_base64=eyJzZWNyZXQiOiJicVMzY3JldCJ9",
     {"eyJzZWNyZXQiOiJicVMzY3JldCJ9"}, {"bigquery://proj-123/analytics?"}},
    {"bigquery", "jdbc:bigquery://https://www.googleapis.com/bigquery/v2:443;ProjectId=proj-123;OAuthType=2;OAuthAccessToken=ya29.bqTokenS3cret;OAuthRefreshToken=1//bqRefreshS3cret;OAuthClientId=cid-1;OAuthClientSecret=bqClientS3cret;",
     {"bqTokenS3cret", "bqRefreshS3cret", "bqClientS3cret"}, {"ProjectId=proj-123;OAuthType=2;", "OAuthClientId=cid-1;"}},
    {"bigquery", "jdbc:bigquery://https://www.googleapis.com/bigquery/v2:443;ProjectId=proj-123;OAuthType=0;OAuthServiceAcctEmail=sa@proj-123.iam.gserviceaccount.com;OAuthPvtKeyPath=/keys/sa.json;", {}, {}},
    // DuckDB / MotherDuck
    {"duckdb", "md:analytics?motherduck_token=mdS3cretToken", {"mdS3cretToken"}, {"md:analytics?motherduck_token="}},
    {"duckdb", "jdbc:duckdb:md:analytics?motherduck_token=mdJdbcS3cret", {"mdJdbcS3cret"}, {"jdbc:duckdb:md:analytics?"}},
    {"duckdb", "/data/warehouse.duckdb", {}, {}},
    {"duckdb", "duckdb:///data/warehouse.duckdb", {}, {}},
    {"duckdb", ":memory:", {}, {}},
    // Turso / libSQL
    {"turso", "libsql://mydb-myorg.turso.io?authToken=eyJhbGciOiJFZERTQSJ9.tursoS3cret", {"tursoS3cret", "eyJhbGciOiJFZERTQSJ9"}, {"libsql://mydb-myorg.turso.io?authToken="}},
    {"turso", "https://mydb-myorg.turso.io?authToken=tursoHttpS3cret", {"tursoHttpS3cret"}, {"https://mydb-myorg.turso.io?"}},
    {"turso", "libsql://mydb-myorg.turso.io", {}, {}},
    {"turso", "file:local.db", {}, {}},
    // CockroachDB
    {"cockroachdb", "postgresql://maxroach:crdbS3cret@free-tier.gcp-us-central1.cockroachlabs.cloud:26257/defaultdb?sslmode=verify-full&options=--cluster%3Dmy-cluster-123",
     {"crdbS3cret"}, {"maxroach@free-tier.gcp-us-central1.cockroachlabs.cloud:26257/defaultdb?sslmode=verify-full&options=--cluster%3Dmy-cluster-123"}},
    {"cockroachdb", "jdbc:postgresql://crdb.example.com:26257/bank?user=maxroach&password=crdbJdbcS3cret&sslmode=require",
     {"crdbJdbcS3cret"}, {"crdb.example.com:26257/bank?user=maxroach", "&sslmode=require"}},
    {"cockroachdb", "host=crdb.example.com port=26257 user=maxroach password=crdbKvS3cret dbname=bank sslmode=verify-full",
     {"crdbKvS3cret"}, {"host=crdb.example.com port=26257 user=maxroach", "dbname=bank sslmode=verify-full"}},
    // Cloud credentials in connection strings and URLs
    {"azure", "DefaultEndpointsProtocol=https;AccountName=acct1;AccountKey=azKeyS3cret+/==;EndpointSuffix=core.windows.net",
     {"azKeyS3cret"}, {"DefaultEndpointsProtocol=https;AccountName=acct1;", "EndpointSuffix=core.windows.net"}},
    {"azure", "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=sbS3cret=",
     {"sbS3cret"}, {"Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"}},
    {"azure", "https://acct1.blob.core.windows.net/exports/data.parquet?sv=2022-11-02&se=2026-01-01&sp=r&sig=sasS3cret%3D",
     {"sasS3cret"}, {"https://acct1.blob.core.windows.net/exports/data.parquet?sv=2022-11-02&se=2026-01-01&sp=r"}},
    {"s3", "s3://bucket/path?access_key=AKIAEXAMPLE&secret_key=s3S3cret&region=eu-west-1",
     {"s3S3cret"}, {"s3://bucket/path?access_key=AKIAEXAMPLE&", "&region=eu-west-1"}},
    {"http", "https://api.example.com/v1?api_key=apiS3cret&format=json", {"apiS3cret"}, {"https://api.example.com/v1?", "&format=json"}},
    // Negatives: nothing secret, kept byte for byte
    {"postgres", "postgresql://app_user@password-vault.example.com:5432/passwords?passwordless=true", {}, {}},
    {"postgres", "host=password.internal port=5432 dbname=tokens user=app_user", {}, {}},
    {"postgres", "passwordless=true", {}, {}},
    {"postgres", "host=db.example.com user=app_user password='' dbname=appdb", {}, {}},
    {"sqlserver", "Server=password01.example.com;Database=secrets_db;Integrated Security=true", {}, {}},
    {"sqlserver", "Server=sql.example.com;User ID=sa;Password=;", {}, {}},
    {"text", "SELECT * FROM users WHERE password = 'x' AND token = 'y'", {}, {}},
    {"text", "Use password=... in the DSN, or set token: in the vault", {}, {}},
    {"text", "icons/postgres@2x.png", {}, {}},
    {"text", "postgres:16@sha256:0123abcd", {}, {}},
    {"text", "https://example.com/docs?page=password-reset&topic=token", {}, {}},
    {"text", R"(C:\Users\me\data\app.sqlite)", {}, {}},
    {"text", "{\"host\": \"h\", \"port\": 5432}", {}, {}},
};
// clang-format on

JsonValue ItemWith(std::string_view value) {
  JsonValue metadata = JsonValue::Object();
  metadata.Set("connection_string", JsonValue::String(std::string(value)));
  JsonValue data = JsonValue::Object();
  data.Set("metadata", std::move(metadata));
  data.Set("name", JsonValue::String("conn"));
  return data;
}

TEST(ConnectionStringCorpusTest, SecretsGoAndTheRestStays) {
  for (const CorpusEntry& e : kCorpus) {
    SCOPED_TRACE(std::string(e.engine) + ": " + std::string(e.value));
    JsonValue data = ItemWith(e.value);
    std::vector<std::string> stripped = SanitizeItemData(ItemType::kConnection, data);
    const std::string stored = SerializeJson(data);
    const std::string& value = data.Find("metadata")->Find("connection_string")->text();
    for (std::string_view secret : e.secrets) {
      EXPECT_EQ(stored.find(secret), std::string::npos) << secret;
    }
    for (std::string_view part : e.kept) {
      EXPECT_NE(value.find(part), std::string::npos) << part << " in " << value;
    }
    EXPECT_EQ(stripped.empty(), e.secrets.empty()) << value;
    if (e.secrets.empty()) {
      EXPECT_EQ(value, e.value);
    }
    for (const std::string& path : stripped) {
      EXPECT_TRUE(path.starts_with("metadata.connection_string (")) << path;
    }
    JsonValue again = data;
    EXPECT_TRUE(SanitizeItemData(ItemType::kConnection, again).empty());
    EXPECT_EQ(SerializeJson(again), stored);
  }
}

TEST(ConnectionStringCorpusTest, CoversEveryEngine) {
  for (std::string_view engine :
       {"postgres", "mysql", "mariadb", "sqlite", "sqlserver", "oracle", "mongodb", "redis",
        "clickhouse", "snowflake", "bigquery", "duckdb", "turso", "cockroachdb"}) {
    int with_secret = 0;
    for (const CorpusEntry& e : kCorpus) {
      if (e.engine == engine && !e.secrets.empty()) ++with_secret;
    }
    EXPECT_GE(with_secret, 1) << engine;
  }
}

}  // namespace
}  // namespace howler::sync
