#include "grpc/sync_grpc_service.h"

#include "api/fields.h"
#include "api/operations.h"
#include "common/time_format.h"
#include "grpc/call_runner.h"
#include "grpc/live_watch.h"
#include "grpc/message_fields.h"
#include "grpc/struct_conversion.h"
#include "howlerops/v1/sync.grpc.pb.h"
#include "sync/item_json.h"
#include "sync/item_type.h"
#include "sync/sync_service.h"

namespace howler::grpcsvc {
namespace {

namespace pb = ::howlerops::v1;

namespace ops = api::ops;

sync::UploadRequest FromProto(const pb::UploadRequest& in) {
  sync::UploadRequest out;
  out.device_id = in.device_id();
  out.payload_bytes = in.ByteSizeLong();
  out.changes.reserve(in.changes_size());
  for (const pb::Change& c : in.changes()) {
    sync::ChangeInput change{c.id(),           c.item_type(), c.item_id(), c.action(),
                             c.sync_version(), std::nullopt,  {}};
    if (c.has_data()) change.data = FromStruct(c.data());
    out.changes.push_back(std::move(change));
  }
  return out;
}

Status ToProto(const storage::ConflictSide& side, pb::ConflictSide* out) {
  if (!side.deleted) HOWLER_RETURN_IF_ERROR(JsonTextToStruct(side.data, out->mutable_data()));
  out->set_deleted(side.deleted);
  out->set_sync_version(side.sync_version);
  out->set_device_id(side.device_id);
  SetTimestamp(side.updated_at, out->mutable_updated_at());
  return Status::Ok();
}

Status ToProto(const storage::SyncConflictRecord& c, pb::Conflict* out) {
  out->set_id(c.id);
  out->set_item_type(c.item_type);
  out->set_item_id(c.item_id);
  SetTimestamp(c.detected_at, out->mutable_detected_at());
  HOWLER_RETURN_IF_ERROR(ToProto(c.local, out->mutable_local_version()));
  return ToProto(c.remote, out->mutable_remote_version());
}

Status ToProto(const sync::UploadResult& r, const pb::UploadRequest& req, pb::UploadResponse* out) {
  out->set_success(r.rejected == 0);
  SetTimestamp(ToUnixMillis(r.synced_at), out->mutable_synced_at());
  out->set_cursor(sync::EncodeCursor(r.cursor));
  for (const sync::ChangeOutcome& o : r.results) {
    pb::ChangeResult* result = out->add_results();
    result->set_change_id(o.change_id);
    result->set_item_type(o.item_type);
    result->set_item_id(o.item_id);
    result->set_status(std::string(sync::OutcomeStatusName(o.status)));
    result->set_sync_version(o.sync_version);
    for (const auto& path : o.stripped) result->add_stripped(path);
    result->set_reason(o.reason);
    result->set_conflict_id(o.conflict_id);
    result->set_first_status(o.first_status);
    if (o.status == sync::OutcomeStatus::kRejected) {
      pb::RejectedChange* rejected = out->add_rejected();
      *rejected->mutable_change() = req.changes(static_cast<int>(o.index));
      rejected->set_reason(o.reason);
    }
  }
  for (const auto& c : r.conflicts) HOWLER_RETURN_IF_ERROR(ToProto(c, out->add_conflicts()));
  out->set_message(r.message);
  return Status::Ok();
}

google::protobuf::Struct* CollectionOf(const std::string& item_type, pb::DownloadResponse* out) {
  switch (sync::ParseItemType(item_type).value_or(sync::ItemType::kConnection)) {
    case sync::ItemType::kConnection:
      return out->add_connections();
    case sync::ItemType::kSavedQuery:
      return out->add_saved_queries();
    case sync::ItemType::kQueryHistory:
      return out->add_query_history();
    case sync::ItemType::kReport:
      return out->add_reports();
  }
  return out->add_connections();
}

Status ToProto(const sync::DownloadResult& r, pb::DownloadResponse* out) {
  for (const storage::SyncItemRecord& item : r.items) {
    if (item.deleted) {
      pb::Tombstone* t = out->add_deleted();
      t->set_item_type(item.item_type);
      t->set_item_id(item.item_id);
      t->set_sync_version(item.sync_version);
      SetTimestamp(item.deleted_at.value_or(item.updated_at), t->mutable_deleted_at());
      continue;
    }
    HOWLER_RETURN_IF_ERROR(
        JsonTextToStruct(sync::RenderItem(item), CollectionOf(item.item_type, out)));
  }
  SetTimestamp(ToUnixMillis(r.synced_at), out->mutable_sync_timestamp());
  out->set_cursor(sync::EncodeCursor(r.cursor));
  out->set_has_more(r.has_more);
  return Status::Ok();
}

// The item after a write: the download shape, plus "deleted" for a tombstone.
Status WrittenItem(const storage::SyncItemRecord& item, google::protobuf::Struct* out) {
  HOWLER_RETURN_IF_ERROR(JsonTextToStruct(sync::RenderItem(item), out));
  if (item.deleted) (*out->mutable_fields())["deleted"].set_bool_value(true);
  return Status::Ok();
}

}  // namespace

class SyncGrpcService::Impl final : public pb::SyncService::Service {
 public:
  Impl(sync::SyncService& service, CallDeps deps, std::uint64_t max_upload_bytes)
      : sync_(service), calls_(std::move(deps)), max_upload_bytes_(max_upload_bytes) {}

  using Ctx = grpc::ServerContext;
  grpc::Status Upload(Ctx* ctx, const pb::UploadRequest* req, pb::UploadResponse* res) override {
    return calls_.Run(*ctx, ops::kUpload, [&](const CallInfo& call) -> Status {
      sync::UploadRequest in = FromProto(*req);
      if (in.payload_bytes > max_upload_bytes_) {
        return ResourceExhaustedError("upload is larger than the limit")
            .WithReason(ApiReason::kPayloadTooLarge);
      }
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kUpload, "device_id", req->device_id()));
      HOWLER_ASSIGN_OR_RETURN(auto result, sync_.Upload(call.principal.user_id, std::move(in)));
      return ToProto(result, *req, res);
    });
  }

  grpc::Status Download(Ctx* ctx, const pb::DownloadRequest* req,
                        pb::DownloadResponse* res) override {
    return calls_.Run(*ctx, ops::kDownload, [&](const CallInfo& call) -> Status {
      HOWLER_RETURN_IF_ERROR(api::CheckField(ops::kDownload, "device_id", req->device_id()));
      sync::DownloadRequest in;
      in.device_id = req->device_id();
      if (!req->cursor().empty()) in.cursor = req->cursor();
      if (req->has_since()) {
        HOWLER_ASSIGN_OR_RETURN(std::int64_t since, UnixMillisOf("since", req->since()));
        in.since = FromUnixMillis(since);
      }
      if (req->limit() != 0) in.limit = req->limit();
      HOWLER_ASSIGN_OR_RETURN(auto result, sync_.Download(call.principal.user_id, in));
      return ToProto(result, res);
    });
  }

  grpc::Status ListConflicts(Ctx* ctx, const pb::ListConflictsRequest*,
                             pb::ListConflictsResponse* res) override {
    return calls_.Run(*ctx, ops::kListConflicts, [&](const CallInfo& call) -> Status {
      HOWLER_ASSIGN_OR_RETURN(auto conflicts, sync_.ListConflicts(call.principal.user_id));
      for (const auto& c : conflicts) HOWLER_RETURN_IF_ERROR(ToProto(c, res->add_conflicts()));
      res->set_count(static_cast<int>(conflicts.size()));
      return Status::Ok();
    });
  }

  grpc::Status ResolveConflict(Ctx* ctx, const pb::ResolveConflictRequest* req,
                               pb::ResolveConflictResponse* res) override {
    return calls_.Run(*ctx, ops::kResolveConflict, [&](const CallInfo& call) -> Status {
      const api::Operation& op = ops::kResolveConflict;
      HOWLER_RETURN_IF_ERROR(api::CheckField(op, "conflict_id", req->conflict_id()));
      HOWLER_RETURN_IF_ERROR(api::CheckField(op, "strategy", req->strategy()));
      HOWLER_RETURN_IF_ERROR(api::CheckField(op, "chosen_version", req->chosen_version()));
      HOWLER_RETURN_IF_ERROR(api::CheckField(op, "device_id", req->device_id()));
      sync::ResolveRequest in;
      in.conflict_id = req->conflict_id();
      in.strategy = req->strategy();
      if (!req->chosen_version().empty()) in.chosen_version = req->chosen_version();
      if (req->has_merged_data()) in.merged_data = FromStruct(req->merged_data());
      if (!req->device_id().empty()) in.device_id = req->device_id();
      HOWLER_ASSIGN_OR_RETURN(auto result, sync_.ResolveConflict(call.principal.user_id, in));
      res->set_success(true);
      SetTimestamp(ToUnixMillis(result.resolved_at), res->mutable_resolved_at());
      res->set_message(result.message);
      HOWLER_RETURN_IF_ERROR(WrittenItem(result.item, res->mutable_item()));
      if (result.copy) HOWLER_RETURN_IF_ERROR(WrittenItem(*result.copy, res->mutable_copy()));
      return Status::Ok();
    });
  }

  grpc::Status ListDevices(Ctx* ctx, const pb::ListDevicesRequest*,
                           pb::ListDevicesResponse* res) override {
    return calls_.Run(*ctx, ops::kListDevices, [&](const CallInfo& call) -> Status {
      HOWLER_ASSIGN_OR_RETURN(auto devices, sync_.ListDevices(call.principal.user_id));
      for (const auto& d : devices) {
        pb::Device* out = res->add_devices();
        out->set_device_id(d.device_id);
        if (d.last_upload_at) SetTimestamp(*d.last_upload_at, out->mutable_last_upload_at());
        if (d.last_download_at) {
          SetTimestamp(*d.last_download_at, out->mutable_last_download_at());
        }
        out->set_changes_uploaded(d.changes_uploaded);
        out->set_behind(d.behind);
      }
      return Status::Ok();
    });
  }

  grpc::Status Watch(Ctx* ctx, const pb::WatchRequest*,
                     grpc::ServerWriter<pb::WatchEvent>* writer) override {
    return calls_.Run(*ctx, ops::kSyncLive, [&](const CallInfo& call) -> Status {
      return RunWatch(*ctx, call, *writer, live_);
    });
  }

  LiveWatchDeps live_;  // set before serving

 private:
  sync::SyncService& sync_;
  CallRunner calls_;
  const std::uint64_t max_upload_bytes_;
};

SyncGrpcService::SyncGrpcService(sync::SyncService& service, CallDeps deps,
                                 std::uint64_t max_upload_bytes)
    : impl_(std::make_unique<Impl>(service, std::move(deps), max_upload_bytes)) {}

SyncGrpcService::~SyncGrpcService() = default;

void SyncGrpcService::EnableWatch(sync::LiveNotifier& notifier, api::LiveAuthenticator authenticate,
                                  metrics::Metrics* metrics) {
  impl_->live_ = {&notifier, std::move(authenticate), metrics};
}

grpc::Service* SyncGrpcService::service() {
  return impl_.get();
}

}  // namespace howler::grpcsvc
