// DatabaseWrapper: a Database that forwards every call to a target Database (leveldb's
// EnvWrapper is the model). Decorators derive from it and override only the calls they
// change; whatever they do not override reaches the target unchanged, so a call added to
// Database is forwarded by every wrapper from here.
//
// The target must outlive the wrapper. A wrapper that owns its target (a test database
// with its temporary directory, say) passes a reference here and keeps the owning pointer
// as a member, declared so that it is destroyed in the order it needs. Thread-safe if the
// target is.
#pragma once

#include <string_view>
#include <vector>

#include "storage/database.h"

namespace howler::storage {

class DatabaseWrapper : public Database {
 public:
  explicit DatabaseWrapper(Database& target) : target_(target) {}

  // The wrapped database.
  Database& target() const { return target_; }

  Result<ResultSet> Query(const Statement& statement) override { return target_.Query(statement); }
  Result<ResultSet> Execute(const Statement& statement) override {
    return target_.Execute(statement);
  }
  Result<std::vector<ResultSet>> Batch(const std::vector<Statement>& statements) override {
    return target_.Batch(statements);
  }
  Status Ping() override { return target_.Ping(); }
  std::string_view backend() const override { return target_.backend(); }

 private:
  Database& target_;
};

}  // namespace howler::storage
