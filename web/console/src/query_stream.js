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
  const lines = new LineSplitter();
  const stream = new ResultStream({ onColumns, onRows });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    lines.push(value).forEach((line) => stream.handle(line));
  }
  lines.finish().forEach((line) => stream.handle(line));
  return stream.end();
}

// Splits a byte stream into its text lines (UTF-8 sequences may straddle chunks).
export class LineSplitter {
  constructor() {
    this.decoder = new TextDecoder();
    this.buffer = '';
  }
  push(bytes) {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    const parts = this.buffer.split('\n');
    this.buffer = parts.pop();
    return parts;
  }
  finish() {
    const rest = (this.buffer + this.decoder.decode()).trim();
    this.buffer = '';
    return rest ? [rest] : [];
  }
}

// The messages of one query's stream: columns, row batches, then one summary or error.
// A stream cut before its last line ends as an error (the server cuts a failing stream
// without its last chunk).
export class ResultStream {
  constructor({ onColumns, onRows }) {
    this.onColumns = onColumns;
    this.onRows = onRows;
    this.last = null;
  }
  handle(line) {
    if (!line.trim()) return;
    const message = JSON.parse(line);
    if (message.columns) this.onColumns(message.columns);
    else if (message.rows) this.onRows(message.rows);
    else if (message.summary) this.last = { summary: message.summary };
    else if (message.error) this.last = { error: message.error };
  }
  end() {
    return this.last || { error: { code: 'UNAVAILABLE', message: 'the result ended early' } };
  }
}

// The 1-based character position an engine error names ("... (42601, position 8)").
export function errorPosition(message) {
  const match = /position (\d+)/.exec(message || '');
  return match ? Number(match[1]) : null;
}
