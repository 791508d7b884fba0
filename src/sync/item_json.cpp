#include "sync/item_json.h"

#include "common/json_text.h"
#include "common/time_format.h"

namespace howler::sync {
namespace {

void AppendTime(std::string& out, std::int64_t unix_ms) {
  AppendJsonString(out, FormatRfc3339(FromUnixMillis(unix_ms)));
}

}  // namespace

void AppendItemJson(std::string& out, const storage::SyncItemRecord& item) {
  out += "{\"id\":";
  AppendJsonString(out, item.item_id);
  out += ",\"sync_version\":";
  out += std::to_string(item.sync_version);
  out += ",\"updated_at\":";
  AppendTime(out, item.updated_at);
  out += ",\"device_id\":";
  AppendJsonString(out, item.device_id);
  // data is "{...}": splice its members in after ours.
  if (item.data.size() > 2 && item.data.front() == '{') {
    out.push_back(',');
    out.append(item.data, 1, std::string::npos);
  } else {
    out.push_back('}');
  }
}

void AppendTombstoneJson(std::string& out, const storage::SyncItemRecord& item) {
  out += "{\"item_type\":";
  AppendJsonString(out, item.item_type);
  out += ",\"item_id\":";
  AppendJsonString(out, item.item_id);
  out += ",\"sync_version\":";
  out += std::to_string(item.sync_version);
  out += ",\"deleted_at\":";
  AppendTime(out, item.deleted_at.value_or(item.updated_at));
  out.push_back('}');
}

std::string RenderItem(const storage::SyncItemRecord& item) {
  std::string out;
  AppendItemJson(out, item);
  return out;
}

}  // namespace howler::sync
