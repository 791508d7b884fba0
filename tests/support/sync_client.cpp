#include "support/sync_client.h"

namespace howler::testing {
namespace json = boost::json;

json::object Change(const std::string& change_id, const std::string& item_type,
                    const std::string& item_id, const std::string& action,
                    std::int64_t base_version, const std::optional<json::object>& data) {
  json::object c = {{"id", change_id},
                    {"item_type", item_type},
                    {"item_id", item_id},
                    {"action", action},
                    {"sync_version", base_version}};
  if (data) c["data"] = *data;
  return c;
}

ApiResponse Upload(const ApiClient& api, const std::string& token, const std::string& device,
                   const json::array& changes) {
  return api.Call("POST", "/api/sync/upload",
                  json::value(json::object{{"device_id", device}, {"changes", changes}}), token);
}

ApiResponse Download(const ApiClient& api, const std::string& token, const std::string& device,
                     const std::string& extra_query) {
  std::string path = "/api/sync/download?device_id=" + device;
  if (!extra_query.empty()) path += "&" + extra_query;
  return api.Call("GET", path, std::nullopt, token);
}

ApiResponse Resolve(const ApiClient& api, const std::string& token, const std::string& conflict_id,
                    const json::object& body) {
  return api.Call("POST", "/api/sync/conflicts/" + conflict_id + "/resolve", json::value(body),
                  token);
}

std::vector<std::string> Statuses(const ApiResponse& upload) {
  std::vector<std::string> out;
  const auto* results = upload.Object().if_contains("results");
  if (results == nullptr || !results->is_array()) return out;
  for (const auto& r : results->get_array()) {
    out.push_back(std::string(r.at("status").as_string()));
  }
  return out;
}

Downloaded DownloadAll(const ApiClient& api, const std::string& token, const std::string& device,
                       int limit, const std::string& cursor) {
  Downloaded d;
  d.cursor = cursor;
  for (int guard = 0; guard < 1000; ++guard) {
    std::string query = "limit=" + std::to_string(limit);
    if (!d.cursor.empty()) query += "&cursor=" + d.cursor;
    ApiResponse r = Download(api, token, device, query);
    EXPECT_EQ(r.status(), 200) << r;
    if (r.status() != 200) break;
    ++d.pages;
    const json::object& o = r.Object();
    for (const char* collection : {"connections", "saved_queries", "query_history"}) {
      for (const auto& item : o.at(collection).as_array()) d.items.push_back(item.as_object());
    }
    for (const auto& t : o.at("deleted").as_array()) d.deleted.push_back(t.as_object());
    d.cursor = std::string(o.at("cursor").as_string());
    if (!o.at("has_more").as_bool()) break;
  }
  return d;
}

const json::object* FindItem(const Downloaded& d, const std::string& id) {
  for (const auto& item : d.items) {
    if (item.at("id").as_string() == id) return &item;
  }
  return nullptr;
}

}  // namespace howler::testing
