// Account: profile, verification, change password, sessions (revoke; this one marked) and
// devices with their sync state.
import { useState } from 'preact/hooks';
import { call, forget, updateUser } from './api.js';
import { when } from './format.js';
import { Field, Notice, useSubmit } from './forms.jsx';
import { navigate } from './router.jsx';
import { Loading, useLoad } from './use_load.jsx';

export function AccountPage({ query }) {
  return (
    <div class="stack">
      <h1>Account</h1>
      {query.get('welcome') && (
        <p class="notice ok" role="status">
          Welcome! We sent you an email: follow its link to verify your address.
        </p>
      )}
      <Profile />
      <ChangePassword />
      <Sessions />
      <Devices />
    </div>
  );
}

function Profile() {
  const [state, reload] = useLoad(async () => {
    const { user } = await call('GET', '/api/auth/me');
    updateUser(user);
    return user;
  });
  const [notice, setNotice] = useState(null);
  const resend = async () => {
    try {
      await call('POST', '/api/auth/resend-verification');
      setNotice({ text: 'A new verification email is on its way.' });
    } catch (error) {
      setNotice({ error: true, text: error.message });
    }
  };
  const user = state.data;
  return (
    <section class="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <Loading state={state} />
      {user && (
        <dl class="facts">
          <dt>Username</dt>
          <dd data-testid="profile-username">{user.username}</dd>
          <dt>Email</dt>
          <dd>
            {user.email}{' '}
            {user.email_verified ? (
              <span class="badge ok" data-testid="email-state">verified</span>
            ) : (
              <span class="badge warn" data-testid="email-state">not verified</span>
            )}
          </dd>
          <dt>Role</dt>
          <dd>{user.role}</dd>
          <dt>Member since</dt>
          <dd>{when(user.created_at)}</dd>
          <dt>Last sign-in</dt>
          <dd>{when(user.last_login)}</dd>
        </dl>
      )}
      {user && !user.email_verified && (
        <p>
          <button type="button" onClick={resend}>Send the verification email again</button>{' '}
          <button type="button" onClick={reload}>Check again</button>
        </p>
      )}
      <Notice notice={notice} />
    </section>
  );
}

function ChangePassword() {
  const { busy, notice, submit } = useSubmit(async (form, element) => {
    if (form.get('new_password') !== form.get('confirm_password')) {
      throw new Error('The two new passwords differ.');
    }
    await call('POST', '/api/auth/change-password', {
      current_password: form.get('current_password'),
      new_password: form.get('new_password'),
    });
    element.reset();
    return 'Password changed. Your other sessions were signed out.';
  });
  return (
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <form onSubmit={submit} aria-busy={busy} class="inline-form">
        <Field label="Current password" id="current_password" type="password"
          autocomplete="current-password" required />
        <Field label="New password" id="new_password" type="password"
          autocomplete="new-password" required minLength={8} />
        <Field label="Repeat the new password" id="confirm_password" type="password"
          autocomplete="new-password" required minLength={8} />
        <button type="submit" disabled={busy}>Change password</button>
      </form>
      <Notice notice={notice} />
    </section>
  );
}

function Sessions() {
  const [state, reload] = useLoad(async () => (await call('GET', '/api/auth/sessions')).sessions);
  const [notice, setNotice] = useState(null);
  const revoke = async (session) => {
    try {
      await call('DELETE', '/api/auth/sessions/' + encodeURIComponent(session.id));
      if (session.current) {
        forget();
        navigate('/signin', true);
        return;
      }
      setNotice({ text: `Signed out ${session.device_name || 'that session'}.` });
      reload();
    } catch (error) {
      setNotice({ error: true, text: error.message });
    }
  };
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <Loading state={state} />
      {state.data && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Your signed-in sessions</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last seen</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((s) => (
                <tr key={s.id} data-session={s.id} class={s.current ? 'current' : ''}>
                  <td>
                    {s.device_name || s.user_agent || 'unnamed device'}
                    {s.current && <span class="badge ok">this session</span>}
                  </td>
                  <td>{s.ip_address || '—'}</td>
                  <td>{when(s.created_at)}</td>
                  <td>{when(s.last_seen_at)}</td>
                  <td>
                    <button type="button" class="danger" onClick={() => revoke(s)}
                      aria-label={s.current ? 'Sign out (this session)' : `Revoke session ${s.device_name || s.id}`}>
                      {s.current ? 'Sign out' : 'Revoke'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Notice notice={notice} />
    </section>
  );
}

function Devices() {
  const [state] = useLoad(async () => (await call('GET', '/api/sync/devices')).devices);
  return (
    <section class="card" aria-labelledby="devices-title">
      <h2 id="devices-title">Devices</h2>
      <Loading state={state} />
      {state.data && state.data.length === 0 && <p>No device has synced yet.</p>}
      {state.data && state.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Devices that synced with this account</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Last upload</th>
                <th scope="col">Last download</th>
                <th scope="col">Changes uploaded</th>
                <th scope="col">Behind by</th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((d) => (
                <tr key={d.device_id} data-device={d.device_id}>
                  <td>{d.device_id}</td>
                  <td>{when(d.last_upload_at)}</td>
                  <td>{when(d.last_download_at)}</td>
                  <td>{d.changes_uploaded}</td>
                  <td>
                    {d.behind === 0 ? (
                      <span class="badge ok">up to date</span>
                    ) : (
                      <span class="badge warn">{d.behind} changes</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
