#include "sync/desktop_rules.h"

#include "common/crypto.h"

namespace howler::sync {

DesktopDecided DecideDesktopEdit(const DesktopEdit& edit, const std::optional<DeviceView>& device,
                                 const std::optional<StoredEdit>& stored) {
  if (!stored) return {DesktopDecision::kApply, 1};
  const std::int64_t next = stored->sync_version + 1;
  if (edit.type == ItemType::kQueryHistory) return {DesktopDecision::kUnchanged, 0};
  if (!stored->deleted && stored->data == edit.data) return {DesktopDecision::kUnchanged, 0};
  if (device && device->sent_hash == edit.data_hash) return {DesktopDecision::kResent, 0};
  if (device && device->seen_version == stored->sync_version) {
    return {DesktopDecision::kApply, next};
  }
  if (edit.edit_time > stored->edit_time) return {DesktopDecision::kConflictApplied, next};
  return {DesktopDecision::kConflictKept, 0};
}

std::string DesktopDataHash(std::string_view data) {
  return HexEncode(Sha256(data).substr(0, 16));
}

}  // namespace howler::sync
