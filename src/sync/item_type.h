// ItemType: the kinds of synced items (API.md, Sync) and their wire names.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace howler::sync {

enum class ItemType { kConnection, kSavedQuery, kQueryHistory, kReport };

inline constexpr std::array<ItemType, 4> kAllItemTypes = {
    ItemType::kConnection, ItemType::kSavedQuery, ItemType::kQueryHistory, ItemType::kReport};

// "connection", "saved_query", "query_history", "report".
std::string_view ItemTypeName(ItemType type);
// The download response's array for the type: "connections", "saved_queries",
// "query_history", "reports".
std::string_view ItemTypeCollection(ItemType type);
std::optional<ItemType> ParseItemType(std::string_view name);

}  // namespace howler::sync
