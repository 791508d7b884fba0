// The web console in real Chromium (Debian's /usr/bin/chromium through playwright-core,
// no browser download) against the real binary. Started by tests/console_browser_test.cpp,
// which runs the server, an SMTP sink and PostgreSQL and passes their addresses:
//   CONSOLE_BASE_URL, SMTP_DIR, PG_HOST, PG_PORT, PG_USER, PG_PASSWORD, PG_DATABASE,
//   SCREENSHOT_DIR
// Every page is screenshotted at 1280x800 and 390x844 and checked with axe-core (no
// serious or critical violation), with no Content-Security-Policy violation and no
// uncaught error. The cases share one account and run in order.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';

const require = createRequire(import.meta.url);
const CHROMIUM = '/usr/bin/chromium';
const env = (name) => {
  const value = process.env[name];
  assert.ok(value, `${name} must be set (run through ctest: console_browser_test)`);
  return value;
};
const BASE = env('CONSOLE_BASE_URL');
const SMTP_DIR = env('SMTP_DIR');
const SHOTS = env('SCREENSHOT_DIR');
const PG = {
  host: env('PG_HOST'),
  port: Number(env('PG_PORT')),
  user: env('PG_USER'),
  password: env('PG_PASSWORD'),
  database: env('PG_DATABASE'),
};
const PASSWORD = 'correct horse battery 9';
const stamp = Date.now().toString(36);
const USER = { username: 'console_' + stamp, email: `console.${stamp}@example.test` };

let browser;
let context;
let page;
const violations = [];
const pageErrors = [];
const loaded = new Set(); // asset paths the browser loaded
let axeSource;
let signedInAt = 0;
let tokenAtSignIn = '';

// ---- helpers ------------------------------------------------------------------------

async function api(method, route, { token, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(BASE + route, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function login(username, deviceName) {
  const r = await api('POST', '/api/auth/login', {
    body: { username, password: PASSWORD, device_name: deviceName },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.token;
}

async function upload(token, device, changes) {
  const r = await api('POST', '/api/sync/upload', { token, body: { device_id: device, changes } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

// The newest mail to `to` whose subject contains `subject`, waiting up to 15 s.
async function waitForMail(to, subject) {
  for (let i = 0; i < 150; i++) {
    const found = readdirSync(SMTP_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(path.join(SMTP_DIR, f), 'utf8')))
      .filter((m) => m.rcpt_tos.includes(to) && m.subject.includes(subject));
    if (found.length) return found[found.length - 1];
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no mail "${subject}" to ${to}`);
}

// Screenshots of `p` (the shared page unless given) at both sizes and axe-core at both;
// the page must not scroll sideways on the phone.
async function checkPage(name, p = page) {
  await p.waitForLoadState('networkidle');
  for (const [suffix, viewport] of [
    ['', { width: 1280, height: 800 }],
    ['-phone', { width: 390, height: 844 }],
  ]) {
    await p.setViewportSize(viewport);
    await p.screenshot({ path: path.join(SHOTS, name + suffix + '.png'), fullPage: true });
    const results = await p.evaluate(async () =>
      // eslint-disable-next-line no-undef
      axe.run(document, { resultTypes: ['violations'] }),
    ).catch(async () => {
      await p.evaluate(axeSource);
      return p.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
    });
    const bad = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    assert.deepEqual(
      bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
      [],
      `axe on ${name}${suffix}`,
    );
    if (suffix === '-phone') {
      const overflow = await p.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px at 390 px`);
    }
  }
  await p.setViewportSize({ width: 1280, height: 800 });
}

async function sessionToken() {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem('howlerops.console.session')).token);
}

async function go(route) {
  await page.goto(BASE + '/app' + route);
}

// ---- setup --------------------------------------------------------------------------

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/setup.sh`);
  axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const { chromium } = require('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Report CSP violations and uncaught errors of every page (an init script runs before
  // the page's own and is not subject to its policy).
  await context.exposeBinding('__reportViolation', (_, v) => violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      // eslint-disable-next-line no-undef
      __reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (/^\/app\/assets\/.*\.(js|css)$/.test(url.pathname)) loaded.add(url.pathname);
  });
});

after(async () => {
  if (browser) await browser.close();
});

// ---- cases --------------------------------------------------------------------------

test('index.html is no-cache under a strict CSP, assets are hashed and immutable', async () => {
  const response = await fetch(BASE + '/app/');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'no-cache');
  const csp = response.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const html = await response.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.doesNotMatch(html, /<style|style=/, 'no inline style');
  const assets = [...html.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+)"/g)].map((m) => m[1]);
  assert.ok(assets.length >= 2, 'a script and a stylesheet');
  for (const asset of assets) {
    assert.match(asset, /-[A-Za-z0-9_-]{8,}\.(js|css)$/);
    const r = await fetch(BASE + asset);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  }
  // A client-side route answers the console's page.
  const route = await fetch(BASE + '/app/account');
  assert.equal(route.status, 200);
  assert.equal(await route.text(), html);
});

test('time from navigation to a usable sign-in page', async () => {
  // Page-side: the console's performance mark when the sign-in form has rendered
  // (milliseconds since the navigation started), checked against the form being there and
  // enabled; driver-side: from page.goto to a filled field (Playwright's own overhead in).
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const measure = async (p) => {
    const started = performance.now();
    await p.goto(BASE + '/app/signin', { waitUntil: 'commit' });
    await p.getByLabel('Username or email').fill('x'); // visible, enabled and editable
    const driver = performance.now() - started;
    const inPage = await p.evaluate(() => {
      const mark = performance.getEntriesByName('howlerops:signin-usable')[0];
      return mark ? mark.startTime : null;
    });
    assert.ok(inPage > 0, 'the sign-in page marks when it is usable');
    return { inPage, driver };
  };
  const cold = [];
  const warm = [];
  for (let i = 0; i < 7; i++) {
    const fresh = await browser.newContext();
    const p = await fresh.newPage();
    cold.push(await measure(p));
    warm.push(await measure(p)); // hashed assets from the cache, index.html revalidated
    await fresh.close();
  }
  const show = (runs) => `${median(runs.map((r) => r.inPage)).toFixed(0)} ms in page ` +
    `(${median(runs.map((r) => r.driver)).toFixed(0)} ms from page.goto)`;
  console.log(`FIGURE sign-in usable after navigation, median of 7: cold cache ${show(cold)}; ` +
    `warm cache ${show(warm)}`);
});

test('sign up, then verify through the emailed link', async () => {
  await go('/signup');
  await checkPage('signup');
  await page.getByLabel('Username').fill(USER.username);
  await page.getByLabel('Email').fill(USER.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/app/account?welcome=1');
  await page.getByTestId('email-state').filter({ hasText: 'not verified' }).waitFor();
  await checkPage('account-unverified');

  const mail = await waitForMail(USER.email, 'Verify your email');
  // EMAIL_BASE_URL is unset: the link lands on this server's own console.
  const link = /https?:\/\/[^\s"<>]+\/verify-email\?token=[^\s"<>]+/.exec(mail.text)[0];
  assert.ok(link.startsWith(BASE + '/app/verify-email?token='), link);
  await page.goto(link);
  await page.getByRole('status').filter({ hasText: /verified/i }).waitFor();
  assert.ok(!page.url().includes('token='), 'the token leaves the address bar');
  await checkPage('verify-email');
  await page.getByRole('link', { name: 'Go to your account' }).click();
  await page.getByTestId('email-state').filter({ hasText: /^verified$/ }).waitFor();

  // The same link again is refused, and says so.
  await page.goto(link);
  await page.getByRole('alert').waitFor();
});

test('sign out, then sign in by email with the keyboard only', async () => {
  await page.getByRole('button', { name: /Sign out/ }).first().click();
  await page.waitForURL('**/app/signin');
  await checkPage('signin');
  // A wrong password is announced.
  await page.getByLabel('Username or email').fill(USER.email);
  await page.getByLabel('Password').fill('wrong password!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'invalid username or password' }).waitFor();

  await go('/signin');
  await page.locator('body').focus();
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.id === 'username')) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'username');
  await page.keyboard.type(USER.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/app/conflicts');
  await page.getByRole('heading', { name: /Conflicts/ }).waitFor();
});

test('forgot and reset password pages', async () => {
  const other = await browser.newContext();
  const p = await other.newPage();
  await p.goto(BASE + '/app/forgot-password');
  await p.getByLabel('Email').fill(USER.email);
  await p.getByRole('button', { name: 'Send the link' }).click();
  await p.getByRole('status').filter({ hasText: 'If the email exists' }).waitFor();
  const mail = await waitForMail(USER.email, 'Reset your');
  const link = /https?:\/\/[^\s"<>]+\/reset-password\?token=[^\s"<>]+/.exec(mail.text)[0];
  assert.ok(link.startsWith(BASE + '/app/reset-password?token='), link);
  await p.goto(link);
  // Mismatched passwords are caught before the request; the token stays usable.
  await p.getByLabel('New password', { exact: true }).fill(PASSWORD);
  await p.getByLabel('Repeat the new password').fill(PASSWORD + 'x');
  await p.getByRole('button', { name: 'Change password' }).click();
  await p.getByRole('alert').filter({ hasText: 'differ' }).waitFor();
  await p.getByLabel('Repeat the new password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Change password' }).click();
  await p.getByRole('status').filter({ hasText: 'password is changed' }).waitFor();
  await other.close();
  // A reset ends every session: sign in again in the main page.
  await page.evaluate(() => sessionStorage.clear());
  await go('/signin');
  await page.getByLabel('Username or email').fill(USER.username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/app/conflicts');
  signedInAt = Date.now();
  tokenAtSignIn = await sessionToken();
  // Pages of the flow, for the screenshots and axe; a used or unknown token is refused.
  await page.goto(BASE + '/app/forgot-password');
  await checkPage('forgot-password');
  await page.goto(link);
  await checkPage('reset-password');
  await page.getByLabel('New password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the new password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('alert').waitFor();
  await go('/reset-password');
  await page.getByRole('alert').filter({ hasText: 'no token' }).waitFor();
});

test('account: this session marked, another session revoked', async () => {
  const otherToken = await login(USER.username, 'Other laptop');
  assert.equal((await api('GET', '/api/auth/me', { token: otherToken })).status, 200);
  await go('/account');
  const row = page.locator('tr', { hasText: 'Other laptop' });
  await row.waitFor();
  const current = page.locator('tr.current');
  assert.equal(await current.count(), 1);
  await current.getByText('this session').waitFor();
  await checkPage('account');
  await row.getByRole('button', { name: /Revoke/ }).click();
  await page.getByRole('status').filter({ hasText: 'Signed out Other laptop' }).waitFor();
  await page.locator('tr', { hasText: 'Other laptop' }).waitFor({ state: 'detached' });
  assert.equal((await api('GET', '/api/auth/me', { token: otherToken })).status, 401);
  // This session still works.
  await page.reload();
  await page.getByTestId('profile-username').filter({ hasText: USER.username }).waitFor();

  // Change password: a wrong current one is refused; then to another and back.
  const change = async (current, next) => {
    await page.getByLabel('Current password').fill(current);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Repeat the new password').fill(next);
    await page.getByRole('button', { name: 'Change password' }).click();
  };
  await change('not my password', PASSWORD + '!');
  await page.getByRole('alert').waitFor();
  for (const [from, to] of [[PASSWORD, PASSWORD + '!'], [PASSWORD + '!', PASSWORD]]) {
    await change(from, to);
    await page.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
    const login = await api('POST', '/api/auth/login', { body: { username: USER.username, password: to } });
    assert.equal(login.status, 200, `sign-in with the new password ${to}`);
    assert.equal(await page.getByLabel('Current password').inputValue(), '', 'form cleared');
    await page.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
  }
});

test('conflicts from two devices resolved with each strategy, downloaded by a third', async () => {
  const token = await login(USER.username, 'API devices');
  const names = ['mine', 'theirs', 'both', 'merged'];
  const conflictIds = {};
  for (const n of names) {
    const id = 'q-' + n;
    await upload(token, 'dev-a', [{ id: `a-${n}-1`, item_type: 'saved_query', item_id: id,
      action: 'create', sync_version: 0, data: { name: `Query ${n}`, query: 'SELECT 1' } }]);
    await upload(token, 'dev-b', [{ id: `b-${n}-1`, item_type: 'saved_query', item_id: id,
      action: 'update', sync_version: 1, data: { name: `Query ${n}`, query: 'SELECT 2 -- theirs' } }]);
  }
  // The third device has everything so far.
  let third = await api('GET', '/api/sync/download?device_id=dev-c', { token });
  assert.equal(third.status, 200);
  let cursor = third.body.cursor;

  await go('/conflicts');
  await page.getByText('No open conflicts').waitFor();
  // Conflicts made while the page is open reach its counts through live sync, no reload.
  for (const n of names) {
    const answer = await upload(token, 'dev-a', [{ id: `a-${n}-2`, item_type: 'saved_query',
      item_id: 'q-' + n, action: 'update', sync_version: 1,
      data: { name: `Query ${n}`, query: 'SELECT 3 -- mine', folder: 'a' } }]);
    assert.equal(answer.results[0].status, 'conflict');
    conflictIds[n] = answer.results[0].conflict_id;
  }
  await page.getByTestId('nav-conflicts').filter({ hasText: /^4$/ }).waitFor();
  await page.getByTestId('conflict-count').filter({ hasText: /^4$/ }).waitFor();
  await page.getByTestId('conflict-kinds').filter({ hasText: '4 saved queries' }).waitFor();

  await page.locator(`[data-conflict="${conflictIds.mine}"]`).click();
  const detail = page.getByTestId('conflict-detail');
  await detail.waitFor();
  // The field-level diff: query and folder differ, name does not.
  assert.match(await detail.locator('tr[data-field="query"]').getAttribute('class'), /changed/);
  assert.match(await detail.locator('tr[data-field="folder"]').getAttribute('class'), /changed/);
  assert.doesNotMatch(await detail.locator('tr[data-field="name"]').getAttribute('class'), /changed/);
  await detail.locator('tr[data-field="query"]').getByText('SELECT 3 -- mine').waitFor();
  await detail.locator('tr[data-field="query"]').getByText('SELECT 2 -- theirs').waitFor();
  await checkPage('conflicts');
  await detail.getByRole('button', { name: 'Keep mine' }).click();
  await page.getByRole('status').filter({ hasText: 'Kept your version' }).waitFor();
  await page.getByTestId('conflict-count').filter({ hasText: /^3$/ }).waitFor();

  // With the keyboard only: Enter on the conflict moves focus to its detail, Tab reaches
  // the resolutions.
  await page.locator(`[data-conflict="${conflictIds.theirs}"]`).focus();
  await page.keyboard.press('Enter');
  await detail.getByRole('heading', { name: 'Query theirs' }).waitFor();
  // The detail takes focus in an effect after it renders: wait for it (a loaded machine
  // may run the check between the two).
  await page.waitForFunction(() => document.activeElement?.id === 'conflict-title', null, {
    timeout: 10000,
  });
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement.textContent)) === 'Keep theirs') break;
  }
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Keep theirs');
  await page.keyboard.press('Enter');
  await page.getByTestId('conflict-count').filter({ hasText: /^2$/ }).waitFor();

  await page.locator(`[data-conflict="${conflictIds.both}"]`).click();
  await detail.getByRole('button', { name: 'Keep both' }).click();
  await page.getByTestId('conflict-count').filter({ hasText: /^1$/ }).waitFor();

  await page.locator(`[data-conflict="${conflictIds.merged}"]`).click();
  await detail.getByRole('button', { name: 'Edit merged…' }).click();
  const editor = page.getByLabel('Merged version (JSON)');
  await editor.fill('{"name": "Query merged", "query": "SELECT 23 -- merged"');
  await page.getByRole('button', { name: 'Save merged version' }).click();
  await page.getByRole('alert').filter({ hasText: 'not valid JSON' }).waitFor();
  await editor.fill('{"name": "Query merged", "query": "SELECT 23 -- merged", "folder": "m"}');
  await page.getByRole('button', { name: 'Save merged version' }).click();
  await page.getByText('No open conflicts').waitFor();
  await page.getByTestId('nav-conflicts').filter({ hasText: /^0$/ }).waitFor();
  assert.equal((await api('GET', '/api/sync/conflicts', { token })).body.count, 0);

  // The third device downloads the resolutions as ordinary changes.
  const seen = {};
  for (;;) {
    third = await api('GET', '/api/sync/download?device_id=dev-c&cursor=' + encodeURIComponent(cursor), { token });
    assert.equal(third.status, 200);
    third.body.saved_queries.forEach((q) => (seen[q.id] = q));
    cursor = third.body.cursor;
    if (!third.body.has_more) break;
  }
  assert.equal(seen['q-mine'].query, 'SELECT 3 -- mine');
  assert.equal(seen['q-theirs'].query, 'SELECT 2 -- theirs');
  assert.equal(seen['q-both'].query, 'SELECT 2 -- theirs');
  const copy = Object.values(seen).find((q) => q.name === 'Query both (conflict copy)');
  assert.ok(copy, 'keep both stores a copy: ' + JSON.stringify(Object.keys(seen)));
  assert.equal(copy.query, 'SELECT 3 -- mine');
  assert.equal(seen['q-merged'].query, 'SELECT 23 -- merged');
  assert.equal(seen['q-merged'].folder, 'm');
});

test('synced items: search, filter by type, detail with version and device', async () => {
  const token = await login(USER.username, 'API items');
  await upload(token, 'laptop-7', [
    { id: 'c-1', item_type: 'connection', item_id: 'conn-items', action: 'create', sync_version: 0,
      data: { name: 'Warehouse', type: 'postgres', host: 'db.internal', port: 5432,
        database: 'dw', username: 'analyst', password: 'hunter2-secret' } },
    { id: 'h-1', item_type: 'query_history', item_id: 'hist-1', action: 'create', sync_version: 0,
      data: { query: 'SELECT count(*) FROM orders', executed_at: new Date().toISOString(),
        duration_ms: 12, success: true } },
  ]);
  await go('/items');
  await page.getByRole('status').filter({ hasText: /items$/ }).waitFor();
  await checkPage('items');
  await page.getByLabel('Type').selectOption('connection');
  const list = page.getByRole('list', { name: 'Items' });
  assert.equal(await list.getByRole('listitem').count(), 1);
  await list.getByRole('button', { name: /Warehouse/ }).click();
  const detail = page.getByTestId('item-detail');
  assert.equal(await detail.getByTestId('item-version').textContent(), '1');
  assert.equal(await detail.getByTestId('item-device').textContent(), 'laptop-7');
  assert.equal(await detail.getByText('hunter2-secret').count(), 0, 'no secret shown');
  assert.ok(!(await page.content()).includes('hunter2-secret'));
  await checkPage('item-detail');
  await page.getByLabel('Type').selectOption('');
  await page.getByLabel('Search').fill('merged');
  assert.equal(await list.getByRole('listitem').count(), 1);
  await list.getByRole('button', { name: /Query merged/ }).click();
  assert.equal(await detail.getByTestId('item-version').textContent(), '3');
  await page.getByLabel('Search').fill('orders');
  await page.getByLabel('Type').selectOption('query_history');
  assert.equal(await list.getByRole('listitem').count(), 1);
});

test('devices with their sync state', async () => {
  await go('/account');
  // The console itself downloaded everything on the items page; dev-c downloaded before
  // laptop-7 uploaded its two items; dev-a never downloaded.
  await page.locator('tr[data-device="web-console"]').getByText('up to date').waitFor();
  await page.locator('tr[data-device="dev-c"]').getByText('2 changes').waitFor();
  await page.locator('tr[data-device="dev-a"]').getByText(/\d+ changes/).waitFor();
  await page.locator('tr[data-device="laptop-7"] td').nth(3).filter({ hasText: /^2$/ }).waitFor();
});

test('SQL workspace: open with the password, schema, run, selection, errors, cancel, 100,000 rows', async () => {
  const token = await login(USER.username, 'API workspace');
  await upload(token, 'laptop-7', [{ id: 'c-pg', item_type: 'connection', item_id: 'conn-pg',
    action: 'create', sync_version: 0, data: { name: 'Test PostgreSQL', type: 'postgres',
      host: PG.host, port: PG.port, database: PG.database, username: PG.user } }]);
  await go('/sql');
  await page.getByLabel('Connection', { exact: true }).selectOption('conn-pg');
  await checkPage('sql-open');
  // A wrong password is refused with the server's message.
  await page.getByLabel('Database password').fill('not the password');
  await page.getByRole('button', { name: 'Open' }).click();
  await page.getByRole('alert').filter({ hasText: 'refused the user name or password' }).waitFor();
  await page.getByLabel('Database password').fill(PG.password);
  await page.getByRole('button', { name: 'Open' }).click();
  const tree = page.getByTestId('schema-tree');
  await tree.waitFor();
  assert.equal(await page.getByLabel('Database password').inputValue(), '', 'password cleared');
  // The browser keeps the database password nowhere.
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
  assert.ok(!stored.includes(PG.password), 'password in web storage');
  assert.deepEqual((await context.cookies()).filter((c) => c.value.includes(PG.password)), []);
  await tree.locator('[data-relation="public.items"] > summary').click();
  await tree.locator('[data-relation="public.items"]').getByText('price').waitFor();

  const editor = page.locator('.cm-content');
  const setSql = async (text) => {
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
  };
  const status = page.getByTestId('query-status');
  await setSql('SELECT id, name, price FROM items ORDER BY id');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await status.filter({ hasText: /^250 rows/ }).waitFor();
  await page.getByRole('columnheader', { name: 'price' }).waitFor();
  await page.getByRole('gridcell', { name: 'item 1', exact: true }).waitFor();
  await checkPage('sql-results');

  // Run selection: only the selected second statement runs.
  await setSql('SELECT 1 AS first_col;\nSELECT 2 AS second_col;');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Shift+Home');
  await page.getByRole('button', { name: 'Run selection' }).click();
  await status.filter({ hasText: /^1 rows/ }).waitFor();
  await page.getByRole('columnheader', { name: 'second_col' }).waitFor();
  assert.equal(await page.getByRole('columnheader', { name: 'first_col' }).count(), 0);

  // Keyboard: Ctrl+Enter runs everything.
  await setSql('SELECT 42 AS answer');
  await page.keyboard.press('Control+Enter');
  await page.getByRole('gridcell', { name: '42', exact: true }).waitFor();

  // Explain shows the plan, nothing is run.
  await setSql('SELECT name FROM items WHERE id = 7');
  await page.getByRole('button', { name: 'Explain' }).click();
  await page.getByTestId('plan').getByText('Node Type').waitFor();
  await status.filter({ hasText: 'Plan (not run)' }).waitFor();

  // An error shows its position and puts the cursor there.
  await setSql('SELECT * FROM no_such_table');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const error = page.getByTestId('query-error');
  await error.filter({ hasText: /position 15/ }).waitFor();
  await page.keyboard.type('X'); // the editor has focus, its cursor at the error
  await editor.getByText('SELECT * FROM Xno_such_table').waitFor();
  await checkPage('sql-error');

  // Cancel a long query.
  await setSql('SELECT pg_sleep(60)');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await status.filter({ hasText: 'Running' }).waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await error.filter({ hasText: 'CANCELLED' }).waitFor({ timeout: 15000 });

  // 100,000 streamed rows, scrolled to the end through the virtual grid.
  await setSql("SELECT g AS n, 'row ' || g AS label, g * 1.5 AS x FROM generate_series(1, 100000) g");
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await status.filter({ hasText: /^100000 rows/ }).waitFor({ timeout: 60000 });
  const grid = page.getByTestId('grid-scroll');
  const domRows = () => page.locator('.grid-body [role="row"]').count();
  assert.ok((await domRows()) < 120, 'only the rows in view are in the DOM');
  const frames = await grid.evaluate(async (el) => {
    // Scroll in 60 steps from top to bottom, one per frame; answer the frame times.
    const gaps = [];
    let last = performance.now();
    for (let i = 1; i <= 60; i++) {
      el.scrollTop = (el.scrollHeight * i) / 60;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }
    return gaps;
  });
  await page.getByRole('rowheader', { name: '100000', exact: true }).waitFor();
  await page.getByRole('gridcell', { name: 'row 100000', exact: true }).waitFor();
  assert.ok((await domRows()) < 120, 'still only the rows in view');
  frames.sort((a, b) => a - b);
  console.log(`FIGURE 100,000-row grid scroll: median ${frames[30].toFixed(1)} ms per 2 frames, ` +
    `worst ${frames[59].toFixed(1)} ms (60 steps top to bottom)`);
  // Keyboard: the grid takes focus and scrolls with Home.
  await grid.focus();
  await page.keyboard.press('Home');
  await page.getByRole('rowheader', { name: '1', exact: true }).waitFor();
  await checkPage('sql-100k');

  // The session's history lists what ran, newest first.
  const history = page.getByRole('list').filter({ has: page.getByText('generate_series') });
  await history.waitFor();
  assert.ok((await history.getByRole('listitem').count()) >= 6);
});

test('organizations: create, invite, accept, members, shared query', async () => {
  // A second, verified account (through the API and its emailed link).
  const MEMBER = { username: 'member_' + stamp, email: `member.${stamp}@example.test` };
  const signup = await api('POST', '/api/auth/signup', { body: { ...MEMBER, password: PASSWORD } });
  assert.equal(signup.status, 201, JSON.stringify(signup.body));
  const memberId = signup.body.user.id;
  const mail = await waitForMail(MEMBER.email, 'Verify your email');
  const token = /verify-email\?token=([^\s"<>&]+)/.exec(mail.text)[1];
  const verified = await api('POST', '/api/auth/verify-email', { body: { token } });
  assert.equal(verified.status, 200, JSON.stringify(verified.body));

  // The owner creates the organization and invites the member by email.
  const ORG = 'Team ' + stamp;
  await go('/organizations');
  await page.getByRole('heading', { name: 'Organizations', exact: true }).waitFor();
  await page.getByText('You belong to no organization yet.').waitFor();
  await page.getByLabel('Name', { exact: true }).fill(ORG);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.waitForURL('**/app/organizations?id=*');
  const orgId = new URL(page.url()).searchParams.get('id');
  await page.getByRole('heading', { name: ORG, level: 1 }).waitFor();
  await page.getByTestId('org-role').filter({ hasText: /^owner$/ }).waitFor();
  await page.getByLabel('Email to invite').fill(MEMBER.email.toUpperCase());
  await page.getByLabel('Role', { exact: true }).selectOption('member');
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Invited ${MEMBER.email} as member` }).waitFor();
  await page.getByRole('row', { name: new RegExp(MEMBER.email) }).waitFor();
  // An open invitation to the same email is refused (409), with the server's message.
  await page.getByLabel('Email to invite').fill(MEMBER.email);
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: /invitation/i }).waitFor();

  // The member signs in (a tab of their own), sees the invitation and accepts it.
  const other = await context.newPage();
  other.on('pageerror', (error) => pageErrors.push(error.message));
  await other.goto(BASE + '/app/signin');
  await other.getByLabel('Username or email').fill(MEMBER.username);
  await other.getByLabel('Password').fill(PASSWORD);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await other.waitForURL('**/app/conflicts');
  await other.getByRole('link', { name: 'Organizations' }).click();
  const invitation = other.locator('li[data-invitation]', { hasText: ORG });
  await invitation.getByText(USER.username).waitFor();
  await checkPage('organizations-invited', other);
  await other.getByRole('button', { name: `Accept the invitation to ${ORG}` }).click();
  await other.getByRole('status').filter({ hasText: `You joined ${ORG}.` }).waitFor();
  const row = other.locator(`tr[data-org="${orgId}"]`);
  await row.getByRole('cell', { name: 'member', exact: true }).waitFor();
  await row.getByText('2 of 10').waitFor();

  // The owner sees the new member (and no open invitation), and changes their role.
  await page.reload();
  const member = page.locator(`tr[data-member="${memberId}"]`);
  await member.getByText(MEMBER.email).waitFor();
  await member.getByTestId('member-role').filter({ hasText: /^member$/ }).waitFor();
  await page.getByText('No open invitation.').waitFor();
  await page.getByLabel(`New role for ${MEMBER.username}`).selectOption('admin');
  await page.getByRole('button', { name: `Change role of ${MEMBER.username}` }).click();
  await page.getByRole('status').filter({ hasText: `${MEMBER.username} is now admin.` }).waitFor();
  await member.getByTestId('member-role').filter({ hasText: /^admin$/ }).waitFor();

  // A query shared through the API shows on the organization's page for the member, who
  // as an admin also sees the invitations; the owner's row offers them no action.
  const shared = await api('POST', '/api/queries', {
    token: await sessionToken(),
    body: { title: 'Weekly revenue', sql_content: 'SELECT sum(total) FROM orders', database_type: 'postgres',
      organization_id: orgId },
  });
  assert.equal(shared.status, 201, JSON.stringify(shared.body));
  await row.getByRole('link', { name: ORG }).click();
  await other.getByRole('heading', { name: ORG, level: 1 }).waitFor();
  const queries = other.getByTestId('shared-queries');
  await queries.getByText('Weekly revenue').waitFor();
  await queries.getByText('SELECT sum(total) FROM orders').waitFor();
  await other.getByRole('heading', { name: 'Invitations', exact: true }).waitFor();
  const ownerRow = other.locator('tr[data-member]', { hasText: USER.email });
  await ownerRow.getByTestId('member-role').filter({ hasText: /^owner$/ }).waitFor();
  assert.equal(await ownerRow.getByRole('button').count(), 0, 'no action on the owner');
  await page.reload();
  await page.getByTestId('shared-queries').getByText('Weekly revenue').waitFor();
  await checkPage('organization');

  // The member leaves; the owner's page no longer lists them.
  await other.getByRole('button', { name: `Leave ${ORG}` }).click();
  await other.waitForURL('**/app/organizations');
  await other.getByText('You belong to no organization yet.').waitFor();
  await other.close();
  await page.reload();
  await page.locator('tr[data-member]', { hasText: USER.email }).waitFor(); // the list came
  assert.equal(await page.locator(`tr[data-member="${memberId}"]`).count(), 0);
  await go('/organizations');
  await page.locator(`tr[data-org="${orgId}"]`).getByText('1 of 10').waitFor();
  await checkPage('organizations');
});

test('an expired access token is refreshed without signing out', async () => {
  // The server runs with JWT_EXPIRATION=40s; wait until the sign-in's token has expired.
  const left = signedInAt + 42000 - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  await go('/account');
  await page.getByTestId('profile-username').filter({ hasText: USER.username }).waitFor();
  assert.notEqual(await sessionToken(), tokenAtSignIn);
  assert.equal((await api('GET', '/api/auth/me', { token: tokenAtSignIn })).status, 401);
});

test('nothing broke the CSP or threw; the shipped JS and CSS', async () => {
  assert.deepEqual(violations, [], 'Content-Security-Policy violations');
  assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  // Every JS and CSS file the console can load: those index.html names and those the
  // entry script imports later (the workspace chunk), each as a browser gets it (gzip).
  const html = await (await fetch(BASE + '/app/')).text();
  const files = new Set([...html.matchAll(/"(\/app\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]));
  for (const file of [...files]) {
    if (!file.endsWith('.js')) continue;
    const code = await (await fetch(BASE + file)).text();
    for (const m of code.matchAll(/["'](?:\.\/|\/app\/assets\/|assets\/)([A-Za-z0-9_.-]+\.(?:js|css))["']/g)) {
      files.add('/app/assets/' + m[1]);
    }
  }
  for (const file of loaded) assert.ok(files.has(file), `${file} loaded but not found from index.html`);
  assert.ok([...files].some((f) => f.includes('workspace_page')), 'the workspace chunk');
  let total = 0;
  for (const file of files) {
    const r = await fetch(BASE + file, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(r.status, 200, file);
    assert.equal(r.headers.get('content-encoding'), 'gzip', file);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable', file);
    total += Number(r.headers.get('content-length'));
    await r.arrayBuffer();
  }
  console.log(`FIGURE JS + CSS shipped (gzip as served, every chunk): ${(total / 1024).toFixed(1)} KiB ` +
    `in ${files.size} files`);
  assert.ok(total <= 150 * 1024, `JS + CSS over 150 KiB gzipped: ${total}`);
});
