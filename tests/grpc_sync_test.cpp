// howlerops.v1.SyncService through the real binary with a C++ gRPC client: an upload and
// download round trip, a conflict made and resolved over gRPC and seen over HTTP (and the
// reverse), the bearer check, field errors, the per-user limit, and reflection.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "howlerops/v1/sync.grpc.pb.h"
#include "support/api_client.h"
#include "support/server_process.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {

namespace pb = ::howlerops::v1;
namespace json = boost::json;

class GrpcSyncTest : public SharedServerTest<GrpcSyncTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"RATE_LIMIT_SYNC_PER_MIN", "100000"}};
  }

 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    stub_ = pb::SyncService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server().grpc_port()), grpc::InsecureChannelCredentials()));
    account_ = CreateAccount(api(), "grpcsync");
  }

  // A context with a safety deadline and the account's bearer token.
  std::unique_ptr<grpc::ClientContext> Context(bool with_token = true) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (with_token) context->AddMetadata("authorization", "Bearer " + account_.token);
    return context;
  }

  static pb::Change MakeChange(const std::string& id, const std::string& item_id,
                               const std::string& action, std::int64_t base,
                               const std::string& name) {
    pb::Change c;
    c.set_id(id);
    c.set_item_type("saved_query");
    c.set_item_id(item_id);
    c.set_action(action);
    c.set_sync_version(base);
    (*c.mutable_data()->mutable_fields())["name"].set_string_value(name);
    (*c.mutable_data()->mutable_fields())["favorite"].set_bool_value(true);
    (*c.mutable_data()->mutable_fields())["password"].set_string_value("secret");
    return c;
  }

  grpc::Status GrpcUpload(const std::string& device, std::vector<pb::Change> changes,
                          pb::UploadResponse* out) {
    pb::UploadRequest req;
    req.set_device_id(device);
    for (auto& c : changes) *req.add_changes() = std::move(c);
    return stub_->Upload(Context().get(), req, out);
  }

  std::unique_ptr<pb::SyncService::Stub> stub_;
  TestAccount account_;
};

TEST_F(GrpcSyncTest, UploadAndDownloadRoundTrip) {
  pb::UploadResponse up;
  ASSERT_TRUE(GrpcUpload("cli", {MakeChange("c1", "q1", "create", 0, "first")}, &up).ok());
  ASSERT_EQ(up.results_size(), 1);
  EXPECT_EQ(up.results(0).status(), "applied");
  EXPECT_EQ(up.results(0).sync_version(), 1);
  ASSERT_EQ(up.results(0).stripped_size(), 1);
  EXPECT_EQ(up.results(0).stripped(0), "password");
  EXPECT_TRUE(up.success());
  EXPECT_FALSE(up.cursor().empty());

  pb::DownloadRequest req;
  req.set_device_id("phone");
  pb::DownloadResponse down;
  ASSERT_TRUE(stub_->Download(Context().get(), req, &down).ok());
  ASSERT_EQ(down.saved_queries_size(), 1);
  const auto& fields = down.saved_queries(0).fields();
  EXPECT_EQ(fields.at("id").string_value(), "q1");
  EXPECT_EQ(fields.at("name").string_value(), "first");
  EXPECT_TRUE(fields.at("favorite").bool_value());
  EXPECT_EQ(fields.at("sync_version").number_value(), 1);
  EXPECT_EQ(fields.count("password"), 0u);
  EXPECT_FALSE(down.has_more());

  // The same item over HTTP; the same upload replayed is a duplicate.
  Downloaded http = DownloadAll(api(), account_.token, "web");
  ASSERT_NE(FindItem(http, "q1"), nullptr);
  EXPECT_EQ(FindItem(http, "q1")->at("name").as_string(), "first");
  pb::UploadResponse replay;
  ASSERT_TRUE(GrpcUpload("cli", {MakeChange("c1", "q1", "create", 0, "first")}, &replay).ok());
  EXPECT_EQ(replay.results(0).status(), "duplicate");
  EXPECT_EQ(replay.results(0).first_status(), "applied");
}

TEST_F(GrpcSyncTest, UploadAppliesTheValidChangeAndRejectsTheOther) {
  pb::UploadResponse up;
  ASSERT_TRUE(GrpcUpload("cli",
                         {MakeChange("ok", "q1", "create", 0, "kept"),
                          MakeChange("bad", "q\n2", "create", 0, "refused")},
                         &up)
                  .ok());
  ASSERT_EQ(up.results_size(), 2);
  EXPECT_EQ(up.results(0).status(), "applied");
  EXPECT_EQ(up.results(0).sync_version(), 1);
  EXPECT_EQ(up.results(1).change_id(), "bad");
  EXPECT_EQ(up.results(1).status(), "rejected");
  EXPECT_NE(up.results(1).reason().find("item_id"), std::string::npos) << up.results(1).reason();
  ASSERT_EQ(up.rejected_size(), 1);
  EXPECT_EQ(up.rejected(0).change().id(), "bad");
  EXPECT_EQ(up.rejected(0).change().item_id(), "q\n2");
  EXPECT_EQ(up.rejected(0).reason(), up.results(1).reason());
  EXPECT_FALSE(up.success());
  EXPECT_EQ(up.message(), "Synced 1 items, 0 conflicts, 1 rejected");

  pb::DownloadRequest req;
  req.set_device_id("phone");
  pb::DownloadResponse down;
  ASSERT_TRUE(stub_->Download(Context().get(), req, &down).ok());
  ASSERT_EQ(down.saved_queries_size(), 1);
  EXPECT_EQ(down.saved_queries(0).fields().at("id").string_value(), "q1");
}

TEST_F(GrpcSyncTest, DownloadListsDeletedItemsAsTombstones) {
  pb::UploadResponse created, deleted;
  ASSERT_TRUE(GrpcUpload("cli", {MakeChange("c1", "gone", "create", 0, "doomed")}, &created).ok());
  pb::Change del = MakeChange("c2", "gone", "delete", 1, "");
  del.clear_data();
  ASSERT_TRUE(GrpcUpload("cli", {del}, &deleted).ok());
  ASSERT_EQ(deleted.results_size(), 1);
  ASSERT_EQ(deleted.results(0).status(), "applied");

  pb::DownloadRequest req;
  req.set_device_id("phone");
  pb::DownloadResponse down;
  ASSERT_TRUE(stub_->Download(Context().get(), req, &down).ok());
  EXPECT_EQ(down.saved_queries_size(), 0);
  ASSERT_EQ(down.deleted_size(), 1);
  const pb::Tombstone& t = down.deleted(0);
  EXPECT_EQ(t.item_type(), "saved_query");
  EXPECT_EQ(t.item_id(), "gone");
  EXPECT_EQ(t.sync_version(), 2);
  ASSERT_TRUE(t.has_deleted_at());
  EXPECT_EQ(t.deleted_at().seconds(), deleted.synced_at().seconds());
  EXPECT_EQ(t.deleted_at().nanos(), deleted.synced_at().nanos());
}

TEST_F(GrpcSyncTest, DownloadWithAControlCharacterInTheDeviceIdIsInvalid) {
  pb::DownloadRequest req;
  req.set_device_id(std::string("dev\x01ice"));
  pb::DownloadResponse down;
  const grpc::Status status = stub_->Download(Context().get(), req, &down);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("device_id"), std::string::npos) << status.error_message();
}

TEST_F(GrpcSyncTest, ConflictMadeOverGrpcIsResolvedOverHttp) {
  pb::UploadResponse up;
  ASSERT_TRUE(
      GrpcUpload(
          "cli",
          {MakeChange("a", "q", "create", 0, "one"), MakeChange("b", "q", "update", 1, "two")}, &up)
          .ok());
  pb::UploadResponse stale;
  ASSERT_TRUE(GrpcUpload("other", {MakeChange("c", "q", "update", 1, "mine")}, &stale).ok());
  ASSERT_EQ(stale.conflicts_size(), 1);
  const pb::Conflict& c = stale.conflicts(0);
  EXPECT_EQ(c.local_version().data().fields().at("name").string_value(), "mine");
  EXPECT_EQ(c.remote_version().data().fields().at("name").string_value(), "two");
  EXPECT_EQ(stale.results(0).conflict_id(), c.id());

  ApiResponse listed = api().Call("GET", "/api/sync/conflicts", std::nullopt, account_.token);
  EXPECT_EQ(listed.Object().at("count").as_int64(), 1);
  ApiResponse resolved = Resolve(api(), account_.token, c.id(),
                                 {{"strategy", "user_choice"}, {"chosen_version", "local"}});
  ASSERT_EQ(resolved.status(), 200) << resolved;

  pb::ResolveConflictRequest again;
  again.set_conflict_id(c.id());
  again.set_strategy("keep_both");
  pb::ResolveConflictResponse out;
  grpc::Status status = stub_->ResolveConflict(Context().get(), again, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(GrpcSyncTest, ConflictMadeOverHttpIsResolvedOverGrpc) {
  ::howler::testing::Upload(
      api(), account_.token, "web",
      {Change("1", "connection", "c", "create", 0, json::object{{"name", "a"}})});
  ::howler::testing::Upload(
      api(), account_.token, "web",
      {Change("2", "connection", "c", "update", 1, json::object{{"name", "b"}})});
  ApiResponse stale = ::howler::testing::Upload(
      api(), account_.token, "laptop",
      {Change("3", "connection", "c", "update", 1, json::object{{"name", "laptop"}})});
  std::string id(stale.Object().at("conflicts").at(0).at("id").as_string());

  pb::ListConflictsResponse listed;
  ASSERT_TRUE(stub_->ListConflicts(Context().get(), pb::ListConflictsRequest(), &listed).ok());
  ASSERT_EQ(listed.count(), 1);
  EXPECT_EQ(listed.conflicts(0).id(), id);

  pb::ResolveConflictRequest req;
  req.set_conflict_id(id);
  req.set_strategy("keep_both");
  pb::ResolveConflictResponse out;
  ASSERT_TRUE(stub_->ResolveConflict(Context().get(), req, &out).ok());
  EXPECT_EQ(out.item().fields().at("name").string_value(), "b");
  EXPECT_EQ(out.copy().fields().at("name").string_value(), "laptop (conflict copy)");
  Downloaded http = DownloadAll(api(), account_.token, "web");
  EXPECT_EQ(http.items.size(), 2u);

  pb::ListDevicesResponse devices;
  ASSERT_TRUE(stub_->ListDevices(Context().get(), pb::ListDevicesRequest(), &devices).ok());
  EXPECT_GE(devices.devices_size(), 2);
}

TEST_F(GrpcSyncTest, UnauthenticatedAndInvalidCalls) {
  pb::DownloadRequest req;
  req.set_device_id("x");
  pb::DownloadResponse down;
  EXPECT_EQ(stub_->Download(Context(false).get(), req, &down).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  req.set_device_id("");
  grpc::Status missing = stub_->Download(Context().get(), req, &down);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(missing.error_message().find("device_id"), std::string::npos);
  req.set_device_id("x");
  req.set_cursor("garbage");
  grpc::Status bad_cursor = stub_->Download(Context().get(), req, &down);
  EXPECT_EQ(bad_cursor.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad_cursor.error_message().find("cursor"), std::string::npos);
  pb::ResolveConflictRequest resolve;
  resolve.set_strategy("keep_both");
  pb::ResolveConflictResponse out;
  grpc::Status no_id = stub_->ResolveConflict(Context().get(), resolve, &out);
  EXPECT_EQ(no_id.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(no_id.error_message().find("conflict_id"), std::string::npos);
  resolve.set_conflict_id("nope");
  EXPECT_EQ(stub_->ResolveConflict(Context().get(), resolve, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// The license key of an HTTP sign-up is a sync credential over gRPC too, until its
// session ends.
TEST_F(GrpcSyncTest, TheSessionsLicenseKeyAuthenticatesSyncCallsUntilTheSessionEnds) {
  ASSERT_TRUE(IsClientLicenseKey(account_.license_key)) << account_.license_key;
  auto keyed = [&] {
    auto context = Context(false);
    context->AddMetadata("authorization", "Bearer " + account_.license_key);
    return context;
  };
  pb::UploadRequest req;
  req.set_device_id("desktop");
  *req.add_changes() = MakeChange("k1", "qk", "create", 0, "by key");
  pb::UploadResponse up;
  ASSERT_TRUE(stub_->Upload(keyed().get(), req, &up).ok());
  ASSERT_EQ(up.results_size(), 1);
  EXPECT_EQ(up.results(0).status(), "applied");
  const Downloaded http = DownloadAll(api(), account_.token, "phone");
  ASSERT_NE(FindItem(http, "qk"), nullptr) << "the key's items are its user's";
  pb::ListDevicesResponse devices;
  ASSERT_TRUE(stub_->ListDevices(keyed().get(), pb::ListDevicesRequest(), &devices).ok());

  ASSERT_EQ(api().Logout(account_.token).status(), 200);
  EXPECT_EQ(stub_->ListDevices(keyed().get(), pb::ListDevicesRequest(), &devices).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST(GrpcSyncLimitTest, PerUserLimitIsResourceExhausted) {
  TempDir dir;
  ServerProcess server(dir.path(), AuthServerConfig({{"RATE_LIMIT_SYNC_PER_MIN", "3"}}));
  ASSERT_TRUE(server.ready());
  ApiClient api(server.base_url());
  TestAccount a = CreateAccount(api, "grpclim");
  auto stub = pb::SyncService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server.grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::StatusCode last = grpc::StatusCode::OK;
  int ok = 0;
  for (int i = 0; i < 6 && last == grpc::StatusCode::OK; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    context.AddMetadata("authorization", "Bearer " + a.token);
    pb::ListDevicesResponse out;
    last = stub->ListDevices(&context, pb::ListDevicesRequest(), &out).error_code();
    if (last == grpc::StatusCode::OK) ++ok;
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(last, grpc::StatusCode::RESOURCE_EXHAUSTED);
  // HTTP shares the budget.
  EXPECT_EQ(Download(api, a.token, "d").status(), 429);
}

}  // namespace
}  // namespace howler::testing
