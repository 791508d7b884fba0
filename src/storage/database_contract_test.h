// The contract suite every Database backend passes (the contract is in database.h).
//
// A backend joins by instantiating the suite with factories of fresh databases:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, DatabaseContractTest,
//                            testing::Values(BackendFactory{"memory", MakeMemoryDb}),
//                            BackendFactoryName);
//
// and linking the howler_storage_contract object library. A factory returning nullptr
// skips the tests (for example when a remote test server is not available).
//
// The tests assume nothing a remote server does not give: positional parameters only,
// one statement per Statement, results from RETURNING (never affected-row counts), and
// tables with unique names that are dropped afterwards, so that several tests may share
// one server. They do require enforced foreign keys (tursodb enforces them only after
// `PRAGMA foreign_keys=ON`) and RETURNING, UPSERT and CHECK constraints.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace howler::storage {

struct BackendFactory {
  std::string name;                                 // a test-name suffix: [A-Za-z0-9_]
  std::function<std::unique_ptr<Database>()> make;  // nullptr: skip
};

// For INSTANTIATE_TEST_SUITE_P's name generator.
std::string BackendFactoryName(const testing::TestParamInfo<BackendFactory>& info);

// Readable GoogleTest output.
void PrintTo(const BackendFactory& factory, std::ostream* os);
void PrintTo(const Null& null, std::ostream* os);
void PrintTo(const Blob& blob, std::ostream* os);

class DatabaseContractTest : public testing::TestWithParam<BackendFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Creates a table with a name unique to this test run (dropped in TearDown) from a
  // column list such as "id INTEGER PRIMARY KEY, v", and returns its name.
  std::string CreateTable(std::string_view columns);

  Database& db() { return *db_; }

 private:
  std::unique_ptr<Database> db_;
  std::vector<std::string> tables_;
};

}  // namespace howler::storage
