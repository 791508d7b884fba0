#include "sync/item_json.h"

#include <gtest/gtest.h>

#include "sync/json_value.h"

namespace howler::sync {
namespace {

storage::SyncItemRecord Item(std::string data) {
  storage::SyncItemRecord r;
  r.item_type = "saved_query";
  r.item_id = "q\"1";
  r.data = std::move(data);
  r.sync_version = 3;
  r.device_id = "dev";
  r.updated_at = 1764071795055;  // 2025-11-25T11:56:35.055Z
  return r;
}

TEST(ItemJsonTest, PutsServerFieldsBeforeTheData) {
  EXPECT_EQ(RenderItem(Item(R"({"name":"n","tags":["a"]})")),
            R"({"id":"q\"1","sync_version":3,"updated_at":"2025-11-25T11:56:35.055Z",)"
            R"("device_id":"dev","name":"n","tags":["a"]})");
  auto parsed = ParseJson(RenderItem(Item("{}")));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->members().size(), 4u);
}

TEST(ItemJsonTest, Tombstones) {
  storage::SyncItemRecord r = Item("{}");
  r.deleted = true;
  r.deleted_at = r.updated_at;
  std::string out;
  AppendTombstoneJson(out, r);
  EXPECT_EQ(out, R"({"item_type":"saved_query","item_id":"q\"1","sync_version":3,)"
                 R"("deleted_at":"2025-11-25T11:56:35.055Z"})");
}

}  // namespace
}  // namespace howler::sync
