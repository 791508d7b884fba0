// The console's only way to the server: the public HTTP API (docs/API.md). Holds the
// signed-in session (access and refresh token) in sessionStorage, so it lasts as long as
// the tab; refreshes the access token once on a 401 and signs out when that fails.

const KEY = 'howlerops.console.session';
let session = load();
const listeners = new Set();

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

function store(next) {
  session = next;
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
  listeners.forEach((fn) => fn(session));
}

export function currentSession() {
  return session;
}

export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// An error answer of the API: `code` (INVALID_REQUEST, UNAUTHORIZED, ...) and a message
// safe to show.
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `request failed (${status})`);
    this.status = status;
    this.code = (body && body.code) || 'HTTP_' + status;
  }
}

function keepPair(pair) {
  store({
    token: pair.token,
    refresh_token: pair.refresh_token,
    expires_at: pair.expires_at,
    user: pair.user,
  });
}

async function raw(method, path, body, token, signal) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
}

async function parse(response) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

let refreshing = null;
async function refresh() {
  if (!session) return false;
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const r = await raw('POST', '/api/auth/refresh', { refresh_token: session.refresh_token });
        if (!r.ok) return false;
        keepPair(await r.json());
        return true;
      } catch {
        return false;
      } finally {
        setTimeout(() => (refreshing = null), 0);
      }
    })();
  }
  return refreshing;
}

// Sends an authenticated request and answers the parsed body; on 401 refreshes once and
// tries again (signing out when the refresh fails).
export async function call(method, path, body) {
  const response = await authed(method, path, body);
  return parse(response);
}

// The raw Response of an authenticated request (for streamed bodies).
export async function authed(method, path, body, signal) {
  if (!session) throw new ApiError(401, { code: 'UNAUTHORIZED', message: 'not signed in' });
  let response = await raw(method, path, body, session.token, signal);
  if (response.status !== 401) return response;
  // A 401 with a session that refreshes is about the request itself (a wrong current
  // password): answer it. A session that no longer refreshes has ended: sign out.
  if (!(await refresh())) {
    store(null);
    return response;
  }
  return raw(method, path, body, session.token, signal);
}

// Unauthenticated requests (sign up, sign in, verify, reset).
export async function publicCall(method, path, body) {
  return parse(await raw(method, path, body));
}

export async function signIn(username, password) {
  keepPair(
    await publicCall('POST', '/api/auth/login', {
      username,
      password,
      device_name: 'Web console (' + browserName() + ')',
    }),
  );
}

export async function signUp(username, email, password) {
  const pair = await publicCall('POST', '/api/auth/signup', { username, email, password });
  keepPair(pair);
  return pair.message;
}

export async function signOut() {
  try {
    await call('POST', '/api/auth/logout');
  } catch {
    // The session ends locally whatever the server said.
  }
  store(null);
}

export function forget() {
  store(null);
}

export function updateUser(user) {
  if (session) store({ ...session, user });
}

export function accessToken() {
  return session && session.token;
}

export async function freshToken() {
  await refresh();
  return accessToken();
}

function browserName() {
  const ua = navigator.userAgent;
  if (/Edg\//.test(ua)) return 'Edge';
  if (/Chrom(e|ium)\//.test(ua)) return 'Chromium';
  if (/Firefox\//.test(ua)) return 'Firefox';
  if (/Safari\//.test(ua)) return 'Safari';
  return 'browser';
}
