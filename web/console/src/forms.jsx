// Small form parts: labelled fields and the status line every form announces through.
import { useState } from 'preact/hooks';

export function Field({ label, id, hint, ...input }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} name={id} aria-describedby={hint ? id + '-hint' : undefined} {...input} />
      {hint && (
        <p class="hint" id={id + '-hint'}>
          {hint}
        </p>
      )}
    </div>
  );
}

// A status line: errors as role=alert, the rest as role=status (both announced).
export function Notice({ notice }) {
  if (!notice) return null;
  return notice.error ? (
    <p class="notice error" role="alert">
      {notice.text}
    </p>
  ) : (
    <p class="notice ok" role="status">
      {notice.text}
    </p>
  );
}

// Runs `action` on submit; keeps the form busy meanwhile and shows its outcome.
export function useSubmit(action) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setNotice(null);
    try {
      const text = await action(new FormData(event.currentTarget), event.currentTarget);
      if (text) setNotice({ text });
    } catch (error) {
      setNotice({ error: true, text: error.message || String(error) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, notice, setNotice, submit };
}
