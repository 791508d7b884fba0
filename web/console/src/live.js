// Live sync (docs/API.md "Live sync"): one WebSocket to /api/sync/live, the token in
// Sec-WebSocket-Protocol; calls onState({conflicts, seq}) on hello and changes. Reconnects
// with backoff; refreshes the token on 4002; gives up on 4003 (session ended).
import { accessToken, currentSession, freshToken } from './api.js';

export function watchLive(onState) {
  let socket = null;
  let stopped = false;
  let delay = 1000;
  let timer = null;
  const open = (token) => {
    if (stopped || !token) return;
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    socket = new WebSocket(scheme + location.host + '/api/sync/live', [
      'howlerops.v1',
      'bearer.' + token,
    ]);
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === 'hello' || message.type === 'changes') {
        delay = 1000;
        onState({ conflicts: message.conflicts, seq: message.seq });
      }
    };
    socket.onclose = (event) => {
      socket = null;
      if (stopped || event.code === 4003 || event.code === 4001) return;
      // 4002, or a refused upgrade (1006) with an expired token: refresh before retrying.
      const retry = event.code === 4002 || tokenExpired() ? freshToken : async () => accessToken();
      timer = setTimeout(() => retry().then(open), delay);
      delay = Math.min(delay * 2, 30000);
    };
  };
  open(accessToken());
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (socket) socket.close(1000);
  };
}

function tokenExpired() {
  const session = currentSession();
  return Boolean(session && session.expires_at && Date.parse(session.expires_at) <= Date.now());
}
