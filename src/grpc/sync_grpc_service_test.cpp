// howlerops.v1.SyncService's methods called directly (no server, no channel) over real
// services on a SQLite file (api/testing/service_harness.h): the same rules as the HTTP
// handlers (http/sync_handlers_test.cpp), and one per-user budget shared with HTTP.
#include "grpc/sync_grpc_service.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>

#include "api/operations.h"
#include "api/testing/service_harness.h"
#include "common/time_format.h"
#include "grpc/testing/server_call.h"
#include "howlerops/v1/sync.grpc.pb.h"
#include "http/testing/api_pipeline.h"

namespace howler::grpcsvc {
namespace {

namespace pb = ::howlerops::v1;
namespace ops = api::ops;
using api::testing::Account;
using api::testing::HarnessOptions;
using api::testing::ServiceHarness;
using testing::ServerCall;

constexpr std::uint64_t kUploadLimit = 4096;

pb::Change Change(const std::string& id, const std::string& item, const std::string& action,
                  std::int64_t base, const std::string& name = {}) {
  pb::Change c;
  c.set_id(id);
  c.set_item_type("saved_query");
  c.set_item_id(item);
  c.set_action(action);
  c.set_sync_version(base);
  if (!name.empty()) (*c.mutable_data()->mutable_fields())["name"].set_string_value(name);
  return c;
}

std::string StringField(const google::protobuf::Struct& s, const std::string& key) {
  const auto it = s.fields().find(key);
  return it == s.fields().end() ? std::string() : it->second.string_value();
}

class SyncGrpcServiceTest : public ::testing::Test {
 protected:
  explicit SyncGrpcServiceTest(HarnessOptions options = {})
      : harness_(std::move(options)),
        grpc_(harness_.sync(), CallDeps{&harness_.gate(), nullptr, &harness_.hash_pool(), {}},
              kUploadLimit),
        service_(dynamic_cast<pb::SyncService::Service*>(grpc_.service())),
        alice_(harness_.SignUp("alice")) {}

  void SetUp() override { ASSERT_NE(service_, nullptr); }

  grpc::Status Upload(ServerCall& call, const std::string& device,
                      std::initializer_list<pb::Change> changes, pb::UploadResponse* out) {
    pb::UploadRequest req;
    req.set_device_id(device);
    for (const pb::Change& c : changes) *req.add_changes() = c;
    return service_->Upload(call.context(), &req, out);
  }
  pb::UploadResponse Upload(const std::string& device, std::initializer_list<pb::Change> changes) {
    ServerCall call(alice_.Bearer());
    pb::UploadResponse out;
    const grpc::Status s = Upload(call, device, changes, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }
  grpc::Status Download(ServerCall& call, const pb::DownloadRequest& req,
                        pb::DownloadResponse* out) {
    return service_->Download(call.context(), &req, out);
  }
  static pb::DownloadRequest DownloadRequest(const std::string& device,
                                             const std::string& cursor = {}, int limit = 0) {
    pb::DownloadRequest req;
    req.set_device_id(device);
    req.set_cursor(cursor);
    req.set_limit(limit);
    return req;
  }
  // A conflict on saved query q1: d2 edits version 1 after d1 moved it to 2.
  std::string MakeConflict() {
    Upload("d1", {Change("c1", "q1", "create", 0, "a")});
    Upload("d1", {Change("c2", "q1", "update", 1, "b")});
    const pb::UploadResponse r = Upload("d2", {Change("c3", "q1", "update", 1, "c")});
    EXPECT_EQ(r.results(0).status(), "conflict");
    return r.results(0).conflict_id();
  }
  grpc::Status Resolve(ServerCall& call, const pb::ResolveConflictRequest& req,
                       pb::ResolveConflictResponse* out) {
    return service_->ResolveConflict(call.context(), &req, out);
  }

  ServiceHarness harness_;
  SyncGrpcService grpc_;
  pb::SyncService::Service* service_;
  Account alice_;
};

TEST_F(SyncGrpcServiceTest, UploadAnswersEveryOutcome) {
  const pb::UploadResponse r = Upload("d1", {Change("c1", "q1", "create", 0, "first")});
  EXPECT_TRUE(r.success());
  EXPECT_TRUE(r.has_synced_at());
  EXPECT_FALSE(r.cursor().empty());
  EXPECT_EQ(r.message(), "Synced 1 items, 0 conflicts, 0 rejected");
  ASSERT_EQ(r.results_size(), 1);
  EXPECT_EQ(r.results(0).change_id(), "c1");
  EXPECT_EQ(r.results(0).item_type(), "saved_query");
  EXPECT_EQ(r.results(0).item_id(), "q1");
  EXPECT_EQ(r.results(0).status(), "applied");
  EXPECT_EQ(r.results(0).sync_version(), 1);
  const pb::UploadResponse again = Upload("d1", {Change("c1", "q1", "create", 0, "first")});
  EXPECT_EQ(again.results(0).status(), "duplicate");
  EXPECT_EQ(again.results(0).first_status(), "applied");
}

TEST_F(SyncGrpcServiceTest, ARejectedChangeIsEchoedWithItsReason) {
  const pb::Change bad = Change("c2", "q2", "explode", 0, "x");
  const pb::UploadResponse r = Upload("d1", {Change("c1", "q1", "create", 0, "ok"), bad});
  EXPECT_FALSE(r.success());
  ASSERT_EQ(r.results_size(), 2);
  EXPECT_EQ(r.results(0).status(), "applied");
  EXPECT_EQ(r.results(1).status(), "rejected");
  EXPECT_FALSE(r.results(1).reason().empty());
  ASSERT_EQ(r.rejected_size(), 1);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(r.rejected(0).change(), bad));
  EXPECT_EQ(r.rejected(0).reason(), r.results(1).reason());
}

TEST_F(SyncGrpcServiceTest, SecretsAreStrippedAndListed) {
  pb::Change c = Change("c1", "c1", "create", 0, "db");
  c.set_item_type("connection");
  (*c.mutable_data()->mutable_fields())["password"].set_string_value("hunter2");
  const pb::UploadResponse r = Upload("d1", {c});
  ASSERT_EQ(r.results(0).stripped_size(), 1);
  EXPECT_EQ(r.results(0).stripped(0), "password");
  ServerCall call(alice_.Bearer());
  pb::DownloadResponse d;
  ASSERT_TRUE(Download(call, DownloadRequest("d1"), &d).ok());
  ASSERT_EQ(d.connections_size(), 1);
  EXPECT_EQ(d.connections(0).fields().count("password"), 0u);
}

// The limits and messages of HTTP (http/sync_handlers_test.cpp) for the declared device_id.
TEST_F(SyncGrpcServiceTest, DeviceIdFollowsItsDeclaredLimitOnEveryMethod) {
  const std::size_t limit = ops::kUpload.Field("device_id").max_bytes;
  const std::pair<std::string, std::string> refused[] = {
      {"", "device_id is required"},
      {std::string(limit + 1, 'd'), "device_id is too long"},
  };
  for (const auto& [device, message] : refused) {
    ServerCall up(alice_.Bearer()), down(alice_.Bearer());
    pb::UploadResponse u;
    pb::DownloadResponse d;
    const grpc::Status us = Upload(up, device, {}, &u);
    const grpc::Status ds = Download(down, DownloadRequest(device), &d);
    for (const grpc::Status* s : {&us, &ds}) {
      EXPECT_EQ(s->error_code(), grpc::StatusCode::INVALID_ARGUMENT) << message;
      EXPECT_EQ(s->error_message(), message);
    }
    EXPECT_EQ(up.Trailer("error-code"), "INVALID_REQUEST");
  }
  ServerCall control(alice_.Bearer());
  pb::UploadResponse u;
  const grpc::Status s = Upload(control, "d\x01", {}, &u);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("device_id"), std::string::npos);
  Upload(std::string(limit, 'd'), {});  // OK at the limit
}

TEST_F(SyncGrpcServiceTest, AnUploadOverTheUploadLimitIsResourceExhausted) {
  pb::Change big = Change("c1", "q1", "create", 0, std::string(kUploadLimit, 'n'));
  ServerCall call(alice_.Bearer());
  pb::UploadResponse out;
  const grpc::Status s = Upload(call, "d1", {big}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(), "upload is larger than the limit");
  EXPECT_EQ(call.Trailer("error-code"), "PAYLOAD_TOO_LARGE");
  ServerCall down(alice_.Bearer());
  pb::DownloadResponse d;
  ASSERT_TRUE(Download(down, DownloadRequest("d1"), &d).ok());
  EXPECT_EQ(d.saved_queries_size(), 0) << "nothing applied";
  Upload("d1", {Change("c1", "q1", "create", 0, std::string(kUploadLimit / 2, 'n'))});
}

TEST_F(SyncGrpcServiceTest, SyncMethodsNeedASession) {
  for (const std::string& authorization : {std::string(), std::string("Bearer forged")}) {
    ServerCall up(authorization), down(authorization), list(authorization), resolve(authorization),
        devices(authorization);
    pb::UploadResponse u;
    pb::DownloadResponse d;
    pb::ListConflictsResponse l;
    pb::ResolveConflictResponse r;
    pb::ListDevicesResponse v;
    const pb::ListConflictsRequest lreq;
    const pb::ListDevicesRequest vreq;
    const grpc::Status all[] = {
        Upload(up, "d1", {}, &u),
        Download(down, DownloadRequest("d1"), &d),
        service_->ListConflicts(list.context(), &lreq, &l),
        Resolve(resolve, pb::ResolveConflictRequest(), &r),
        service_->ListDevices(devices.context(), &vreq, &v),
    };
    for (const grpc::Status& s : all) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << authorization;
    }
    EXPECT_EQ(devices.Trailer("error-code"), "UNAUTHORIZED");
  }
}

TEST_F(SyncGrpcServiceTest, SyncMethodsAcceptTheSessionsLicenseKeyUntilTheSessionEnds) {
  const std::string key = alice_.LicenseBearer();
  ServerCall up(key), down(key), list(key), resolve(key), devices(key);
  pb::UploadResponse u;
  pb::DownloadResponse d;
  pb::ListConflictsResponse l;
  pb::ResolveConflictResponse r;
  pb::ListDevicesResponse v;
  const pb::ListConflictsRequest lreq;
  const pb::ListDevicesRequest vreq;
  EXPECT_TRUE(Upload(up, "d1", {Change("c1", "q1", "create", 0, "a")}, &u).ok());
  EXPECT_TRUE(Download(down, DownloadRequest("d2"), &d).ok());
  EXPECT_EQ(d.saved_queries_size(), 1);
  EXPECT_TRUE(service_->ListConflicts(list.context(), &lreq, &l).ok());
  EXPECT_EQ(Resolve(resolve, pb::ResolveConflictRequest(), &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT)
      << "past the gate: the request itself is checked";
  EXPECT_TRUE(service_->ListDevices(devices.context(), &vreq, &v).ok());

  auto who = harness_.auth().Authenticate(alice_.access_token);
  ASSERT_TRUE(who.ok());
  ASSERT_TRUE(harness_.auth().Logout(*who, false, {"127.0.0.1", "test"}).ok());
  ServerCall after(key);
  EXPECT_EQ(service_->ListDevices(after.context(), &vreq, &v).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SyncGrpcServiceTest, DownloadAnswersItemsTombstonesAndPages) {
  Upload("d1", {Change("c1", "q1", "create", 0, "one"), Change("c2", "q2", "create", 0, "two"),
                Change("c3", "q2", "delete", 1)});
  ServerCall first(alice_.Bearer());
  pb::DownloadResponse page;
  ASSERT_TRUE(Download(first, DownloadRequest("d2", "", 1), &page).ok());
  EXPECT_TRUE(page.has_more());
  ASSERT_EQ(page.saved_queries_size(), 1);
  const google::protobuf::Struct& item = page.saved_queries(0);
  EXPECT_EQ(StringField(item, "id"), "q1");
  EXPECT_EQ(StringField(item, "name"), "one");
  EXPECT_EQ(StringField(item, "device_id"), "d1");
  EXPECT_EQ(item.fields().at("sync_version").number_value(), 1);
  EXPECT_TRUE(page.has_sync_timestamp());

  ServerCall rest(alice_.Bearer());
  pb::DownloadResponse tail;
  ASSERT_TRUE(Download(rest, DownloadRequest("d2", page.cursor()), &tail).ok());
  EXPECT_FALSE(tail.has_more());
  EXPECT_EQ(tail.saved_queries_size(), 0);
  ASSERT_EQ(tail.deleted_size(), 1);
  EXPECT_EQ(tail.deleted(0).item_type(), "saved_query");
  EXPECT_EQ(tail.deleted(0).item_id(), "q2");
  EXPECT_TRUE(tail.deleted(0).has_deleted_at());
}

TEST_F(SyncGrpcServiceTest, DownloadErrorsMatchHttp) {
  struct Case {
    pb::DownloadRequest req;
    grpc::StatusCode code;
    std::string api_code;
    std::string message;
  };
  // A `since` after the user's first change but beyond the horizon (a `since` before the
  // first change is a full download): write one, then let 200 days pass.
  sync::ChangeInput change{"c1", "saved_query", "q1", "create", 0, {}, {}};
  change.data = *sync::ParseJson(R"({"name":"q"})");
  ASSERT_TRUE(harness_.sync().Upload(alice_.user_id, {"d1", {change}, 0}).ok());
  const std::int64_t first_change_s = ToUnixMillis(harness_.clock().Now()) / 1000;
  harness_.clock().Advance(std::chrono::hours(24 * 200));
  auto pair = harness_.auth().Login({alice_.username, alice_.password, ""}, {});
  ASSERT_TRUE(pair.ok()) << pair.status().ToString();
  alice_.access_token = pair->access_token;
  pb::DownloadRequest ancient = DownloadRequest("d1");
  ancient.mutable_since()->set_seconds(first_change_s + 86400);
  const Case cases[] = {
      {DownloadRequest("d1", "not-a-cursor"), grpc::StatusCode::INVALID_ARGUMENT, "INVALID_REQUEST",
       "cursor is not valid"},
      {DownloadRequest("d1", "", -3), grpc::StatusCode::INVALID_ARGUMENT, "INVALID_REQUEST",
       "limit must be at least 1"},
      {ancient, grpc::StatusCode::FAILED_PRECONDITION, "RESYNC_REQUIRED",
       "since is older than the sync history kept: download again without since or cursor"},
  };
  for (const Case& c : cases) {
    ServerCall call(alice_.Bearer());
    pb::DownloadResponse out;
    const grpc::Status s = Download(call, c.req, &out);
    EXPECT_EQ(s.error_code(), c.code) << c.message;
    EXPECT_EQ(s.error_message(), c.message);
    EXPECT_EQ(call.Trailer("error-code"), c.api_code);
  }
}

TEST_F(SyncGrpcServiceTest, ConflictsAreListedWithBothSides) {
  const std::string id = MakeConflict();
  ServerCall call(alice_.Bearer());
  const pb::ListConflictsRequest req;
  pb::ListConflictsResponse res;
  ASSERT_TRUE(service_->ListConflicts(call.context(), &req, &res).ok());
  EXPECT_EQ(res.count(), 1);
  ASSERT_EQ(res.conflicts_size(), 1);
  const pb::Conflict& c = res.conflicts(0);
  EXPECT_EQ(c.id(), id);
  EXPECT_EQ(c.item_id(), "q1");
  EXPECT_TRUE(c.has_detected_at());
  EXPECT_EQ(StringField(c.local_version().data(), "name"), "c");
  EXPECT_EQ(c.local_version().device_id(), "d2");
  EXPECT_FALSE(c.local_version().deleted());
  EXPECT_EQ(StringField(c.remote_version().data(), "name"), "b");
  EXPECT_EQ(c.remote_version().sync_version(), 2);
}

pb::ResolveConflictRequest ResolveRequest(const std::string& id, const std::string& strategy,
                                          const std::string& chosen = {}) {
  pb::ResolveConflictRequest r;
  r.set_conflict_id(id);
  r.set_strategy(strategy);
  r.set_chosen_version(chosen);
  return r;
}

TEST_F(SyncGrpcServiceTest, ResolveAppliesTheChosenSideOnce) {
  const std::string id = MakeConflict();
  ServerCall call(alice_.Bearer());
  pb::ResolveConflictResponse res;
  ASSERT_TRUE(Resolve(call, ResolveRequest(id, "user_choice", "local"), &res).ok());
  EXPECT_TRUE(res.success());
  EXPECT_TRUE(res.has_resolved_at());
  EXPECT_FALSE(res.message().empty());
  EXPECT_EQ(StringField(res.item(), "name"), "c");
  EXPECT_EQ(res.item().fields().at("sync_version").number_value(), 3);
  EXPECT_FALSE(res.has_copy());
  ServerCall again(alice_.Bearer());
  const grpc::Status s = Resolve(again, ResolveRequest(id, "user_choice", "local"), &res);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(again.Trailer("error-code"), "CONFLICT");
}

TEST_F(SyncGrpcServiceTest, KeepBothAnswersTheCopy) {
  const std::string id = MakeConflict();
  ServerCall call(alice_.Bearer());
  pb::ResolveConflictResponse res;
  ASSERT_TRUE(Resolve(call, ResolveRequest(id, "keep_both"), &res).ok());
  EXPECT_EQ(StringField(res.item(), "name"), "b");
  ASSERT_TRUE(res.has_copy());
  EXPECT_EQ(StringField(res.copy(), "name"), "c (conflict copy)");
}

TEST_F(SyncGrpcServiceTest, ResolveErrorsMatchHttp) {
  const std::string id = MakeConflict();
  pb::ResolveConflictRequest long_device = ResolveRequest(id, "keep_both");
  long_device.set_device_id(std::string(129, 'd'));
  const std::pair<pb::ResolveConflictRequest, std::string> invalid[] = {
      {ResolveRequest(id, ""), "strategy is required"},
      {ResolveRequest(id, "coin_flip"),
       "strategy must be last_write_wins, keep_both or user_choice"},
      {ResolveRequest(id, std::string(65, 's')), "strategy is too long"},
      {ResolveRequest("", "keep_both"), "conflict_id is required"},
      {ResolveRequest(std::string(129, 'i'), "keep_both"), "conflict_id is too long"},
      {long_device, "device_id is too long"},
  };
  for (const auto& [req, message] : invalid) {
    ServerCall call(alice_.Bearer());
    pb::ResolveConflictResponse res;
    const grpc::Status s = Resolve(call, req, &res);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << message;
    EXPECT_EQ(s.error_message(), message);
  }
  const Account bob = harness_.SignUp("bob");
  ServerCall unknown(alice_.Bearer()), foreign(bob.Bearer());
  pb::ResolveConflictResponse res;
  EXPECT_EQ(Resolve(unknown, ResolveRequest("nope", "keep_both"), &res).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Resolve(foreign, ResolveRequest(id, "keep_both"), &res).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(SyncGrpcServiceTest, DevicesListsEachDeviceOfTheCaller) {
  Upload("d1", {Change("c1", "q1", "create", 0, "one")});
  ServerCall down(alice_.Bearer());
  pb::DownloadResponse d;
  ASSERT_TRUE(Download(down, DownloadRequest("d2"), &d).ok());
  ServerCall call(alice_.Bearer());
  const pb::ListDevicesRequest req;
  pb::ListDevicesResponse res;
  ASSERT_TRUE(service_->ListDevices(call.context(), &req, &res).ok());
  ASSERT_EQ(res.devices_size(), 2);
  for (const pb::Device& device : res.devices()) {
    const bool uploader = device.device_id() == "d1";
    EXPECT_EQ(device.has_last_upload_at(), uploader);
    EXPECT_EQ(device.has_last_download_at(), !uploader);
    EXPECT_EQ(device.changes_uploaded(), uploader ? 1 : 0);
  }
}

class SyncGrpcLimitsTest : public SyncGrpcServiceTest {
 protected:
  static HarnessOptions Small() {
    HarnessOptions o;
    o.sync.max_changes = 2;
    o.sync_per_minute = 3;
    return o;
  }
  SyncGrpcLimitsTest() : SyncGrpcServiceTest(Small()) {}
};

TEST_F(SyncGrpcLimitsTest, MoreChangesThanTheLimitIsPayloadTooLarge) {
  ServerCall call(alice_.Bearer());
  pb::UploadResponse out;
  const grpc::Status s =
      Upload(call, "d1",
             {Change("a", "q1", "create", 0, "1"), Change("b", "q2", "create", 0, "2"),
              Change("c", "q3", "create", 0, "3")},
             &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(), "too many changes: at most 2 per upload");
  EXPECT_EQ(call.Trailer("error-code"), "PAYLOAD_TOO_LARGE");
}

TEST_F(SyncGrpcLimitsTest, ThePerUserBudgetIsSpentByEveryMethod) {
  Upload("d1", {});
  ServerCall down(alice_.Bearer()), list(alice_.Bearer()), devices(alice_.Bearer());
  pb::DownloadResponse d;
  EXPECT_TRUE(Download(down, DownloadRequest("d1"), &d).ok());
  const pb::ListConflictsRequest lreq;
  pb::ListConflictsResponse l;
  EXPECT_TRUE(service_->ListConflicts(list.context(), &lreq, &l).ok());
  const pb::ListDevicesRequest vreq;
  pb::ListDevicesResponse v;
  const grpc::Status s = service_->ListDevices(devices.context(), &vreq, &v);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(devices.Trailer("error-code"), "RATE_LIMITED");
  EXPECT_GE(std::stoi("0" + devices.Trailer("retry-after")), 1);
}

// One gate serves both transports (as in the composition root), so a user's budget spent
// over one is spent for the other.
TEST_F(SyncGrpcLimitsTest, ThePerUserBudgetIsSharedWithHttp) {
  const http::testing::ApiPipeline api(harness_);
  for (int i = 0; i < 3; ++i) {
    const http::Response r = api.Send(http::testing::Get("/api/sync/conflicts", alice_.Bearer()));
    EXPECT_EQ(r.status, 200) << r.body;
  }
  ServerCall refused(alice_.Bearer());
  pb::DownloadResponse d;
  EXPECT_EQ(Download(refused, DownloadRequest("d1"), &d).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  const Account bob = harness_.SignUp("bob");
  for (int i = 0; i < 3; ++i) {
    ServerCall call(bob.Bearer());
    EXPECT_TRUE(Download(call, DownloadRequest("d1"), &d).ok());
  }
  const http::Response r = api.Send(http::testing::Get("/api/sync/conflicts", bob.Bearer()));
  EXPECT_EQ(r.status, 429);
  EXPECT_TRUE(r.headers.Has("Retry-After"));
}

}  // namespace
}  // namespace howler::grpcsvc
