#include "dbmanager/metered_connection.h"

#include <atomic>
#include <chrono>

namespace howler::dbmanager {
namespace {

// Counts what passes through and records the query once its last event is delivered.
class MeteredStream : public QueryStream, public std::enable_shared_from_this<MeteredStream> {
 public:
  MeteredStream(std::shared_ptr<QueryStream> target, EngineKind engine, metrics::Metrics& metrics)
      : target_(std::move(target)), engine_(engine), metrics_(metrics) {}

  void Next(std::function<void(QueryEvent)> deliver) override {
    target_->Next([self = shared_from_this(), deliver = std::move(deliver)](QueryEvent event) {
      self->Count(event);
      deliver(std::move(event));
    });
  }
  void Cancel() override { target_->Cancel(); }

 private:
  // Events of one stream are delivered one at a time (QueryStream's contract).
  void Count(const QueryEvent& event) {
    switch (event.kind) {
      case QueryEvent::Kind::kColumns:
        return;
      case QueryEvent::Kind::kRows:
        rows_ += static_cast<double>(event.rows.size());
        for (const auto& row : event.rows) {
          for (const auto& cell : row) {
            bytes_ += static_cast<double>(cell.size());
          }
        }
        return;
      case QueryEvent::Kind::kSummary:
        Record("ok");
        return;
      case QueryEvent::Kind::kError:
        Record(StatusCodeName(event.error.code()));
        return;
    }
  }

  void Record(std::string_view result) {
    metrics_.ObserveDbManagerQuery(
        EngineName(engine_), result,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(), rows_,
        bytes_);
  }

  std::shared_ptr<QueryStream> target_;
  const EngineKind engine_;
  metrics::Metrics& metrics_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  double rows_ = 0;
  double bytes_ = 0;
};

}  // namespace

std::shared_ptr<QueryStream> MeteredConnection::Wrap(std::shared_ptr<QueryStream> stream) {
  return std::make_shared<MeteredStream>(std::move(stream), target_->engine(), metrics_);
}

std::shared_ptr<QueryStream> MeteredConnection::Query(QueryRequest request) {
  return Wrap(target_->Query(std::move(request)));
}

std::shared_ptr<QueryStream> MeteredConnection::Explain(std::string sql) {
  return Wrap(target_->Explain(std::move(sql)));
}

}  // namespace howler::dbmanager
