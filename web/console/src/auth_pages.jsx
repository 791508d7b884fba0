// The pages before sign-in: sign in (username or email), sign up, forgotten password, and
// the two pages the emails link to (verify email, reset password).
import { useEffect, useState } from 'preact/hooks';
import { publicCall, signIn, signUp } from './api.js';
import { Field, Notice, useSubmit } from './forms.jsx';
import { Link, navigate } from './router.jsx';

export function SignIn({ next }) {
  // The moment the form is on screen and can be used (read by the browser test's timing).
  useEffect(() => performance.mark('howlerops:signin-usable'), []);
  const { busy, notice, submit } = useSubmit(async (form) => {
    await signIn(form.get('username').trim(), form.get('password'));
    navigate(next || '/conflicts', true);
  });
  return (
    <section class="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <form onSubmit={submit} aria-busy={busy}>
        <Field label="Username or email" id="username" autocomplete="username" required
          autofocus />
        <Field label="Password" id="password" type="password" autocomplete="current-password"
          required />
        <Notice notice={notice} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        No account yet? <Link to="/signup">Create one</Link>
      </p>
    </section>
  );
}

export function SignUp() {
  const { busy, notice, submit } = useSubmit(async (form) => {
    await signUp(form.get('username').trim(), form.get('email').trim(), form.get('password'));
    navigate('/account?welcome=1', true);
  });
  return (
    <section class="card narrow" aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      <form onSubmit={submit} aria-busy={busy}>
        <Field label="Username" id="username" autocomplete="username" required minLength={3}
          maxLength={32} pattern="[A-Za-z0-9._\-]{3,32}"
          hint="3 to 32 letters, digits, dots, dashes or underscores" autofocus />
        <Field label="Email" id="email" type="email" autocomplete="email" required />
        <Field label="Password" id="password" type="password" autocomplete="new-password"
          required minLength={8} hint="At least 8 characters" />
        <Notice notice={notice} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </section>
  );
}

export function ForgotPassword() {
  const { busy, notice, submit } = useSubmit(async (form) => {
    const answer = await publicCall('POST', '/api/auth/request-password-reset', {
      email: form.get('email').trim(),
    });
    return answer.message;
  });
  return (
    <section class="card narrow" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Reset your password</h1>
      <p>We send a link to reset it to your address, if it belongs to an account.</p>
      <form onSubmit={submit} aria-busy={busy}>
        <Field label="Email" id="email" type="email" autocomplete="email" required autofocus />
        <Notice notice={notice} />
        <button type="submit" class="primary" disabled={busy}>
          Send the link
        </button>
      </form>
      <p>
        <Link to="/signin">Back to sign in</Link>
      </p>
    </section>
  );
}

// Lands from the verification email (EMAIL_BASE_URL/verify-email?token=...): verifies at
// once, since the token is the whole request.
export function VerifyEmail({ query }) {
  const token = query.get('token') || '';
  const [state, setState] = useState(token ? { busy: true } : { error: 'This link has no token.' });
  useEffect(() => {
    if (!token) return;
    history.replaceState(null, '', location.pathname); // the token leaves the address bar
    publicCall('POST', '/api/auth/verify-email', { token })
      .then((answer) => setState({ ok: answer.message || 'Your email address is verified.' }))
      .catch((error) => setState({ error: error.message }));
  }, [token]);
  return (
    <section class="card narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">Verify your email</h1>
      {state.busy && <p role="status">Verifying…</p>}
      {state.ok && (
        <p class="notice ok" role="status">
          {state.ok}
        </p>
      )}
      {state.error && (
        <p class="notice error" role="alert">
          {state.error}
        </p>
      )}
      <p>
        <Link to="/account">Go to your account</Link>
      </p>
    </section>
  );
}

// Lands from the reset email (EMAIL_BASE_URL/reset-password?token=...).
export function ResetPassword({ query }) {
  const [token] = useState(() => query.get('token') || '');
  useEffect(() => history.replaceState(null, '', location.pathname), []);
  const { busy, notice, submit } = useSubmit(async (form) => {
    if (form.get('new_password') !== form.get('confirm_password')) {
      throw new Error('The two passwords differ.');
    }
    await publicCall('POST', '/api/auth/reset-password', {
      token,
      new_password: form.get('new_password'),
    });
    return 'Your password is changed. Every session was signed out: sign in with it.';
  });
  if (!token) {
    return (
      <section class="card narrow" aria-labelledby="reset-title">
        <h1 id="reset-title">Choose a new password</h1>
        <p class="notice error" role="alert">
          This link has no token. <Link to="/forgot-password">Ask for a new link</Link>.
        </p>
      </section>
    );
  }
  return (
    <section class="card narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <form onSubmit={submit} aria-busy={busy}>
        <Field label="New password" id="new_password" type="password"
          autocomplete="new-password" required minLength={8} autofocus />
        <Field label="Repeat the new password" id="confirm_password" type="password"
          autocomplete="new-password" required minLength={8} />
        <Notice notice={notice} />
        <button type="submit" class="primary" disabled={busy}>
          Change password
        </button>
      </form>
      <p>
        <Link to="/signin">Sign in</Link>
      </p>
    </section>
  );
}
