// MeteredDatabase: a Database decorator that times every call into
// db_query_duration_seconds{backend,op}, counts failures into db_errors_total{backend,kind},
// and counts each call as one round trip (db_roundtrips_total{op}). backend() is the
// target's. Thread-safe if the wrapped database is; both arguments must outlive it.
#pragma once

#include "storage/database_wrapper.h"

namespace howler::metrics {
class Metrics;
}

namespace howler::storage {

class MeteredDatabase final : public DatabaseWrapper {
 public:
  MeteredDatabase(Database& inner, metrics::Metrics& metrics)
      : DatabaseWrapper(inner), metrics_(metrics) {}

  Result<ResultSet> Query(const Statement& statement) override;
  Result<ResultSet> Execute(const Statement& statement) override;
  Result<std::vector<ResultSet>> Batch(const std::vector<Statement>& statements) override;
  Status Ping() override;

 private:
  template <typename F>
  auto Timed(std::string_view op, F&& call);

  metrics::Metrics& metrics_;
};

}  // namespace howler::storage
