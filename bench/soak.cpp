// Soak (issue 17): the real binary on the embedded backend under a mixed workload for a
// fixed time, loopback only: sign-ups, logins, refreshes, profile reads, sync uploads and
// downloads over HTTP, profile reads and downloads over gRPC, and a few slow clients that
// dribble a request header a byte at a time until the server drops them (HTTP_IDLE_TIMEOUT 3s).
// Every
// `--sample` seconds it prints the server's RSS, open files, threads and the interval's
// request latency (p50, p99, max) and error count. At the end it compares the sample
// taken after warm-up (a quarter of the run) with the last: RSS, files and threads must
// not grow (tolerances below); exit status 1 otherwise, or when requests failed.
//
// Bounded: every worker stops at the deadline or after 2,000 requests per second of run,
// whichever comes first; the server is stopped at the end.
//
// usage: soak [--seconds N] [--sample N] [--workers N] [--slow N] [--steady 1]
// The full mix mints sessions and tokens all the time, which fills the server's bounded
// caches (100,000 entries each) for a long while; --steady leaves sign-ups and logins out
// and refreshes each worker's token every 5 minutes only, so that what remains should hold
// flat from the start.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "howlerops/v1/auth.grpc.pb.h"
#include "howlerops/v1/sync.grpc.pb.h"
#include "support/api_client.h"
#include "support/server_process.h"
#include "support/sync_client.h"

namespace {

namespace json = boost::json;
namespace pb = ::howlerops::v1;
using namespace howler::testing;
using Clock = std::chrono::steady_clock;

struct Options {
  int seconds = 60;
  int sample = 10;
  int workers = 4;
  int slow = 3;
  bool steady = false;  // --steady 1: no sign-ups, logins or refreshes (no new sessions/tokens)
};

struct Sample {
  double t = 0;
  long rss_kib = 0;
  long files = 0;
  long threads = 0;
};

Sample Measure(pid_t pid, double t) {
  Sample s;
  s.t = t;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::atol(line.c_str() + 6);
    if (line.rfind("Threads:", 0) == 0) s.threads = std::atol(line.c_str() + 8);
  }
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++s.files;
  }
  return s;
}

// Latencies and errors of the current interval, shared by the workers.
class Recorder {
 public:
  void Add(double ms, bool ok) {
    std::lock_guard lock(mu_);
    latencies_.push_back(ms);
    if (!ok) ++errors_;
  }
  // The interval's latencies (sorted) and errors; starts a new interval.
  std::pair<std::vector<double>, long> Take() {
    std::lock_guard lock(mu_);
    std::vector<double> out;
    out.swap(latencies_);
    std::sort(out.begin(), out.end());
    const long errors = errors_;
    total_errors_ += errors_;
    errors_ = 0;
    return {std::move(out), errors};
  }
  long total_errors() const {
    std::lock_guard lock(mu_);
    return total_errors_ + errors_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<double> latencies_;
  long errors_ = 0;
  long total_errors_ = 0;
};

class Worker {
 public:
  Worker(const ServerProcess& server, Recorder& recorder, int index, bool steady)
      : api_(server.base_url()), recorder_(recorder), rng_(index), index_(index), steady_(steady) {
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.grpc_port()),
                                       grpc::InsecureChannelCredentials());
    auth_ = pb::AuthService::NewStub(channel);
    sync_ = pb::SyncService::NewStub(channel);
    account_ = CreateAccount(api_, "soak");
  }

  void Run(Clock::time_point deadline, long max_requests) {
    for (long n = 0; n < max_requests && Clock::now() < deadline; ++n) {
      const auto start = Clock::now();
      const bool ok = One();
      recorder_.Add(std::chrono::duration<double, std::milli>(Clock::now() - start).count(), ok);
    }
  }

 private:
  bool One() {
    // Steady: the sign-up, login and refresh share goes to profile reads, and the token is
    // refreshed every 5 minutes only (access tokens last JWT_EXPIRATION, 15 minutes).
    if (steady_ && Clock::now() - token_at_ > std::chrono::minutes(5)) return RefreshToken();
    const int roll = std::uniform_int_distribution<int>(steady_ ? 21 : 1, 100)(rng_);
    if (roll <= 3) return CreateAccount(api_, "soaknew").token.size() > 0;
    if (roll <= 13) {
      const ApiResponse r = api_.Login(account_.username, account_.password, "soak");
      if (r.status() != 200) return false;
      account_.token = r.Str("token");
      return true;
    }
    if (roll <= 20) return RefreshToken();
    if (roll <= 40) return api_.Me(account_.token).status() == 200;
    if (roll <= 60) return UploadOne();
    if (roll <= 80) return Download(api_, account_.token, "soak-dev", "limit=100").status() == 200;
    if (roll <= 90) return GrpcProfile();
    return GrpcDownload();
  }

  bool RefreshToken() {
    const ApiResponse r = api_.Refresh(account_.refresh_token);
    if (r.status() != 200) return false;
    account_.token = r.Str("token");
    account_.refresh_token = r.Str("refresh_token");
    token_at_ = Clock::now();
    return true;
  }

  // An edit of one of 50 items (the data set stays the same size).
  bool UploadOne() {
    const int item = std::uniform_int_distribution<int>(0, 49)(rng_);
    const std::string change = "w" + std::to_string(index_) + "-" + std::to_string(++changes_);
    const ApiResponse r =
        Upload(api_, account_.token, "soak-dev",
               {Change(change, "saved_query", "q" + std::to_string(item), "update", versions_[item],
                       json::object{{"name", change}, {"query", "SELECT 1"}})});
    if (r.status() != 200) return false;
    const auto& result = r.Object().at("results").as_array().at(0).as_object();
    if (result.at("status").as_string() == "applied") {
      versions_[item] = result.at("sync_version").to_number<std::int64_t>();
    }
    return true;
  }

  bool GrpcProfile() {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx.AddMetadata("authorization", "Bearer " + account_.token);
    pb::GetProfileResponse out;
    return auth_->GetProfile(&ctx, pb::GetProfileRequest{}, &out).ok();
  }

  bool GrpcDownload() {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx.AddMetadata("authorization", "Bearer " + account_.token);
    pb::DownloadRequest req;
    req.set_device_id("soak-grpc");
    req.set_limit(100);
    pb::DownloadResponse out;
    return sync_->Download(&ctx, req, &out).ok();
  }

  ApiClient api_;
  Recorder& recorder_;
  std::mt19937 rng_;
  int index_;
  bool steady_;
  std::unique_ptr<pb::AuthService::Stub> auth_;
  std::unique_ptr<pb::SyncService::Stub> sync_;
  TestAccount account_;
  Clock::time_point token_at_ = Clock::now();
  std::map<int, std::int64_t> versions_;
  long changes_ = 0;
};

// A client that sends a request header a byte every 200 ms until the server drops it
// (HTTP_IDLE_TIMEOUT), then connects again. Counts its connections.
void SlowClient(std::uint16_t port, Clock::time_point deadline, std::atomic<long>& connections) {
  const std::string head = "GET /health HTTP/1.1\r\nHost: soak\r\nX-Slow: " + std::string(256, 'x');
  while (Clock::now() < deadline) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (fd >= 0) ::close(fd);
      return;
    }
    ++connections;
    for (std::size_t i = 0; i < head.size() && Clock::now() < deadline; ++i) {
      if (::send(fd, &head[i], 1, MSG_NOSIGNAL) != 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ::close(fd);
  }
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--seconds") o.seconds = value;
    if (flag == "--sample") o.sample = value;
    if (flag == "--workers") o.workers = value;
    if (flag == "--slow") o.slow = value;
    if (flag == "--steady") o.steady = value != 0;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  ::setenv("HOWLER_TEST_BACKEND", "sqlite", 1);  // the embedded backend (server_process.h)
  TempDir dir;
  ServerConfig config = AuthServerConfig({{"RATE_LIMIT_SYNC_PER_MIN", "10000000"},
                                          {"RATE_LIMIT_AUTH_PER_MIN", "10000000"},
                                          {"LOG_LEVEL", "warn"},
                                          {"HTTP_IDLE_TIMEOUT", "3s"}});
  ServerProcess server(dir.path(), config);
  if (!server.ready()) {
    std::fprintf(stderr, "server did not start\n%s\n", server.Output().c_str());
    return 2;
  }
  Recorder recorder;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(o.seconds);
  std::vector<std::thread> threads;
  std::atomic<long> slow_connections{0};
  for (int i = 0; i < o.workers; ++i) {
    threads.emplace_back([&, i] {
      Worker w(server, recorder, i, o.steady);
      w.Run(deadline, 2000L * o.seconds);
    });
  }
  for (int i = 0; i < o.slow; ++i) {
    threads.emplace_back([&] { SlowClient(server.http_port(), deadline, slow_connections); });
  }

  std::vector<Sample> samples;
  std::printf("%8s %10s %6s %8s %8s %8s %8s %8s %7s\n", "t_s", "rss_kib", "files", "threads",
              "requests", "p50_ms", "p99_ms", "max_ms", "errors");
  while (Clock::now() < deadline) {
    std::this_thread::sleep_until(
        std::min(deadline, Clock::now() + std::chrono::seconds(o.sample)));
    const double t = std::chrono::duration<double>(Clock::now() - start).count();
    const Sample s = Measure(server.pid(), t);
    samples.push_back(s);
    auto taken = recorder.Take();
    const std::vector<double>& lat = taken.first;
    const long errors = taken.second;
    auto pct = [&](double q) {
      return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, std::size_t(q * lat.size()))];
    };
    std::printf("%8.0f %10ld %6ld %8ld %8zu %8.2f %8.2f %8.2f %7ld\n", t, s.rss_kib, s.files,
                s.threads, lat.size(), pct(0.5), pct(0.99), lat.empty() ? 0.0 : lat.back(), errors);
    std::fflush(stdout);
  }
  for (auto& t : threads) t.join();
  const Sample end =
      Measure(server.pid(), std::chrono::duration<double>(Clock::now() - start).count());
  server.Stop();

  if (samples.size() < 2) return 2;
  const Sample& warm = samples[samples.size() / 4];
  const long errors = recorder.total_errors();
  const bool rss_ok = end.rss_kib <= warm.rss_kib + warm.rss_kib / 10 + 4096;  // 10% + 4 MiB
  const bool files_ok = end.files <= warm.files + 2;
  const bool threads_ok = end.threads <= warm.threads + 1;
  std::printf(
      "soak seconds=%d workers=%d slow=%d slow_connections=%ld | after warm-up (t=%.0fs): rss=%ld "
      "KiB files=%ld threads=%ld | end: rss=%ld KiB files=%ld threads=%ld | errors=%ld | %s\n",
      o.seconds, o.workers, o.slow, slow_connections.load(), warm.t, warm.rss_kib, warm.files,
      warm.threads, end.rss_kib, end.files, end.threads, errors,
      rss_ok && files_ok && threads_ok && errors == 0 ? "OK" : "GREW OR FAILED");
  return rss_ok && files_ok && threads_ok && errors == 0 ? 0 : 1;
}
