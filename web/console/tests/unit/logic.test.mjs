// Unit tests of the console's pure logic (no browser): the conflict diff, the NDJSON
// result stream, engine error positions, folding download pages,
// what an organization role may do. Run by ctest
// (console_unit_test): node --test web/console/tests/unit/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldDiff, mergedDraft, sameJson } from '../../src/field_diff.js';
import { canLeave, canManageInvitations, canRemove, inviteRoles, roleChoices } from '../../src/org_roles.js';
import { isSecretKey, itemTitle, oneLine } from '../../src/format.js';
import { errorPosition, LineSplitter, ResultStream } from '../../src/query_stream.js';
import { applyDownloadPage, newestFirst } from '../../src/synced_items.js';

test('fieldDiff marks differing fields, leaves server fields out, sorts', () => {
  const local = { data: { id: 'q', name: 'A', query: 'SELECT 1', tags: ['x', 'y'], sync_version: 3 } };
  const remote = { data: { id: 'q', name: 'A', query: 'SELECT 2', folder: 'f', tags: ['x', 'y'] } };
  assert.deepEqual(fieldDiff(local, remote), [
    { key: 'folder', mine: undefined, theirs: 'f', changed: true },
    { key: 'name', mine: 'A', theirs: 'A', changed: false },
    { key: 'query', mine: 'SELECT 1', theirs: 'SELECT 2', changed: true },
    { key: 'tags', mine: ['x', 'y'], theirs: ['x', 'y'], changed: false },
  ]);
});

test('fieldDiff of a deleted side (data null) shows every field as changed', () => {
  const rows = fieldDiff({ deleted: true, data: null }, { data: { name: 'A' } });
  assert.deepEqual(rows, [{ key: 'name', mine: undefined, theirs: 'A', changed: true }]);
  assert.deepEqual(fieldDiff(null, null), []);
});

test('sameJson ignores key order and tells arrays from objects', () => {
  assert.ok(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }));
  assert.ok(!sameJson({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!sameJson([1], { 0: 1 }));
  assert.ok(!sameJson(null, {}));
  assert.ok(!sameJson('1', 1));
});

test('mergedDraft: their data, my fields over it, no server fields', () => {
  assert.deepEqual(
    mergedDraft({ data: { id: 'q', query: 'mine', sync_version: 2 } },
      { data: { id: 'q', query: 'theirs', folder: 'f', device_id: 'b' } }),
    { query: 'mine', folder: 'f' },
  );
});

test('LineSplitter joins lines and UTF-8 split across chunks', () => {
  const bytes = new TextEncoder().encode('{"rows":[["é"]]}\n{"summary":{}}');
  const split = new LineSplitter();
  const lines = [...split.push(bytes.slice(0, 11)), ...split.push(bytes.slice(11, 20)),
    ...split.push(bytes.slice(20)), ...split.finish()];
  assert.deepEqual(lines, ['{"rows":[["é"]]}', '{"summary":{}}']);
  assert.deepEqual(new LineSplitter().finish(), []);
});

test('ResultStream: columns, batches, then the summary; a cut stream is an error', () => {
  const seen = [];
  const stream = new ResultStream({
    onColumns: (c) => seen.push(['columns', c.length]),
    onRows: (r) => seen.push(['rows', r.length]),
  });
  ['{"columns":[{"name":"a","type":"int4"}]}', '{"rows":[[1],[2]]}', '', '{"rows":[[3]]}']
    .forEach((l) => stream.handle(l));
  assert.equal(stream.end().error.code, 'UNAVAILABLE', 'no summary yet: cut');
  stream.handle('{"summary":{"rows":3}}');
  assert.deepEqual(seen, [['columns', 1], ['rows', 2], ['rows', 1]]);
  assert.deepEqual(stream.end(), { summary: { rows: 3 } });
  const failed = new ResultStream({ onColumns() {}, onRows() {} });
  failed.handle('{"error":{"code":"CANCELLED","status":499,"message":"query cancelled"}}');
  assert.equal(failed.end().error.code, 'CANCELLED');
  assert.throws(() => failed.handle('{"rows": ['), SyntaxError);
});

test('errorPosition reads the engine position, else null', () => {
  assert.equal(errorPosition('relation "x" does not exist (42P01, position 15)'), 15);
  assert.equal(errorPosition('syntax error (position 1)'), 1);
  assert.equal(errorPosition('query cancelled'), null);
  assert.equal(errorPosition(undefined), null);
});

test('applyDownloadPage keeps the newest version and applies deletions in order', () => {
  const items = new Map();
  applyDownloadPage(items, {
    connections: [{ id: 'c1', sync_version: 1, updated_at: '2026-01-01T00:00:00.000Z' }],
    saved_queries: [
      { id: 'q1', sync_version: 1, updated_at: '2026-01-02T00:00:00.000Z' },
      { id: 'q2', sync_version: 4, updated_at: '2026-01-03T00:00:00.000Z' },
    ],
    deleted: [{ item_type: 'saved_query', item_id: 'q1', sync_version: 2 }],
  });
  assert.deepEqual([...items.keys()].sort(), ['connection\u0000c1', 'saved_query\u0000q2']);
  // q2 deleted at version 3 and made again at 4 stays; an older copy never wins.
  applyDownloadPage(items, {
    saved_queries: [{ id: 'q2', sync_version: 2 }],
    deleted: [{ item_type: 'saved_query', item_id: 'q2', sync_version: 3 }],
  });
  assert.equal(items.get('saved_query\u0000q2').data.sync_version, 4);
  assert.deepEqual(newestFirst(items).map((i) => i.data.id), ['q2', 'c1']);
});

test('format helpers', () => {
  assert.equal(itemTitle('query_history', { query: 'SELECT\n  1' }, 'h1'), 'SELECT 1');
  assert.equal(itemTitle('connection', { name: 'Prod' }, 'c1'), 'Prod');
  assert.equal(itemTitle('saved_query', null, 'q9'), 'q9');
  assert.equal(oneLine('x'.repeat(200), 10).length, 10);
  for (const key of ['password', 'db_password', 'api-token', 'Secret', 'ssh.passphrase']) {
    assert.ok(isSecretKey(key), key);
  }
  for (const key of ['name', 'host', 'username', 'password_hint_shown_at']) {
    assert.ok(!isSecretKey(key), key);
  }
});

test('organization roles follow the permission table of docs/API.md', () => {
  assert.deepEqual(inviteRoles('owner'), ['member', 'admin']);
  assert.deepEqual(inviteRoles('admin'), ['member']);
  assert.deepEqual(inviteRoles('member'), []);
  assert.ok(canManageInvitations('owner') && canManageInvitations('admin'));
  assert.ok(!canManageInvitations('member') && !canManageInvitations(undefined));
  // The owner's role is fixed; only the owner offers a transfer; members change nothing.
  assert.deepEqual(roleChoices('owner', 'owner'), []);
  assert.deepEqual(roleChoices('owner', 'member'), ['admin', 'owner']);
  assert.deepEqual(roleChoices('owner', 'admin'), ['member', 'owner']);
  assert.deepEqual(roleChoices('admin', 'member'), ['admin']);
  assert.deepEqual(roleChoices('admin', 'admin'), ['member']);
  assert.deepEqual(roleChoices('admin', 'owner'), []);
  assert.deepEqual(roleChoices('member', 'member'), []);
  // Removal: owners remove admins and members, admins members only, nobody the owner or
  // themselves (they leave).
  assert.ok(canRemove('owner', 'admin', false) && canRemove('owner', 'member', false));
  assert.ok(!canRemove('owner', 'owner', false) && !canRemove('owner', 'member', true));
  assert.ok(canRemove('admin', 'member', false) && !canRemove('admin', 'admin', false));
  assert.ok(!canRemove('member', 'member', false));
  assert.ok(!canLeave('owner') && canLeave('admin') && canLeave('member'));
});
