#include "storage/libsql/libsql_database.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <thread>

#include "storage/libsql/hrana_pipeline.h"
#include "storage/libsql/hrana_status.h"
#include "storage/libsql/http_client.h"
#include "storage/libsql/libsql_url.h"

namespace howler::storage {
namespace {

namespace json = boost::json;

constexpr int kReadAttempts = 3;
constexpr std::chrono::milliseconds kFirstBackoff{50};

struct Protocol {
  std::string pipeline_path;  // "/v3/pipeline" or "/v2/pipeline"
  bool send_close = false;    // full servers only
};

bool IsSuccess(long status) {
  return status >= 200 && status < 300;
}

bool IsRetryableHttp(long status) {
  return status == 502 || status == 503 || status == 504;
}

// BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE (case-insensitive, leading space
// and comments-free SQL as services write it).
bool IsTransactionControl(std::string_view sql) {
  std::size_t start = 0;
  while (start < sql.size() && std::isspace(static_cast<unsigned char>(sql[start]))) {
    ++start;
  }
  std::string word;
  for (std::size_t i = start; i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i]));
       ++i) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i]))));
  }
  return word == "BEGIN" || word == "COMMIT" || word == "END" || word == "ROLLBACK" ||
         word == "SAVEPOINT" || word == "RELEASE";
}

// GET /v3, GET /v2, then a trial pipeline: the protocol the server speaks.
Result<Protocol> ProbeProtocol(HttpClient& http) {
  for (std::string_view version : {"/v3", "/v2"}) {
    HOWLER_ASSIGN_OR_RETURN(HttpResponse response, http.Get(version));
    if (IsSuccess(response.status)) {
      return Protocol{std::string(version) + "/pipeline", true};
    }
  }
  HOWLER_ASSIGN_OR_RETURN(json::object select, ExecuteRequest({"SELECT 1", {}}));
  HOWLER_ASSIGN_OR_RETURN(HttpResponse response,
                          http.Post("/v2/pipeline", PipelineBody(json::array{select})));
  const std::string where = http.Describe("POST", "/v2/pipeline");
  if (!IsSuccess(response.status)) {
    return RemoteUnavailable("the server refused the probe: HTTP " +
                             std::to_string(response.status) + " from " + where);
  }
  auto results = ParsePipelineResponse(response.body, 1);
  if (!results.ok()) {
    return RemoteUnavailable("the server does not speak Hrana: " + where);
  }
  return Protocol{"/v2/pipeline", false};
}

class LibsqlDatabase final : public Database {
 public:
  LibsqlDatabase(std::unique_ptr<HttpClient> http, Protocol protocol,
                 std::chrono::milliseconds request_timeout)
      : http_(std::move(http)), protocol_(std::move(protocol)), request_timeout_(request_timeout) {}

  Result<ResultSet> Query(const Statement& statement) override {
    HOWLER_RETURN_IF_ERROR(RefuseTransactionControl(statement));
    HOWLER_ASSIGN_OR_RETURN(json::object request, ExecuteRequest(statement));
    HOWLER_ASSIGN_OR_RETURN(json::value response, Run(std::move(request), /*retry=*/true));
    return DecodeExecuteResponse(response);
  }

  Result<ResultSet> Execute(const Statement& statement) override {
    HOWLER_RETURN_IF_ERROR(RefuseTransactionControl(statement));
    HOWLER_ASSIGN_OR_RETURN(json::object request, ExecuteRequest(statement));
    HOWLER_ASSIGN_OR_RETURN(json::value response, Run(std::move(request), /*retry=*/false));
    return DecodeExecuteResponse(response);
  }

  Result<std::vector<ResultSet>> Batch(const std::vector<Statement>& statements) override {
    if (statements.empty()) {
      return std::vector<ResultSet>{};
    }
    HOWLER_ASSIGN_OR_RETURN(json::object request, AtomicBatchRequest(statements));
    HOWLER_ASSIGN_OR_RETURN(json::value response, Run(std::move(request), /*retry=*/false));
    return DecodeAtomicBatchResponse(response, statements.size());
  }

  Status Ping() override { return Query({"SELECT 1", {}}).status(); }

  std::string_view backend() const override { return "libsql"; }

 private:
  static Status RefuseTransactionControl(const Statement& statement) {
    if (IsTransactionControl(statement.sql)) {
      return InternalError("database error: transactions must go through Batch");
    }
    return Status::Ok();
  }

  // One pipeline: the foreign-keys pragma, `request`, and `close` on full servers.
  // Returns the response to `request`.
  Result<json::value> Run(json::object request, bool retry) {
    json::array requests;
    requests.push_back(json::object{{"type", "execute"},
                                    {"stmt", json::object{{"sql", "PRAGMA foreign_keys=ON"}}}});
    requests.push_back(std::move(request));
    if (protocol_.send_close) {
      requests.push_back(CloseRequest());
    }
    const std::string body = PipelineBody(std::move(requests));
    HOWLER_ASSIGN_OR_RETURN(auto results, Exchange(body, retry ? kReadAttempts : 1));
    return std::move(results[1]);
  }

  // One attempt's pipeline results; `retryable` when the failure says nothing about the
  // statements (they may or may not have run).
  struct Attempt {
    Result<std::vector<Result<json::value>>> results;
    bool retryable = false;
  };

  // POSTs `body` once. A 2xx answer whose body is not a whole pipeline response was cut
  // short or garbled on the way (a close-delimited body cut short looks complete to
  // HTTP): UNAVAILABLE like any transport failure.
  Attempt PostOnce(const std::string& body) {
    Result<HttpResponse> response = http_->Post(protocol_.pipeline_path, body);
    if (!response.ok()) {
      return {response.status(), true};
    }
    const auto where = [&] { return http_->Describe("POST", protocol_.pipeline_path); };
    if (!IsSuccess(response->status)) {
      return {HttpFailureStatus(response->status, where()), IsRetryableHttp(response->status)};
    }
    auto results = ParsePipelineResponse(response->body, 2);
    if (!results.ok()) {
      return {RemoteUnavailable("incomplete response to " + where()), true};
    }
    return {std::move(results), false};
  }

  // PostOnce, retrying retryable failures up to `attempts` times with doubling backoff,
  // within the request timeout.
  Result<std::vector<Result<json::value>>> Exchange(const std::string& body, int attempts) {
    const auto deadline = std::chrono::steady_clock::now() + request_timeout_;
    std::chrono::milliseconds backoff = kFirstBackoff;
    for (int attempt = 1;; ++attempt) {
      Attempt outcome = PostOnce(body);
      if (!outcome.retryable || attempt >= attempts ||
          std::chrono::steady_clock::now() + backoff >= deadline) {
        return std::move(outcome.results);
      }
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
  }

  std::unique_ptr<HttpClient> http_;
  const Protocol protocol_;
  const std::chrono::milliseconds request_timeout_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenLibsqlDatabase(const LibsqlOptions& options) {
  HOWLER_ASSIGN_OR_RETURN(std::string base_url, LibsqlBaseUrl(options.url));
  auto http = std::make_unique<HttpClient>(HttpClientOptions{
      .base_url = std::move(base_url),
      .auth_token = options.auth_token,
      .connect_timeout = options.connect_timeout,
      .request_timeout = options.request_timeout,
      .max_connections = std::max(1, options.max_connections),
  });
  HOWLER_ASSIGN_OR_RETURN(Protocol protocol, ProbeProtocol(*http));
  return std::unique_ptr<Database>(
      new LibsqlDatabase(std::move(http), std::move(protocol), options.request_timeout));
}

}  // namespace howler::storage
