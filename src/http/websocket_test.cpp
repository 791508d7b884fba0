#include "http/websocket.h"

#include <gtest/gtest.h>

namespace howler::http {
namespace {

class NullHandler : public WebSocketHandler {
 public:
  void OnOpen(std::shared_ptr<WebSocketPeer>) override {}
  void OnMessage(std::string) override {}
  void OnClose() override {}
};

Request Upgrade() {
  Request r;
  r.method = "GET";
  r.version = 11;
  r.headers.Add("Connection", "keep-alive, Upgrade");
  r.headers.Add("Upgrade", "WebSocket");
  r.headers.Add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  r.headers.Add("Sec-WebSocket-Version", "13");
  return r;
}

TEST(WebSocketTest, RecognisesUpgradeRequests) {
  EXPECT_TRUE(IsWebSocketUpgrade(Upgrade()));
  Request post = Upgrade();
  post.method = "POST";
  EXPECT_FALSE(IsWebSocketUpgrade(post));
  Request old = Upgrade();
  old.version = 10;
  EXPECT_FALSE(IsWebSocketUpgrade(old));
  Request no_connection = Upgrade();
  no_connection.headers.Set("Connection", "keep-alive");
  EXPECT_FALSE(IsWebSocketUpgrade(no_connection));
  Request other_protocol = Upgrade();
  other_protocol.headers.Set("Upgrade", "h2c");
  EXPECT_FALSE(IsWebSocketUpgrade(other_protocol));
}

TEST(WebSocketTest, AcceptCarriesTheHandlerWith101) {
  auto handler = std::make_shared<NullHandler>();
  const Response r = AcceptWebSocket(Upgrade(), handler);
  EXPECT_EQ(r.status, 101);
  EXPECT_EQ(r.kind, ResponseKind::kWebSocket);
  EXPECT_EQ(r.websocket, handler);
  EXPECT_FALSE(r.headers.Has("Sec-WebSocket-Protocol"));
}

TEST(WebSocketTest, EchoesTheHowleropsSubprotocolOnlyWhenOffered) {
  Request offered = Upgrade();
  offered.headers.Add("Sec-WebSocket-Protocol", "chat, howlerops.v1");
  EXPECT_EQ(AcceptWebSocket(offered, std::make_shared<NullHandler>())
                .headers.Get("Sec-WebSocket-Protocol"),
            "howlerops.v1");
  Request other = Upgrade();
  other.headers.Add("Sec-WebSocket-Protocol", "howlerops.v2, chat");
  EXPECT_FALSE(AcceptWebSocket(other, std::make_shared<NullHandler>())
                   .headers.Has("Sec-WebSocket-Protocol"));
}

TEST(WebSocketTest, APlainRequestGets426NamingTheUpgrade) {
  Request plain;
  plain.method = "GET";
  const Response r = AcceptWebSocket(plain, std::make_shared<NullHandler>());
  EXPECT_EQ(r.status, 426);
  EXPECT_EQ(r.kind, ResponseKind::kFixed);
  EXPECT_EQ(r.websocket, nullptr);
  EXPECT_EQ(r.headers.Get("Upgrade"), "websocket");
  EXPECT_NE(r.body.find("WebSocket upgrade"), std::string::npos);
}

}  // namespace
}  // namespace howler::http
