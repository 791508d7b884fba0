#include "http/sync_json.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>

#include "api/operations.h"
#include "common/json_text.h"
#include "common/time_format.h"
#include "http/json_body.h"
#include "sync/item_json.h"
#include "sync/item_type.h"

namespace howler::http {
namespace json = boost::json;

sync::JsonValue ToSyncJson(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return sync::JsonValue();
    case json::kind::bool_:
      return sync::JsonValue::Bool(value.get_bool());
    case json::kind::int64:
      return sync::JsonValue::Number(std::to_string(value.get_int64()));
    case json::kind::uint64:
      return sync::JsonValue::Number(std::to_string(value.get_uint64()));
    case json::kind::double_: {
      double d = value.get_double();
      if (!std::isfinite(d)) return sync::JsonValue();
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
      return sync::JsonValue::Number(std::string(buf, end));
    }
    case json::kind::string:
      return sync::JsonValue::String(std::string(value.get_string()));
    case json::kind::array: {
      sync::JsonValue out = sync::JsonValue::Array();
      out.items().reserve(value.get_array().size());
      for (const auto& item : value.get_array()) out.items().push_back(ToSyncJson(item));
      return out;
    }
    case json::kind::object: {
      sync::JsonValue out = sync::JsonValue::Object();
      out.members().reserve(value.get_object().size());
      for (const auto& member : value.get_object()) {
        out.Set(std::string(member.key()), ToSyncJson(member.value()));
      }
      return out;
    }
  }
  return sync::JsonValue();
}

namespace {

sync::ChangeInput ParseChange(const json::value& value) {
  sync::ChangeInput c;
  if (!value.is_object()) {
    c.problem = "change must be an object";
    return c;
  }
  const json::object& o = value.get_object();
  c.change_id = ItemString(o, "id", c.problem);
  c.item_type = ItemString(o, "item_type", c.problem);
  c.item_id = ItemString(o, "item_id", c.problem);
  c.action = ItemString(o, "action", c.problem);
  if (const json::value* v = o.if_contains("sync_version"); v != nullptr && !v->is_null()) {
    if (v->is_int64()) {
      c.sync_version = v->get_int64();
    } else if (v->is_uint64()) {
      c.sync_version = -1;  // out of range: rejected as negative would be
    } else if (c.problem.empty()) {
      c.problem = "sync_version must be an integer";
    }
  }
  if (const json::value* d = o.if_contains("data"); d != nullptr && !d->is_null()) {
    c.data = ToSyncJson(*d);
  }
  return c;
}

// `,"key":"value"` (or `{"key":"value"` for the first member when `first`).
void AppendField(std::string& out, std::string_view key, std::string_view value,
                 bool first = false) {
  out += first ? "{\"" : ",\"";
  out += key;
  out += "\":";
  AppendJsonString(out, value);
}

void AppendTime(std::string& out, std::int64_t unix_ms) {
  AppendJsonString(out, FormatRfc3339(FromUnixMillis(unix_ms)));
}

void AppendSide(std::string& out, const storage::ConflictSide& side) {
  out += "{\"data\":";
  out += side.deleted ? "null" : side.data;
  out += ",\"deleted\":";
  out += side.deleted ? "true" : "false";
  out += ",\"sync_version\":" + std::to_string(side.sync_version);
  out += ",\"device_id\":";
  AppendJsonString(out, side.device_id);
  out += ",\"updated_at\":";
  AppendTime(out, side.updated_at);
  out.push_back('}');
}

void AppendConflict(std::string& out, const storage::SyncConflictRecord& c) {
  AppendField(out, "id", c.id, /*first=*/true);
  AppendField(out, "item_type", c.item_type);
  AppendField(out, "item_id", c.item_id);
  out += ",\"detected_at\":";
  AppendTime(out, c.detected_at);
  out += ",\"local_version\":";
  AppendSide(out, c.local);
  out += ",\"remote_version\":";
  AppendSide(out, c.remote);
  out.push_back('}');
}

// An item after a write: the download shape, plus "deleted" for tombstones.
void AppendWrittenItem(std::string& out, const storage::SyncItemRecord& item) {
  sync::AppendItemJson(out, item);
  if (item.deleted) {
    out.pop_back();
    out += ",\"deleted\":true}";
  }
}

void AppendOutcome(std::string& out, const sync::ChangeOutcome& o) {
  AppendField(out, "change_id", o.change_id, /*first=*/true);
  AppendField(out, "item_type", o.item_type);
  AppendField(out, "item_id", o.item_id);
  AppendField(out, "status", sync::OutcomeStatusName(o.status));
  out += ",\"sync_version\":" + std::to_string(o.sync_version);
  if (!o.reason.empty()) AppendField(out, "reason", o.reason);
  if (!o.conflict_id.empty()) AppendField(out, "conflict_id", o.conflict_id);
  if (!o.first_status.empty()) AppendField(out, "first_status", o.first_status);
  if (!o.stripped.empty()) {
    out += ",\"stripped\":[";
    for (std::size_t i = 0; i < o.stripped.size(); ++i) {
      if (i != 0) out.push_back(',');
      AppendJsonString(out, o.stripped[i]);
    }
    out.push_back(']');
  }
  out.push_back('}');
}

}  // namespace

Result<sync::UploadRequest> ParseUploadBody(const json::object& body, std::size_t max_changes) {
  sync::UploadRequest request;
  HOWLER_ASSIGN_OR_RETURN(request.device_id, TextField(body, api::ops::kUpload.Field("device_id")));
  const json::value* changes = body.if_contains("changes");
  if (changes == nullptr || !changes->is_array()) {
    return InvalidArgumentError("changes is required (an array)");
  }
  if (changes->get_array().size() > max_changes) {
    return ResourceExhaustedError("too many changes: at most " + std::to_string(max_changes) +
                                  " per upload")
        .WithReason(ApiReason::kPayloadTooLarge);
  }
  request.changes.reserve(changes->get_array().size());
  for (const json::value& change : changes->get_array()) {
    request.changes.push_back(ParseChange(change));
  }
  return request;
}

Result<sync::ResolveRequest> ParseResolveBody(const json::object& body) {
  sync::ResolveRequest request;
  for (auto [field, target] : {std::pair{"strategy", &request.strategy}}) {
    const json::value* v = body.if_contains(field);
    if (v == nullptr || !v->is_string() || v->get_string().empty()) {
      return InvalidArgumentError(std::string(field) + " is required");
    }
    *target = std::string(v->get_string());
  }
  for (auto [field, target] : {std::pair{"chosen_version", &request.chosen_version},
                               std::pair{"device_id", &request.device_id}}) {
    const json::value* v = body.if_contains(field);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_string()) return InvalidArgumentError(std::string(field) + " must be a string");
    *target = std::string(v->get_string());
  }
  if (const json::value* merged = body.if_contains("merged_data");
      merged != nullptr && !merged->is_null()) {
    if (!merged->is_object()) return InvalidArgumentError("merged_data must be an object");
    request.merged_data = ToSyncJson(*merged);
  }
  return request;
}

std::string UploadResultJson(const sync::UploadResult& result, const json::array& changes) {
  std::string out = "{\"success\":";
  out += result.rejected == 0 ? "true" : "false";
  out += ",\"synced_at\":";
  AppendJsonString(out, FormatRfc3339(result.synced_at));
  out += ",\"cursor\":";
  AppendJsonString(out, sync::EncodeCursor(result.cursor));
  out += ",\"results\":[";
  for (std::size_t i = 0; i < result.results.size(); ++i) {
    if (i != 0) out.push_back(',');
    AppendOutcome(out, result.results[i]);
  }
  out += "],\"conflicts\":[";
  for (std::size_t i = 0; i < result.conflicts.size(); ++i) {
    if (i != 0) out.push_back(',');
    AppendConflict(out, result.conflicts[i]);
  }
  out += "],\"rejected\":[";
  bool first = true;
  for (const sync::ChangeOutcome& o : result.results) {
    if (o.status != sync::OutcomeStatus::kRejected) continue;
    if (!first) out.push_back(',');
    first = false;
    out += "{\"change\":";
    out += o.index < changes.size() ? json::serialize(changes[o.index]) : "null";
    out += ",\"reason\":";
    AppendJsonString(out, o.reason);
    out.push_back('}');
  }
  out += "],\"message\":";
  AppendJsonString(out, result.message);
  out.push_back('}');
  return out;
}

std::string DownloadResultJson(const sync::DownloadResult& result) {
  std::string arrays[sync::kAllItemTypes.size()];
  std::string deleted;
  std::size_t bytes = 0;
  for (const auto& item : result.items) bytes += item.data.size() + 160;
  for (auto& a : arrays) a.reserve(bytes / 2);
  for (const auto& item : result.items) {
    if (item.deleted) {
      if (!deleted.empty()) deleted.push_back(',');
      sync::AppendTombstoneJson(deleted, item);
      continue;
    }
    auto type = sync::ParseItemType(item.item_type);
    if (!type) continue;
    std::string& a = arrays[static_cast<int>(*type)];
    if (!a.empty()) a.push_back(',');
    sync::AppendItemJson(a, item);
  }
  std::string out;
  out.reserve(bytes + 256);
  for (sync::ItemType t : sync::kAllItemTypes) {
    out += out.empty() ? "{\"" : ",\"";
    out += sync::ItemTypeCollection(t);
    out += "\":[";
    out += arrays[static_cast<int>(t)];
    out.push_back(']');
  }
  out += ",\"deleted\":[" + deleted + "],\"sync_timestamp\":";
  AppendJsonString(out, FormatRfc3339(result.synced_at));
  out += ",\"cursor\":";
  AppendJsonString(out, sync::EncodeCursor(result.cursor));
  out += ",\"has_more\":";
  out += result.has_more ? "true}" : "false}";
  return out;
}

std::string ConflictArrayJson(const std::vector<storage::SyncConflictRecord>& conflicts) {
  std::string out = "[";
  for (std::size_t i = 0; i < conflicts.size(); ++i) {
    if (i != 0) out.push_back(',');
    AppendConflict(out, conflicts[i]);
  }
  return out + "]";
}

std::string ConflictsJson(const std::vector<storage::SyncConflictRecord>& conflicts) {
  return "{\"conflicts\":" + ConflictArrayJson(conflicts) +
         ",\"count\":" + std::to_string(conflicts.size()) + "}";
}

std::string ResolveResultJson(const sync::ResolveResult& result) {
  std::string out = "{\"success\":true,\"resolved_at\":";
  AppendJsonString(out, FormatRfc3339(result.resolved_at));
  out += ",\"message\":";
  AppendJsonString(out, result.message);
  out += ",\"item\":";
  AppendWrittenItem(out, result.item);
  if (result.copy) {
    out += ",\"copy\":";
    AppendWrittenItem(out, *result.copy);
  }
  out.push_back('}');
  return out;
}

std::string DevicesJson(const std::vector<storage::SyncDeviceRecord>& devices) {
  std::string out = "{\"devices\":[";
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const auto& d = devices[i];
    if (i != 0) out.push_back(',');
    out += "{\"device_id\":";
    AppendJsonString(out, d.device_id);
    out += ",\"last_upload_at\":";
    if (d.last_upload_at)
      AppendTime(out, *d.last_upload_at);
    else
      out += "null";
    out += ",\"last_download_at\":";
    if (d.last_download_at)
      AppendTime(out, *d.last_download_at);
    else
      out += "null";
    out += ",\"changes_uploaded\":" + std::to_string(d.changes_uploaded);
    out += ",\"behind\":" + std::to_string(d.behind) + "}";
  }
  out += "]}";
  return out;
}

}  // namespace howler::http
