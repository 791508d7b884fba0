// The optimistic-version rules of an upload (API.md, Sync: POST /upload), as one pure
// function so that they are tested apart from storage.
//
// For connections and saved queries:
// - create/update: no stored item -> apply as version 1; stored live item with the same
//   data -> unchanged; base version == stored version (live or tombstone) -> apply as
//   stored + 1; otherwise -> conflict.
// - delete: no stored item or already a tombstone -> unchanged; base version == stored
//   version -> apply (tombstone, stored + 1); otherwise -> conflict.
// History is append-only: an existing history item is never rewritten (unchanged, never a
// conflict); a delete of a live one always applies.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sync/item_type.h"

namespace howler::sync {

enum class Action { kCreate, kUpdate, kDelete };
std::optional<Action> ParseAction(std::string_view name);

enum class Decision { kApply, kUnchanged, kConflict };

// What the server holds for the item (absent when it has never existed or was purged).
struct StoredVersion {
  std::int64_t sync_version = 0;
  bool deleted = false;
  std::string_view data;  // serialized data
};

struct Decided {
  Decision decision;
  std::int64_t new_version;  // the version written when decision == kApply
};

Decided DecideChange(ItemType type, Action action, std::int64_t base_version,
                     std::string_view new_data, const std::optional<StoredVersion>& stored);

}  // namespace howler::sync
