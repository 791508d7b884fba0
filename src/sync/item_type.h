// ItemType: the kinds of synced items (API.md, Sync) and their wire names.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace howler::sync {

enum class ItemType { kConnection, kSavedQuery, kQueryHistory };

inline constexpr std::array<ItemType, 3> kAllItemTypes = {
    ItemType::kConnection, ItemType::kSavedQuery, ItemType::kQueryHistory};

// "connection", "saved_query", "query_history".
std::string_view ItemTypeName(ItemType type);
// The download response's array for the type: "connections", "saved_queries",
// "query_history".
std::string_view ItemTypeCollection(ItemType type);
std::optional<ItemType> ParseItemType(std::string_view name);

}  // namespace howler::sync
