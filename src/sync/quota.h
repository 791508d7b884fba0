// Quota: how many live (not deleted) items of each type a user may keep, by the tier in
// users.tier ("free", "individual", "team"; an unknown tier gets the free limits).
// Plain values; thread-safe to read.
#pragma once

#include <cstdint>
#include <string_view>

#include "sync/item_type.h"

namespace howler::sync {

struct QuotaLimits {
  std::int64_t connections = 100;
  std::int64_t saved_queries = 1000;
  std::int64_t query_history = 50000;
  std::int64_t reports = 100;

  std::int64_t For(ItemType type) const {
    switch (type) {
      case ItemType::kConnection:
        return connections;
      case ItemType::kSavedQuery:
        return saved_queries;
      case ItemType::kQueryHistory:
        return query_history;
      case ItemType::kReport:
        return reports;
    }
    return 0;
  }
};

struct TierQuotas {
  QuotaLimits free;
  QuotaLimits individual{1000, 10000, 500000, 1000};
  QuotaLimits team{5000, 50000, 2000000, 5000};

  const QuotaLimits& For(std::string_view tier) const {
    if (tier == "individual") return individual;
    if (tier == "team") return team;
    return free;
  }
};

}  // namespace howler::sync
