// Requests as Beast parses them off the wire, turned into the pipeline's Request.
#include "http/beast_request.h"

#include <gtest/gtest.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

namespace howler::http {
namespace {

namespace bhttp = boost::beast::http;

BeastRequest Parse(std::string_view wire) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);  // the body too, in one put
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(wire.data(), wire.size()), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(parser.is_done());
  return parser.release();
}

TEST(BeastRequestTest, DecodesThePathAndQueryAndKeepsFieldsAndBody) {
  BeastRequest in = Parse(
      "POST /api/sync/download%2Fx?device_id=d%201&tag=a&tag=b&flag HTTP/1.1\r\n"
      "Host: h\r\nX-Two: 1\r\nX-Two: 2\r\nContent-Length: 4\r\n\r\nbody");
  Request out = FromBeastRequest(in, "10.0.0.7");
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.target, "/api/sync/download%2Fx?device_id=d%201&tag=a&tag=b&flag");
  EXPECT_EQ(out.path, "/api/sync/download/x");
  EXPECT_EQ(out.version, 11u);
  EXPECT_EQ(out.Query("device_id").value_or(""), "d 1");
  EXPECT_EQ(out.query.count("tag"), 2u);
  ASSERT_EQ(out.query.count("flag"), 1u);
  EXPECT_EQ(out.query.find("flag")->second, "");
  EXPECT_EQ(out.headers.Get("x-two").value_or(""), "1") << "fields keep their order";
  EXPECT_EQ(out.body, "body");
  EXPECT_EQ(out.peer_ip, "10.0.0.7");
  EXPECT_EQ(in.method(), bhttp::verb::post) << "the start line stays for a WebSocket handshake";
  EXPECT_EQ(in[bhttp::field::host], "h");
}

TEST(BeastRequestTest, ATargetNotInOriginFormKeepsItsTextBeforeTheQuery) {
  BeastRequest in = Parse("GET http://example.com/x?y=1 HTTP/1.0\r\n\r\n");
  Request out = FromBeastRequest(in, "");
  EXPECT_EQ(out.path, "http://example.com/x");
  EXPECT_TRUE(out.query.empty());
  EXPECT_EQ(out.version, 10u);
}

}  // namespace
}  // namespace howler::http
