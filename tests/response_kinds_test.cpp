// Response kinds beyond one finished body (DESIGN.md "Response kinds", API.md
// "Diagnostics" and "Static files") through the real binary on either backend: a streamed
// body with backpressure, server-sent events with heartbeats, WebSockets behind
// authentication, static files compiled in, and shutdown with every kind open.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <future>
#include <thread>

#include "support/api_client.h"
#include "support/process_status.h"
#include "support/stream_client.h"
#include "support/websocket_client.h"

namespace howler::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The value of one series ("name{labels}") in the server's /metrics, 0 when absent.
double Metric(const ServerProcess& server, const std::string& series) {
  const std::string text = HttpGet(server.metrics_url() + "/metrics").body;
  const std::string needle = "\n" + series + " ";
  const std::size_t at = text.find(needle);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + needle.size()));
}

std::string OpenStreams(std::string_view kind) {
  return "sql_studio_http_streams_open{kind=\"" + std::string(kind) + "\"}";
}

std::string Ends(std::string_view kind, std::string_view reason) {
  return "sql_studio_http_stream_ends_total{kind=\"" + std::string(kind) + "\",reason=\"" +
         std::string(reason) + "\"}";
}

bool WaitUntil(const std::function<bool()>& done, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

std::string Gunzip(const std::string& packed) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(packed.size() * 20 + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  zs.avail_in = static_cast<uInt>(packed.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

class ResponseKindsTest : public SharedServerTest<ResponseKindsTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"DIAGNOSTIC_ROUTES", "true"}, {"SSE_HEARTBEAT_INTERVAL", "200ms"}};
  }

 protected:
  // A fresh account's bearer header (every diagnostic route needs a session).
  static std::string Bearer() { return BearerHeader(CreateAccount(api(), "Kind").token); }
};

// A server with a short HTTP_READ_TIMEOUT (2 s), the write timeout of each chunk.
// A server with a short WEBSOCKET_IDLE_TIMEOUT (1 s): a ping after 0.5 s of silence, the
// end after 1 s, checked every 250 ms.
class ResponseKindsIdleTest : public SharedServerTest<ResponseKindsIdleTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"DIAGNOSTIC_ROUTES", "true"}, {"WEBSOCKET_IDLE_TIMEOUT", "1s"}};
  }
};

class ResponseKindsWriteTimeoutTest : public SharedServerTest<ResponseKindsWriteTimeoutTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"DIAGNOSTIC_ROUTES", "true"}, {"HTTP_READ_TIMEOUT", "2s"}};
  }
};

TEST_F(ResponseKindsTest, ASlowlyRead256MiBStreamKeepsServerMemoryFlat) {
  const std::string bearer = Bearer();
  const long idle_rss_kib = ProcessStatusField(server().pid(), "VmRSS");
  ASSERT_GT(idle_rss_kib, 0);
  constexpr std::uint64_t kBytes = std::uint64_t{256} << 20;
  StreamClient stream(server().http_port(),
                      "/api/diagnostics/stream?bytes=" + std::to_string(kBytes), {bearer},
                      {.receive_buffer = 32 * 1024});
  ASSERT_EQ(stream.status(), 200);
  EXPECT_EQ(stream.head().Header("transfer-encoding"), "chunked");
  EXPECT_EQ(stream.head().Header("content-type"), "application/octet-stream");
  std::uint64_t received = 0;
  long max_rss_kib = idle_rss_kib;
  bool bytes_match = true;
  for (std::uint64_t next_pause = 0;;) {
    const std::string piece = stream.Read();
    if (piece.empty()) break;
    for (std::size_t i = 0; i < piece.size() && bytes_match; ++i) {
      bytes_match = piece[i] == kAlphabet[(received + i) % kAlphabet.size()];
    }
    received += piece.size();
    if (received >= next_pause) {  // the reader sleeps: the server must wait for it
      std::this_thread::sleep_for(milliseconds(1));
      max_rss_kib = std::max(max_rss_kib, ProcessStatusField(server().pid(), "VmRSS"));
      next_pause += 256 * 1024;
    }
  }
  EXPECT_TRUE(stream.ended()) << "cut after " << received << " bytes";
  EXPECT_EQ(received, kBytes);
  EXPECT_TRUE(bytes_match) << "a byte differs from the generated pattern";
  RecordProperty("idle_rss_kib", std::to_string(idle_rss_kib));
  RecordProperty("max_rss_kib", std::to_string(max_rss_kib));
  EXPECT_LT(max_rss_kib - idle_rss_kib, 32 * 1024)
      << "idle " << idle_rss_kib << " KiB, max " << max_rss_kib << " KiB";
  EXPECT_TRUE(WaitUntil([&] { return Metric(server(), OpenStreams("stream")) == 0; }, seconds(5)));
  EXPECT_GE(Metric(server(), "sql_studio_http_streamed_bytes_total{kind=\"stream\"}"),
            static_cast<double>(kBytes));
}

TEST_F(ResponseKindsWriteTimeoutTest, AReaderThatStopsReadingIsDroppedAfterTheWriteTimeout) {
  const std::string bearer = BearerHeader(CreateAccount(api(), "Slow").token);
  const double timeouts_before = Metric(server(), Ends("stream", "write_timeout"));
  StreamClient stream(server().http_port(), "/api/diagnostics/stream?bytes=1073741824", {bearer},
                      {.receive_buffer = 32 * 1024, .read_timeout_ms = 15000});
  ASSERT_EQ(stream.status(), 200);
  ASSERT_FALSE(stream.Read().empty());
  // Stop reading: socket buffers fill, the next chunk's write waits, HTTP_READ_TIMEOUT (2 s)
  // passes, and the server drops the connection and cancels the source.
  EXPECT_TRUE(WaitUntil(
      [&] { return Metric(server(), Ends("stream", "write_timeout")) == timeouts_before + 1; },
      seconds(10)));
  EXPECT_TRUE(WaitUntil([&] { return Metric(server(), OpenStreams("stream")) == 0; }, seconds(5)));
  while (!stream.Read(1 << 20).empty()) {
  }
  EXPECT_TRUE(stream.cut()) << "the body must not look complete";
}

TEST_F(ResponseKindsTest, AnEventStreamSendsEventsAndHeartbeatsThenEnds) {
  StreamClient events(server().http_port(), "/api/diagnostics/events?count=3&interval_ms=500",
                      {Bearer()});
  ASSERT_EQ(events.status(), 200);
  EXPECT_EQ(events.head().Header("content-type"), "text/event-stream");
  EXPECT_EQ(events.head().Header("cache-control"), "no-store");
  EXPECT_EQ(events.head().Header("x-accel-buffering"), "no");
  std::vector<std::string> ticks;
  int heartbeats = 0;
  while (auto block = events.ReadEvent()) {
    if (*block == ": keep-alive\n\n") {
      ++heartbeats;
    } else {
      ticks.push_back(*block);
    }
  }
  EXPECT_TRUE(events.ended());
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[0], "event: tick\nid: 1\ndata: {\"seq\":1,\"count\":3}\n\n");
  EXPECT_EQ(ticks[2], "event: tick\nid: 3\ndata: {\"seq\":3,\"count\":3}\n\n");
  EXPECT_GE(heartbeats, 2) << "events 500 ms apart, heartbeats every 200 ms";
}

TEST_F(ResponseKindsTest, AnEventStreamEndsAndFreesItsResourcesWhenTheClientLeaves) {
  const std::string token = CreateAccount(api(), "Kind").token;
  const std::string bearer = BearerHeader(token);
  const pid_t pid = server().pid();
  const long threads_before = ProcessStatusField(pid, "Threads");
  const double fds_before = Metric(server(), "process_open_fds");
  const double gone_before = Metric(server(), Ends("events", "client_gone"));
  {
    std::vector<std::unique_ptr<StreamClient>> clients;
    for (int i = 0; i < 5; ++i) {
      clients.push_back(std::make_unique<StreamClient>(
          server().http_port(), "/api/diagnostics/events?count=1000&interval_ms=60000",
          std::vector<std::string>{bearer}));
      ASSERT_EQ(clients.back()->status(), 200);
      ASSERT_TRUE(clients.back()->ReadEvent());  // the first event; the next is a minute away
    }
    EXPECT_EQ(Metric(server(), OpenStreams("events")), 5);
  }  // every client hangs up while its stream waits for an event
  EXPECT_TRUE(WaitUntil([&] { return Metric(server(), OpenStreams("events")) == 0; }, seconds(5)));
  EXPECT_EQ(Metric(server(), Ends("events", "client_gone")), gone_before + 5);
  EXPECT_EQ(ProcessStatusField(pid, "Threads"), threads_before);
  EXPECT_TRUE(
      WaitUntil([&] { return Metric(server(), "process_open_fds") <= fds_before; }, seconds(5)));
  // Their diagnostic places were given back: the full allowance opens again, no more.
  std::vector<std::unique_ptr<StreamClient>> again;
  for (int i = 0; i < 16; ++i) {
    again.push_back(std::make_unique<StreamClient>(
        server().http_port(), "/api/diagnostics/events?count=2&interval_ms=60000",
        std::vector<std::string>{bearer}));
    EXPECT_EQ(again.back()->status(), 200) << i;
  }
  EXPECT_TRUE(IsApiError(api().Call("GET", "/api/diagnostics/events", std::nullopt, token), 503,
                         "UNAVAILABLE"));
  again.clear();
  EXPECT_TRUE(WaitUntil([&] { return Metric(server(), OpenStreams("events")) == 0; }, seconds(5)));
}

TEST_F(ResponseKindsTest, AWebSocketNeedsASessionBeforeTheUpgrade) {
  WebSocketClient anonymous(server().http_port(), "/api/diagnostics/websocket");
  EXPECT_EQ(anonymous.status(), 401);
  EXPECT_NE(anonymous.refusal_body().find("\"UNAUTHORIZED\""), std::string::npos)
      << anonymous.refusal_body();
  WebSocketClient forged(server().http_port(), "/api/diagnostics/websocket",
                         {"Authorization: Bearer not.a.token"});
  EXPECT_EQ(forged.status(), 401);

  const std::string bearer = Bearer();
  const ApiResponse plain = api().Raw("GET", "/api/diagnostics/websocket", {bearer});
  EXPECT_TRUE(IsApiError(plain, 426, "INVALID_REQUEST")) << plain;
  EXPECT_EQ(plain.Header("upgrade"), "websocket");
}

// Browsers cannot set headers on a WebSocket: the token may ride in the subprotocol list,
// and the server answers with howlerops.v1 only (never echoing the token).
TEST_F(ResponseKindsTest, AWebSocketMayCarryItsTokenAsASubprotocolEntry) {
  const std::string token = CreateAccount(api(), "Socket").token;
  WebSocketClient ws(server().http_port(), "/api/diagnostics/websocket",
                     {"Sec-WebSocket-Protocol: howlerops.v1, bearer." + token});
  ASSERT_EQ(ws.status(), 101);
  EXPECT_EQ(ws.head().Header("sec-websocket-protocol"), "howlerops.v1");
  ASSERT_TRUE(ws.SendText("hi"));
  EXPECT_EQ(ws.ReadText(), "hi");
  ASSERT_TRUE(ws.SendClose(1000));
  EXPECT_FALSE(ws.ReadText());
  ws.Close();
  WebSocketClient forged(server().http_port(), "/api/diagnostics/websocket",
                         {"Sec-WebSocket-Protocol: howlerops.v1, bearer.not.a.token"});
  EXPECT_EQ(forged.status(), 401);
}

TEST_F(ResponseKindsTest, AWebSocketWithASessionEchoesAndNegotiatesTheSubprotocol) {
  WebSocketClient ws(server().http_port(), "/api/diagnostics/websocket",
                     {Bearer(), "Sec-WebSocket-Protocol: chat, howlerops.v1"});
  ASSERT_EQ(ws.status(), 101);
  EXPECT_EQ(ws.head().Header("sec-websocket-accept"), kWebSocketSampleAccept);
  EXPECT_EQ(ws.head().Header("sec-websocket-protocol"), "howlerops.v1");
  EXPECT_FALSE(ws.head().Header("x-request-id").empty());
  EXPECT_EQ(Metric(server(), OpenStreams("websocket")), 1);
  ASSERT_TRUE(ws.SendText("hello"));
  EXPECT_EQ(ws.ReadText(), "hello");
  const std::string big(60 * 1024, 'w');  // within the 64 KiB limit
  ASSERT_TRUE(ws.SendText(big));
  EXPECT_EQ(ws.ReadText(), big);
  ASSERT_TRUE(ws.SendClose(1000));
  EXPECT_FALSE(ws.ReadText());
  EXPECT_EQ(ws.close_code(), 1000);
  ws.Close();  // the server closes its side once the client's TCP connection ends
  EXPECT_TRUE(
      WaitUntil([&] { return Metric(server(), OpenStreams("websocket")) == 0; }, seconds(5)));
}

TEST_F(ResponseKindsTest, AWebSocketClosesOnATooLargeOrBinaryMessage) {
  const std::string bearer = Bearer();
  WebSocketClient large(server().http_port(), "/api/diagnostics/websocket", {bearer});
  ASSERT_EQ(large.status(), 101);
  EXPECT_EQ(large.head().Header("sec-websocket-protocol"), "") << "not offered: not echoed";
  ASSERT_TRUE(large.SendText(std::string(70 * 1024, 'x')));
  EXPECT_FALSE(large.ReadText());
  EXPECT_EQ(large.close_code(), 1009);

  WebSocketClient binary(server().http_port(), "/api/diagnostics/websocket", {bearer});
  ASSERT_EQ(binary.status(), 101);
  ASSERT_TRUE(binary.SendBinary("\x01\x02"));
  EXPECT_FALSE(binary.ReadText());
  EXPECT_EQ(binary.close_code(), 1003);
}

// A peer that answers the server's pings stays connected however long it is quiet; one
// that says nothing at all is dropped after WEBSOCKET_IDLE_TIMEOUT.
TEST_F(ResponseKindsIdleTest, AWebSocketPeerThatAnswersPingsStaysAndASilentOneIsDropped) {
  const std::string bearer = BearerHeader(CreateAccount(api(), "Idle").token);
  const double gone_before = Metric(server(), Ends("websocket", "client_gone"));
  WebSocketClient silent(server().http_port(), "/api/diagnostics/websocket", {bearer});
  ASSERT_EQ(silent.status(), 101);
  WebSocketClient answering(server().http_port(), "/api/diagnostics/websocket", {bearer},
                            {.read_timeout_ms = 200});
  ASSERT_EQ(answering.status(), 101);
  const auto until = Clock::now() + seconds(3);
  while (Clock::now() < until) {
    EXPECT_FALSE(answering.ReadText());  // nothing but pings, answered inside
    ASSERT_TRUE(answering.timed_out()) << "the connection ended";
  }
  ASSERT_TRUE(answering.SendText("still here"));
  EXPECT_EQ(answering.ReadText(), "still here");
  EXPECT_TRUE(WaitUntil(
      [&] { return Metric(server(), Ends("websocket", "client_gone")) >= gone_before + 1; },
      seconds(5)));
  EXPECT_FALSE(silent.ReadText());  // a ping, then the end without a close frame
  EXPECT_FALSE(silent.close_code().has_value());
  EXPECT_FALSE(silent.timed_out());
}

TEST_F(ResponseKindsTest, AWebSocketClientThatDoesNotReadIsClosedWith1013) {
  const double overflows_before = Metric(server(), Ends("websocket", "overflow"));
  WebSocketClient ws(server().http_port(), "/api/diagnostics/websocket", {Bearer()},
                     {.receive_buffer = 32 * 1024});
  ASSERT_EQ(ws.status(), 101);
  // 300 echoes of 60 KiB wait for a client that reads nothing: more than the 256 messages
  // or 4 MiB the server queues for it, beyond what the sockets hold. (The write deadline,
  // HTTP_READ_TIMEOUT, is 30 s here: the overflow comes first.)
  const std::string message(60 * 1024, 'q');
  for (int i = 0; i < 300; ++i) {
    if (!ws.SendText(message)) break;  // the server may close before all are sent
  }
  while (ws.ReadText()) {
  }
  EXPECT_EQ(ws.close_code(), 1013);
  ws.Close();
  EXPECT_TRUE(WaitUntil(
      [&] { return Metric(server(), Ends("websocket", "overflow")) == overflows_before + 1; },
      seconds(5)));
}

TEST_F(ResponseKindsTest, StaticFilesRevalidateAndGzipOnlyWhenAccepted) {
  const std::string root = server().base_url();
  const HttpResult plain = HttpGet(root + "/");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(plain.body.find("Howlerops server"), std::string::npos);
  EXPECT_EQ(plain.Header("content-encoding"), "");
  EXPECT_EQ(plain.Header("cache-control"), "no-cache");
  EXPECT_EQ(plain.Header("vary"), "Accept-Encoding");
  const std::string csp = plain.Header("content-security-policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  const std::string etag = plain.Header("etag");
  ASSERT_EQ(etag.size(), 34u) << etag;  // a strong tag: quoted, no W/

  const HttpResult packed = HttpGet(root + "/", {"Accept-Encoding: gzip"});
  ASSERT_EQ(packed.status, 200);
  EXPECT_EQ(packed.Header("content-encoding"), "gzip");
  EXPECT_LT(packed.body.size(), plain.body.size());
  EXPECT_EQ(Gunzip(packed.body), plain.body);
  EXPECT_NE(packed.Header("etag"), etag);

  for (const std::string& tag : {etag, packed.Header("etag")}) {
    const HttpResult again =
        HttpGet(root + "/", {"If-None-Match: " + tag, "Accept-Encoding: gzip"});
    EXPECT_EQ(again.status, 304) << tag;
    EXPECT_TRUE(again.body.empty());
  }
  EXPECT_EQ(HttpGet(root + "/", {"If-None-Match: \"stale\""}).status, 200);

  const HttpResult head = HttpRequest("HEAD", root + "/");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), std::to_string(plain.body.size()));
  EXPECT_EQ(head.Header("etag"), etag);

  const HttpResult robots = HttpGet(root + "/robots.txt");
  EXPECT_EQ(robots.status, 200);
  EXPECT_NE(robots.body.find("Disallow: /"), std::string::npos);
  EXPECT_EQ(HttpGet(root + "/docs/API.md").status, 200);
  // The web console is built in: a client-side route answers its index.html, which loads
  // hash-named assets.
  const HttpResult console_page = HttpGet(root + "/app/settings");
  EXPECT_EQ(console_page.status, 200);
  EXPECT_EQ(console_page.Header("cache-control"), "no-cache");
  EXPECT_NE(console_page.body.find("src=\"/app/assets/index-"), std::string::npos)
      << console_page.body;
  const HttpResult api = HttpGet(root + "/ready");
  EXPECT_EQ(api.Header("cache-control"), "no-store");
  EXPECT_EQ(api.Header("content-security-policy"), "");
}

// The OpenAPI document (docs/openapi.json, compiled in) at /api/openapi.json, public and
// byte for byte the repository's copy.
TEST_F(ResponseKindsTest, OpenApiDocumentIsServedAsTheRepositoryHoldsIt) {
  std::ifstream in(std::string(HOWLER_SOURCE_DIR) + "/docs/openapi.json", std::ios::binary);
  const std::string expected((std::istreambuf_iterator<char>(in)), {});
  ASSERT_FALSE(expected.empty());
  const HttpResult doc = HttpGet(server().base_url() + "/api/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.Header("content-type"), "application/json");
  EXPECT_EQ(doc.body, expected);
  EXPECT_EQ(HttpRequest("POST", server().base_url() + "/api/openapi.json").status, 405);
}

// SIGTERM with an event stream, a WebSocket and a slowly read stream open: the first two
// end at once (a clean end of the body; close 1001), the stream runs on until the drain
// budget (SHUTDOWN_TIMEOUT) is spent and is then cut, and the process exits 0.
TEST(ResponseKindsShutdownTest, EveryKindClosesWithinTheDrainBudget) {
  TempDir dir;
  ServerProcess server(dir.path(), AuthServerConfig({{"DIAGNOSTIC_ROUTES", "true"},
                                                     {"SHUTDOWN_TIMEOUT", "3s"},
                                                     {"SSE_HEARTBEAT_INTERVAL", "10s"}}));
  ASSERT_TRUE(server.ready()) << server.Output();
  const ApiClient api(server.base_url());
  const std::string bearer = BearerHeader(CreateAccount(api, "Down").token);

  StreamClient events(server.http_port(), "/api/diagnostics/events?count=100&interval_ms=60000",
                      {bearer});
  ASSERT_EQ(events.status(), 200);
  ASSERT_TRUE(events.ReadEvent());
  WebSocketClient ws(server.http_port(), "/api/diagnostics/websocket", {bearer});
  ASSERT_EQ(ws.status(), 101);
  ASSERT_TRUE(ws.SendText("ping"));
  ASSERT_EQ(ws.ReadText(), "ping");
  auto slow = std::make_unique<StreamClient>(
      server.http_port(), "/api/diagnostics/stream?bytes=17179869184",
      std::vector<std::string>{bearer}, SocketOptions{.receive_buffer = 32 * 1024});
  ASSERT_EQ(slow->status(), 200);
  // The slow reader: 16 KiB every 10 ms until the body ends or is cut.
  auto reader = std::async(std::launch::async, [&slow] {
    std::uint64_t total = 0;
    Clock::time_point last_data;
    while (true) {
      const std::string piece = slow->Read();
      if (piece.empty()) break;
      total += piece.size();
      last_data = Clock::now();
      std::this_thread::sleep_for(milliseconds(10));
    }
    return std::make_pair(total, last_data);
  });

  const auto sigterm = Clock::now();
  server.SendSignal(SIGTERM);
  while (events.ReadEvent()) {
  }
  EXPECT_TRUE(events.ended()) << "the event stream ends cleanly";
  EXPECT_LT(Clock::now() - sigterm, seconds(2));
  EXPECT_FALSE(ws.ReadText());
  EXPECT_EQ(ws.close_code(), 1001);
  EXPECT_LT(Clock::now() - sigterm, seconds(2));

  const std::optional<int> exit_code = server.WaitExit(seconds(15));
  const auto exited = Clock::now();
  EXPECT_EQ(exit_code, 0) << server.Output();
  const auto [streamed, last_data] = reader.get();
  EXPECT_TRUE(slow->cut()) << "an unfinished body must not look complete";
  EXPECT_GT(last_data - sigterm, seconds(2)) << "the stream went on while draining";
  EXPECT_LT(exited - sigterm, seconds(3) + seconds(5));
  EXPECT_GT(streamed, 0u);
}

}  // namespace
}  // namespace howler::testing
