#include "email/resend_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "email/count_recorder.h"
#include "email/loopback_http_server.h"
#include "email/queued_mailer.h"

namespace howler::email {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kKey = "re_test_key_0123456789";

ResendOptions Options(const std::string& url) {
  ResendOptions options;
  options.api_key = kKey;
  options.from_email = "noreply@example.com";
  options.from_name = "Howlerops";
  options.api_url = url;
  return options;
}

RenderedEmail Email() {
  TemplateContext context;
  RenderedEmail email =
      Render({EmailType::kVerification, "alice@example.com", "alice", "t"}, context);
  email.id = "0123456789abcdef0123456789abcdef";
  return email;
}

TEST(ResendRequestBodyTest, HasTheFieldsResendExpects) {
  const RenderedEmail email = Email();
  const json::value body = json::parse(ResendRequestBody(Options("x"), email));
  const json::object& o = body.as_object();
  EXPECT_EQ(o.at("from").as_string(), "Howlerops <noreply@example.com>");
  ASSERT_EQ(o.at("to").as_array().size(), 1u);
  EXPECT_EQ(o.at("to").as_array()[0].as_string(), "alice@example.com");
  EXPECT_EQ(o.at("subject").as_string(), email.subject);
  EXPECT_EQ(o.at("html").as_string(), email.html);
  EXPECT_EQ(o.at("text").as_string(), email.text);
}

TEST(ResendRequestBodyTest, QuotesOrOmitsTheSenderName) {
  ResendOptions options = Options("x");
  options.from_name = "Howler, Inc.";
  EXPECT_EQ(json::parse(ResendRequestBody(options, Email())).at("from").as_string(),
            "\"Howler, Inc.\" <noreply@example.com>");
  options.from_name.clear();
  EXPECT_EQ(json::parse(ResendRequestBody(options, Email())).at("from").as_string(),
            "noreply@example.com");
}

TEST(ResendResponseStatusTest, SuccessNeedsAnId) {
  EXPECT_TRUE(ResendResponseStatus(200, R"({"id":"49a3999c"})").ok());
  EXPECT_TRUE(ResendResponseStatus(201, R"({"id":"49a3999c"})").ok());
  EXPECT_EQ(ResendResponseStatus(200, "{}").code(), StatusCode::kInternal);
  EXPECT_EQ(ResendResponseStatus(200, "not json").code(), StatusCode::kInternal);
}

TEST(ResendResponseStatusTest, ClassifiesErrors) {
  const Status invalid = ResendResponseStatus(
      422, R"({"statusCode":422,"name":"validation_error","message":"Invalid `to` field."})");
  EXPECT_EQ(invalid.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(invalid.message(), HasSubstr("422 validation_error: Invalid `to` field."));
  EXPECT_EQ(ResendResponseStatus(429, R"({"name":"rate_limit_exceeded"})").code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(ResendResponseStatus(500, "{}").code(), StatusCode::kUnavailable);
  EXPECT_EQ(ResendResponseStatus(503, "").code(), StatusCode::kUnavailable);
  EXPECT_EQ(ResendResponseStatus(401, "{}").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ResendResponseStatus(403, "{}").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ResendResponseStatus(400, "{}").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ResendResponseStatus(302, "").code(), StatusCode::kInternal);
}

TEST(ResendResponseStatusTest, HandlesANonJsonErrorBody) {
  const Status status = ResendResponseStatus(502, "<html><body>Bad gateway</body></html>");
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("HTTP 502 (non-JSON body)"));
}

TEST(ResendTransportTest, PostsTheEmailToTheApi) {
  LoopbackHttpServer server;
  server.Respond({200, R"({"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"})"});
  ResendTransport transport(Options(server.url() + "/"));
  EXPECT_EQ(transport.name(), "resend");
  const RenderedEmail email = Email();
  ASSERT_TRUE(transport.Deliver(email, {}).ok());

  const std::vector<RecordedRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/emails");
  EXPECT_EQ(r.Header("authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("idempotency-key"), email.id);
  EXPECT_EQ(r.headers.count("expect"), 0u);
  const json::value body = json::parse(r.body);
  EXPECT_EQ(body.at("from").as_string(), "Howlerops <noreply@example.com>");
  EXPECT_EQ(body.at("to").as_array()[0].as_string(), "alice@example.com");
  EXPECT_EQ(body.at("subject").as_string(), email.subject);
  EXPECT_THAT(std::string(body.at("html").as_string()), HasSubstr(email.link));
  EXPECT_THAT(std::string(body.at("text").as_string()), HasSubstr(email.link));
}

TEST(ResendTransportTest, ReportsAnApiErrorWithoutTheKey) {
  LoopbackHttpServer server;
  server.Respond({422, R"({"name":"validation_error","message":"Invalid `from` field."})"});
  ResendTransport transport(Options(server.url()));
  const Status status = transport.Deliver(Email(), {});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("Invalid `from` field."));
  EXPECT_THAT(status.message(), Not(HasSubstr(kKey)));
}

TEST(ResendTransportTest, UnreachableApiIsTransient) {
  std::string url;
  {
    LoopbackHttpServer gone;
    url = gone.url();
  }
  ResendTransport transport(Options(url));
  const Status status = transport.Deliver(Email(), {});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), Not(HasSubstr(kKey)));
}

TEST(ResendTransportTest, RefusesBadAddressesWithoutCallingTheApi) {
  LoopbackHttpServer server;
  ResendTransport transport(Options(server.url()));
  RenderedEmail email = Email();
  email.to = "alice@example.com\r\nBcc: eve@example.com";
  EXPECT_EQ(transport.Deliver(email, {}).code(), StatusCode::kInvalidArgument);
  ResendOptions no_sender = Options(server.url());
  no_sender.from_email.clear();
  EXPECT_EQ(ResendTransport(no_sender).Deliver(Email(), {}).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(server.requests().empty());
}

TEST(ResendTransportTest, StopsWhenAskedTo) {
  LoopbackHttpServer server;
  server.Respond({200, R"({"id":"x"})", "application/json", std::chrono::seconds(20)});
  ResendTransport transport(Options(server.url()));
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(transport.Deliver(Email(), stop.get_token()).code(), StatusCode::kCancelled);
}

// The transport inside the mailer: what is retried and what is counted.
class ResendMailerTest : public ::testing::Test {
 protected:
  // Sends one verification email and drains the mailer.
  void SendOne() {
    QueuedMailerOptions options;
    options.retry_delays = {std::chrono::milliseconds(1), std::chrono::milliseconds(1)};
    QueuedMailer mailer(std::make_unique<ResendTransport>(Options(server_.url())), options,
                        counts_.Callback());
    ASSERT_TRUE(mailer.Send({EmailType::kVerification, "alice@example.com", "alice", "t"}));
    mailer.Shutdown(std::chrono::seconds(60));
  }

  LoopbackHttpServer server_;
  CountRecorder counts_;
};

TEST_F(ResendMailerTest, SuccessIsCountedSent) {
  server_.Respond({200, R"({"id":"abc"})"});
  SendOne();
  EXPECT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(counts_.Get("verification", "resend", "sent"), 1);
}

TEST_F(ResendMailerTest, ValidationErrorIsNotRetried) {
  server_.Respond({422, R"({"name":"validation_error","message":"bad"})"});
  SendOne();
  EXPECT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(counts_.Get("verification", "resend", "failed"), 1);
}

TEST_F(ResendMailerTest, RateLimitAndServerErrorsAreRetriedThenCountedFailed) {
  server_.Respond({429, R"({"name":"rate_limit_exceeded","message":"Too many requests"})"});
  server_.Respond({500, "Internal Server Error", "text/plain"});
  server_.Respond({500, R"({"name":"internal_server_error"})"});
  SendOne();
  const std::vector<RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].Header("idempotency-key"), requests[2].Header("idempotency-key"));
  EXPECT_EQ(counts_.Get("verification", "resend", "failed"), 1);
  EXPECT_EQ(counts_.Total(), 1);
}

TEST_F(ResendMailerTest, RetrySucceedsAfterARateLimit) {
  server_.Respond({429, "{}"});
  server_.Respond({200, R"({"id":"abc"})"});
  SendOne();
  EXPECT_EQ(server_.requests().size(), 2u);
  EXPECT_EQ(counts_.Get("verification", "resend", "sent"), 1);
}

}  // namespace
}  // namespace howler::email
