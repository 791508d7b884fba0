#include "storage/database_wrapper.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace howler::storage {
namespace {

// Records each call it receives and answers with something that names the call.
class RecordingDatabase final : public Database {
 public:
  Result<ResultSet> Query(const Statement& s) override { return Answer("query", s); }
  Result<ResultSet> Execute(const Statement& s) override { return Answer("execute", s); }
  Result<std::vector<ResultSet>> Batch(const std::vector<Statement>& statements) override {
    calls.push_back("batch:" + std::to_string(statements.size()));
    return std::vector<ResultSet>(statements.size());
  }
  Status Ping() override {
    calls.push_back("ping");
    return UnavailableError("ping answered by the target");
  }
  std::string_view backend() const override { return "recording"; }

  std::vector<std::string> calls;

 private:
  ResultSet Answer(const std::string& op, const Statement& s) {
    calls.push_back(op + ":" + s.sql);
    return ResultSet{{op}, {{s.sql}}};
  }
};

// Changes Ping only; everything else must reach the target untouched.
class PingOverride final : public DatabaseWrapper {
 public:
  using DatabaseWrapper::DatabaseWrapper;
  Status Ping() override { return Status::Ok(); }
};

TEST(DatabaseWrapperTest, ForwardsEveryCallItDoesNotOverride) {
  RecordingDatabase target;
  DatabaseWrapper wrapper(target);
  auto query = wrapper.Query({"q", {}});
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->columns, std::vector<std::string>{"query"});
  auto execute = wrapper.Execute({"e", {}});
  ASSERT_TRUE(execute.ok());
  EXPECT_EQ(execute->columns, std::vector<std::string>{"execute"});
  auto batch = wrapper.Batch({{"a", {}}, {"b", {}}});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->size(), 2u);
  EXPECT_EQ(wrapper.Ping().message(), "ping answered by the target");
  EXPECT_EQ(wrapper.backend(), "recording");
  EXPECT_EQ(target.calls, (std::vector<std::string>{"query:q", "execute:e", "batch:2", "ping"}));
  EXPECT_EQ(&wrapper.target(), &target);
}

TEST(DatabaseWrapperTest, AnOverrideReplacesOnlyItsOwnCall) {
  RecordingDatabase target;
  PingOverride wrapper(target);
  EXPECT_TRUE(wrapper.Ping().ok());
  EXPECT_TRUE(wrapper.Query({"q", {}}).ok());
  EXPECT_EQ(wrapper.backend(), "recording");
  EXPECT_EQ(target.calls, std::vector<std::string>{"query:q"}) << "Ping never reached the target";
}

}  // namespace
}  // namespace howler::storage
