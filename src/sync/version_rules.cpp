#include "sync/version_rules.h"

namespace howler::sync {

std::optional<Action> ParseAction(std::string_view name) {
  if (name == "create") return Action::kCreate;
  if (name == "update") return Action::kUpdate;
  if (name == "delete") return Action::kDelete;
  return std::nullopt;
}

namespace {

Decided DecideHistory(Action action, const std::optional<StoredVersion>& stored) {
  if (action == Action::kDelete) {
    if (!stored || stored->deleted) return {Decision::kUnchanged, 0};
    return {Decision::kApply, stored->sync_version + 1};
  }
  if (stored) return {Decision::kUnchanged, 0};
  return {Decision::kApply, 1};
}

}  // namespace

Decided DecideChange(ItemType type, Action action, std::int64_t base_version,
                     std::string_view new_data, const std::optional<StoredVersion>& stored) {
  if (type == ItemType::kQueryHistory) return DecideHistory(action, stored);
  if (action == Action::kDelete) {
    if (!stored || stored->deleted) return {Decision::kUnchanged, 0};
    if (base_version == stored->sync_version) return {Decision::kApply, stored->sync_version + 1};
    return {Decision::kConflict, 0};
  }
  if (!stored) return {Decision::kApply, 1};
  if (!stored->deleted && stored->data == new_data) return {Decision::kUnchanged, 0};
  if (base_version == stored->sync_version) return {Decision::kApply, stored->sync_version + 1};
  return {Decision::kConflict, 0};
}

}  // namespace howler::sync
