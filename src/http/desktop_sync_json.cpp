#include "http/desktop_sync_json.h"

#include <boost/json/array.hpp>
#include <cmath>
#include <utility>

#include "api/fields.h"
#include "api/operations.h"
#include "common/json_text.h"
#include "common/time_format.h"
#include "http/json_body.h"
#include "http/sync_json.h"
#include "sync/item_type.h"

namespace howler::http {
namespace json = boost::json;

namespace {

// The body's arrays and the entity type of their changes.
constexpr std::pair<std::string_view, sync::ItemType> kArrays[] = {
    {"connections", sync::ItemType::kConnection},
    {"savedQueries", sync::ItemType::kSavedQuery},
    {"reports", sync::ItemType::kReport},
    {"queryHistory", sync::ItemType::kQueryHistory},
};

std::string_view ArrayName(sync::ItemType type) {
  for (const auto& [name, t] : kArrays) {
    if (t == type) return name;
  }
  return "connections";
}

std::int64_t IntMember(const json::object& o, std::string_view field, std::string& problem) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_double()) {
    // Only a whole number inside int64's range converts; casting anything else is undefined.
    const double d = v->get_double();
    constexpr double kTwoTo63 = 9223372036854775808.0;
    if (d >= -kTwoTo63 && d < kTwoTo63 && d == std::trunc(d)) return static_cast<std::int64_t>(d);
  }
  if (problem.empty()) problem = std::string(field) + " must be an integer";
  return 0;
}

sync::ChangeInput ParseDesktopChange(const json::value& value, sync::ItemType array_type) {
  sync::ChangeInput c;
  c.item_type = std::string(sync::ItemTypeName(array_type));
  if (!value.is_object()) {
    c.problem = "change must be an object";
    return c;
  }
  const json::object& o = value.get_object();
  const std::string entity_type = ItemString(o, "entityType", c.problem);
  if (!entity_type.empty() && entity_type != c.item_type && c.problem.empty()) {
    c.problem =
        "entityType " + entity_type + " does not belong in " + std::string(ArrayName(array_type));
  }
  c.item_id = ItemString(o, "entityId", c.problem);
  c.change_id = ItemString(o, "id", c.problem);
  if (c.change_id.empty()) c.change_id = c.item_id;  // never recorded in this dialect
  c.action = ItemString(o, "action", c.problem);
  if (c.action.empty()) c.action = "update";
  if (c.action != "update" && c.action != "create" && c.problem.empty()) {
    c.problem = "action must be update (the desktop dialect has no deletes)";
  }
  c.sync_version = IntMember(o, "syncVersion", c.problem);
  c.edited_at = IntMember(o, "timestamp", c.problem);
  if (const json::value* d = o.if_contains("data"); d != nullptr && !d->is_null()) {
    c.data = ToSyncJson(*d);
  }
  return c;
}

// The item as the client stores it: its data, its key member, sync_version in the
// device's numbering and the time of its last edit.
void AppendDesktopItem(std::string& out, const sync::DesktopItem& item, sync::ItemType type) {
  const storage::SyncItemRecord& r = item.record;
  Result<sync::JsonValue> parsed = sync::ParseJson(r.data);
  sync::JsonValue data =
      parsed.ok() && parsed->is_object() ? std::move(*parsed) : sync::JsonValue::Object();
  data.Set(type == sync::ItemType::kConnection ? "connection_id" : "id",
           sync::JsonValue::String(r.item_id));
  data.Set("sync_version", sync::JsonValue::Number(std::to_string(item.sync_version)));
  if (type != sync::ItemType::kQueryHistory) {
    data.Set("updated_at", sync::JsonValue::String(FormatRfc3339(FromUnixMillis(r.EditTime()))));
  }
  out += sync::SerializeJson(data);
}

}  // namespace

bool IsDesktopUpload(const json::object& body) {
  return body.contains("deviceId") && !body.contains("changes");
}

Result<sync::UploadRequest> ParseDesktopUpload(const json::object& body, std::size_t max_changes) {
  sync::UploadRequest request;
  const json::value* device = body.if_contains("deviceId");
  if (device != nullptr && !device->is_null() && !device->is_string()) {
    return InvalidArgumentError("deviceId must be a string");
  }
  request.device_id =
      device != nullptr && device->is_string() ? std::string(device->get_string()) : std::string();
  if (Status s = api::CheckField(api::ops::kUpload, "device_id", request.device_id); !s.ok()) {
    return InvalidArgumentError("deviceId is required (1-128 bytes of text)");
  }
  std::size_t total = 0;
  for (const auto& [name, type] : kArrays) {
    const json::value* v = body.if_contains(name);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_array()) return InvalidArgumentError(std::string(name) + " must be an array");
    total += v->get_array().size();
  }
  if (total > max_changes) {
    return ResourceExhaustedError("too many changes: at most " + std::to_string(max_changes) +
                                  " per upload")
        .WithReason(ApiReason::kPayloadTooLarge);
  }
  request.changes.reserve(total);
  for (const auto& [name, type] : kArrays) {
    const json::value* v = body.if_contains(name);
    if (v == nullptr || v->is_null()) continue;
    for (const json::value& change : v->get_array()) {
      request.changes.push_back(ParseDesktopChange(change, type));
    }
  }
  request.rules = sync::UploadRules::kDesktop;
  return request;
}

std::string DesktopUploadJson(const sync::UploadResult& result) {
  int accepted = 0;
  for (const auto& o : result.results) accepted += o.status != sync::OutcomeStatus::kRejected;
  std::string out = "{\"success\":";
  out += result.rejected == 0 ? "true" : "false";
  out += ",\"acceptedCount\":" + std::to_string(accepted);
  out += ",\"rejectedCount\":" + std::to_string(result.rejected);
  out += ",\"conflicts\":[";
  bool first = true;
  for (const auto& o : result.results) {
    if (o.status != sync::OutcomeStatus::kConflict) continue;
    out += first ? "{" : ",{";
    first = false;
    out += "\"id\":";
    AppendJsonString(out, o.conflict_id);
    out += ",\"entityType\":";
    AppendJsonString(out, o.item_type);
    out += ",\"entityId\":";
    AppendJsonString(out, o.item_id);
    out += o.won ? ",\"winner\":\"local\"}" : ",\"winner\":\"remote\"}";
  }
  out += "],\"rejected\":[";
  first = true;
  for (const auto& o : result.results) {
    if (o.status != sync::OutcomeStatus::kRejected) continue;
    out += first ? "{" : ",{";
    first = false;
    out += "\"entityType\":";
    AppendJsonString(out, o.item_type);
    out += ",\"entityId\":";
    AppendJsonString(out, o.item_id);
    out += ",\"reason\":";
    AppendJsonString(out, o.reason);
    out.push_back('}');
  }
  out += "],\"serverTimestamp\":" + std::to_string(ToUnixMillis(result.synced_at));
  out += ",\"message\":";
  AppendJsonString(out, result.message);
  out.push_back('}');
  return out;
}

std::string DesktopDownloadJson(const sync::DesktopDownloadResult& result) {
  std::string arrays[sync::kAllItemTypes.size()];
  for (const sync::DesktopItem& item : result.items) {
    auto type = sync::ParseItemType(item.record.item_type);
    if (!type) continue;
    std::string& a = arrays[static_cast<int>(*type)];
    if (!a.empty()) a.push_back(',');
    AppendDesktopItem(a, item, *type);
  }
  std::string out;
  for (const auto& [name, type] : kArrays) {
    out += out.empty() ? "{\"" : ",\"";
    out += name;
    out += "\":[";
    out += arrays[static_cast<int>(type)];
    out.push_back(']');
  }
  out += ",\"serverTimestamp\":" + std::to_string(ToUnixMillis(result.server_time));
  out += ",\"hasMore\":";
  out += result.has_more ? "true" : "false";
  out += ",\"nextCursor\":";
  AppendJsonString(out, sync::EncodeCursor(result.cursor));
  out.push_back('}');
  return out;
}

std::string DesktopStatusJson(const sync::DesktopStatus& status) {
  return "{\"lastSyncAt\":" + std::to_string(status.last_sync_at.value_or(0)) +
         ",\"pendingChanges\":" + std::to_string(status.pending_changes) +
         ",\"conflicts\":" + std::to_string(status.conflicts) + "}";
}

bool IsDesktopResolve(const json::object& body) {
  return body.contains("resolution") && !body.contains("strategy");
}

Result<sync::ResolveRequest> ParseDesktopResolve(const json::object& body) {
  const json::value* v = body.if_contains("resolution");
  if (v == nullptr || !v->is_string()) {
    return InvalidArgumentError("resolution must be local, remote, keep-both or manual");
  }
  const std::string_view resolution = v->get_string();
  sync::ResolveRequest request;
  if (resolution == "local" || resolution == "remote") {
    request.strategy = "user_choice";
    request.chosen_version = std::string(resolution);
  } else if (resolution == "keep-both") {
    request.strategy = "keep_both";
  } else if (resolution == "manual") {
    request.strategy = "user_choice";
    const json::value* merged = body.if_contains("merged_data");
    if (merged == nullptr || !merged->is_object()) {
      return InvalidArgumentError("manual resolution needs merged_data (an object)");
    }
    request.merged_data = ToSyncJson(*merged);
  } else {
    return InvalidArgumentError("resolution must be local, remote, keep-both or manual");
  }
  return request;
}

}  // namespace howler::http
