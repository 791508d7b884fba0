// RenderItem: a stored item as API.md's download shape, built from its stored text
// without parsing it: {"id", "sync_version", "updated_at", "device_id", ...data members}.
// Tombstones render as {"item_type", "item_id", "sync_version", "deleted_at"} (the
// `deleted` entries). The stored data never holds the server fields (data_sanitizer.h),
// so no key repeats. Pure; thread-safe.
#pragma once

#include <string>

#include "storage/sync_records.h"

namespace howler::sync {

void AppendItemJson(std::string& out, const storage::SyncItemRecord& item);
void AppendTombstoneJson(std::string& out, const storage::SyncItemRecord& item);
std::string RenderItem(const storage::SyncItemRecord& item);

}  // namespace howler::sync
