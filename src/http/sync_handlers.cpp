#include "http/sync_handlers.h"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <charconv>

#include "api/fields.h"
#include "api/operations.h"
#include "common/time_format.h"
#include "http/desktop_sync_json.h"
#include "http/json_body.h"
#include "http/responses.h"
#include "http/sync_json.h"
#include "metrics/metrics.h"

namespace howler::http {
namespace json = boost::json;

namespace {

// The key the request's items live under: the caller's own, or an organization's space.
Result<std::string> SyncKey(const SyncHttpDeps& deps, const Request& req,
                            const auth::Principal& who, std::string_view space, SpaceUse use) {
  if (space.empty()) return who.user_id;
  if (who.via_license_key) {
    return InvalidArgumentError("space is not part of the desktop client's dialect");
  }
  if (!deps.spaces) return InvalidArgumentError("space is not supported by this server");
  if (space.size() > api::kIdMax) return InvalidArgumentError("space is too long");
  return deps.spaces(who, req, space, use);
}

SpaceUse UseOf(const sync::UploadRequest& request) {
  for (const sync::ChangeInput& change : request.changes) {
    if (change.action == "delete") return SpaceUse::kDelete;
  }
  return SpaceUse::kWrite;
}

Response DesktopUpload(const SyncHttpDeps& deps, const Request& req, const json::object& body,
                       const auth::Principal& who) {
  auto request = ParseDesktopUpload(body, deps.service.options().max_changes);
  if (!request.ok()) return ErrorResponse(request.status());
  request->payload_bytes = req.body.size();
  auto result = deps.desktop.Upload(who.user_id, std::move(*request));
  if (!result.ok()) return ErrorResponse(result.status());
  return JsonResponse(200, DesktopUploadJson(*result));
}

Response Upload(const SyncHttpDeps& deps, const Request& req, const auth::Principal& who) {
  if (req.body.size() > deps.max_upload_bytes) {
    return ErrorResponse(ResourceExhaustedError("upload is larger than the limit")
                             .WithReason(ApiReason::kPayloadTooLarge));
  }
  // Declared before the body, which it must outlive: the body's whole tree lives in it.
  json::monotonic_resource arena(req.body.size());
  auto body = ParseJsonObjectIn(req, &arena);
  if (!body.ok()) return ErrorResponse(body.status());
  if (IsDesktopUpload(*body)) return DesktopUpload(deps, req, *body, who);
  auto request = ParseUploadBody(*body, deps.service.options().max_changes);
  if (!request.ok()) return ErrorResponse(request.status());
  request->payload_bytes = req.body.size();
  auto space = OptionalString(*body, "space", api::kIdMax);
  if (!space.ok()) return ErrorResponse(space.status());
  auto key = SyncKey(deps, req, who, space->value_or(""), UseOf(*request));
  if (!key.ok()) return ErrorResponse(key.status());
  auto result = deps.service.Upload(*key, std::move(*request));
  if (!result.ok()) return ErrorResponse(result.status());
  return JsonResponse(200, UploadResultJson(*result, body->at("changes").get_array()));
}

Result<sync::DownloadRequest> ParseDownloadQuery(const Request& req) {
  sync::DownloadRequest request;
  const std::string_view device = req.Query("device_id").value_or("");
  HOWLER_RETURN_IF_ERROR(api::CheckField(api::ops::kDownload, "device_id", device));
  request.device_id = std::string(device);
  if (auto cursor = req.Query("cursor"); cursor && !cursor->empty()) {
    request.cursor = std::string(*cursor);
  }
  if (auto since = req.Query("since"); since && !since->empty()) {
    auto parsed = ParseRfc3339(*since);
    if (!parsed.ok()) return InvalidArgumentError("since must be an RFC 3339 time");
    request.since = *parsed;
  }
  if (auto limit = req.Query("limit"); limit && !limit->empty()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc() || end != limit->data() + limit->size()) {
      return InvalidArgumentError("limit must be an integer");
    }
    request.limit = n;
  }
  return request;
}

// The desktop client's download: device_id and since (ISO 8601 from JS toISOString());
// its limit is ignored (it has no paging loop; DesktopSync bounds the answer).
Response DesktopDownload(const SyncHttpDeps& deps, const Request& req, const auth::Principal& who) {
  auto request = ParseDownloadQuery(req);
  if (!request.ok()) return ErrorResponse(request.status());
  auto result = deps.desktop.Download(who.user_id, request->device_id, request->since);
  if (!result.ok()) return ErrorResponse(result.status());
  std::string body = DesktopDownloadJson(*result);
  if (deps.metrics != nullptr) {
    deps.metrics->ObserveSyncPayload("download", static_cast<double>(body.size()));
  }
  return JsonResponse(200, std::move(body));
}

Response Download(const SyncHttpDeps& deps, const Request& req, const auth::Principal& who) {
  if (who.via_license_key) return DesktopDownload(deps, req, who);
  auto request = ParseDownloadQuery(req);
  if (!request.ok()) return ErrorResponse(request.status());
  auto key = SyncKey(deps, req, who, req.Query("space").value_or(""), SpaceUse::kRead);
  if (!key.ok()) return ErrorResponse(key.status());
  auto result = deps.service.Download(*key, *request);
  if (!result.ok()) return ErrorResponse(result.status());
  std::string body = DownloadResultJson(*result);
  if (deps.metrics != nullptr) {
    deps.metrics->ObserveSyncPayload("download", static_cast<double>(body.size()));
  }
  return JsonResponse(200, std::move(body));
}

// The declared limits of a resolve request's text fields.
Status CheckResolveFields(const sync::ResolveRequest& request) {
  const api::Operation& op = api::ops::kResolveConflict;
  HOWLER_RETURN_IF_ERROR(api::CheckField(op, "conflict_id", request.conflict_id));
  HOWLER_RETURN_IF_ERROR(api::CheckField(op, "strategy", request.strategy));
  HOWLER_RETURN_IF_ERROR(
      api::CheckField(op, "chosen_version", request.chosen_version.value_or("")));
  return api::CheckField(op, "device_id", request.device_id.value_or(""));
}

Response Resolve(const SyncHttpDeps& deps, const Request& req, const auth::Principal& who) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return ErrorResponse(body.status());
  const bool desktop = IsDesktopResolve(*body);
  auto request = desktop ? ParseDesktopResolve(*body) : ParseResolveBody(*body);
  if (!request.ok()) return ErrorResponse(request.status());
  request->conflict_id = req.path_params.at("id");
  if (Status s = CheckResolveFields(*request); !s.ok()) return ErrorResponse(s);
  auto space = OptionalString(*body, "space", api::kIdMax);
  if (!space.ok()) return ErrorResponse(space.status());
  auto key = SyncKey(deps, req, who, space->value_or(""), SpaceUse::kWrite);
  if (!key.ok()) return ErrorResponse(key.status());
  auto result = deps.service.ResolveConflict(*key, *request);
  // The desktop client also resolves conflicts it detected itself, under ids of its own
  // that the server never issued: nothing to resolve here, and not an error for it.
  if (desktop && result.status().code() == StatusCode::kNotFound) {
    return JsonResponse(200,
                        "{\"success\":true,\"resolved\":false,\"message\":\"no such conflict "
                        "on the server; nothing to resolve\"}");
  }
  if (!result.ok()) return ErrorResponse(result.status());
  return JsonResponse(200, ResolveResultJson(*result));
}

// device_id from the query, else from a JSON body (optional either way).
Result<std::string> OptionalDeviceId(const Request& req, const api::Operation& op) {
  std::string device(req.Query("device_id").value_or(""));
  if (device.empty() && !req.body.empty()) {
    auto body = ParseJsonObject(req);
    if (!body.ok()) return body.status();
    HOWLER_ASSIGN_OR_RETURN(device, TextField(*body, op.Field("device_id")));
  }
  HOWLER_RETURN_IF_ERROR(api::CheckField(op, "device_id", device));
  return device;
}

Response SyncStatus(const SyncHttpDeps& deps, const Request& req, const auth::Principal& who) {
  auto device = OptionalDeviceId(req, api::ops::kSyncStatus);
  if (!device.ok()) return ErrorResponse(device.status());
  auto status = deps.desktop.Summary(who.user_id, *device);
  if (!status.ok()) return ErrorResponse(status.status());
  return JsonResponse(200, DesktopStatusJson(*status));
}

Response SyncReset(const SyncHttpDeps& deps, const Request& req, const auth::Principal& who) {
  auto device = OptionalDeviceId(req, api::ops::kSyncReset);
  if (!device.ok()) return ErrorResponse(device.status());
  if (Status s = deps.desktop.Reset(who.user_id, *device); !s.ok()) return ErrorResponse(s);
  return JsonResponse(200,
                      "{\"success\":true,\"message\":\"the next download sends everything "
                      "again\"}");
}

Response SyncHealth(const SyncHttpDeps& deps, const auth::Principal& who, const Clock& clock) {
  if (Status s = deps.desktop.Health(who.user_id); !s.ok()) return ErrorResponse(s);
  return JsonResponse(
      200, "{\"status\":\"ok\",\"serverTimestamp\":" + std::to_string(clock.NowMillis()) + "}");
}

}  // namespace

void AddSyncRoutes(Router& router, SyncHttpDeps deps) {
  namespace ops = api::ops;
  using P = const auth::Principal&;
  router.Add(ops::kUpload, [deps](const Request& r, P p) { return Upload(deps, r, p); });
  router.Add(ops::kDownload, [deps](const Request& r, P p) { return Download(deps, r, p); });
  router.Add(ops::kListConflicts, [deps](const Request& r, P p) {
    auto key = SyncKey(deps, r, p, r.Query("space").value_or(""), SpaceUse::kRead);
    if (!key.ok()) return ErrorResponse(key.status());
    auto conflicts = deps.service.ListConflicts(*key);
    if (!conflicts.ok()) return ErrorResponse(conflicts.status());
    return JsonResponse(
        200, p.via_license_key ? ConflictArrayJson(*conflicts) : ConflictsJson(*conflicts));
  });
  router.Add(ops::kResolveConflict, [deps](const Request& r, P p) { return Resolve(deps, r, p); });
  router.Add(ops::kListDevices, [deps](const Request&, P p) {
    auto devices = deps.service.ListDevices(p.user_id);
    if (!devices.ok()) return ErrorResponse(devices.status());
    return JsonResponse(200, DevicesJson(*devices));
  });
  router.Add(ops::kSyncStatus, [deps](const Request& r, P p) { return SyncStatus(deps, r, p); });
  router.Add(ops::kSyncReset, [deps](const Request& r, P p) { return SyncReset(deps, r, p); });
  router.Add(ops::kSyncHealth,
             [deps](const Request&, P p) { return SyncHealth(deps, p, SystemClock()); });
}

}  // namespace howler::http
