#include "sync/item_type.h"

namespace howler::sync {

std::string_view ItemTypeName(ItemType type) {
  switch (type) {
    case ItemType::kConnection:
      return "connection";
    case ItemType::kSavedQuery:
      return "saved_query";
    case ItemType::kQueryHistory:
      return "query_history";
    case ItemType::kReport:
      return "report";
  }
  return "connection";
}

std::string_view ItemTypeCollection(ItemType type) {
  switch (type) {
    case ItemType::kConnection:
      return "connections";
    case ItemType::kSavedQuery:
      return "saved_queries";
    case ItemType::kQueryHistory:
      return "query_history";
    case ItemType::kReport:
      return "reports";
  }
  return "connections";
}

std::optional<ItemType> ParseItemType(std::string_view name) {
  for (ItemType t : kAllItemTypes) {
    if (ItemTypeName(t) == name) return t;
  }
  return std::nullopt;
}

}  // namespace howler::sync
