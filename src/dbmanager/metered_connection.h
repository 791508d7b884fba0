// MeteredConnection: a Connection decorator that records every query and explain into
// the dbmanager_* metric families (metrics.h): its result (ok or the StatusCode name),
// duration, rows and cell bytes streamed. Thread-safety: as the wrapped Connection's;
// `metrics` must outlive the connection.
#pragma once

#include <memory>

#include "dbmanager/connection.h"
#include "metrics/metrics.h"

namespace howler::dbmanager {

class MeteredConnection : public Connection {
 public:
  MeteredConnection(std::unique_ptr<Connection> target, metrics::Metrics& metrics)
      : target_(std::move(target)), metrics_(metrics) {}

  EngineKind engine() const override { return target_->engine(); }
  std::shared_ptr<QueryStream> Query(QueryRequest request) override;
  std::shared_ptr<QueryStream> Explain(std::string sql) override;
  void LoadSchema(std::function<void(Result<Schema>)> done) override {
    target_->LoadSchema(std::move(done));
  }
  void Ping(std::function<void(Status)> done) override { target_->Ping(std::move(done)); }
  bool broken() const override { return target_->broken(); }
  void Close() override { target_->Close(); }

 private:
  std::shared_ptr<QueryStream> Wrap(std::shared_ptr<QueryStream> stream);

  std::unique_ptr<Connection> target_;
  metrics::Metrics& metrics_;
};

}  // namespace howler::dbmanager
