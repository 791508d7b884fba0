// JSON codecs of the Sync endpoints (API.md, Sync): request bodies into sync's plain
// structs, results into response text. Pure functions; thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "common/result.h"
#include "sync/sync_service.h"

namespace howler::http {

// A parsed JSON value as sync's tree (numbers keep their shortest text).
sync::JsonValue ToSyncJson(const boost::json::value& value);

// The upload body. 400 naming the field for a device_id outside its declared limits
// (api::ops::kUpload: required, a string, at most 128 bytes) or missing changes; a change
// with fields of the wrong type is kept with `problem` set (it is rejected, the others
// apply). More than `max_changes` changes: 413 before anything else is converted.
Result<sync::UploadRequest> ParseUploadBody(const boost::json::object& body,
                                            std::size_t max_changes);
Result<sync::ResolveRequest> ParseResolveBody(const boost::json::object& body);

// `changes` is the upload body's array, for echoing rejected changes.
std::string UploadResultJson(const sync::UploadResult& result, const boost::json::array& changes);
std::string DownloadResultJson(const sync::DownloadResult& result);
// The conflicts as a bare array (the desktop dialect's list), and wrapped with a count.
std::string ConflictArrayJson(const std::vector<storage::SyncConflictRecord>& conflicts);
std::string ConflictsJson(const std::vector<storage::SyncConflictRecord>& conflicts);
std::string ResolveResultJson(const sync::ResolveResult& result);
std::string DevicesJson(const std::vector<storage::SyncDeviceRecord>& devices);

}  // namespace howler::http
