// Helpers for the sync integration tests: building changes and calling /api/sync/* as a
// desktop client does. Thread-safe (stateless over an immutable ApiClient).
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/api_client.h"

namespace howler::testing {

// One change of an upload body.
boost::json::object Change(const std::string& change_id, const std::string& item_type,
                           const std::string& item_id, const std::string& action,
                           std::int64_t base_version,
                           const std::optional<boost::json::object>& data = std::nullopt);

ApiResponse Upload(const ApiClient& api, const std::string& token, const std::string& device,
                   const boost::json::array& changes);
// GET /api/sync/download with the given query parameters (already URL-safe).
ApiResponse Download(const ApiClient& api, const std::string& token, const std::string& device,
                     const std::string& extra_query = "");
ApiResponse Resolve(const ApiClient& api, const std::string& token, const std::string& conflict_id,
                    const boost::json::object& body);

// The "status" of each result of an upload response, in order.
std::vector<std::string> Statuses(const ApiResponse& upload);

// Every item and tombstone a device sees when it follows the cursor from the start
// (or from `cursor`) until has_more is false; pages of `limit`.
struct Downloaded {
  std::vector<boost::json::object> items;  // connections, saved queries, history, in page order
  std::vector<boost::json::object> deleted;
  std::string cursor;
  int pages = 0;
};
Downloaded DownloadAll(const ApiClient& api, const std::string& token, const std::string& device,
                       int limit = 500, const std::string& cursor = "");

// The item with `id` among downloaded items, or null.
const boost::json::object* FindItem(const Downloaded& d, const std::string& id);

}  // namespace howler::testing
