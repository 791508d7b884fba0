#include "http/websocket_frame.h"

#include <gtest/gtest.h>

namespace howler::http {
namespace {

using Kind = WebSocketEvent::Kind;

// A client frame: masked with a fixed key, `fin` and `opcode` as given.
std::string ClientFrame(int opcode, std::string_view payload, bool fin = true, bool masked = true) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | opcode));
  const std::uint64_t n = payload.size();
  const char mask_bit = masked ? static_cast<char>(0x80) : 0;
  if (n < 126) {
    out.push_back(static_cast<char>(mask_bit | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  }
  const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
  if (masked) out.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    out.push_back(static_cast<char>(payload[i] ^ (masked ? key[i % 4] : 0)));
  }
  return out;
}

std::string CloseFrame(int code, std::string_view reason) {
  std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  payload.append(reason);
  return ClientFrame(0x8, payload);
}

TEST(WebSocketFrameTest, AcceptKeyMatchesTheRfcSample) {
  EXPECT_EQ(WebSocketAcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_FALSE(WebSocketAcceptKey("").has_value());
  EXPECT_FALSE(WebSocketAcceptKey("c2hvcnQ=").has_value());  // 5 bytes, not 16
  EXPECT_FALSE(WebSocketAcceptKey("not base64 at all!!!!!!=").has_value());
}

TEST(WebSocketFrameTest, ParsesMessagesOfEveryLengthEncodingEvenByteByByte) {
  const std::string medium(300, 'm');
  const std::string large(70000, 'L');
  const std::string wire = ClientFrame(0x1, "hi") + ClientFrame(0x1, medium) +
                           ClientFrame(0x1, large) + ClientFrame(0x1, "");
  for (const bool byte_by_byte : {false, true}) {
    WebSocketFrameParser parser(1 << 20);
    std::vector<WebSocketEvent> events;
    if (byte_by_byte) {
      for (char c : wire) ASSERT_EQ(parser.Feed(std::string_view(&c, 1), events), 0);
    } else {
      ASSERT_EQ(parser.Feed(wire, events), 0);
    }
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].payload, "hi");
    EXPECT_EQ(events[1].payload, medium);
    EXPECT_EQ(events[2].payload, large);
    EXPECT_EQ(events[3].payload, "");
    EXPECT_FALSE(parser.mid_message());
  }
}

TEST(WebSocketFrameTest, JoinsFragmentsAndPassesControlFramesBetweenThem) {
  WebSocketFrameParser parser(64);
  std::vector<WebSocketEvent> events;
  const std::string wire = ClientFrame(0x1, "hel", false) + ClientFrame(0x9, "p?") +
                           ClientFrame(0x0, "lo", false) + ClientFrame(0xA, "") +
                           ClientFrame(0x0, "!", true);
  ASSERT_EQ(parser.Feed(wire.substr(0, 7), events), 0);
  EXPECT_TRUE(parser.mid_message());
  ASSERT_EQ(parser.Feed(wire.substr(7), events), 0);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, Kind::kPing);
  EXPECT_EQ(events[0].payload, "p?");
  EXPECT_EQ(events[1].kind, Kind::kPong);
  EXPECT_EQ(events[2].kind, Kind::kText);
  EXPECT_EQ(events[2].payload, "hello!");
}

TEST(WebSocketFrameTest, ReadsCloseFramesAndIgnoresWhatFollows) {
  WebSocketFrameParser parser(64);
  std::vector<WebSocketEvent> events;
  ASSERT_EQ(parser.Feed(CloseFrame(4001, "bye") + ClientFrame(0x1, "late"), events), 0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::kClose);
  EXPECT_EQ(events[0].code, 4001);
  EXPECT_EQ(events[0].payload, "bye");

  WebSocketFrameParser empty(64);
  events.clear();
  ASSERT_EQ(empty.Feed(ClientFrame(0x8, ""), events), 0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].code, 1005);
}

// Each violation and the close code the server answers it with.
TEST(WebSocketFrameTest, ProtocolViolationsGiveTheirCloseCodes) {
  struct Case {
    const char* what;
    std::string wire;
    int code;
  };
  std::string reserved_bit = ClientFrame(0x1, "x");
  reserved_bit[0] = static_cast<char>(reserved_bit[0] | 0x40);
  std::string huge_length = ClientFrame(0x1, "");
  huge_length[1] = static_cast<char>(0x80 | 127);
  huge_length.insert(2, std::string("\x80\0\0\0\0\0\0\0", 8));
  const std::vector<Case> cases = {
      {"unmasked", ClientFrame(0x1, "x", true, false), 1002},
      {"reserved bit", reserved_bit, 1002},
      {"unknown opcode", ClientFrame(0x3, "x"), 1002},
      {"fragmented control", ClientFrame(0x9, "x", false), 1002},
      {"long control", ClientFrame(0x9, std::string(126, 'p')), 1002},
      {"continuation first", ClientFrame(0x0, "x"), 1002},
      {"text inside a text", ClientFrame(0x1, "a", false) + ClientFrame(0x1, "b"), 1002},
      {"top length bit", huge_length, 1002},
      {"one-byte close", ClientFrame(0x8, "x"), 1002},
      {"reserved close code", CloseFrame(1005, ""), 1002},
      {"close code 999", CloseFrame(999, ""), 1002},
      {"binary", ClientFrame(0x2, "\x01"), 1003},
      {"text not UTF-8", ClientFrame(0x1, "\xC3\x28"), 1007},
      {"fragments not UTF-8", ClientFrame(0x1, "\xE2\x82", false) + ClientFrame(0x0, "(", true),
       1007},
      {"close reason not UTF-8", CloseFrame(1000, "\xFF"), 1007},
      {"one frame too big", ClientFrame(0x1, std::string(65, 'x')), 1009},
      {"fragments too big",
       ClientFrame(0x1, std::string(40, 'x'), false) + ClientFrame(0x0, std::string(25, 'y')),
       1009},
  };
  for (const auto& c : cases) {
    WebSocketFrameParser parser(64);
    std::vector<WebSocketEvent> events;
    EXPECT_EQ(parser.Feed(c.wire, events), c.code) << c.what;
    EXPECT_EQ(parser.Feed(ClientFrame(0x1, "after"), events), c.code) << c.what;
    for (const auto& e : events) EXPECT_NE(e.payload, "after") << c.what;
  }
}

TEST(WebSocketFrameTest, EncodesServerFramesUnmasked) {
  EXPECT_EQ(EncodeWebSocketFrame(0x1, "hi"), std::string("\x81\x02hi", 4));
  const std::string medium = EncodeWebSocketFrame(0x1, std::string(300, 'a'));
  EXPECT_EQ(medium.substr(0, 4), std::string("\x81\x7E\x01\x2C", 4));
  EXPECT_EQ(medium.size(), 304u);
  const std::string large = EncodeWebSocketFrame(0xA, std::string(70000, 'a'));
  EXPECT_EQ(large.substr(0, 10), std::string("\x8A\x7F\0\0\0\0\0\x01\x11\x70", 10));
  EXPECT_EQ(large.size(), 70010u);
}

TEST(WebSocketFrameTest, CloseReasonsAreCutAtACharacterBoundary) {
  EXPECT_EQ(EncodeWebSocketClose(1001, "bye"), std::string("\x88\x05\x03\xE9"
                                                           "bye",
                                                           7));
  std::string long_reason(122, 'a');
  long_reason += "\xC3\xA9";  // a two-byte character that would end at byte 124
  const std::string frame = EncodeWebSocketClose(1000, long_reason);
  EXPECT_EQ(static_cast<unsigned char>(frame[1]), 2u + 122u);
  EXPECT_EQ(frame.substr(4), std::string(122, 'a'));
}

}  // namespace
}  // namespace howler::http
