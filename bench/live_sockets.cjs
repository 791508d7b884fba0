// The client side of bench/live_sockets.sh (see there). Environment: A_HTTP, B_HTTP,
// B_METRICS, B_PID (the instance holding the sockets), NODE_PORT, NODE_PID (the ws
// baseline), SOCKETS, USERS, SAME_SAMPLES, CROSS_SAMPLES, WINDOW_S. Every wait is
// bounded; prints one JSON object of results on the last line.
const fs = require("fs");
const WebSocket = require("ws");

const env = (k, d) => (process.env[k] !== undefined ? process.env[k] : d);
const A = `http://127.0.0.1:${env("A_HTTP")}`;
const B = `http://127.0.0.1:${env("B_HTTP")}`;
const B_WS = `ws://127.0.0.1:${env("B_HTTP")}/api/sync/live`;
const NODE_WS = `ws://127.0.0.1:${env("NODE_PORT")}/`;
const SOCKETS = Number(env("SOCKETS", 10000));
const USERS = Number(env("USERS", 2500));
const SAME = Number(env("SAME_SAMPLES", 200));
const CROSS = Number(env("CROSS_SAMPLES", 40));
const WINDOW_S = Number(env("WINDOW_S", 20));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssKiB = (pid) => {
  const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return Number(m[1]);
};
const log = (...a) => console.error(new Date().toISOString(), ...a);

async function post(base, path, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(base + path, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json().catch(() => ({})) };
}

async function pool(n, width, task) {
  let next = 0;
  const workers = Array.from({ length: width }, async () => {
    while (next < n) await task(next++);
  });
  await Promise.all(workers);
}

async function signups() {
  const tokens = new Array(USERS);
  const run = `${process.pid}${Date.now() % 100000}`;
  await pool(USERS, 16, async (i) => {
    const name = `live${run}_${i}`;
    const r = await post(A, "/api/auth/signup", {
      username: name, email: `${name}@example.com`, password: "correct horse battery staple",
    });
    if (r.status !== 201) throw new Error(`signup ${i}: ${r.status} ${JSON.stringify(r.body)}`);
    tokens[i] = r.body.token;
  });
  return tokens;
}

// Opens a socket and resolves with it once its first message (the hello) arrived.
function open(url, protocols) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
    const timer = setTimeout(() => { ws.terminate(); reject(new Error("no hello in 20 s")); }, 20000);
    ws.once("message", (data) => {
      clearTimeout(timer);
      const m = JSON.parse(String(data));
      if (m.type !== "hello") return reject(new Error(`first message ${m.type}`));
      resolve(ws);
    });
    ws.once("error", (e) => { clearTimeout(timer); reject(e); });
    ws.once("close", (code) => { clearTimeout(timer); reject(new Error(`closed ${code}`)); });
  });
}

async function openMany(n, url, protocolsOf) {
  const sockets = new Array(n);
  const start = Date.now();
  await pool(n, 200, async (i) => { sockets[i] = await open(url, protocolsOf(i)); });
  log(`opened ${n} sockets to ${url} in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return sockets;
}

async function metrics() {
  const text = await (await fetch(`http://127.0.0.1:${env("B_METRICS")}/metrics`)).text();
  const sum = (re) => text.split("\n").filter((l) => re.test(l)).reduce((s, l) => s + Number(l.split(" ").pop()), 0);
  return {
    roundtrips: sum(/^sql_studio_db_roundtrips_total\{/),
    polls: sum(/^sql_studio_live_polls_total\{kind="poll"/),
    sessions: sum(/^sql_studio_live_polls_total\{kind="sessions"/),
    poll_seconds: sum(/^sql_studio_live_poll_duration_seconds_sum\{kind="poll"/),
    poll_count: sum(/^sql_studio_live_poll_duration_seconds_count\{kind="poll"/),
  };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// Uploads through `base` as `token`, and measures from each answer to the "changes"
// message with that answer's cursor on `listener`.
async function latency(base, token, listener, samples, jitterMs, tag) {
  const arrivals = new Map();
  listener.on("message", (data) => {
    const m = JSON.parse(String(data));
    if (m.type === "changes") arrivals.set(m.cursor, process.hrtime.bigint());
  });
  const out = [];
  for (let i = 0; i < samples; i++) {
    if (jitterMs) await sleep(Math.random() * jitterMs);
    const change = { id: `${tag}${i}`, item_type: "saved_query", item_id: `${tag}${i}`, action: "create",
      sync_version: 0, data: { name: `q${i}`, query: "SELECT 1" } };
    const r = await post(base, "/api/sync/upload", { device_id: `bench-${tag}`, changes: [change] }, token);
    const answered = process.hrtime.bigint();
    if (r.status !== 200) throw new Error(`upload: ${r.status} ${JSON.stringify(r.body)}`);
    const deadline = Date.now() + 10000;
    while (!arrivals.has(r.body.cursor)) {
      if (Date.now() > deadline) throw new Error(`no notification for upload ${i}`);
      await sleep(1);
    }
    out.push(Number(arrivals.get(r.body.cursor) - answered) / 1e6);
  }
  return { samples, p50_ms: pct(out, 50), p99_ms: pct(out, 99), min_ms: Math.min(...out), max_ms: Math.max(...out) };
}

async function main() {
  const results = { sockets: SOCKETS, users: USERS };
  const tokens = await signups();
  log(`${USERS} accounts`);
  const protocolsOf = (i) => ["howlerops.v1", `bearer.${tokens[i % USERS]}`];
  (await open(B_WS, protocolsOf(0))).terminate();  // warm-up
  await sleep(1000);
  const serverBefore = rssKiB(env("B_PID"));
  const sockets = await openMany(SOCKETS, B_WS, protocolsOf);
  await sleep(3000);
  const serverAfter = rssKiB(env("B_PID"));
  results.server_rss_kib = { before: serverBefore, after: serverAfter,
    per_socket_kib: (serverAfter - serverBefore) / SOCKETS };
  log(`server RSS ${serverBefore} -> ${serverAfter} KiB`);

  const m0 = await metrics();
  const t0 = Date.now();
  await sleep(WINDOW_S * 1000);
  const m1 = await metrics();
  const secs = (Date.now() - t0) / 1000;
  results.db_with_listeners = { window_s: secs, listeners: SOCKETS,
    roundtrips_per_s: (m1.roundtrips - m0.roundtrips) / secs,
    polls_per_s: (m1.polls - m0.polls) / secs, session_checks: m1.sessions - m0.sessions,
    poll_mean_ms: (1000 * (m1.poll_seconds - m0.poll_seconds)) / Math.max(1, m1.poll_count - m0.poll_count) };
  log(`db ${JSON.stringify(results.db_with_listeners)}`);

  // Socket 0 listens for user 0 (uploads on B, the same instance); socket 1 for user 1
  // (uploads on A, another instance on the same database).
  results.same_instance = await latency(B, tokens[0], sockets[0], SAME, 0, "s");
  log(`same instance ${JSON.stringify(results.same_instance)}`);
  results.across_instances = await latency(A, tokens[1], sockets[1], CROSS, 700, "x");
  log(`across ${JSON.stringify(results.across_instances)}`);
  for (const ws of sockets) ws.terminate();
  await sleep(2000);

  const nodeBefore = rssKiB(env("NODE_PID"));
  const nodeSockets = await openMany(SOCKETS, NODE_WS, () => ["howlerops.v1"]);
  await sleep(3000);
  const nodeAfter = rssKiB(env("NODE_PID"));
  results.node_ws_rss_kib = { before: nodeBefore, after: nodeAfter,
    per_socket_kib: (nodeAfter - nodeBefore) / SOCKETS };
  results.server_vs_node = results.server_rss_kib.per_socket_kib / results.node_ws_rss_kib.per_socket_kib;
  for (const ws of nodeSockets) ws.terminate();
  console.log(JSON.stringify(results));
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
