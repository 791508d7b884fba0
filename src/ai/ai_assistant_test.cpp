// AiAssistant over the fake OpenAI-compatible provider (tests/support), a real SQLite store
// and a manual clock: the order of its checks, the budget's reset time, the schema as
// context, usage recorded after the answer.
#include "ai/ai_assistant.h"

#include <gtest/gtest.h>

#include <future>

#include "storage/libsql/tursodb_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "support/fake_ai_provider.h"

namespace howler::ai {
namespace {

using testing::FakeAiProvider;

class AiAssistantTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenTestDatabase("sqlite");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::ApplyMigrations(*db_, storage::EmbeddedMigrations(), 0).ok());
    ASSERT_TRUE(db_->Execute({"INSERT INTO users (id, username, username_key, email, "
                              "password_hash, active, created_at, updated_at) "
                              "VALUES ('u1', 'u1', 'u1', 'u1@example.com', 'h', 1, 0, 0)",
                              {}})
                    .ok());
    store_ = std::make_unique<storage::AiUsageStore>(*db_);
    // 2026-01-01T23:00:00Z: an hour before the day's end.
    clock_.Set(ManualClock::DefaultStart() + std::chrono::hours(23));
  }

  std::unique_ptr<AiAssistant> Make(ChatProvider* provider, AssistantOptions o = {}) {
    o.model = "fake-model";
    SchemaSource schemas{
        [this](const std::string& user, const std::string& session) -> Result<dbmanager::Schema> {
          asked_ = user + "/" + session;
          if (session != "s1") return NotFoundError("session not found");
          dbmanager::Schema s;
          dbmanager::SchemaRelation r;
          r.schema = "public";
          r.name = "invoices";
          r.columns.push_back({"id", "bigint", false, std::nullopt, true});
          s.relations.push_back(r);
          return s;
        },
        [](const std::string&, const std::string&) -> Result<std::string> {
          return NotFoundError("no open session of this connection: open one first");
        }};
    return std::make_unique<AiAssistant>(provider, *store_, std::move(schemas), workers_, clock_,
                                         std::move(o));
  }

  // Runs one request to its end.
  Result<AiAnswer> Ask(AiAssistant& a, AiRequest r) {
    auto done = std::make_shared<std::promise<Result<AiAnswer>>>();
    auto call = a.Start("u1", r,
                        {[](std::string_view) {},
                         [done](Result<AiAnswer> answer) { done->set_value(std::move(answer)); }});
    if (!call.ok()) return call.status();
    auto f = done->get_future();
    EXPECT_EQ(f.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    return f.get();
  }

  // The user's usage once `requests` answers are recorded (written on the pool).
  storage::AiUsageRecord UsageAfter(std::int64_t requests) {
    storage::AiUsageRecord r;
    for (int i = 0; i < 200 && r.requests < requests; ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      r = store_->Read("u1", clock_.NowMillis() / 86'400'000)->first;
    }
    return r;
  }

  FakeAiProvider fake_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::AiUsageStore> store_;
  WorkerPool workers_{"test", 1, 16};
  ManualClock clock_;
  std::string asked_;
};

AiRequest Question(std::string q) {
  AiRequest r;
  r.question = std::move(q);
  return r;
}

TEST_F(AiAssistantTest, ChecksFieldsBeforeConfigurationAndConfigurationBeforeLimits) {
  auto unconfigured = Make(nullptr);
  EXPECT_FALSE(unconfigured->configured());
  auto empty = unconfigured->Start("u1", AiRequest{}, {});
  EXPECT_EQ(empty.status().message(), "question is required");
  auto off = unconfigured->Start("u1", Question("q"), {});
  EXPECT_EQ(off.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(off.status().message(), "the AI assistant is not configured on this server");
  AiRequest both = Question("q");
  both.session_id = "s1";
  both.connection_id = "c1";
  EXPECT_EQ(unconfigured->Start("u1", both, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AiAssistantTest, SchemaOfTheSessionIsTheContextAndUsageIsRecorded) {
  ChatProvider provider({fake_.base_url(), "k"});
  auto assistant = Make(&provider);
  AiRequest r = Question("unpaid invoices");
  r.session_id = "s1";
  auto answer = Ask(*assistant, r);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->sql, "SELECT 1;");
  EXPECT_EQ(asked_, "u1/s1");
  EXPECT_NE(fake_.requests().back().body.find("public.invoices: id bigint pk"), std::string::npos);
  const storage::AiUsageRecord u = UsageAfter(1);
  EXPECT_EQ(u.requests, 1);
  EXPECT_EQ(u.tokens_in, 100);
  EXPECT_EQ(u.tokens_out, 20);
  r.session_id = "gone";
  EXPECT_EQ(assistant->Start("u1", r, {}).status().code(), StatusCode::kNotFound);
  AiRequest by_connection = Question("q");
  by_connection.connection_id = "c1";
  EXPECT_EQ(assistant->Start("u1", by_connection, {}).status().message(),
            "no open session of this connection: open one first");
}

TEST_F(AiAssistantTest, BudgetCapsTheAnswerThenRefusesUntilMidnight) {
  ChatProvider provider({fake_.base_url(), "k"});
  AssistantOptions o;
  o.daily_tokens_free = 150;
  o.max_output_tokens = 500;
  auto assistant = Make(&provider, o);
  ASSERT_TRUE(Ask(*assistant, Question("one")).ok());
  EXPECT_NE(fake_.requests().back().body.find("\"max_tokens\":150"), std::string::npos);
  UsageAfter(1);
  ASSERT_TRUE(Ask(*assistant, Question("two")).ok());
  EXPECT_NE(fake_.requests().back().body.find("\"max_tokens\":30"), std::string::npos);
  UsageAfter(2);
  auto refused = assistant->Start("u1", Question("three"), {});
  ASSERT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().message(),
            "daily AI token budget of 150 tokens used up; it resets at 2026-01-02T00:00:00.000Z");
  EXPECT_EQ(refused.status().retry_after_seconds(), 3600);
  auto usage = assistant->Usage("u1");
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->remaining, 0);
  EXPECT_EQ(usage->daily_budget, 150);
  clock_.Advance(std::chrono::hours(1));  // the next UTC day
  EXPECT_TRUE(Ask(*assistant, Question("four")).ok());
}

TEST_F(AiAssistantTest, PerUserRateLimit) {
  ChatProvider provider({fake_.base_url(), "k"});
  AssistantOptions o;
  o.rate_limit_per_min = 1;
  auto assistant = Make(&provider, o);
  ASSERT_TRUE(Ask(*assistant, Question("one")).ok());
  auto limited = assistant->Start("u1", Question("two"), {});
  ASSERT_EQ(limited.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(limited.status().message(), "too many AI requests; retry shortly");
  EXPECT_EQ(limited.status().retry_after_seconds(), 60);
}

}  // namespace
}  // namespace howler::ai
