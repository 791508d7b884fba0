// Synced items: connections (never a secret), saved queries and query history; search,
// filter by type, and an item's detail with its version and the device that last wrote it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isSecretKey, itemTitle, show, TYPE_LABELS, when } from './format.js';
import { downloadAll } from './synced_items.js';

export function ItemsPage() {
  const [state, setState] = useState({ loading: true });
  const [search, setSearch] = useState('');
  const [type, setType] = useState('');
  const [selected, setSelected] = useState(null);
  const load = () =>
    downloadAll()
      .then((items) => setState({ items }))
      .catch((error) => setState({ error: error.message }));
  useEffect(() => {
    load();
  }, []);
  const shown = useMemo(() => {
    if (!state.items) return [];
    const needle = search.trim().toLowerCase();
    return state.items.filter(
      (item) =>
        (!type || item.type === type) &&
        (!needle || JSON.stringify(item.data).toLowerCase().includes(needle)),
    );
  }, [state.items, search, type]);
  return (
    <div class="stack">
      <h1>Synced items</h1>
      <div class="toolbar" role="search">
        <div class="field">
          <label for="item-search">Search</label>
          <input id="item-search" type="search" value={search}
            onInput={(e) => setSearch(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="item-type">Type</label>
          <select id="item-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">All types{countOf(state.items, '')}</option>
            <option value="connection">Connections{countOf(state.items, 'connection')}</option>
            <option value="saved_query">Saved queries{countOf(state.items, 'saved_query')}</option>
            <option value="query_history">History{countOf(state.items, 'query_history')}</option>
          </select>
        </div>
        <button type="button" onClick={load}>Refresh</button>
      </div>
      {state.loading && <p role="status">Loading…</p>}
      {state.error && (
        <p class="notice error" role="alert">
          {state.error}
        </p>
      )}
      {state.items && (
        <p role="status" class="muted">
          {shown.length} of {state.items.length} items
        </p>
      )}
      <div class="split">
        <ul class="item-list" aria-label="Items">
          {shown.map((item) => {
            const key = item.type + ':' + item.data.id;
            const active = selected && selected.type + ':' + selected.data.id === key;
            return (
              <li key={key}>
                <button type="button" class={'item-row' + (active ? ' active' : '')}
                  aria-pressed={active} onClick={() => setSelected(item)}>
                  <span class={'badge type-' + item.type}>{TYPE_LABELS[item.type]}</span>
                  <span class="item-title">{itemTitle(item.type, item.data, item.data.id)}</span>
                  <span class="muted small">
                    v{item.data.sync_version} · {when(item.data.updated_at)}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        {selected && <ItemDetail item={selected} />}
      </div>
    </div>
  );
}

function countOf(items, type) {
  if (!items) return '';
  return ` (${type ? items.filter((i) => i.type === type).length : items.length})`;
}

const SERVER_FIELDS = ['id', 'sync_version', 'updated_at', 'device_id'];

function ItemDetail({ item }) {
  const { data, type } = item;
  const heading = useRef(null);
  useEffect(() => heading.current && heading.current.focus(), [item]);
  const fields = Object.keys(data).filter(
    (key) => !SERVER_FIELDS.includes(key) && !isSecretKey(key),
  );
  return (
    <section class="card detail" aria-labelledby="item-detail-title" data-testid="item-detail">
      <h2 id="item-detail-title" tabIndex={-1} ref={heading}>
        {itemTitle(type, data, data.id)}
      </h2>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{TYPE_LABELS[type]}</dd>
        <dt>Version</dt>
        <dd data-testid="item-version">{data.sync_version}</dd>
        <dt>Last written by</dt>
        <dd data-testid="item-device">{data.device_id || 'unknown'}</dd>
        <dt>Updated</dt>
        <dd>{when(data.updated_at)}</dd>
        {fields.map((key) => [
          <dt key={'t' + key}>{key}</dt>,
          <dd key={'d' + key}>
            {typeof data[key] === 'string' && data[key].includes('\n') ? (
              <pre>{data[key]}</pre>
            ) : (
              show(data[key])
            )}
          </dd>,
        ])}
      </dl>
    </section>
  );
}
