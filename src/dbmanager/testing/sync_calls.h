// For tests: the asynchronous Engine and Connection calls, waited for on the calling
// thread (bounded: a call that does not complete within 60 s fails with
// DEADLINE_EXCEEDED "test call did not complete").
#pragma once

#include <memory>

#include "common/result.h"
#include "dbmanager/engine.h"
#include "dbmanager/schema_loader.h"

namespace howler::dbmanager::testing {

Result<std::unique_ptr<Connection>> ConnectSync(Engine& engine, const ConnectionSpec& spec,
                                                std::string_view password);
// Collects the whole stream (CollectRows), counting its kRows events in `batches`.
Result<CollectedRows> CollectSync(std::shared_ptr<QueryStream> stream, int* batches = nullptr);
Result<CollectedRows> QuerySync(Connection& connection, QueryRequest request);
Result<Schema> SchemaSync(Connection& connection);
Status PingSync(Connection& connection);

}  // namespace howler::dbmanager::testing
