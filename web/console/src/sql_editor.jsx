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

const THEME = EditorView.theme({
  // No height limit and wrapped lines: the editor grows with its text and never becomes a
  // scrolling region of its own (which keyboard users could not reach).
  '&': { minHeight: '8rem', fontSize: '14px', backgroundColor: '#fff' },
  '&.cm-focused': { outline: '3px solid #f0a000', outlineOffset: '2px' },
  '.cm-scroller': {
    overflow: 'auto',
    fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace",
  },
  '.cm-gutters': { backgroundColor: '#f3f4f6', color: '#57606a', borderRight: '1px solid #d0d7de' },
});

export function SqlEditor({ dialect, initial, onReady, onRun, onRunSelection, onCancel }) {
  const host = useRef(null);
  const handlers = useRef({});
  handlers.current = { onRun, onRunSelection, onCancel };
  useEffect(() => {
    // CodeMirror adds its styles as a <style> element in a document, which the server's
    // Content-Security-Policy refuses; in a shadow root it adopts constructed style sheets
    // instead, which the policy allows. So the editor lives in a shadow root.
    const shadow = host.current.shadowRoot || host.current.attachShadow({ mode: 'open' });
    const parent = document.createElement('div');
    shadow.replaceChildren(parent);
    const run = (name, handled = true) => () => {
      handlers.current[name]();
      return handled;
    };
    const view = new EditorView({
      parent,
      root: shadow,
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
          THEME,
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'SQL editor', 'aria-multiline': 'true' }),
        ],
      }),
    });
    onReady(view);
    return () => view.destroy();
  }, [dialect]);
  return <div class="editor" ref={host} />;
}
