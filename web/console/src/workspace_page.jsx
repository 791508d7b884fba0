// The SQL workspace over /api/dbmanager: open a synced connection (the password is asked
// for, sent once, and kept by neither the page nor the browser), browse its schema, run
// all or the selection, cancel, a virtually scrolled grid for the streamed result, engine
// errors with their position, and the queries of this visit.
import { EditorSelection } from '@codemirror/state';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from './api.js';
import { when } from './format.js';
import { Notice } from './forms.jsx';
import { errorPosition } from './query_stream.js';
import { ResultsGrid } from './results_grid.jsx';
import { SqlEditor } from './sql_editor.jsx';
import { downloadAll } from './synced_items.js';
import { useQueryRun } from './use_query_run.js';

export function WorkspacePage() {
  const [connections, setConnections] = useState(null);
  const [sessions, setSessions] = useState([]);
  const [active, setActive] = useState(null);
  const [notice, setNotice] = useState(null);
  const loadSessions = () =>
    call('GET', '/api/dbmanager/sessions').then((a) => {
      setSessions(a.sessions);
      return a.sessions;
    });
  useEffect(() => {
    downloadAll()
      .then((items) => setConnections(items.filter((i) => i.type === 'connection').map((i) => i.data)))
      .catch((e) => setNotice({ error: true, text: e.message }));
    loadSessions().catch((e) => setNotice({ error: true, text: e.message }));
  }, []);
  const close = async (session) => {
    try {
      await call('DELETE', '/api/dbmanager/sessions/' + encodeURIComponent(session.id));
      if (active && active.id === session.id) setActive(null);
      loadSessions();
    } catch (e) {
      setNotice({ error: true, text: e.message });
    }
  };
  return (
    <div class="workspace">
      <h1 class="sr-only">SQL workspace</h1>
      <aside class="ws-side" aria-label="Connections and schema">
        <OpenForm connections={connections}
          onOpened={(session) => {
            setActive(session);
            loadSessions();
          }} />
        {sessions.length > 0 && (
          <section aria-labelledby="open-sessions-title">
            <h2 id="open-sessions-title">Open sessions</h2>
            <ul class="plain">
              {sessions.map((s) => (
                <li key={s.id} class="session-row">
                  <button type="button" class={'link' + (active && active.id === s.id ? ' active' : '')}
                    aria-pressed={Boolean(active && active.id === s.id)} onClick={() => setActive(s)}>
                    {s.username}@{s.host}:{s.port}/{s.database}
                  </button>
                  <button type="button" class="small" onClick={() => close(s)}
                    aria-label={`Close session ${s.database} on ${s.host}`}>Close</button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {active && <SchemaTree key={active.id} session={active} />}
        <Notice notice={notice} />
      </aside>
      <div class="ws-main">
        {active ? (
          <QueryPane key={active.id} session={active} />
        ) : (
          <p class="empty">Open a connection to run queries.</p>
        )}
      </div>
    </div>
  );
}

function OpenForm({ connections, onOpened }) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    setNotice(null);
    try {
      const answer = await call('POST', '/api/dbmanager/sessions', {
        connection_id: data.get('connection_id'),
        password: data.get('db_password'),
        read_only: data.get('read_only') === 'on',
      });
      form.elements.db_password.value = '';
      onOpened(answer.session);
    } catch (e) {
      setNotice({ error: true, text: e.message });
    } finally {
      setBusy(false);
    }
  };
  if (!connections) return <p role="status">Loading connections…</p>;
  if (connections.length === 0)
    return <p class="empty">No synced connection yet: add one in the desktop app.</p>;
  return (
    <form class="stack" onSubmit={submit} aria-labelledby="open-title" autocomplete="off">
      <h2 id="open-title">Open a connection</h2>
      <div class="field">
        <label for="connection_id">Connection</label>
        <select id="connection_id" name="connection_id" required>
          {connections.map((c) => (
            <option value={c.id} key={c.id}>
              {c.name || c.id} ({c.type} {c.host}
              {c.port ? ':' + c.port : ''}/{c.database})
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="db_password">Database password</label>
        {/* autocomplete=off and no name the browser keeps: the password is sent once. */}
        <input id="db_password" name="db_password" type="password" autocomplete="off"
          data-lpignore="true" />
      </div>
      <div class="check">
        <input id="read_only" name="read_only" type="checkbox" />
        <label for="read_only">Read only</label>
      </div>
      <button type="submit" class="primary" disabled={busy}>{busy ? 'Opening…' : 'Open'}</button>
      <Notice notice={notice} />
    </form>
  );
}

function SchemaTree({ session }) {
  const [state, setState] = useState({ loading: true });
  const load = () =>
    call('GET', '/api/dbmanager/sessions/' + encodeURIComponent(session.id) + '/schema')
      .then((schema) => setState({ schema }))
      .catch((e) => setState({ error: e.message }));
  useEffect(() => {
    load();
  }, []);
  if (state.loading) return <p role="status">Reading the schema…</p>;
  if (state.error)
    return (
      <p class="notice error" role="alert">
        {state.error}
      </p>
    );
  const bySchema = {};
  state.schema.relations.forEach((r) => (bySchema[r.schema] = bySchema[r.schema] || []).push(r));
  return (
    <section aria-labelledby="schema-title" class="schema" data-testid="schema-tree">
      <h2 id="schema-title">
        Schema <button type="button" class="small" onClick={load}>Reload</button>
      </h2>
      {state.schema.schemas.map((name) => (
        <details key={name} open={name === 'public' || state.schema.schemas.length === 1}>
          <summary>{name} <span class="muted small">({(bySchema[name] || []).length})</span></summary>
          <ul class="plain">
            {(bySchema[name] || []).map((r) => (
              <li key={r.name}>
                <details data-relation={r.schema + '.' + r.name}>
                  <summary>
                    {r.name} {r.view && <span class="badge">view</span>}
                  </summary>
                  <ul class="plain columns">
                    {r.columns.map((c) => (
                      <li key={c.name}>
                        {c.primary_key && <span class="badge" title="primary key">PK</span>} {c.name}{' '}
                        <span class="muted small">
                          {c.type}
                          {c.nullable ? '' : ' not null'}
                        </span>
                      </li>
                    ))}
                  </ul>
                </details>
              </li>
            ))}
          </ul>
        </details>
      ))}
    </section>
  );
}

function QueryPane({ session }) {
  const view = useRef(null);
  const query = useQueryRun(session.id);
  const [history, setHistory] = useState([]);
  // The text to run: everything, or the selection (and where it starts, for positions).
  const textToRun = (selectionOnly) => {
    const editor = view.current;
    const range = editor.state.selection.main;
    if (selectionOnly && !range.empty) {
      return { text: editor.state.sliceDoc(range.from, range.to), offset: range.from };
    }
    return { text: editor.state.doc.toString(), offset: 0 };
  };
  const execute = async (selectionOnly) => {
    if (!view.current || query.running) return;
    const { text, offset } = textToRun(selectionOnly);
    if (!text.trim()) return;
    const started = performance.now();
    const end = await query.run(text);
    if (end.error) markError(view.current, end.error.message, offset);
    const entry = { sql: text, at: new Date().toISOString(), ms: Math.round(performance.now() - started),
      rows: end.rowCount, error: end.error && end.error.code };
    setHistory((h) => [entry, ...h].slice(0, 50));
  };
  const explain = async () => {
    if (!view.current || query.running) return;
    const { text, offset } = textToRun(true);
    if (!text.trim()) return;
    const end = await query.explain(text);
    if (end.error) markError(view.current, end.error.message, offset);
  };
  const cancel = () => query.running && query.cancel();
  const pick = (sql) =>
    view.current &&
    view.current.dispatch({ changes: { from: 0, to: view.current.state.doc.length, insert: sql } });
  return (
    <div class="stack">
      <SqlEditor dialect={session.type} initial={'SELECT 1;'}
        onReady={(v) => (view.current = v)} onRun={() => execute(false)}
        onRunSelection={() => execute(true)} onCancel={cancel} />
      <div class="actions" role="toolbar" aria-label="Query">
        <button type="button" class="primary" onClick={() => execute(false)} disabled={query.running}
          aria-keyshortcuts="Control+Enter">Run</button>
        <button type="button" onClick={() => execute(true)} disabled={query.running}
          aria-keyshortcuts="Control+Shift+Enter">Run selection</button>
        <button type="button" onClick={cancel} disabled={!query.running}>Cancel</button>
        <button type="button" onClick={explain} disabled={query.running}>Explain</button>
        <Outcome outcome={query.outcome} count={query.count} />
      </div>
      {query.columns.length > 0 && (
        <ResultsGrid columns={query.columns} rows={query.rows} count={query.count} />
      )}
      {query.outcome && query.outcome.plan && <Plan plan={query.outcome.plan} />}
      <SessionHistory history={history} onPick={pick} />
    </div>
  );
}

// The queries run on this session since the page opened, newest first; picking one puts
// it back in the editor.
function SessionHistory({ history, onPick }) {
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">This session's queries</h2>
      {history.length === 0 && <p class="muted">Nothing run yet.</p>}
      <ol class="plain history">
        {history.map((h, i) => (
          <li key={h.at + i}>
            <button type="button" class="link mono" title="Put this query in the editor"
              onClick={() => onPick(h.sql)}>
              {h.sql.length > 100 ? h.sql.slice(0, 99) + '…' : h.sql}
            </button>{' '}
            <span class="muted small">
              {when(h.at)} · {h.error ? h.error : h.rows + ' rows'} · {h.ms} ms
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

// An engine's plan: PostgreSQL and MariaDB one JSON cell, libSQL rows of text.
function Plan({ plan }) {
  const text = plan.rows
    .map((row) => row.map((cell) => (typeof cell === 'string' ? cell : JSON.stringify(cell, null, 2))).join('  '))
    .join('\n');
  return (
    <section aria-labelledby="plan-title" class="card" data-testid="plan">
      <h2 id="plan-title">Plan</h2>
      <pre>{text}</pre>
    </section>
  );
}

function Outcome({ outcome, count }) {
  if (!outcome) return null;
  if (outcome.plan) return <span role="status" class="muted" data-testid="query-status">Plan (not run)</span>;
  if (outcome.running)
    return <span role="status" class="muted" data-testid="query-status">Running… {count} rows</span>;
  if (outcome.error)
    return (
      <span role="alert" class="notice error inline" data-testid="query-error">
        {outcome.error.code}: {outcome.error.message}
      </span>
    );
  const s = outcome.summary;
  return (
    <span role="status" class="muted" data-testid="query-status">
      {s.rows} rows{s.truncated ? ' (truncated)' : ''}
      {s.affected_rows !== null && s.affected_rows !== undefined ? `, ${s.affected_rows} affected` : ''} in {s.duration_ms} ms
    </span>
  );
}

// Puts the cursor where the engine says the error is (1-based, in the text that was run).
function markError(editor, message, offset) {
  const position = errorPosition(message);
  if (!position) return;
  const at = Math.min(editor.state.doc.length, offset + position - 1);
  editor.dispatch({ selection: EditorSelection.cursor(at), scrollIntoView: true });
  editor.focus();
}
