// Conflicts: the open ones with their count; each side by side with a field-level diff,
// resolved by keep mine (the uploading device's side), keep theirs (the server's), keep
// both, or an edited merged version. A resolution is a change every device downloads.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from './api.js';
import { itemTitle, show, TYPE_LABELS, when } from './format.js';
import { fieldDiff, mergedDraft } from './field_diff.js';
import { Notice } from './forms.jsx';

export function ConflictsPage({ liveCount }) {
  const [state, setState] = useState({ loading: true });
  const [selectedId, setSelectedId] = useState(null);
  const [notice, setNotice] = useState(null);
  const load = () =>
    call('GET', '/api/sync/conflicts')
      .then((answer) => setState({ conflicts: answer.conflicts, count: answer.count }))
      .catch((error) => setState({ error: error.message }));
  useEffect(() => {
    load();
  }, [liveCount]);
  const selected = state.conflicts && state.conflicts.find((c) => c.id === selectedId);
  const resolved = (message) => {
    setNotice({ text: message });
    setSelectedId(null);
    load();
  };
  return (
    <div class="stack">
      <h1>
        Conflicts{' '}
        {state.conflicts && (
          <>
            <span class="count" data-testid="conflict-count" aria-hidden="true">
              {state.count}
            </span>
            <span class="sr-only">{state.count} open</span>
          </>
        )}
      </h1>
      {state.conflicts && state.conflicts.length > 0 && (
        <p class="muted" data-testid="conflict-kinds">{countsByType(state.conflicts)}</p>
      )}
      <Notice notice={notice} />
      {state.loading && <p role="status">Loading…</p>}
      {state.error && (
        <p class="notice error" role="alert">
          {state.error}
        </p>
      )}
      {state.conflicts && state.conflicts.length === 0 && (
        <p class="empty">No open conflicts: every device agrees.</p>
      )}
      <div class="split">
        {state.conflicts && state.conflicts.length > 0 && (
          <ul class="item-list" aria-label="Open conflicts">
            {state.conflicts.map((c) => (
              <li key={c.id}>
                <button type="button" class={'item-row' + (c.id === selectedId ? ' active' : '')}
                  aria-pressed={c.id === selectedId} data-conflict={c.id}
                  onClick={() => setSelectedId(c.id)}>
                  <span class={'badge type-' + c.item_type}>{TYPE_LABELS[c.item_type]}</span>
                  <span class="item-title">{titleOf(c)}</span>
                  <span class="muted small">{when(c.detected_at)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {selected && <ConflictDetail key={selected.id} conflict={selected} onResolved={resolved} />}
      </div>
    </div>
  );
}

// "2 saved queries, 1 connection": the open conflicts per item type.
function countsByType(conflicts) {
  const counts = {};
  conflicts.forEach((c) => (counts[c.item_type] = (counts[c.item_type] || 0) + 1));
  return Object.keys(counts)
    .sort()
    .map((type) => `${counts[type]} ${(PLURALS[type] || type)[counts[type] === 1 ? 0 : 1]}`)
    .join(', ');
}

const PLURALS = {
  connection: ['connection', 'connections'],
  saved_query: ['saved query', 'saved queries'],
  query_history: ['history item', 'history items'],
  report: ['report', 'reports'],
};

function titleOf(c) {
  const data = (c.local_version && c.local_version.data) || (c.remote_version && c.remote_version.data);
  return itemTitle(c.item_type, data, c.item_id);
}

function sideLabel(version) {
  if (!version) return '';
  return `${version.device_id || 'unknown device'}, version ${version.sync_version}, ${when(version.updated_at)}`;
}

function ConflictDetail({ conflict, onResolved }) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const [editing, setEditing] = useState(false);
  const local = conflict.local_version;
  const remote = conflict.remote_version;
  const [merged, setMerged] = useState(() => JSON.stringify(mergedDraft(local, remote), null, 2));
  const rows = fieldDiff(local, remote);
  const heading = useRef(null);
  useEffect(() => heading.current && heading.current.focus(), []); // keyboard and screen readers land here
  const resolve = async (body, done) => {
    setBusy(true);
    setNotice(null);
    try {
      await call('POST', '/api/sync/conflicts/' + encodeURIComponent(conflict.id) + '/resolve', body);
      onResolved(done);
    } catch (error) {
      setNotice({ error: true, text: error.message });
      setBusy(false);
    }
  };
  const saveMerged = (event) => {
    event.preventDefault();
    let data;
    try {
      data = JSON.parse(merged);
    } catch (error) {
      setNotice({ error: true, text: 'The merged version is not valid JSON: ' + error.message });
      return;
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      setNotice({ error: true, text: 'The merged version must be a JSON object.' });
      return;
    }
    resolve({ strategy: 'user_choice', chosen_version: 'local', merged_data: data },
      'Resolved with your merged version.');
  };
  return (
    <section class="card detail" aria-labelledby="conflict-title" data-testid="conflict-detail">
      <h2 id="conflict-title" tabIndex={-1} ref={heading}>
        {titleOf(conflict)}
      </h2>
      <p class="muted">
        {TYPE_LABELS[conflict.item_type]} {conflict.item_id}, detected {when(conflict.detected_at)}
      </p>
      <div class="table-wrap">
        <table class="diff">
          <caption class="sr-only">Field by field: mine and theirs</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">
                Mine <span class="muted small">({sideLabel(local)})</span>
              </th>
              <th scope="col">
                Theirs <span class="muted small">({sideLabel(remote)})</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {local && local.deleted && (
              <tr class="changed"><th scope="row">—</th><td>deleted</td><td></td></tr>
            )}
            {remote && remote.deleted && (
              <tr class="changed"><th scope="row">—</th><td></td><td>deleted</td></tr>
            )}
            {rows.map((row) => (
              <tr key={row.key} class={row.changed ? 'changed' : ''} data-field={row.key}>
                <th scope="row">
                  {row.key}
                  {row.changed && <span class="sr-only"> (differs)</span>}
                </th>
                <td><Value value={row.mine} /></td>
                <td><Value value={row.theirs} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="actions" role="group" aria-label="Resolve">
        <button type="button" disabled={busy}
          onClick={() => resolve({ strategy: 'user_choice', chosen_version: 'local' }, 'Kept your version.')}>
          Keep mine
        </button>
        <button type="button" disabled={busy}
          onClick={() => resolve({ strategy: 'user_choice', chosen_version: 'remote' }, 'Kept their version.')}>
          Keep theirs
        </button>
        <button type="button" disabled={busy}
          onClick={() => resolve({ strategy: 'keep_both', chosen_version: 'local' }, 'Kept both: yours is stored as a copy.')}>
          Keep both
        </button>
        <button type="button" disabled={busy} aria-expanded={editing}
          onClick={() => setEditing(!editing)}>
          Edit merged…
        </button>
      </div>
      {editing && (
        <form onSubmit={saveMerged} class="stack">
          <label for="merged-json">Merged version (JSON)</label>
          <textarea id="merged-json" rows={12} spellcheck={false} value={merged}
            onInput={(e) => setMerged(e.currentTarget.value)} />
          <button type="submit" class="primary" disabled={busy}>Save merged version</button>
        </form>
      )}
      <Notice notice={notice} />
    </section>
  );
}

function Value({ value }) {
  if (value === undefined) return <span class="muted">absent</span>;
  const text = show(value);
  return text.includes('\n') || text.length > 80 ? <pre>{text}</pre> : <span>{text}</span>;
}
