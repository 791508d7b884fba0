// CallDeps: what every application gRPC service needs to apply the declared policy of
// its operations (api/operations.h) through CallRunner. No gRPC header here, so the
// composition root can build it cheaply. The pointed-to objects must outlive the services.
#pragma once

#include <string>
#include <vector>

#include "api/gate.h"
#include "common/worker_pool.h"
#include "metrics/metrics.h"

namespace howler::grpcsvc {

struct CallDeps {
  const api::Gate* gate = nullptr;      // required: budgets and sessions
  metrics::Metrics* metrics = nullptr;  // optional
  WorkerPool* hash_pool = nullptr;      // required by api::RunOn::kHashPool operations
  // Peers whose `x-forwarded-for` metadata names the client (TRUSTED_PROXIES, as HTTP).
  std::vector<std::string> trusted_proxies;
};

}  // namespace howler::grpcsvc
