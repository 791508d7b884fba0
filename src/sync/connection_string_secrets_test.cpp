#include "sync/connection_string_secrets.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace howler::sync {
namespace {

struct Case {
  std::string_view in;
  std::string_view out;
  std::vector<std::string> what;
};

// Each case strips to `out` with reports `what`, and `out` is left as it is.
void ExpectCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    std::string s(c.in);
    EXPECT_EQ(StripConnectionStringSecrets(s), c.what) << c.in;
    EXPECT_EQ(s, c.out) << c.in;
    std::string again = s;
    EXPECT_TRUE(StripConnectionStringSecrets(again).empty()) << s;
    EXPECT_EQ(again, s);
  }
}

TEST(ConnectionStringSecretsTest, UrlPasswordAndParameters) {
  ExpectCases({
      {"postgres://bob:s3cret@db:5432/app", "postgres://bob@db:5432/app", {"URL password"}},
      {"redis://:X@h:6379", "redis://@h:6379", {"URL password"}},
      {"mongodb://u:p@ss@h1:27017,h2:27017/db",
       "mongodb://u@h1:27017,h2:27017/db",
       {"URL password"}},
      {"jdbc:mysql://u:X@h/db", "jdbc:mysql://u@h/db", {"URL password"}},
      {"jdbc:postgresql://h/db?user=u&password=X",
       "jdbc:postgresql://h/db?user=u&password=",
       {"URL parameter password"}},
      {"s3://b?access_key=AK&secret_key=X&token=Y",
       "s3://b?access_key=AK&secret_key=&token=",
       {"URL parameter secret_key", "URL parameter token"}},
      {"jdbc:sqlserver://h:1433;databaseName=db;user=u;password={a;b}}c};encrypt=true",
       "jdbc:sqlserver://h:1433;databaseName=db;user=u;password=;encrypt=true",
       {"URL parameter password"}},
      {"mysql://u:X@h/db?sslpassword=Y#frag",
       "mysql://u@h/db?sslpassword=",
       {"URL password", "URL parameter sslpassword"}},
      {"md:db?motherduck_token=X", "md:db?motherduck_token=", {"URL parameter motherduck_token"}},
      {"localhost:5432/db?password=X", "localhost:5432/db?password=", {"URL parameter password"}},
  });
}

TEST(ConnectionStringSecretsTest, OracleAndGoDsn) {
  ExpectCases({
      {"jdbc:oracle:thin:u/X@h:1521/svc", "jdbc:oracle:thin:u@h:1521/svc", {"Oracle password"}},
      {"JDBC:ORACLE:OCI:u/X@//h:1521/svc", "JDBC:ORACLE:OCI:u@//h:1521/svc", {"Oracle password"}},
      {"jdbc:oracle:thin:u/\"p@s/s\"@(DESCRIPTION=(ADDRESS=(HOST=h)))",
       "jdbc:oracle:thin:u@(DESCRIPTION=(ADDRESS=(HOST=h)))",
       {"Oracle password"}},
      {"u/X@//h:1521/svc", "u@//h:1521/svc", {"Oracle password"}},
      {"u/X@h:1521:sid", "u@h:1521:sid", {"Oracle password"}},
      {"u:X@tcp(h:3306)/db?parseTime=true", "u@tcp(h:3306)/db?parseTime=true", {"DSN password"}},
      {"u:a/b@c@unix(/tmp/m.sock)/db", "u@unix(/tmp/m.sock)/db", {"DSN password"}},
      {"u:X@org-acct/db/schema?warehouse=w&token=T",
       "u@org-acct/db/schema?warehouse=w&token=",
       {"DSN password", "URL parameter token"}},
  });
}

TEST(ConnectionStringSecretsTest, LibpqPairs) {
  ExpectCases({
      {"host=h port=5432 user=u password=X dbname=d",
       "host=h port=5432 user=u password='' dbname=d",
       {"connection string password"}},
      {"host=h password = 'a b\\' c' dbname=d",
       "host=h password = '' dbname=d",
       {"connection string password"}},
      {"host=h password=a\\ b dbname=d",
       "host=h password='' dbname=d",
       {"connection string password"}},
      {"host=h password=X  ", "host=h password=  ", {"connection string password"}},
      {"Pwd=X", "Pwd=", {"connection string Pwd"}},
      {"host=h password='open", "host=h password=", {"connection string password"}},
      {"password=a;b host=h", "password='' host=h", {"connection string password"}},
  });
}

TEST(ConnectionStringSecretsTest, SemicolonPairs) {
  ExpectCases({
      {"Server=h;Database=d;User Id=u;Password=X;",
       "Server=h;Database=d;User Id=u;Password=;",
       {"connection string Password"}},
      {"Server=h; Password=X; Database=d",
       "Server=h; Password=; Database=d",
       {"connection string Password"}},
      {"Driver={ODBC Driver 18};Server=h;UID=u;PWD={X;y}}z}",
       "Driver={ODBC Driver 18};Server=h;UID=u;PWD=",
       {"connection string PWD"}},
      {"Server=h;Password=\"a;b\";Encrypt=yes",
       "Server=h;Password=;Encrypt=yes",
       {"connection string Password"}},
      {"Server=h;Password='it''s';Encrypt=yes",
       "Server=h;Password=;Encrypt=yes",
       {"connection string Password"}},
      {"Server=h;PWD={open", "Server=h;PWD=", {"connection string PWD"}},
      {"AccountName=a;AccountKey=K==;SharedAccessKeyName=n;SharedAccessKey=S",
       "AccountName=a;AccountKey=;SharedAccessKeyName=n;SharedAccessKey=",
       {"connection string AccountKey", "connection string SharedAccessKey"}},
      {"Password=X;Server=h", "Password=;Server=h", {"connection string Password"}},
      // Both readings fit; which one is used, and the other's secrets go too.
      {"password=a;b=c host=h", "password='' host=h", {"connection string password"}},
      {"host=h password=ab;cd=ef dbname=d",
       "host=h password='' dbname=d",
       {"connection string password"}},
      {"host=h;password=a b=c", "host=h;password=", {"connection string password"}},
      {"host=h dbname=d;password=X", "host=h dbname=d;password=", {"connection string password"}},
  });
}

TEST(ConnectionStringSecretsTest, TextThatOnlyContainsAShapeIsKept) {
  for (std::string_view text : {
           "SELECT 'password=1'",
           "UPDATE users SET password='x';",
           "SET PASSWORD = 'x'",
           "see password=X in the vault",
           "icons/db@2x.png",
           "postgres:16@sha256:0123abcd",
           "git@github.com:org/repo.git",
           "mailto:dba@example.com?subject=db",
           "password-db.internal",
           "postgres://u@password.example.com/db?passwordless=true",
           "passwordless=true",
           "host=h user=u password='' dbname=d",
           "Server=h;Password=;",
           "https://h/docs?page=password-reset",
           "file:app.db?mode=ro",
           "C:\\Users\\me\\app.sqlite",
           "",
           "=",
           ";;;",
           "'",
       }) {
    std::string s(text);
    EXPECT_TRUE(StripConnectionStringSecrets(s).empty()) << text;
    EXPECT_EQ(s, text);
  }
}

TEST(ConnectionStringSecretsTest, ReportsOnlyPlainShortNames) {
  std::string s = "https://h/?x%20password=1&" + std::string(70, 'a') + "_token=2";
  EXPECT_EQ(StripConnectionStringSecrets(s),
            (std::vector<std::string>{"URL parameter", "URL parameter"}));
}

TEST(ConnectionStringSecretsTest, StripUrlPasswordTouchesOnlyTheUrlPassword) {
  std::string url = "postgres://u:X@h/db?password=Y";
  EXPECT_TRUE(StripUrlPassword(url));
  EXPECT_EQ(url, "postgres://u@h/db?password=Y");
  for (std::string text : {"host=h password=X", "postgres://h/db", "SELECT 1"}) {
    std::string before = text;
    EXPECT_FALSE(StripUrlPassword(text));
    EXPECT_EQ(text, before);
  }
}

TEST(ConnectionStringSecretsTest, AnyBytesAreSafe) {
  std::mt19937 rng(7);
  const std::string alphabet = "=;:/@?&{}'\"\\ \t(#)aPpwdx\xff\x80";
  for (int round = 0; round < 20000; ++round) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) c = round % 2 == 0 ? alphabet[rng() % alphabet.size()] : char(rng());
    std::string before = s;
    std::vector<std::string> what = StripConnectionStringSecrets(s);
    if (what.empty()) {
      EXPECT_EQ(s, before);
    }
  }
}

TEST(ConnectionStringSecretsTest, LinearOnLargeInputs) {
  const std::size_t n = std::size_t{256} * 1024;
  auto repeat = [&](std::string_view unit) {
    std::string s;
    while (s.size() < n) s += unit;
    return s;
  };
  auto start = std::chrono::steady_clock::now();
  for (const std::string& s :
       {repeat("password=x;"), repeat("password=x "), repeat("a=b;password=x y "),
        "https://h/?" + repeat("token=x&"), "jdbc:sqlserver://h;" + repeat("pwd={x};"), repeat("@"),
        repeat("u/x@"), repeat("u:x@"), repeat("{"), repeat("'"), repeat("=;"),
        "u/" + repeat("@(") + "@//h"}) {
    std::string copy = s;
    StripConnectionStringSecrets(copy);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

}  // namespace
}  // namespace howler::sync
