#include "dbmanager/testing/sync_calls.h"

#include <chrono>
#include <future>

namespace howler::dbmanager::testing {
namespace {

constexpr auto kCallTimeout = std::chrono::seconds(60);

template <typename T>
Result<T> Wait(std::future<Result<T>> future) {
  if (future.wait_for(kCallTimeout) != std::future_status::ready) {
    return Status(StatusCode::kDeadlineExceeded, "test call did not complete");
  }
  return future.get();
}

void PullCounting(std::shared_ptr<QueryStream> stream, std::shared_ptr<CollectedRows> rows,
                  std::shared_ptr<int> batches,
                  std::shared_ptr<std::promise<Result<CollectedRows>>> promise) {
  QueryStream* raw = stream.get();
  raw->Next([stream = std::move(stream), rows, batches, promise](QueryEvent event) mutable {
    switch (event.kind) {
      case QueryEvent::Kind::kColumns:
        rows->columns = std::move(event.columns);
        break;
      case QueryEvent::Kind::kRows:
        ++*batches;
        for (auto& row : event.rows) {
          rows->rows.push_back(std::move(row));
        }
        break;
      case QueryEvent::Kind::kSummary:
        rows->summary = std::move(event.summary);
        promise->set_value(std::move(*rows));
        return;
      case QueryEvent::Kind::kError:
        promise->set_value(std::move(event.error));
        return;
    }
    PullCounting(std::move(stream), rows, batches, promise);
  });
}

}  // namespace

Result<std::unique_ptr<Connection>> ConnectSync(Engine& engine, const ConnectionSpec& spec,
                                                std::string_view password) {
  auto promise = std::make_shared<std::promise<Result<std::unique_ptr<Connection>>>>();
  auto future = promise->get_future();
  engine.Connect(spec, Secret(password), [promise](Result<std::unique_ptr<Connection>> result) {
    promise->set_value(std::move(result));
  });
  return Wait(std::move(future));
}

Result<CollectedRows> CollectSync(std::shared_ptr<QueryStream> stream, int* batches) {
  auto promise = std::make_shared<std::promise<Result<CollectedRows>>>();
  auto future = promise->get_future();
  auto count = std::make_shared<int>(0);
  PullCounting(std::move(stream), std::make_shared<CollectedRows>(), count, promise);
  auto result = Wait(std::move(future));
  if (batches != nullptr) {
    *batches = *count;
  }
  return result;
}

Result<CollectedRows> QuerySync(Connection& connection, QueryRequest request) {
  return CollectSync(connection.Query(std::move(request)));
}

Result<Schema> SchemaSync(Connection& connection) {
  auto promise = std::make_shared<std::promise<Result<Schema>>>();
  auto future = promise->get_future();
  connection.LoadSchema(
      [promise](Result<Schema> schema) { promise->set_value(std::move(schema)); });
  return Wait(std::move(future));
}

Status PingSync(Connection& connection) {
  auto promise = std::make_shared<std::promise<Result<bool>>>();
  auto future = promise->get_future();
  connection.Ping([promise](Status status) {
    promise->set_value(status.ok() ? Result<bool>(true) : Result<bool>(status));
  });
  return Wait(std::move(future)).status();
}

}  // namespace howler::dbmanager::testing
