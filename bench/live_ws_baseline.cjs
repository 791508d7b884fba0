// The baseline of bench/live_sockets.sh: a Node `ws` WebSocket server that does what the
// live route does for an idle socket (a hello on connect, pong to a ping) and nothing
// else. Listens on 127.0.0.1:<argv[2]>; prints "ready" once listening. Stops on SIGTERM.
// Needs NODE_PATH=.tools/node_modules (scripts/setup.sh installs ws there).
const { WebSocketServer } = require("ws");

const port = Number(process.argv[2]);
const wss = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: false });
const hello = JSON.stringify({ type: "hello", cursor: "AQAAAAAAAAAAAAAA", seq: 0, conflicts: 0, by_device: "" });
wss.on("connection", (ws) => {
  ws.send(hello);
  ws.on("message", (data) => {
    if (String(data).includes('"ping"')) ws.send('{"type":"pong"}');
  });
  ws.on("error", () => {});
});
wss.on("listening", () => console.log("ready"));
process.on("SIGTERM", () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => process.exit(0));
});
