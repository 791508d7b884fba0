// Organizations: my invitations (accept, decline), my organizations (role, member count) and
// a new one; an opened organization (?id=) with its members (change role, remove, leave),
// its open invitations (invite, resend, revoke) and its shared connections and queries.
// What a role may do follows org_roles.js; the server's refusal (403) is shown as is.
import { useState } from 'preact/hooks';
import { call, currentSession } from './api.js';
import { when } from './format.js';
import { Field, Notice, useSubmit } from './forms.jsx';
import {
  canLeave,
  canManageInvitations,
  canRemove,
  inviteRoles,
  roleChoices,
} from './org_roles.js';
import { Link, navigate } from './router.jsx';
import { Loading, useLoad } from './use_load.jsx';

const ORGS = '/api/organizations/';

export function OrganizationsPage({ query }) {
  const id = query.get('id');
  return id ? <Organization id={id} key={id} /> : <Overview />;
}

function Overview() {
  const [orgs, reloadOrgs] = useLoad(async () => (await call('GET', '/api/organizations')).organizations);
  return (
    <div class="stack">
      <h1>Organizations</h1>
      <PendingInvitations onJoined={reloadOrgs} />
      <section class="card" aria-labelledby="orgs-title">
        <h2 id="orgs-title">Your organizations</h2>
        <Loading state={orgs} />
        {orgs.data && orgs.data.length === 0 && <p class="empty">You belong to no organization yet.</p>}
        {orgs.data && orgs.data.length > 0 && (
          <div class="table-wrap">
            <table>
              <caption class="sr-only">Organizations you belong to</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Your role</th>
                  <th scope="col">Members</th>
                </tr>
              </thead>
              <tbody>
                {orgs.data.map((o) => (
                  <tr key={o.id} data-org={o.id}>
                    <td>
                      <Link to={'/organizations?id=' + encodeURIComponent(o.id)}>{o.name}</Link>
                      {o.description && <div class="muted small">{o.description}</div>}
                    </td>
                    <td>{o.role}</td>
                    <td>
                      {o.member_count} of {o.max_members}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <CreateOrganization />
    </div>
  );
}

function PendingInvitations({ onJoined }) {
  const [state, reload] = useLoad(async () => (await call('GET', '/api/invitations/pending')).invitations);
  const [notice, setNotice] = useState(null);
  const answer = async (invitation, verb) => {
    try {
      await call('POST', `/api/invitations/${encodeURIComponent(invitation.id)}/${verb}`);
      const name = invitation.organization ? invitation.organization.name : 'the organization';
      setNotice({ text: verb === 'accept' ? `You joined ${name}.` : `Declined the invitation to ${name}.` });
      reload();
      if (verb === 'accept') onJoined();
    } catch (error) {
      setNotice({ error: true, text: error.message });
    }
  };
  return (
    <section class="card" aria-labelledby="pending-title">
      <h2 id="pending-title">Invitations to you</h2>
      <Loading state={state} />
      {state.data && state.data.length === 0 && (
        <p class="empty">No open invitation (invitations show once your email is verified).</p>
      )}
      {state.data && state.data.length > 0 && (
        <ul class="plain stack">
          {state.data.map((inv) => {
            const name = inv.organization ? inv.organization.name : inv.organization_id;
            return (
              <li key={inv.id} data-invitation={inv.id} class="actions">
                <span>
                  <strong>{name}</strong> as {inv.role}
                  {inv.inviter && <span class="muted"> · from {inv.inviter.username}</span>}
                  <span class="muted small"> · until {when(inv.expires_at)}</span>
                </span>
                <button type="button" class="primary" aria-label={`Accept the invitation to ${name}`}
                  onClick={() => answer(inv, 'accept')}>Accept</button>
                <button type="button" aria-label={`Decline the invitation to ${name}`}
                  onClick={() => answer(inv, 'decline')}>Decline</button>
              </li>
            );
          })}
        </ul>
      )}
      <Notice notice={notice} />
    </section>
  );
}

function CreateOrganization() {
  const { busy, notice, submit } = useSubmit(async (form) => {
    const { organization } = await call('POST', '/api/organizations', {
      name: form.get('org_name'),
      description: form.get('org_description') || undefined,
    });
    navigate('/organizations?id=' + encodeURIComponent(organization.id));
  });
  return (
    <section class="card" aria-labelledby="create-org-title">
      <h2 id="create-org-title">New organization</h2>
      <form onSubmit={submit} aria-busy={busy} class="inline-form">
        <Field label="Name" id="org_name" required minLength={3} maxLength={50} />
        <Field label="Description" id="org_description" maxLength={500} hint="Optional" />
        <button type="submit" class="primary" disabled={busy}>Create organization</button>
      </form>
      <Notice notice={notice} />
    </section>
  );
}

function Organization({ id }) {
  const base = ORGS + encodeURIComponent(id);
  const [org, reloadOrg] = useLoad(async () => (await call('GET', base)).organization);
  const o = org.data;
  return (
    <div class="stack">
      <p>
        <Link to="/organizations">← All organizations</Link>
      </p>
      {!o && <Loading state={org} />}
      {o && (
        <>
          <h1>{o.name}</h1>
          <dl class="facts">
            {o.description && [<dt key="dt">Description</dt>, <dd key="dd">{o.description}</dd>]}
            <dt>Your role</dt>
            <dd data-testid="org-role">{o.role}</dd>
            <dt>Members</dt>
            <dd>
              {o.member_count} of {o.max_members}
            </dd>
            <dt>Created</dt>
            <dd>{when(o.created_at)}</dd>
          </dl>
          <Members base={base} org={o} onChange={reloadOrg} />
          {canManageInvitations(o.role) && <Invitations base={base} role={o.role} />}
          <Shared base={base} />
        </>
      )}
    </div>
  );
}

function Members({ base, org, onChange }) {
  const [state, reload] = useLoad(async () => (await call('GET', base + '/members')).members);
  const [notice, setNotice] = useState(null);
  const me = currentSession() && currentSession().user ? currentSession().user.id : null;
  const act = async (method, path, body, text, after) => {
    try {
      await call(method, base + path, body);
      setNotice({ text });
      if (after) return after();
      reload();
      onChange();
    } catch (error) {
      setNotice({ error: true, text: error.message });
    }
  };
  const name = (m) => (m.user && (m.user.display_name || m.user.username)) || m.user_id;
  const leave = () =>
    act('DELETE', '/members/' + encodeURIComponent(me), undefined, `You left ${org.name}.`, () =>
      navigate('/organizations'),
    );
  return (
    <section class="card" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <Loading state={state} />
      {state.data && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Members of {org.name}</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((m) => (
                <MemberRow key={m.id} member={m} name={name(m)} role={org.role}
                  self={m.user_id === me} act={act} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canLeave(org.role) && (
        <p>
          <button type="button" class="danger" onClick={leave}>Leave {org.name}</button>
        </p>
      )}
      <Notice notice={notice} />
    </section>
  );
}

function MemberRow({ member: m, name, role, self, act }) {
  const choices = roleChoices(role, m.role);
  const [picked, setWanted] = useState('');
  const wanted = choices.includes(picked) ? picked : choices[0]; // choices move with the role
  const path = '/members/' + encodeURIComponent(m.user_id);
  const selectId = 'role-' + m.id;
  const change = (event) => {
    event.preventDefault();
    act('PUT', path + '/role', { role: wanted }, `${name} is now ${wanted}.`);
  };
  return (
    <tr data-member={m.user_id} class={self ? 'current' : ''}>
      <td>
        {name}
        {self && <span class="badge ok">you</span>}
        {m.user && m.user.email && <div class="muted small">{m.user.email}</div>}
      </td>
      <td data-testid="member-role">{m.role}</td>
      <td>{when(m.joined_at)}</td>
      <td>
        <div class="actions">
          {!self && choices.length > 0 && (
            <form class="actions" onSubmit={change}>
              <label class="sr-only" for={selectId}>New role for {name}</label>
              <select id={selectId} value={wanted} onChange={(e) => setWanted(e.currentTarget.value)}>
                {choices.map((r) => (
                  <option key={r} value={r}>{r === 'owner' ? 'owner (transfer)' : r}</option>
                ))}
              </select>
              <button type="submit" class="small" aria-label={`Change role of ${name}`}>Change role</button>
            </form>
          )}
          {canRemove(role, m.role, self) && (
            <button type="button" class="small danger" aria-label={`Remove ${name}`}
              onClick={() => act('DELETE', path, undefined, `Removed ${name}.`)}>Remove</button>
          )}
        </div>
      </td>
    </tr>
  );
}

function Invitations({ base, role }) {
  const [state, reload] = useLoad(async () => (await call('GET', base + '/invitations')).invitations);
  const [notice, setNotice] = useState(null);
  const roles = inviteRoles(role);
  const invite = useSubmit(async (form, element) => {
    const { invitation } = await call('POST', base + '/invitations', {
      email: form.get('invite_email'),
      role: form.get('invite_role'),
    });
    element.reset();
    reload();
    return `Invited ${invitation.email} as ${invitation.role}.`;
  });
  const act = async (inv, verb) => {
    const path = base + '/invitations/' + encodeURIComponent(inv.id);
    try {
      if (verb === 'resend') await call('POST', path + '/resend');
      else await call('DELETE', path);
      setNotice({ text: verb === 'resend' ? `Sent ${inv.email} a new link.` : `Revoked the invitation of ${inv.email}.` });
      reload();
    } catch (error) {
      setNotice({ error: true, text: error.message });
    }
  };
  const expired = (inv) => new Date(inv.expires_at).getTime() < Date.now();
  return (
    <section class="card" aria-labelledby="invitations-title">
      <h2 id="invitations-title">Invitations</h2>
      <form onSubmit={invite.submit} aria-busy={invite.busy} class="inline-form">
        <Field label="Email to invite" id="invite_email" type="email" required autocomplete="off" />
        <div class="field">
          <label for="invite_role">Role</label>
          <select id="invite_role" name="invite_role">
            {roles.map((r) => (
              <option key={r} value={r}>{r}</option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary" disabled={invite.busy}>Invite</button>
      </form>
      <Notice notice={invite.notice} />
      <Loading state={state} />
      {state.data && state.data.length === 0 && <p class="empty">No open invitation.</p>}
      {state.data && state.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Open invitations</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Expires</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {state.data.map((inv) => (
                <tr key={inv.id} data-invitation={inv.id}>
                  <td>{inv.email}</td>
                  <td>{inv.role}</td>
                  <td>
                    {when(inv.expires_at)}
                    {expired(inv) && <span class="badge warn">expired</span>}
                  </td>
                  <td>
                    <div class="actions">
                      <button type="button" class="small" aria-label={`Resend the invitation to ${inv.email}`}
                        onClick={() => act(inv, 'resend')}>Resend</button>
                      <button type="button" class="small danger" aria-label={`Revoke the invitation to ${inv.email}`}
                        onClick={() => act(inv, 'revoke')}>Revoke</button>
                    </div>
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

function Shared({ base }) {
  const [state] = useLoad(async () => {
    const [connections, queries] = await Promise.all([
      call('GET', base + '/connections'),
      call('GET', base + '/queries'),
    ]);
    return { connections: connections.data.connections, queries: queries.data.queries };
  });
  const d = state.data;
  return (
    <section class="card" aria-labelledby="shared-title">
      <h2 id="shared-title">Shared items</h2>
      <Loading state={state} />
      {d && (
        <div class="split">
          <div>
            <h3>Connections</h3>
            {d.connections.length === 0 && <p class="empty">No shared connection.</p>}
            <ul class="plain" data-testid="shared-connections">
              {d.connections.map((c) => (
                <li key={c.id} data-item={c.id}>
                  <strong>{c.name}</strong>{' '}
                  <span class="muted small">
                    {c.database_type} · {c.username ? c.username + '@' : ''}
                    {c.host}
                    {c.port ? ':' + c.port : ''}/{c.database_name}
                  </span>
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h3>Queries</h3>
            {d.queries.length === 0 && <p class="empty">No shared query.</p>}
            <ul class="plain" data-testid="shared-queries">
              {d.queries.map((q) => (
                <li key={q.id} data-item={q.id}>
                  <strong>{q.title}</strong>
                  {q.description && <span class="muted small"> · {q.description}</span>}
                  <pre class="shared-sql">{q.sql_content}</pre>
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}
