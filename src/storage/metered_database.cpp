#include "storage/metered_database.h"

#include <chrono>

#include "metrics/metrics.h"

namespace howler::storage {
namespace {

const Status& StatusOf(const Status& s) {
  return s;
}
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

}  // namespace

template <typename F>
auto MeteredDatabase::Timed(std::string_view op, F&& call) {
  const auto start = std::chrono::steady_clock::now();
  auto result = call();
  metrics_.ObserveDbCall(backend(), op, metrics::SecondsSince(start));
  metrics_.CountDbRoundtrip(op);
  const Status status = StatusOf(result);
  if (!status.ok()) metrics_.CountDbError(backend(), StatusCodeName(status.code()));
  return result;
}

Result<ResultSet> MeteredDatabase::Query(const Statement& statement) {
  return Timed("query", [&] { return target().Query(statement); });
}

Result<ResultSet> MeteredDatabase::Execute(const Statement& statement) {
  return Timed("execute", [&] { return target().Execute(statement); });
}

Result<std::vector<ResultSet>> MeteredDatabase::Batch(const std::vector<Statement>& statements) {
  return Timed("batch", [&] { return target().Batch(statements); });
}

Status MeteredDatabase::Ping() {
  return Timed("ping", [&] { return target().Ping(); });
}

}  // namespace howler::storage
