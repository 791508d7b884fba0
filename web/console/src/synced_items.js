// The user's synced items, read with GET /api/sync/download as the device "web-console":
// a full download (no cursor), followed page by page until has_more is false, and reduced
// to the newest version of each item that is not deleted.
import { call } from './api.js';

export const CONSOLE_DEVICE = 'web-console';

export async function downloadAll() {
  const items = new Map();
  let cursor = '';
  for (let page = 0; page < 1000; page++) {
    const query = new URLSearchParams({ device_id: CONSOLE_DEVICE, limit: '1000' });
    if (cursor) query.set('cursor', cursor);
    const answer = await call('GET', '/api/sync/download?' + query);
    const add = (type, list) =>
      (list || []).forEach((data) => items.set(type + '\u0000' + data.id, { type, data }));
    add('connection', answer.connections);
    add('saved_query', answer.saved_queries);
    add('query_history', answer.query_history);
    (answer.deleted || []).forEach((d) => items.delete(d.item_type + '\u0000' + d.item_id));
    cursor = answer.cursor;
    if (!answer.has_more) break;
  }
  return [...items.values()].sort((a, b) =>
    String(b.data.updated_at).localeCompare(String(a.data.updated_at)),
  );
}
