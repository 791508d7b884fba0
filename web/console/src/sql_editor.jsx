// The SQL editor: CodeMirror 6 with SQL highlighting in the connection's dialect. Exposes
// the editor view through `onReady`, and Mod-Enter / Shift-Mod-Enter / Escape to the
// caller's run, run-selection and cancel.
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { MySQL, PostgreSQL, SQLite, sql } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'preact/hooks';

const DIALECTS = { postgres: PostgreSQL, postgresql: PostgreSQL, mysql: MySQL, mariadb: MySQL, libsql: SQLite, turso: SQLite };

export function SqlEditor({ dialect, initial, onReady, onRun, onRunSelection, onCancel }) {
  const host = useRef(null);
  const handlers = useRef({});
  handlers.current = { onRun, onRunSelection, onCancel };
  useEffect(() => {
    const run = (name, handled = true) => () => {
      handlers.current[name]();
      return handled;
    };
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle),
          sql({ dialect: DIALECTS[dialect] || PostgreSQL }),
          keymap.of([
            { key: 'Mod-Enter', run: run('onRun') },
            { key: 'Shift-Mod-Enter', run: run('onRunSelection') },
            { key: 'Escape', run: run('onCancel', false) }, // Escape still lets Tab leave
            // Tab indents; Escape then Tab leaves the editor (CodeMirror's own rule).
            indentWithTab,
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          EditorView.contentAttributes.of({ 'aria-label': 'SQL editor', 'aria-multiline': 'true' }),
        ],
      }),
    });
    onReady(view);
    return () => view.destroy();
  }, [dialect]);
  return <div class="editor" ref={host} />;
}
