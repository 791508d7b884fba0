// FailedStream: a QueryStream that ended before it began (a second query while one runs,
// a closed or broken session): an empty kColumns event, then kError. Thread-safe enough
// for its contract (Next is called once at a time).
#pragma once

#include "dbmanager/query_stream.h"

namespace howler::dbmanager {

class FailedStream : public QueryStream {
 public:
  explicit FailedStream(Status error) : error_(std::move(error)) {}

  void Next(std::function<void(QueryEvent)> deliver) override {
    QueryEvent event;
    if (columns_sent_) {
      event.kind = QueryEvent::Kind::kError;
      event.error = error_;
    }
    columns_sent_ = true;
    deliver(std::move(event));
  }
  void Cancel() override {}

 private:
  Status error_;
  bool columns_sent_ = false;
};

}  // namespace howler::dbmanager
