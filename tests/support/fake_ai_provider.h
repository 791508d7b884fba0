// FakeAiProvider: an OpenAI-compatible chat-completions server on a free 127.0.0.1 port,
// for tests and benchmarks of the AI assistant. It records every request it gets and
// answers POST /v1/chat/completions as the script in force says: a stream of chunks like
// the real API (`data: {chat.completion.chunk}` events, a usage chunk, `data: [DONE]`),
// slowly, cut off before [DONE], HTTP 429 (with Retry-After) or 500 with an OpenAI error
// body, or one chunk and then nothing until the client hangs up. It notices a client that
// hangs up mid-answer (disconnects()).
//
// One thread per connection; the destructor closes every connection and joins.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace howler::testing {

enum class FakeAiMode {
  kStream,   // every chunk, the usage chunk, [DONE]
  kBroken,   // the first chunk, then the connection closes (no [DONE])
  kHang,     // the first chunk, then nothing until the client hangs up (at most 60 s)
  kStatus,   // `status` with an OpenAI error body (Retry-After: 7 for 429)
  kGarbage,  // a 200 event stream whose first event is not JSON
  kWhole,    // one application/json completion of every chunk joined (no stream)
};

struct FakeAiScript {
  FakeAiMode mode = FakeAiMode::kStream;
  std::vector<std::string> chunks = {"```sql\nSELECT 1;\n```\n", "One row."};
  std::chrono::milliseconds chunk_delay{0};  // before each chunk
  int status = 500;                          // kStatus
  int prompt_tokens = 100;                   // the usage chunk's counts
  int completion_tokens = 20;
};

struct FakeAiRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class FakeAiProvider {
 public:
  FakeAiProvider();
  ~FakeAiProvider();
  FakeAiProvider(const FakeAiProvider&) = delete;
  FakeAiProvider& operator=(const FakeAiProvider&) = delete;

  std::uint16_t port() const { return port_; }
  // The base URL a client appends /chat/completions to: http://127.0.0.1:<port>/v1
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  void SetScript(FakeAiScript script);  // for the requests that arrive from now on
  std::vector<FakeAiRequest> requests() const;
  // Answers whose client hung up before the answer ended.
  int disconnects() const;
  // Waits until disconnects() >= n; false after `timeout`.
  bool WaitDisconnects(int n, std::chrono::milliseconds timeout) const;
  // Waits until requests().size() >= n; false after `timeout`.
  bool WaitRequests(std::size_t n, std::chrono::milliseconds timeout) const;

  // One chunk's event text, as the real API streams it.
  static std::string ChunkEvent(const std::string& content);

 private:
  void Accept();
  void Serve(int fd);
  bool ReadRequest(int fd, FakeAiRequest& out);
  void Answer(int fd, const FakeAiScript& script);
  // Waits `delay` while watching `fd`; false when the client hung up.
  bool Wait(int fd, std::chrono::milliseconds delay);

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  FakeAiScript script_;
  std::vector<FakeAiRequest> requests_;
  int disconnects_ = 0;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace howler::testing
