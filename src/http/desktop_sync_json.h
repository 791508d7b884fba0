// JSON codecs of the desktop client's sync dialect (API.md, "The desktop client's sync
// dialect"): its camelCase upload body into sync's plain structs, and results into the
// shapes its sync client reads. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "sync/desktop_sync.h"
#include "sync/sync_service.h"

namespace howler::http {

// Whether an upload body is the desktop client's (`deviceId` and no `changes`).
bool IsDesktopUpload(const boost::json::object& body);

// `deviceId` (api::ops::kUpload's device_id limits), then the changes of `connections`,
// `savedQueries`, `reports` and `queryHistory` (each optional, an array when present).
// A change with a field of the wrong type is kept with `problem` set. More than
// `max_changes` changes in all: 413.
Result<sync::UploadRequest> ParseDesktopUpload(const boost::json::object& body,
                                               std::size_t max_changes);

std::string DesktopUploadJson(const sync::UploadResult& result);
std::string DesktopDownloadJson(const sync::DesktopDownloadResult& result);
std::string DesktopStatusJson(const sync::DesktopStatus& status);

// Whether a resolve body is the desktop client's (`resolution`, not `strategy`).
bool IsDesktopResolve(const boost::json::object& body);
// {"resolution": local | remote | keep-both | manual, "merged_data": {...}} as a
// ResolveRequest: local/remote -> user_choice of that side, keep-both -> keep_both,
// manual -> user_choice with merged_data (required).
Result<sync::ResolveRequest> ParseDesktopResolve(const boost::json::object& body);

}  // namespace howler::http
