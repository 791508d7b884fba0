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
    applyDownloadPage(items, answer);
    cursor = answer.cursor;
    if (!answer.has_more) break;
  }
  return newestFirst(items);
}

// Folds one download answer (changes oldest first) into `items` (key -> {type, data}):
// the higher version wins, a deletion removes the item unless a later version of it came
// (an item deleted and made again).
export function applyDownloadPage(items, answer) {
  const version = (key) => (items.has(key) ? items.get(key).data.sync_version || 0 : -1);
  const add = (type, list) =>
    (list || []).forEach((data) => {
      const key = type + '\u0000' + data.id;
      if ((data.sync_version || 0) >= version(key)) items.set(key, { type, data });
    });
  add('connection', answer.connections);
  add('saved_query', answer.saved_queries);
  add('query_history', answer.query_history);
  (answer.deleted || []).forEach((d) => {
    const key = d.item_type + '\u0000' + d.item_id;
    if (version(key) <= d.sync_version) items.delete(key);
  });
}

export function newestFirst(items) {
  return [...items.values()].sort((a, b) =>
    String(b.data.updated_at).localeCompare(String(a.data.updated_at)),
  );
}
