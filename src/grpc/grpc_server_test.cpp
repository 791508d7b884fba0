#include "grpc/grpc_server.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"

namespace howler::grpcsvc {
namespace {

namespace pb = google::protobuf;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using ::testing::Contains;
using ::testing::HasSubstr;

// A safety net so a broken server fails the test instead of hanging it; not a measurement.
void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
}

class GrpcServerTest : public ::testing::Test {
 protected:
  static GrpcServerOptions TestOptions() {
    GrpcServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.health_cache_ttl = std::chrono::milliseconds(0);
    options.health_watch_interval = std::chrono::milliseconds(10);
    return options;
  }

  HealthProbe Probe() {
    return [this] {
      ++probe_runs_;
      return healthy_ ? Status::Ok() : UnavailableError("database down");
    };
  }

  // A server on a free loopback port whose probe reports healthy_.
  std::unique_ptr<GrpcServer> StartServer(const GrpcServerOptions& options = TestOptions()) {
    auto server = std::make_unique<GrpcServer>(options, Probe());
    Status started = server->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
    return server;
  }

  static std::shared_ptr<grpc::Channel> ChannelTo(const GrpcServer& server) {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()),
                               grpc::InsecureChannelCredentials());
  }

  static grpc::Status Check(const GrpcServer& server, const std::string& service,
                            HealthCheckResponse* response) {
    auto stub = Health::NewStub(ChannelTo(server));
    grpc::ClientContext context;
    SetDeadline(&context);
    HealthCheckRequest request;
    request.set_service(service);
    return stub->Check(&context, request, response);
  }

  std::atomic<bool> healthy_{true};
  std::atomic<int> probe_runs_{0};
};

TEST_F(GrpcServerTest, StartBindsAFreePortWhenAskedForZero) {
  auto server = StartServer();
  EXPECT_NE(server->port(), 0);
}

TEST_F(GrpcServerTest, CheckIsServingWhenProbeSucceeds) {
  auto server = StartServer();
  HealthCheckResponse response;
  grpc::Status status = Check(*server, "", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
}

TEST_F(GrpcServerTest, CheckIsNotServingWhenProbeFails) {
  healthy_ = false;
  auto server = StartServer();
  HealthCheckResponse response;
  ASSERT_TRUE(Check(*server, "", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(GrpcServerTest, CheckFollowsProbeWhenUncached) {
  auto server = StartServer();
  HealthCheckResponse response;
  ASSERT_TRUE(Check(*server, "", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  healthy_ = false;
  ASSERT_TRUE(Check(*server, "", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(GrpcServerTest, CheckReusesCachedProbeResult) {
  GrpcServerOptions options = TestOptions();
  options.health_cache_ttl = std::chrono::hours(1);
  auto server = StartServer(options);
  HealthCheckResponse response;
  ASSERT_TRUE(Check(*server, "", &response).ok());
  healthy_ = false;
  ASSERT_TRUE(Check(*server, "", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  EXPECT_EQ(probe_runs_, 1);
}

TEST_F(GrpcServerTest, CheckOfUnknownServiceIsNotFound) {
  auto server = StartServer();
  HealthCheckResponse response;
  EXPECT_EQ(Check(*server, "howlerops.v1.Nope", &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcServerTest, RegisteredHealthServiceNameIsKnown) {
  GrpcServer server(TestOptions(), Probe());
  server.AddHealthService("howlerops.v1.AuthService");
  ASSERT_TRUE(server.Start().ok());
  HealthCheckResponse response;
  ASSERT_TRUE(Check(server, "howlerops.v1.AuthService", &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(server, "howlerops.v1.SyncService", &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcServerTest, OwnHealthServiceWinsOverGrpcDefaultOne) {
  grpc::EnableDefaultHealthCheckService(true);  // process-wide: restored below
  healthy_ = false;
  auto server = StartServer();
  HealthCheckResponse response;
  grpc::Status status = Check(*server, "", &response);
  grpc::EnableDefaultHealthCheckService(false);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(GrpcServerTest, WatchSendsInitialStatusThenChanges) {
  auto server = StartServer();
  auto stub = Health::NewStub(ChannelTo(*server));
  grpc::ClientContext context;
  SetDeadline(&context);
  auto reader = stub->Watch(&context, HealthCheckRequest());

  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  healthy_ = false;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  healthy_ = true;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  context.TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(GrpcServerTest, WatchOfUnknownServiceReportsServiceUnknown) {
  auto server = StartServer();
  auto stub = Health::NewStub(ChannelTo(*server));
  grpc::ClientContext context;
  SetDeadline(&context);
  HealthCheckRequest request;
  request.set_service("howlerops.v1.Nope");
  auto reader = stub->Watch(&context, request);

  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVICE_UNKNOWN);
  context.TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(GrpcServerTest, ShutdownEndsOpenWatchStreams) {
  auto server = StartServer();
  auto stub = Health::NewStub(ChannelTo(*server));
  grpc::ClientContext context;
  SetDeadline(&context);
  auto reader = stub->Watch(&context, HealthCheckRequest());
  HealthCheckResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  // A budget far longer than the test: the stream must end by itself, not by the deadline.
  server->Shutdown(std::chrono::minutes(10));

  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(reader->Read(&response));
  grpc::Status finished = reader->Finish();
  EXPECT_EQ(finished.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(finished.error_message(), "server is shutting down");
}

TEST_F(GrpcServerTest, ShutdownIsIdempotentAndStopsServing) {
  auto server = StartServer();
  const std::uint16_t port = server->port();
  server->Shutdown(std::chrono::seconds(5));
  server->Shutdown(std::chrono::seconds(5));

  auto stub = Health::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  SetDeadline(&context);
  HealthCheckResponse response;
  EXPECT_EQ(stub->Check(&context, HealthCheckRequest(), &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(GrpcServerTest, StartTwiceOrAfterShutdownFails) {
  auto server = StartServer();
  EXPECT_EQ(server->Start().code(), StatusCode::kFailedPrecondition);

  GrpcServer never_started(TestOptions(), Probe());
  never_started.Shutdown(std::chrono::seconds(1));
  EXPECT_EQ(never_started.Start().code(), StatusCode::kFailedPrecondition);
}

TEST_F(GrpcServerTest, StartOnTakenPortFailsNamingIt) {
  auto first = StartServer();
  GrpcServerOptions options = TestOptions();
  options.port = first->port();
  GrpcServer second(options, Probe());

  Status started = second.Start();
  EXPECT_EQ(started.code(), StatusCode::kUnavailable);
  EXPECT_THAT(started.message(), HasSubstr("127.0.0.1:" + std::to_string(first->port())));
  EXPECT_EQ(second.port(), 0);
}

TEST_F(GrpcServerTest, StartOnUnresolvableHostFails) {
  GrpcServerOptions options = TestOptions();
  options.host = "no-such-host.invalid";
  GrpcServer server(options, Probe());
  Status started = server.Start();
  EXPECT_EQ(started.code(), StatusCode::kUnavailable);
  EXPECT_THAT(started.message(), HasSubstr("no-such-host.invalid:0"));
}

TEST_F(GrpcServerTest, RequestsAboveMaxMessageSizeAreRejected) {
  GrpcServerOptions options = TestOptions();
  options.max_message_bytes = 1024;
  auto server = StartServer(options);
  HealthCheckResponse response;
  EXPECT_EQ(Check(*server, std::string(4096, 'x'), &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(Check(*server, "", &response).ok());
}

// Debian ships the reflection messages inside libgrpc++_reflection but not their headers, so
// the reflection stream is driven with a generic stub and the messages' descriptors.
std::unique_ptr<pb::Message> NewMessage(const std::string& full_name) {
  const pb::Descriptor* descriptor =
      pb::DescriptorPool::generated_pool()->FindMessageTypeByName(full_name);
  if (descriptor == nullptr) {
    return nullptr;
  }
  return std::unique_ptr<pb::Message>(
      pb::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
}

// Completion-queue tags: addresses of distinct bytes.
void* Tag(int n) {
  static char tags[8];
  return &tags[n];
}

bool Await(grpc::CompletionQueue& queue, int n) {
  void* tag = nullptr;
  bool ok = false;
  return queue.Next(&tag, &ok) && ok && tag == Tag(n);
}

// One ServerReflectionInfo exchange: sends `request`, returns the single response's bytes.
std::string ReflectionExchange(const std::shared_ptr<grpc::Channel>& channel,
                               const pb::Message& request) {
  grpc::CompletionQueue queue;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  SetDeadline(&context);
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  grpc::Slice request_slice(request.SerializeAsString());
  grpc::ByteBuffer request_bytes(&request_slice, 1);
  grpc::ByteBuffer response_bytes;
  grpc::Status status;

  call->StartCall(Tag(1));
  bool ok = Await(queue, 1);
  if (ok) {
    call->Write(request_bytes, Tag(2));
  }
  ok = ok && Await(queue, 2);
  if (ok) {
    call->WritesDone(Tag(3));
  }
  ok = ok && Await(queue, 3);
  if (ok) {
    call->Read(&response_bytes, Tag(4));
  }
  ok = ok && Await(queue, 4);
  call->Finish(&status, Tag(5));
  EXPECT_TRUE(Await(queue, 5));
  EXPECT_TRUE(ok && status.ok()) << status.error_message();
  call.reset();
  queue.Shutdown();
  void* tag = nullptr;
  bool drained_ok = false;
  while (queue.Next(&tag, &drained_ok)) {
  }

  std::vector<grpc::Slice> slices;
  if (!ok || !response_bytes.Dump(&slices).ok()) {
    return "";
  }
  std::string out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

std::vector<std::string> ListServicesViaReflection(const std::shared_ptr<grpc::Channel>& channel) {
  auto request = NewMessage("grpc.reflection.v1alpha.ServerReflectionRequest");
  auto response = NewMessage("grpc.reflection.v1alpha.ServerReflectionResponse");
  if (request == nullptr || response == nullptr) {
    ADD_FAILURE() << "reflection messages are not linked in";
    return {};
  }
  request->GetReflection()->SetString(
      request.get(), request->GetDescriptor()->FindFieldByName("list_services"), "*");
  if (!response->ParseFromString(ReflectionExchange(channel, *request))) {
    return {};
  }

  const pb::Message& list = response->GetReflection()->GetMessage(
      *response, response->GetDescriptor()->FindFieldByName("list_services_response"));
  const pb::FieldDescriptor* service_field = list.GetDescriptor()->FindFieldByName("service");
  std::vector<std::string> names;
  for (int i = 0; i < list.GetReflection()->FieldSize(list, service_field); ++i) {
    const pb::Message& service = list.GetReflection()->GetRepeatedMessage(list, service_field, i);
    names.push_back(service.GetReflection()->GetString(
        service, service.GetDescriptor()->FindFieldByName("name")));
  }
  return names;
}

TEST_F(GrpcServerTest, ReflectionListsHealthService) {
  auto server = StartServer();
  std::vector<std::string> services = ListServicesViaReflection(ChannelTo(*server));
  EXPECT_THAT(services, Contains("grpc.health.v1.Health"));
  EXPECT_THAT(services, Contains("grpc.reflection.v1alpha.ServerReflection"));
}

}  // namespace
}  // namespace howler::grpcsvc
