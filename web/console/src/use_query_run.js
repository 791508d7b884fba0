// One query at a time on a database session: runs it over the streamed NDJSON answer,
// collecting rows into a plain array (the grid reads it; `count` is bumped at most once per
// animation frame), and cancels it. Answers the state a query pane shows.
import { useRef, useState } from 'preact/hooks';
import { call } from './api.js';
import { runQuery } from './query_stream.js';

export function useQueryRun(sessionId) {
  const rows = useRef([]);
  const frame = useRef(0);
  const [columns, setColumns] = useState([]);
  const [count, setCount] = useState(0);
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState(null);
  const bump = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setCount(rows.current.length);
    });
  };
  // Runs `sql`; answers {summary} or {error: {code, message}}, and rowCount, once the
// stream ends.
  const run = async (sql) => {
    rows.current.length = 0; // the same array: the grid keeps reading it
    setColumns([]);
    setCount(0);
    setOutcome({ running: true });
    setRunning(true);
    let end;
    try {
      end = await runQuery(sessionId, sql, {
        onColumns: setColumns,
        onRows: (batch) => {
          for (const row of batch) rows.current.push(row);
          bump();
        },
      });
    } catch (e) {
      end = { error: { code: e.code, message: e.message } };
    }
    setCount(rows.current.length);
    setRunning(false);
    setOutcome(end);
    return { ...end, rowCount: rows.current.length };
  };
  const cancel = async () => {
    try {
      await call('POST', '/api/dbmanager/sessions/' + encodeURIComponent(sessionId) + '/cancel');
    } catch (e) {
      setOutcome({ error: { code: e.code, message: e.message } });
    }
  };
  // The plan of `sql` (not run), shown instead of a result.
  const explain = async (sql) => {
    rows.current.length = 0; // the same array: the grid keeps reading it
    setColumns([]);
    setCount(0);
    try {
      const plan = await call(
        'POST',
        '/api/dbmanager/sessions/' + encodeURIComponent(sessionId) + '/explain',
        { sql },
      );
      setOutcome({ plan });
      return { plan };
    } catch (e) {
      const end = { error: { code: e.code, message: e.message } };
      setOutcome(end);
      return end;
    }
  };
  return { rows: rows.current, columns, count, running, outcome, run, cancel, explain };
}
