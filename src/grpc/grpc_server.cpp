#include "grpc/grpc_server.h"

#include <grpcpp/ext/health_check_service_server_builder_option.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cassert>
#include <mutex>
#include <utility>
#include <vector>

#include "grpc/health_service.h"
#include "grpc/reloadable_tls_credentials.h"

namespace howler::grpcsvc {

namespace {

// "host:port", with brackets around an IPv6 literal.
std::string ListenAddress(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

struct GrpcServer::Impl {
  enum class State { kNew, kRunning, kStopped };

  Impl(GrpcServerOptions opts, HealthProbe probe)
      : options(std::move(opts)),
        health(std::move(probe), options.health_cache_ttl, options.health_watch_interval) {}

  const GrpcServerOptions options;
  HealthService health;
  std::vector<grpc::Service*> services;
  std::atomic<std::uint16_t> bound_port{0};

  std::mutex mu;  // guards the fields below; held for the whole of Start and Shutdown
  State state = State::kNew;
  // gRPC's core calls into it until the server is gone (declared before `server`).
  std::shared_ptr<ReloadableTlsCredentials> tls_credentials;
  std::unique_ptr<grpc::Server> server;
};

GrpcServer::GrpcServer(GrpcServerOptions options, HealthProbe probe)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(probe))) {}

GrpcServer::~GrpcServer() {
  Shutdown(std::chrono::milliseconds(0));
}

void GrpcServer::AddService(grpc::Service* service) {
  std::lock_guard lock(impl_->mu);
  assert(impl_->state == Impl::State::kNew && "AddService after Start");
  impl_->services.push_back(service);
}

void GrpcServer::AddHealthService(std::string name) {
  std::lock_guard lock(impl_->mu);
  assert(impl_->state == Impl::State::kNew && "AddHealthService after Start");
  impl_->health.AddServiceName(std::move(name));
}

howler::Status GrpcServer::Start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->state != Impl::State::kNew) {
    return howler::FailedPreconditionError("gRPC server already started or shut down");
  }
  // A failed Start is final too: services handed to a failed builder are not reused.
  impl_->state = Impl::State::kStopped;

  const GrpcServerOptions& options = impl_->options;
  const std::string address = ListenAddress(options.host, options.port);
  // Registers grpc.reflection.v1alpha.ServerReflection with every server built after it.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int selected_port = 0;
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (options.tls) {
    impl_->tls_credentials = std::make_shared<ReloadableTlsCredentials>(*options.tls);
    credentials = impl_->tls_credentials;
  }
  builder.AddListeningPort(address, credentials, &selected_port);
  // gRPC sets SO_REUSEPORT by default, which would let two servers share a port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS,
                              options.min_pollers);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              options.max_pollers);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  // Our own Health implementation; gRPC's default one stays off even if enabled globally.
  builder.SetOption(std::make_unique<grpc::HealthCheckServiceServerBuilderOption>(nullptr));
  builder.RegisterService(&impl_->health);
  for (grpc::Service* service : impl_->services) {
    builder.RegisterService(service);
  }

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || selected_port <= 0) {
    if (server != nullptr) {
      server->Shutdown();
    }
    return howler::UnavailableError("cannot listen for gRPC on " + address);
  }
  impl_->server = std::move(server);
  impl_->bound_port = static_cast<std::uint16_t>(selected_port);
  impl_->state = Impl::State::kRunning;
  return howler::Status::Ok();
}

std::uint16_t GrpcServer::port() const {
  return impl_->bound_port;
}

howler::Status GrpcServer::ReloadTls(const TlsKeyPair& pair) {
  std::lock_guard lock(impl_->mu);
  if (impl_->tls_credentials == nullptr) {
    return howler::FailedPreconditionError("the gRPC listener speaks plain text");
  }
  impl_->tls_credentials->Replace(pair);
  return howler::Status::Ok();
}

void GrpcServer::Shutdown(std::chrono::milliseconds budget) {
  std::lock_guard lock(impl_->mu);
  if (impl_->state != Impl::State::kRunning) {
    impl_->state = Impl::State::kStopped;
    return;
  }
  impl_->health.BeginShutdown();
  impl_->server->Shutdown(std::chrono::system_clock::now() + budget);
  impl_->server->Wait();
  impl_->server.reset();
  impl_->state = Impl::State::kStopped;
}

}  // namespace howler::grpcsvc
