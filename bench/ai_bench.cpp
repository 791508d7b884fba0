// The AI assistant's added latency (issue 15), in one run: the real binary streaming an
// answer of the fake OpenAI-compatible provider (tests/support/fake_ai_provider.h, in this
// process) against calling the same fake provider directly, alternating request by request:
//   direct:  POST /v1/chat/completions to the fake, time to its first `data:` event and to
//            `[DONE]`;
//   server:  POST /api/ai/generate (Accept: text/event-stream, a signed-in user, no schema)
//            to the server, time to its first `delta` event and to its `answer` event.
// Each over a new loopback connection (the fake closes its connections, so the server's
// call to it also connects anew). The added latency is server minus direct at each
// percentile. Usage: ai_bench [requests] [chunks] (default 2000, 20). Prints one line per
// figure.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/api_client.h"
#include "support/fake_ai_provider.h"
#include "support/server_process.h"
#include "support/stream_client.h"

using namespace howler::testing;
using Clock = std::chrono::steady_clock;

namespace {

struct Timing {
  double first_ms = -1;
  double whole_ms = -1;
};

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Sends one request and times its first event and its last one (`last` in the block).
Timing Time(std::uint16_t port, const std::string& target, const std::vector<std::string>& headers,
            const std::string& body, const std::string& last) {
  Timing t;
  const auto start = Clock::now();
  StreamClient client(port, "POST", target, headers, body);
  if (client.status() != 200) return t;
  while (auto block = client.ReadEvent()) {
    if (block->rfind(":", 0) == 0) continue;
    if (t.first_ms < 0) t.first_ms = Ms(Clock::now() - start);
    if (block->find(last) != std::string::npos) {
      t.whole_ms = Ms(Clock::now() - start);
      break;
    }
  }
  return t;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int chunks = argc > 2 ? std::atoi(argv[2]) : 20;
  setenv("HOWLER_TEST_BACKEND", "sqlite", 0);
  FakeAiProvider fake;
  FakeAiScript script;
  script.chunks.clear();
  for (int i = 0; i < chunks; ++i) script.chunks.push_back("token" + std::to_string(i) + " ");
  fake.SetScript(script);

  TempDir dir;
  ServerConfig config;
  config.env = {{"AI_BASE_URL", fake.base_url()},
                {"AI_MODEL", "fake-model"},
                {"AI_API_KEY", "sk-bench"},
                {"AI_RATE_LIMIT_PER_MIN", "0"},
                {"AI_DAILY_TOKENS_FREE", "0"},
                {"RATE_LIMIT_SYNC_PER_MIN", "1000000"},
                {"LOG_LEVEL", "warn"}};
  ServerProcess server(dir.path(), config);
  if (!server.ready()) {
    std::fprintf(stderr, "server did not start:\n%s\n", server.Output().c_str());
    return 1;
  }
  ApiClient api(server.base_url());
  TestAccount user = CreateAccount(api, "aibench");
  if (user.token.empty()) return 1;

  const std::string direct_body =
      R"({"model":"fake-model","messages":[{"role":"user","content":"q"}],"stream":true})";
  const std::vector<std::string> direct_headers = {"Content-Type: application/json",
                                                   "Authorization: Bearer sk-bench"};
  const std::string server_body = R"({"question":"how many orders per customer"})";
  const std::vector<std::string> server_headers = {
      BearerHeader(user.token), "Content-Type: application/json", "Accept: text/event-stream"};

  std::vector<double> d_first, d_whole, s_first, s_whole;
  const int warmup = std::min(50, requests / 10);
  for (int i = 0; i < requests + warmup; ++i) {
    const Timing d =
        Time(fake.port(), "/v1/chat/completions", direct_headers, direct_body, "[DONE]");
    const Timing s =
        Time(server.http_port(), "/api/ai/generate", server_headers, server_body, "event: answer");
    if (d.whole_ms < 0 || s.whole_ms < 0) {
      std::fprintf(stderr, "request %d failed\n", i);
      return 1;
    }
    if (i < warmup) continue;
    d_first.push_back(d.first_ms);
    d_whole.push_back(d.whole_ms);
    s_first.push_back(s.first_ms);
    s_whole.push_back(s.whole_ms);
  }
  std::printf("requests %d, %d chunks each, alternating direct/server on loopback\n", requests,
              chunks);
  for (double p : {0.5, 0.9, 0.99}) {
    const double df = Percentile(d_first, p), sf = Percentile(s_first, p);
    const double dw = Percentile(d_whole, p), sw = Percentile(s_whole, p);
    std::printf(
        "p%-4g first chunk: direct %.3f ms, server %.3f ms, added %.3f ms | whole answer: direct "
        "%.3f ms, server %.3f ms, added %.3f ms\n",
        p * 100, df, sf, sf - df, dw, sw, sw - dw);
  }
  server.Stop();
  return 0;
}
