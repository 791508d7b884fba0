// The contract suite every engine passes (the contract is in connection.h, engine.h and
// query_stream.h), run against real servers the tests start.
//
// An engine joins with an EngineFactory: a target (the engine plus its test server and
// the SQL the suite needs in that dialect), and instantiates
//   EngineContractTest  (every engine), and
//   ServerEngineContractTest  (engines with credentials and databases checked by the
//                              server, affected-row counts, server-side cancel,
//                              statement timeouts, read-only sessions, and a server
//                              process to kill: PostgreSQL and MariaDB).
// A factory that cannot start its server fails the test: it never skips.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "dbmanager/engine.h"

namespace howler::dbmanager {

// What the suite needs written in the engine's dialect.
struct EngineDialect {
  std::string placeholder;                        // the first parameter: "$1" or "?"
  std::function<std::string(int seconds)> sleep;  // a statement that sleeps
  std::string running_sleeps;  // admin SQL: how many "sleep(30)" statements run now
  std::string create_types;    // one or more statements creating and filling contract_types
  // contract_types' columns and the JSON cell each must read back as.
  std::vector<std::pair<std::string, std::string>> expected_cells;
  std::string create_fixture;       // contract_parent, contract_child (FK), contract_view
  std::string fixture_schema;       // the schema (or database) those live in
  std::string create_write_target;  // a table contract_writes (v int) for write tests
  std::string insert_write;         // one INSERT into contract_writes
};

// One engine against its test server.
class EngineTarget {
 public:
  virtual ~EngineTarget() = default;
  virtual Engine& engine() = 0;
  virtual ConnectionSpec spec() = 0;  // the test server's database, as its user
  virtual std::string password() = 0;
  virtual Status AdminSql(const std::string& sql) = 0;
  virtual Result<std::string> AdminScalar(const std::string& sql) = 0;
  virtual void KillServer() = 0;
  virtual const EngineDialect& dialect() = 0;
};

struct EngineFactory {
  std::string name;  // a test-name suffix
  // `fresh`: a server of its own (tests that kill it); else one shared by the binary,
  // stopped when the process exits. UNAVAILABLE/NOT_FOUND when it cannot be started.
  std::function<Result<std::unique_ptr<EngineTarget>>(bool fresh)> make;
};

std::string EngineFactoryName(const testing::TestParamInfo<EngineFactory>& info);
void PrintTo(const EngineFactory& factory, std::ostream* os);

class EngineContractTest : public testing::TestWithParam<EngineFactory> {
 protected:
  void SetUp() override;
  // A connection of the test server's user; fails the test when it cannot be opened.
  std::unique_ptr<Connection> Open(bool read_only = false);

  std::unique_ptr<EngineTarget> target_;
};

class ServerEngineContractTest : public EngineContractTest {};

}  // namespace howler::dbmanager
