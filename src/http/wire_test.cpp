#include "http/wire.h"

#include <gtest/gtest.h>

namespace howler::http {
namespace {

TEST(WireTest, SerializesStatusHeadersLengthAndBody) {
  Response r;
  r.status = 201;
  r.headers.Set("Content-Type", "application/json");
  r.headers.Set("Content-Length", "999");  // ignored: computed from the body
  r.body = "{\"ok\":true}";
  EXPECT_EQ(SerializeResponse(r, 11, true),
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nServer: howlerops\r\n"
            "Content-Length: 11\r\n\r\n{\"ok\":true}");
}

TEST(WireTest, ConnectionHeaderFollowsTheVersion) {
  Response r;
  r.body = "x";
  EXPECT_NE(SerializeResponse(r, 11, false).find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(SerializeResponse(r, 11, true).find("Connection:"), std::string::npos);
  EXPECT_NE(SerializeResponse(r, 10, true).find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(SerializeResponse(r, 10, false).rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
}

TEST(WireTest, NoContentHasNoBodyOrLength) {
  Response r;
  r.status = 204;
  r.body = "ignored";
  const std::string wire = SerializeResponse(r, 11, true);
  EXPECT_EQ(wire, "HTTP/1.1 204 No Content\r\nServer: howlerops\r\n\r\n");
}

TEST(WireTest, HeadOfAFixedResponseKeepsTheBodyLengthWithoutTheBody) {
  Response r;
  r.headers.Set("Content-Type", "text/plain");
  r.body = "hello";
  const std::string head = SerializeHead(r, 11, true, BodyFraming::kLength);
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nServer: howlerops\r\n"
            "Content-Length: 5\r\n\r\n");
  EXPECT_EQ(SerializeResponse(r, 11, true), head + "hello");
}

TEST(WireTest, StreamedHeadsAreChunkedOrCloseDelimited) {
  Response r;
  r.headers.Set("Transfer-Encoding", "gzip");  // ignored: the framing decides
  r.body = "ignored";
  const std::string chunked = SerializeHead(r, 11, true, BodyFraming::kChunked);
  EXPECT_EQ(chunked, "HTTP/1.1 200 OK\r\nServer: howlerops\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string until_close = SerializeHead(r, 10, true, BodyFraming::kUntilClose);
  EXPECT_EQ(until_close, "HTTP/1.0 200 OK\r\nServer: howlerops\r\n\r\n");
  EXPECT_NE(SerializeHead(r, 11, true, BodyFraming::kUntilClose).find("Connection: close\r\n"),
            std::string::npos);
}

TEST(WireTest, ChunkSizeLinesAreLowerCaseHex) {
  EXPECT_EQ(ChunkSizeLine(0), "0\r\n");
  EXPECT_EQ(ChunkSizeLine(10), "a\r\n");
  EXPECT_EQ(ChunkSizeLine(65536), "10000\r\n");
  EXPECT_EQ(ChunkSizeLine(0xdeadbeefcafeULL), "deadbeefcafe\r\n");
  EXPECT_EQ(ReasonPhrase(426), "Upgrade Required");
  EXPECT_EQ(ReasonPhrase(101), "Switching Protocols");
}

TEST(WireTest, OnlyPlainChunkedTransferEncodingIsAccepted) {
  EXPECT_TRUE(IsAcceptedTransferEncoding({}));
  EXPECT_TRUE(IsAcceptedTransferEncoding({"chunked"}));
  EXPECT_TRUE(IsAcceptedTransferEncoding({" Chunked "}));
  EXPECT_FALSE(IsAcceptedTransferEncoding({"chunked, identity"}));
  EXPECT_FALSE(IsAcceptedTransferEncoding({"identity, chunked"}));
  EXPECT_FALSE(IsAcceptedTransferEncoding({"xchunked"}));
  EXPECT_FALSE(IsAcceptedTransferEncoding({"identity"}));
  EXPECT_FALSE(IsAcceptedTransferEncoding({"gzip"}));
  EXPECT_FALSE(IsAcceptedTransferEncoding({""}));
  EXPECT_FALSE(IsAcceptedTransferEncoding({"chunked", "chunked"}));
}

}  // namespace
}  // namespace howler::http
