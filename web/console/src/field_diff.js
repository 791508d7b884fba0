// The field-level diff of a conflict's two sides (docs/API.md "Conflicts"): every data
// field of either side but the server's own, sorted, each marked when the sides differ.

export const SERVER_FIELDS = new Set(['id', 'sync_version', 'updated_at', 'device_id']);

// Equality of JSON values, object keys in any order.
export function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}

export function fieldDiff(local, remote) {
  const a = (local && local.data) || {};
  const b = (remote && remote.data) || {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => !SERVER_FIELDS.has(k))
    .sort();
  return keys.map((key) => ({
    key,
    mine: a[key],
    theirs: b[key],
    changed: !sameJson(a[key], b[key]),
  }));
}

// A starting point for "edit merged": their data with my fields over it, minus server fields.
export function mergedDraft(local, remote) {
  const out = {};
  const both = { ...((remote && remote.data) || {}), ...((local && local.data) || {}) };
  Object.keys(both).forEach((k) => {
    if (!SERVER_FIELDS.has(k)) out[k] = both[k];
  });
  return out;
}
