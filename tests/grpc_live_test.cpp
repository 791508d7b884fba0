// howlerops.v1.SyncService/Watch through the real binary (API.md "Live sync"): the same
// messages as the WebSocket (hello, changes with by_device), only the caller's user, the
// bearer check, the per-user cap, a cancelled call, a revoked session and shutdown.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
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
using std::chrono::seconds;

json::array OneChange(const std::string& id) {
  return {Change(id, "saved_query", id, "create", 0, json::object{{"name", "Q " + id}})};
}

class GrpcLiveTest : public SharedServerTest<GrpcLiveTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"RATE_LIMIT_SYNC_PER_MIN", "100000"},
            {"LIVE_MAX_PER_USER", "2"},
            {"SESSION_CACHE_TTL", "1s"}};
  }

 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    stub_ = pb::SyncService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server().grpc_port()), grpc::InsecureChannelCredentials()));
  }

  struct Watch {
    std::unique_ptr<grpc::ClientContext> context = std::make_unique<grpc::ClientContext>();
    std::unique_ptr<grpc::ClientReader<pb::WatchEvent>> reader;
    pb::WatchEvent Next() {
      pb::WatchEvent e;
      do {
        if (!reader->Read(&e)) return pb::WatchEvent();
      } while (e.type() == "heartbeat");
      return e;
    }
  };

  Watch Start(const std::string& token, seconds deadline = seconds(20)) {
    Watch w;
    w.context->set_deadline(std::chrono::system_clock::now() + deadline);
    if (!token.empty()) w.context->AddMetadata("authorization", "Bearer " + token);
    w.reader = stub_->Watch(w.context.get(), pb::WatchRequest());
    return w;
  }

  std::unique_ptr<pb::SyncService::Stub> stub_;
};

TEST_F(GrpcLiveTest, WatchSaysHelloThenTheUsersChangesOnly) {
  const TestAccount alice = CreateAccount(api(), "gWatchA");
  const TestAccount bob = CreateAccount(api(), "gWatchB");
  Watch a = Start(alice.token);
  pb::WatchEvent hello = a.Next();
  EXPECT_EQ(hello.type(), "hello");
  EXPECT_EQ(hello.seq(), 0);
  EXPECT_FALSE(hello.cursor().empty());
  Watch b = Start(bob.token, seconds(3));
  EXPECT_EQ(b.Next().type(), "hello");

  const ApiResponse up = Upload(api(), alice.token, "tablet", OneChange("g1"));
  ASSERT_EQ(up.status(), 200) << up;
  const pb::WatchEvent e = a.Next();
  EXPECT_EQ(e.type(), "changes");
  EXPECT_EQ(e.seq(), 1);
  EXPECT_EQ(e.conflicts(), 0);
  EXPECT_EQ(e.by_device(), "tablet");
  EXPECT_EQ(e.cursor(), up.Str("cursor"));
  // Bob hears nothing until his deadline ends the call.
  pb::WatchEvent nothing;
  EXPECT_FALSE(b.reader->Read(&nothing));
  EXPECT_EQ(b.reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  a.context->TryCancel();
  EXPECT_EQ(a.reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(GrpcLiveTest, WatchNeedsAValidTokenAndRespectsThePerUserCap) {
  Watch none = Start("");
  EXPECT_EQ(none.Next().type(), "");
  EXPECT_EQ(none.reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  Watch bad = Start("not-a-token");
  EXPECT_EQ(bad.Next().type(), "");
  EXPECT_EQ(bad.reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);

  const TestAccount a = CreateAccount(api(), "gWatchK");
  Watch one = Start(a.token);
  Watch two = Start(a.token);
  EXPECT_EQ(one.Next().type(), "hello");
  EXPECT_EQ(two.Next().type(), "hello");
  Watch three = Start(a.token);
  EXPECT_EQ(three.Next().type(), "");
  EXPECT_EQ(three.reader->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  one.context->TryCancel();
  two.context->TryCancel();
  one.reader->Finish();
  two.reader->Finish();
}

TEST_F(GrpcLiveTest, ARevokedSessionEndsTheWatchWithUnauthenticated) {
  const TestAccount a = CreateAccount(api(), "gWatchR");
  const ApiResponse second = api().Login(a.username, a.password, "second");
  ASSERT_EQ(second.status(), 200) << second;
  Watch w = Start(second.Str("token"));
  EXPECT_EQ(w.Next().type(), "hello");
  const std::string sid = std::string(JwtPayload(second.Str("token")).at("sid").as_string());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(api().RevokeSession(a.token, sid).status(), 200);
  EXPECT_EQ(w.Next().type(), "");
  const grpc::Status status = w.reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "session ended");
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(4));
}

TEST(GrpcLiveShutdownTest, OpenWatchesEndWithUnavailableAndTheServerExits) {
  TempDir dir;
  ServerProcess server(dir.path(), AuthServerConfig({{"SHUTDOWN_TIMEOUT", "20s"}}));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  const TestAccount a = CreateAccount(api, "gWatchD");
  auto stub = pb::SyncService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server.grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + a.token);
  auto reader = stub->Watch(&context, pb::WatchRequest());
  pb::WatchEvent e;
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.type(), "hello");
  const auto start = std::chrono::steady_clock::now();
  server.SendSignal(SIGTERM);
  while (reader->Read(&e)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(server.WaitExit(seconds(15)), 0) << server.Output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(10));
}

}  // namespace
}  // namespace howler::testing
