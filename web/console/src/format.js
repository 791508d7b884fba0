// Display helpers shared by the pages.

export function when(value) {
  if (!value) return 'never';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export const TYPE_LABELS = {
  connection: 'Connection',
  saved_query: 'Saved query',
  query_history: 'History',
  report: 'Report',
};

// The name a person knows an item by.
export function itemTitle(type, data, id) {
  if (!data) return id;
  if (type === 'query_history') return oneLine(data.query) || id;
  return data.name || oneLine(data.query) || id;
}

export function oneLine(text, max = 120) {
  if (typeof text !== 'string') return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

export function show(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// Keys the console never shows, whatever the server returned (the server already strips
// secrets from connection items; this is a second guard).
const SECRET = /(password|passwd|pwd|secret|token|apikey|privatekey|passphrase)$/i;
export function isSecretKey(key) {
  return SECRET.test(key.replace(/[ _.-]/g, ''));
}
