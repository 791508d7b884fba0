// grpc_profile_load: howlerops.v1.AuthService/GetProfile calls per second with a fixed
// number of calls in flight (like wrk's connections), for a bounded time. The counterpart
// of `wrk` against GET /api/auth/me in bench/grpc_vs_http_profile.sh.
//
// usage: grpc_profile_load HOST:PORT ACCESS_TOKEN SECONDS [THREADS=2] [IN_FLIGHT=16]
// ACCESS_TOKEN "-" calls grpc.health.v1.Health/Check instead: the same server's gRPC floor,
// without the call wrapper, authentication or a database read.
// Prints "calls/s: N ok: N failed: N". Each thread has its own channel (its own HTTP/2
// connection) and completion queue; every call carries a 10 s deadline, so the drain at
// the end is bounded too.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "howlerops/v1/auth.grpc.pb.h"

namespace {

namespace pb = ::howlerops::v1;
using Clock = std::chrono::steady_clock;

namespace health = ::grpc::health::v1;

struct Call {
  grpc::ClientContext context;
  grpc::Status status;
  pb::GetProfileResponse profile;
  std::unique_ptr<grpc::ClientAsyncResponseReader<pb::GetProfileResponse>> profile_rpc;
  health::HealthCheckResponse check;
  std::unique_ptr<grpc::ClientAsyncResponseReader<health::HealthCheckResponse>> check_rpc;
};

struct Counts {
  std::atomic<long> ok{0};
  std::atomic<long> failed{0};
};

struct Stubs {
  std::unique_ptr<pb::AuthService::Stub> auth;
  std::unique_ptr<health::Health::Stub> health;
};

// Starts one GetProfile (or, for token "-", one Health/Check) call on `queue`.
void Start(Stubs& stubs, grpc::CompletionQueue& queue, const std::string& token) {
  auto* call = new Call;  // owned by the queue until its tag comes back
  call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (token == "-") {
    call->check_rpc =
        stubs.health->AsyncCheck(&call->context, health::HealthCheckRequest(), &queue);
    call->check_rpc->Finish(&call->check, &call->status, call);
    return;
  }
  call->context.AddMetadata("authorization", "Bearer " + token);
  call->profile_rpc = stubs.auth->AsyncGetProfile(&call->context, pb::GetProfileRequest(), &queue);
  call->profile_rpc->Finish(&call->profile, &call->status, call);
}

// Keeps `in_flight` calls going until `end`, then waits for the ones still out.
void Run(const std::string& target, const std::string& token, int index, int in_flight,
         Clock::time_point end, Counts& counts) {
  grpc::ChannelArguments args;
  args.SetInt("howler.bench.channel", index);  // a separate connection per thread
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  Stubs stubs{pb::AuthService::NewStub(channel), health::Health::NewStub(channel)};
  grpc::CompletionQueue queue;
  for (int i = 0; i < in_flight; ++i) Start(stubs, queue, token);
  int outstanding = in_flight;
  void* tag = nullptr;
  bool ok = false;
  while (outstanding > 0 && queue.Next(&tag, &ok)) {
    std::unique_ptr<Call> call(static_cast<Call*>(tag));
    --outstanding;
    if (Clock::now() >= end) continue;  // finished after the window: not counted
    (ok && call->status.ok() ? counts.ok : counts.failed)++;
    Start(stubs, queue, token);
    ++outstanding;
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s HOST:PORT TOKEN SECONDS [THREADS] [IN_FLIGHT]\n", argv[0]);
    return 2;
  }
  const std::string target = argv[1], token = argv[2];
  const double seconds = std::atof(argv[3]);
  const int threads = argc > 4 ? std::max(1, std::atoi(argv[4])) : 2;
  const int in_flight = argc > 5 ? std::max(threads, std::atoi(argv[5])) : 16;
  Counts counts;
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    const int share = in_flight / threads + (t < in_flight % threads ? 1 : 0);
    workers.emplace_back(Run, target, token, t, share, end, std::ref(counts));
  }
  for (auto& w : workers) w.join();
  const double elapsed = std::chrono::duration<double>(end - start).count();
  std::printf("calls/s: %.0f ok: %ld failed: %ld\n", counts.ok / elapsed, counts.ok.load(),
              counts.failed.load());
  return counts.ok > 0 ? 0 : 1;
}
