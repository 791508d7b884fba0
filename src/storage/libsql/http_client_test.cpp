#include "storage/libsql/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace howler::storage {
namespace {

// A one-client HTTP/1.1 server on 127.0.0.1 that records requests and answers each with
// a fixed status and body, keeping connections open.
class RecordingServer {
 public:
  RecordingServer(int status, std::string body) : status_(status), body_(std::move(body)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    EXPECT_EQ(::listen(listener_, 4), 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~RecordingServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    for (;;) {
      int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) {
        return;
      }
      ++connections_;
      while (ServeOne(fd)) {
      }
      ::close(fd);
    }
  }

  // Reads one request (headers, then a Content-Length body) and answers it.
  bool ServeOne(int fd) {
    std::string request;
    char buffer[4096];
    std::size_t header_end = std::string::npos;
    std::size_t wanted = 0;
    while (header_end == std::string::npos || request.size() < header_end + 4 + wanted) {
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        return false;
      }
      request.append(buffer, static_cast<std::size_t>(n));
      if (header_end == std::string::npos &&
          (header_end = request.find("\r\n\r\n")) != std::string::npos) {
        wanted = ContentLength(request.substr(0, header_end));
      }
    }
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    std::string response =
        "HTTP/1.1 " + std::to_string(status_) +
        " X\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body_.size()) +
        "\r\n\r\n" + body_;
    return ::send(fd, response.data(), response.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(response.size());
  }

  static std::size_t ContentLength(std::string headers) {
    std::transform(headers.begin(), headers.end(), headers.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::size_t at = headers.find("content-length:");
    return at == std::string::npos ? 0 : std::stoul(headers.substr(at + 15));
  }

  const int status_;
  const std::string body_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

bool Has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(HttpClientTest, PostSendsTokenJsonAndContentLength) {
  RecordingServer server(200, R"({"ok":true})");
  HttpClient client({.base_url = server.url(), .auth_token = "s3cret-token"});
  const std::string body(5000, 'x');  // large enough for libcurl to want 100-continue
  auto response = client.Post("/v2/pipeline", body);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"ok":true})");
  ASSERT_EQ(server.requests().size(), 1u);
  const std::string request = server.requests()[0];
  EXPECT_TRUE(Has(request, "POST /v2/pipeline HTTP/1.1\r\n")) << request.substr(0, 200);
  EXPECT_TRUE(Has(request, "\r\nAuthorization: Bearer s3cret-token\r\n"));
  EXPECT_TRUE(Has(request, "\r\nContent-Type: application/json\r\n"));
  EXPECT_TRUE(Has(request, "\r\nContent-Length: 5000\r\n"));
  EXPECT_FALSE(Has(request, "Expect:"));
  EXPECT_FALSE(Has(request, "Transfer-Encoding"));
  EXPECT_TRUE(Has(request, "\r\n\r\n" + body));
}

TEST(HttpClientTest, GetWithoutTokenSendsNoAuthorization) {
  RecordingServer server(404, "Not Found");
  HttpClient client({.base_url = server.url()});
  auto response = client.Get("/v3");
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 404);  // an HTTP error is still a response
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(Has(server.requests()[0], "GET /v3 HTTP/1.1\r\n"));
  EXPECT_FALSE(Has(server.requests()[0], "Authorization"));
}

TEST(HttpClientTest, ReusesItsConnection) {
  RecordingServer server(200, "{}");
  HttpClient client({.base_url = server.url(), .max_connections = 1});
  for (int i = 0; i < 3; ++i) {
    auto response = client.Post("/v2/pipeline", "{}");
    ASSERT_TRUE(response.ok()) << response.status().ToString();
  }
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClientTest, ConcurrentCallersShareTheBoundedPool) {
  RecordingServer server(200, "{}");
  HttpClient client({.base_url = server.url(), .max_connections = 1});
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int t = 0; t < 3; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        ok += client.Post("/v2/pipeline", "{}").ok() ? 1 : 0;
      }
    });
  }
  for (std::thread& caller : callers) {
    caller.join();
  }
  EXPECT_EQ(ok, 15);
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClientTest, UnreachableServerIsUnavailable) {
  int port = 0;
  {
    RecordingServer closed(200, "{}");
    port = std::stoi(closed.url().substr(closed.url().rfind(':') + 1));
  }
  HttpClient client(
      {.base_url = "http://127.0.0.1:" + std::to_string(port), .auth_token = "s3cret-token"});
  auto response = client.Post("/v2/pipeline", "{}");
  const Status status = response.status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "database is unavailable");
  EXPECT_TRUE(Has(status.detail(), "libcurl: ")) << status.detail();
  EXPECT_TRUE(
      Has(status.detail(), "POST http://127.0.0.1:" + std::to_string(port) + "/v2/pipeline"))
      << status.detail();
  EXPECT_FALSE(Has(status.ToString(), "s3cret-token"));
}

TEST(HttpClientTest, TheLoggedUrlHasNoUserInformation) {
  HttpClient client({.base_url = "https://ops:pa55word@db.example.com:8443/base"});
  EXPECT_EQ(client.Describe("GET", "/v3"), "GET https://db.example.com:8443/base/v3");
  HttpClient plain({.base_url = "http://127.0.0.1:8080"});
  EXPECT_EQ(plain.Describe("POST", "/v2/pipeline"), "POST http://127.0.0.1:8080/v2/pipeline");
}

}  // namespace
}  // namespace howler::storage
