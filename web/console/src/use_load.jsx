// Loading a page section's data: its state ({loading} | {data} | {error}) and a reload.
import { useCallback, useEffect, useState } from 'preact/hooks';

// Runs `load` once on mount and again on `reload()`; `deps` reload it when they change.
export function useLoad(load, deps = []) {
  const [state, setState] = useState({ loading: true });
  const reload = useCallback(() => {
    load()
      .then((data) => setState({ data }))
      .catch((error) => setState({ error: error.message }));
  }, deps);
  useEffect(reload, deps);
  return [state, reload];
}

// The loading line or the load's error (role=alert); nothing once loaded.
export function Loading({ state }) {
  if (state.loading) return <p role="status">Loading…</p>;
  if (state.error)
    return (
      <p class="notice error" role="alert">
        {state.error}
      </p>
    );
  return null;
}
