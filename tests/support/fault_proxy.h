// FaultProxy: a fault-injecting HTTP/1.1 proxy on 127.0.0.1 for tests of the remote
// backend. It sits between the server under test and a local tursodb and handles one
// request per connection (tursodb answers `Connection: close`, and so does every
// answer the proxy makes up): it reads the whole request (headers and a Content-Length
// body), then, by the current mode,
//   kPass      forwards it upstream and relays the whole answer;
//   kDelay     forwards it upstream, then holds the answer back for delay() before
//              relaying it (a slow server: the write runs, the answer comes late);
//   kHttp500   answers `500` with a text/plain body itself, forwarding nothing (as
//              tursodb does for a pipeline it refuses before running anything);
//   kTruncate  forwards it upstream and relays the status line, the headers and half
//              of the body, then closes the connection (the write has run);
//   kTruncateUnframed  as kTruncate, but without the Content-Length header, so that
//              the cut cannot be told from the framing (a close-delimited body).
// A request that cannot reach the upstream gets its connection closed without answer.
// With a target set, only requests whose text contains it meet the fault; the others
// pass (e.g. "BEGIN IMMEDIATE" faults the backend's atomic batches, its writes, alone).
//
// Mode, target and upstream apply to requests read after they are set. The destructor stops
// accepting, interrupts delays, closes every connection and joins every thread, so a
// test that starts a proxy stops it. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace howler::testing {

class FaultProxy {
 public:
  enum class Mode { kPass, kDelay, kHttp500, kTruncate, kTruncateUnframed };

  // Listens on a free loopback port and forwards to 127.0.0.1:`upstream_port`. Returns
  // nullptr when the listening socket cannot be opened.
  static std::unique_ptr<FaultProxy> Start(std::uint16_t upstream_port);

  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;
  ~FaultProxy();

  void set_mode(Mode mode) { mode_ = mode; }
  void set_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  void set_upstream_port(std::uint16_t port) { upstream_port_ = port; }
  void set_target(std::string needle);  // "" (the default): every request

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Requests that met a fault (any mode but kPass) so far.
  int faults_injected() const { return faults_; }

 private:
  FaultProxy(int listen_fd, std::uint16_t port, std::uint16_t upstream_port);

  void AcceptLoop();
  void Serve(int client_fd);
  // Sleeps `duration`, waking early when the proxy stops; false when it stopped.
  bool SleepUnlessStopped(std::chrono::milliseconds duration) const;

  const int listen_fd_;
  const std::uint16_t port_;
  std::atomic<std::uint16_t> upstream_port_;
  std::atomic<Mode> mode_{Mode::kPass};
  std::atomic<long> delay_ms_{0};
  std::atomic<int> faults_{0};
  std::atomic<bool> stopping_{false};

  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  // Joins the threads of connections that ended. Requires mu_.
  void ReapLocked();

  // The mode for `request`: mode_, or kPass when it misses the target.
  Mode ModeFor(const std::string& request);

  std::mutex mu_;  // guards target_ and the two vectors below
  std::string target_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<int> open_fds_;  // client and upstream sockets, shut down on stop
  std::thread acceptor_;
};

}  // namespace howler::testing
