// Runs a query over POST /api/dbmanager/sessions/{id}/query and reads its NDJSON stream
// (docs/API.md "Database manager"): columns, row batches, then a summary or an error.
// Calls onColumns(columns), onRows(batch) as lines arrive; answers {summary} or {error}.
import { authed, ApiError } from './api.js';

export async function runQuery(sessionId, sqlText, { onColumns, onRows, signal }) {
  const response = await authed(
    'POST',
    '/api/dbmanager/sessions/' + encodeURIComponent(sessionId) + '/query',
    { sql: sqlText },
    signal,
  );
  if (!response.ok) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    throw new ApiError(response.status, body);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let end = null;
  const handle = (line) => {
    if (!line) return;
    const message = JSON.parse(line);
    if (message.columns) onColumns(message.columns);
    else if (message.rows) onRows(message.rows);
    else if (message.summary) end = { summary: message.summary };
    else if (message.error) end = { error: message.error };
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      handle(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
  }
  handle(buffer.trim());
  return end || { error: { code: 'UNAVAILABLE', message: 'the result ended early' } };
}

// The 1-based character position an engine error names ("... (42601, position 8)").
export function errorPosition(message) {
  const match = /position (\d+)/.exec(message || '');
  return match ? Number(match[1]) : null;
}
