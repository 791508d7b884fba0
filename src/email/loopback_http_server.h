// LoopbackHttpServer: a tiny HTTP/1.1 server on a free 127.0.0.1 port, for tests of HTTP
// clients. It serves one connection at a time (Connection: close), records each request
// and answers with the next scripted response (500 once the script runs out).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace howler::email {

struct RecordedRequest {
  std::string method;
  std::string target;                          // "/emails"
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& lower_name) const;
};

struct ScriptedResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::chrono::milliseconds delay{0};  // before answering (cut short when the server stops)
};

class LoopbackHttpServer {
 public:
  LoopbackHttpServer();  // listens and starts serving
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void Respond(ScriptedResponse response);  // appends to the script
  std::vector<RecordedRequest> requests() const;

 private:
  void Serve();
  void Handle(int fd);
  ScriptedResponse NextResponse();

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::deque<ScriptedResponse> script_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

}  // namespace howler::email
