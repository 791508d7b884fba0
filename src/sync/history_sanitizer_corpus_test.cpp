// The history sanitizer over a corpus of real-world queries from several dialects, each
// with its exact expected text under its own dialect and, where the union of every
// plausible reading masks more, under SqlDialect::kUnknown.
#include <gtest/gtest.h>

#include <iterator>
#include <string>
#include <string_view>

#include "sync/history_sanitizer.h"

namespace howler::sync {
namespace {

struct CorpusEntry {
  SqlDialect dialect;  // kUnknown: text that reads the same in every dialect
  std::string_view sql;
  std::string_view sanitized;     // under `dialect`
  const char* unknown = nullptr;  // under kUnknown, when not `sanitized`

  std::string_view Unknown() const { return unknown != nullptr ? unknown : sanitized; }
};

// clang-format off
constexpr CorpusEntry kCorpus[] = {
    {SqlDialect::kPostgres,
     R"sql(SELECT * FROM users WHERE id = 42 AND email = 'alice@example.com')sql",
     R"sql(SELECT * FROM users WHERE id = ? AND email = ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT id, data->>'name' AS name, (data->'age')::int FROM people WHERE data @> '{"admin": true}')sql",
     R"sql(SELECT id, data->>? AS name, (data->?)::int FROM people WHERE data @> ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT '{1,2,3}'::int[] && ARRAY[2, 5], tags[1] FROM posts WHERE created_at > now() - interval '7 days')sql",
     R"sql(SELECT ?::int[] && ARRAY[?, ?], tags[?] FROM posts WHERE created_at > now() - interval ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(UPDATE accounts SET balance = balance - 100.50 WHERE id = $1 AND owner = $2)sql",
     R"sql(UPDATE accounts SET balance = balance - ? WHERE id = $1 AND owner = $2)sql",
     R"sql(UPDATE accounts SET balance = balance - ? WHERE id = ? AND owner = ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT E'line1\nline2 it\'s', U&'d\0061t\+000061', B'1010', X'1F' FROM t)sql",
     R"sql(SELECT ?, ?, ?, ? FROM t)sql",
     R"sql(SELECT ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(CREATE FUNCTION add(a int, b int) RETURNS int AS $$ SELECT a + b + 1 $$ LANGUAGE sql)sql",
     R"sql(CREATE FUNCTION add(a int, b int) RETURNS int AS ? LANGUAGE sql)sql"},
    {SqlDialect::kPostgres,
     R"sql(DO $body$ BEGIN RAISE NOTICE 'secret %', 'x'; END $body$)sql",
     R"sql(DO ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(WITH recent AS (SELECT user_id, count(*) AS n FROM orders WHERE total > 9.99 GROUP BY 1) SELECT * FROM recent WHERE n >= 3)sql",
     R"sql(WITH recent AS (SELECT user_id, count(*) AS n FROM orders WHERE total > ? GROUP BY ?) SELECT * FROM recent WHERE n >= ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT name, rank() OVER (PARTITION BY dept ORDER BY salary DESC) FROM emp LIMIT 10 OFFSET 20)sql",
     R"sql(SELECT name, rank() OVER (PARTITION BY dept ORDER BY salary DESC) FROM emp LIMIT ? OFFSET ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT "weird ""name""", "Order"."Total" FROM "Order" WHERE "Order".id IN (1, 2, 3))sql",
     R"sql(SELECT "weird ""name""", "Order"."Total" FROM "Order" WHERE "Order".id IN (?, ?, ?))sql",
     R"sql(SELECT ?, ?.? FROM ? WHERE ?.id IN (?, ?, ?))sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT * FROM logs WHERE msg LIKE '%can''t connect%' ESCAPE '\')sql",
     R"sql(SELECT * FROM logs WHERE msg LIKE ? ESCAPE ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT to_tsvector('english', body) @@ to_tsquery('cat & dog') FROM docs)sql",
     R"sql(SELECT to_tsvector(?, body) @@ to_tsquery(?) FROM docs)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT jsonb_path_query(doc, '$.items[*] ? (@.price > 10)') FROM orders)sql",
     R"sql(SELECT jsonb_path_query(doc, ?) FROM orders)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT data #>> '{a,b}', data #> '{c}' FROM j WHERE data ? 'key' AND data ?| array['x', 'y'])sql",
     R"sql(SELECT data #>> ?, data #> ? FROM j WHERE data ? ? AND data ?| array[?, ?])sql",
     R"sql(SELECT data ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(INSERT INTO events (id, kind, payload, at) VALUES (gen_random_uuid(), 'login', '{"ip": "10.0.0.1"}', '2024-01-02T03:04:05Z') RETURNING id)sql",
     R"sql(INSERT INTO events (id, kind, payload, at) VALUES (gen_random_uuid(), ?, ?, ?) RETURNING id)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT 1.5e-3, .25, 0x1F, 1_000_000, 3. FROM generate_series(1, 10) AS s(i))sql",
     R"sql(SELECT ?, ?, ?, ?, ? FROM generate_series(?, ?) AS s(i))sql"},
    {SqlDialect::kPostgres,
     R"sql(/* report for /* nested */ finance */ SELECT sum(amount) FROM ledger WHERE year = 2023 -- owner: 'bob')sql",
     R"sql( SELECT sum(amount) FROM ledger WHERE year = ? )sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT t1.col2, t2.col_3 FROM t1 JOIN t2 ON t1.id = t2.t1_id WHERE t1.x BETWEEN -5 AND +5)sql",
     R"sql(SELECT t1.col2, t2.col_3 FROM t1 JOIN t2 ON t1.id = t2.t1_id WHERE t1.x BETWEEN -? AND +?)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT set_config('app.user_id', '7', false); SELECT * FROM secure_view)sql",
     R"sql(SELECT set_config(?, ?, false); SELECT * FROM secure_view)sql"},
    {SqlDialect::kPostgres,
     R"sql(ALTER USER app WITH PASSWORD 'hunter2')sql",
     R"sql(ALTER USER app WITH PASSWORD ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT pg_sleep(0.5), 'café' || 'naïve', "ünïcödé" FROM "表")sql",
     R"sql(SELECT pg_sleep(?), ? || ?, "ünïcödé" FROM "表")sql",
     R"sql(SELECT pg_sleep(?), ? || ?, ? FROM ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT arr[2:3], (SELECT ARRAY['a','b'])[1] FROM t)sql",
     R"sql(SELECT arr[?:?], (SELECT ARRAY[?,?])[?] FROM t)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT x FROM t WHERE ts AT TIME ZONE 'UTC' > TIMESTAMP '2020-01-01 00:00:00')sql",
     R"sql(SELECT x FROM t WHERE ts AT TIME ZONE ? > TIMESTAMP ?)sql"},
    {SqlDialect::kMySql,
     R"sql(SELECT * FROM `order items` WHERE `back``tick` = 'it\'s' AND qty > 3)sql",
     R"sql(SELECT * FROM `order items` WHERE `back``tick` = ? AND qty > ?)sql",
     R"sql(SELECT * FROM `order items` WHERE `back``tick` = ?)sql"},
    {SqlDialect::kMySql,
     R"sql(INSERT INTO users (name, email, age) VALUES ('Ann', 'ann@x.io', 31), ('Bob', 'bob@x.io', 45), ('Cy', NULL, 0))sql",
     R"sql(INSERT INTO users (name, email, age) VALUES (?, ?, ?), (?, ?, ?), (?, NULL, ?))sql"},
    {SqlDialect::kMySql,
     R"sql(SELECT @total := @total + amount, @@session.sql_mode FROM payments WHERE id = ?)sql",
     R"sql(SELECT @total := @total + amount, @@session.sql_mode FROM payments WHERE id = ?)sql"},
    {SqlDialect::kMySql,
     R"sql(SELECT _utf8mb4'abc' COLLATE utf8mb4_bin, N'national', x'DEADBEEF', 0b1010, b'11')sql",
     R"sql(SELECT _utf8mb4? COLLATE utf8mb4_bin, ?, ?, ?, ?)sql"},
    {SqlDialect::kMySql,
     R"sql(# daily cleanup, password=swordfish
DELETE FROM sessions WHERE expires_at < NOW() - INTERVAL 30 DAY LIMIT 1000)sql",
     R"sql(
DELETE FROM sessions WHERE expires_at < NOW() - INTERVAL ? DAY LIMIT ?)sql"},
    {SqlDialect::kMySql,
     R"sql(SELECT * FROM t WHERE a = 1 /*!50000 AND b = 2 */ AND c LIKE 'abc\_%')sql",
     R"sql(SELECT * FROM t WHERE a = ?  AND c LIKE ?)sql"},
    {SqlDialect::kMySql,
     R"sql(UPDATE t SET note = 'He said \"hi\"\\', n = n + 1 WHERE id = 7)sql",
     R"sql(UPDATE t SET note = ?, n = n + ? WHERE id = ?)sql"},
    {SqlDialect::kMySql,
     R"sql(SELECT JSON_EXTRACT(doc, '$.a.b'), doc->>'$.name' FROM docs WHERE id IN (?, ?, ?))sql",
     R"sql(SELECT JSON_EXTRACT(doc, ?), doc->>? FROM docs WHERE id IN (?, ?, ?))sql"},
    {SqlDialect::kMySql,
     R"sql(LOAD DATA INFILE '/tmp/data.csv' INTO TABLE t FIELDS TERMINATED BY ',' ENCLOSED BY '"')sql",
     R"sql(LOAD DATA INFILE ? INTO TABLE t FIELDS TERMINATED BY ? ENCLOSED BY ?)sql"},
    {SqlDialect::kSqlite,
     R"sql(SELECT * FROM notes WHERE rowid = ?1 AND title = :title AND tag = @tag AND owner = $owner)sql",
     R"sql(SELECT * FROM notes WHERE rowid = ?1 AND title = :title AND tag = @tag AND owner = $owner)sql"},
    {SqlDialect::kSqlite,
     R"sql(CREATE TABLE t1 (id INTEGER PRIMARY KEY, name TEXT DEFAULT 'none', score REAL DEFAULT 0.0))sql",
     R"sql(CREATE TABLE t1 (id INTEGER PRIMARY KEY, name TEXT DEFAULT ?, score REAL DEFAULT ?))sql"},
    {SqlDialect::kSqlite,
     R"sql(SELECT strftime('%Y-%m-%d', ts, 'unixepoch'), json_extract(data, '$.k') FROM t2 LIMIT -1 OFFSET 5)sql",
     R"sql(SELECT strftime(?, ts, ?), json_extract(data, ?) FROM t2 LIMIT -? OFFSET ?)sql"},
    {SqlDialect::kSqlite,
     R"sql(INSERT OR REPLACE INTO kv(k, v) VALUES('token', x'00ff'), ('n', 12))sql",
     R"sql(INSERT OR REPLACE INTO kv(k, v) VALUES(?, ?), (?, ?))sql"},
    {SqlDialect::kSqlite,
     R"sql(PRAGMA table_info('users'))sql",
     R"sql(PRAGMA table_info(?))sql"},
    {SqlDialect::kSqlServer,
     R"sql(SELECT TOP 10 [Order Details].[Unit Price], [dbo].[Customers].[Name] FROM [dbo].[Order Details])sql",
     R"sql(SELECT TOP ? [Order Details].[Unit Price], [dbo].[Customers].[Name] FROM [dbo].[Order Details])sql"},
    {SqlDialect::kSqlServer,
     R"sql(SELECT * INTO #tmp FROM Customers WHERE City = N'Zürich' AND Active = 1)sql",
     R"sql(SELECT * INTO #tmp FROM Customers WHERE City = ? AND Active = ?)sql",
     R"sql(SELECT * INTO ?)sql"},
    {SqlDialect::kSqlServer,
     R"sql(DECLARE @id INT = 5; SELECT * FROM ##global_cache WHERE id = @id)sql",
     R"sql(DECLARE @id INT = ?; SELECT * FROM ##global_cache WHERE id = @id)sql",
     R"sql(DECLARE @id INT = ?; SELECT * FROM )sql"},
    {SqlDialect::kSqlServer,
     R"sql(EXEC sp_executesql N'SELECT * FROM t WHERE id = @p', N'@p int', @p = 17)sql",
     R"sql(EXEC sp_executesql ?, ?, @p = ?)sql"},
    {SqlDialect::kSqlServer,
     R"sql(SELECT CONVERT(varchar(10), GETDATE(), 120), [a]]b] FROM t WHERE x <> 0x0A0B)sql",
     R"sql(SELECT CONVERT(varchar(?), GETDATE(), ?), [a]]b] FROM t WHERE x <> ?)sql"},
    {SqlDialect::kSqlServer,
     R"sql(UPDATE [Users] SET [Password] = 'P@ssw0rd!' WHERE [UserName] = 'admin')sql",
     R"sql(UPDATE [Users] SET [Password] = ? WHERE [UserName] = ?)sql"},
    {SqlDialect::kOracle,
     R"sql(SELECT * FROM emp WHERE hiredate > DATE '2001-01-01' AND ename = :ename AND rownum <= 5)sql",
     R"sql(SELECT * FROM emp WHERE hiredate > DATE ? AND ename = :ename AND rownum <= ?)sql"},
    {SqlDialect::kOracle,
     R"sql(SELECT q'[It's a 'quote']', nq'{Grüße}' FROM dual)sql",
     R"sql(SELECT ?, ? FROM dual)sql",
     R"sql(SELECT ?)sql"},
    {SqlDialect::kOracle,
     R"sql(SELECT sid, serial# FROM v$session WHERE username = 'SCOTT')sql",
     R"sql(SELECT sid, serial# FROM v$session WHERE username = ?)sql"},
    {SqlDialect::kOracle,
     R"sql(INSERT INTO t (id, v) VALUES (:1, :2))sql",
     R"sql(INSERT INTO t (id, v) VALUES (:1, :2))sql"},
    {SqlDialect::kOracle,
     R"sql(SELECT /*+ INDEX(e emp_idx) */ e.ename FROM emp e WHERE e.sal > 3000)sql",
     R"sql(SELECT  e.ename FROM emp e WHERE e.sal > ?)sql"},
    {SqlDialect::kSnowflake,
     R"sql(SELECT v:customer.name::string, v['items'][0] FROM raw_orders WHERE v:total::number > 100)sql",
     R"sql(SELECT v:customer.name::string, v[?][?] FROM raw_orders WHERE v:total::number > ?)sql"},
    {SqlDialect::kSnowflake,
     R"sql(CREATE OR REPLACE FUNCTION f() RETURNS STRING LANGUAGE JAVASCRIPT AS $$ return 'x'; $$)sql",
     R"sql(CREATE OR REPLACE FUNCTION f() RETURNS STRING LANGUAGE JAVASCRIPT AS ?)sql"},
    {SqlDialect::kSnowflake,
     R"sql(COPY INTO t FROM @my_stage/path/ CREDENTIALS = (AWS_KEY_ID = 'AKIA123' AWS_SECRET_KEY = 'abc/def'))sql",
     R"sql(COPY INTO t FROM @my_stage/path/ CREDENTIALS = (AWS_KEY_ID = ? AWS_SECRET_KEY = ?))sql"},
    {SqlDialect::kBigQuery,
     R"sql(SELECT * FROM `my-project.dataset.table` WHERE _PARTITIONTIME >= TIMESTAMP('2024-01-01'))sql",
     R"sql(SELECT * FROM `my-project.dataset.table` WHERE _PARTITIONTIME >= TIMESTAMP(?))sql"},
    {SqlDialect::kBigQuery,
     R"sql(SELECT ARRAY<INT64>[1, 2, 3], STRUCT('a' AS x, 2 AS y), ['p', 'q'][OFFSET(1)])sql",
     R"sql(SELECT ARRAY<INT64>[?, ?, ?], STRUCT(? AS x, ? AS y), [?, ?][OFFSET(?)])sql"},
    {SqlDialect::kBigQuery,
     R"sql(SELECT * FROM t WHERE id IN UNNEST([4, 5, 6]) AND name IN UNNEST(@names))sql",
     R"sql(SELECT * FROM t WHERE id IN UNNEST([?, ?, ?]) AND name IN UNNEST(@names))sql"},
    {SqlDialect::kUnknown,
     R"sql(SELECT a FROM b WHERE c IN ('x', 'y', 'z') AND d NOT IN (1, 2))sql",
     R"sql(SELECT a FROM b WHERE c IN (?, ?, ?) AND d NOT IN (?, ?))sql"},
    {SqlDialect::kUnknown,
     R"sql(SELECT CASE WHEN score >= 90 THEN 'A' WHEN score >= 80 THEN 'B' ELSE 'F' END FROM grades)sql",
     R"sql(SELECT CASE WHEN score >= ? THEN ? WHEN score >= ? THEN ? ELSE ? END FROM grades)sql"},
    {SqlDialect::kUnknown,
     R"sql(SELECT count(*) FILTER (WHERE status = 'active') FROM users HAVING count(*) > 0)sql",
     R"sql(SELECT count(*) FILTER (WHERE status = ?) FROM users HAVING count(*) > ?)sql"},
    {SqlDialect::kUnknown,
     R"sql(select
  u.id, -- user id
  u.name
from users u
where u.token = 'abc123')sql",
     R"sql(select
  u.id, 
  u.name
from users u
where u.token = ?)sql"},
    {SqlDialect::kUnknown,
     R"sql(SELECT 1-2, 3*-4, 5/2.0, 7%3, 2^10 FROM dual)sql",
     R"sql(SELECT ?-?, ?*-?, ?/?, ?%?, ?^? FROM dual)sql"},
    {SqlDialect::kUnknown,
     R"sql(SELECT 'a''b', '', '''', 'x' 'y' FROM t)sql",
     R"sql(SELECT ?, ?, ?)sql"},
    {SqlDialect::kUnknown,
     R"sql(SELECT 1e10, 1E+5, 6.02e23, 1.e3 FROM t)sql",
     R"sql(SELECT ?, ?, ?, ? FROM t)sql"},
    {SqlDialect::kUnknown,
     R"sql(SELECT a/*x*/b, c--y
FROM t)sql",
     R"sql(SELECT a b, c
FROM t)sql"},
    {SqlDialect::kUnknown,
     R"sql(WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100) SELECT n FROM r)sql",
     R"sql(WITH RECURSIVE r(n) AS (SELECT ? UNION ALL SELECT n + ? FROM r WHERE n < ?) SELECT n FROM r)sql"},
    {SqlDialect::kUnknown,
     R"sql(MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET v = 'new' WHEN NOT MATCHED THEN INSERT VALUES (src.id, 0))sql",
     R"sql(MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET v = ? WHEN NOT MATCHED THEN INSERT VALUES (src.id, ?))sql"},
    {SqlDialect::kUnknown,
     R"sql(SELECT lower(email) FROM users WHERE email ~* '^[a-z]+@corp\.com$' AND phone !~ '555')sql",
     R"sql(SELECT lower(email) FROM users WHERE email ~* ? AND phone !~ ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(SELECT replace(path, '\', '/') FROM files WHERE name = 'a.txt')sql",
     R"sql(SELECT replace(path, ?, ?) FROM files WHERE name = ?)sql",
     R"sql(SELECT replace(path, ?)sql"},
    {SqlDialect::kPostgres,
     R"sql(COMMENT ON TABLE t IS 'Owner''s table')sql",
     R"sql(COMMENT ON TABLE t IS ?)sql"},
    {SqlDialect::kSqlite,
     R"sql(SELECT * FROM "main"."t" WHERE "x" = 'y' AND z IS NOT NULL)sql",
     R"sql(SELECT * FROM "main"."t" WHERE "x" = ? AND z IS NOT NULL)sql",
     R"sql(SELECT * FROM ?.? WHERE ? = ? AND z IS NOT NULL)sql"},
    {SqlDialect::kSqlServer,
     R"sql(SELECT * FROM t WHERE d >= '2024-01-01' ORDER BY 1 OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY)sql",
     R"sql(SELECT * FROM t WHERE d >= ? ORDER BY ? OFFSET ? ROWS FETCH NEXT ? ROWS ONLY)sql"},
};
// clang-format on

std::string Describe(const CorpusEntry& entry) {
  return "[" + std::string(DialectName(entry.dialect)) + "] " + std::string(entry.sql);
}

TEST(HistorySanitizerCorpusTest, EveryQuerySanitizesToItsExpectedText) {
  for (const CorpusEntry& entry : kCorpus) {
    EXPECT_EQ(SanitizeHistoryQuery(entry.sql, entry.dialect), entry.sanitized) << Describe(entry);
  }
}

TEST(HistorySanitizerCorpusTest, UnknownDialectMasksTheUnionOfReadings) {
  for (const CorpusEntry& entry : kCorpus) {
    EXPECT_EQ(SanitizeHistoryQuery(entry.sql), entry.Unknown()) << Describe(entry);
  }
}

TEST(HistorySanitizerCorpusTest, SanitizedTextIsAFixedPoint) {
  for (const CorpusEntry& entry : kCorpus) {
    EXPECT_EQ(SanitizeHistoryQuery(entry.sanitized, entry.dialect), entry.sanitized)
        << Describe(entry);
    EXPECT_EQ(SanitizeHistoryQuery(entry.Unknown()), entry.Unknown()) << Describe(entry);
  }
}

TEST(HistorySanitizerCorpusTest, CorpusCoversSeveralDialects) {
  EXPECT_GE(std::size(kCorpus), 60u);
  for (SqlDialect dialect :
       {SqlDialect::kPostgres, SqlDialect::kMySql, SqlDialect::kSqlite, SqlDialect::kSqlServer,
        SqlDialect::kOracle, SqlDialect::kSnowflake, SqlDialect::kBigQuery}) {
    int count = 0;
    for (const CorpusEntry& entry : kCorpus) {
      count += entry.dialect == dialect ? 1 : 0;
    }
    EXPECT_GE(count, 3) << DialectName(dialect);
  }
}

}  // namespace
}  // namespace howler::sync
