// The web console's shell: routes, navigation, the signed-in session and the live conflict
// count. The SQL workspace (CodeMirror) is a separate chunk loaded when first opened.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import './style.css';
import { currentSession, onSessionChange, signOut } from './api.js';
import { AccountPage } from './account_page.jsx';
import { ForgotPassword, ResetPassword, SignIn, SignUp, VerifyEmail } from './auth_pages.jsx';
import { ConflictsPage } from './conflicts_page.jsx';
import { ItemsPage } from './items_page.jsx';
import { OrganizationsPage } from './organizations_page.jsx';
import { watchLive } from './live.js';
import { Link, navigate, useRoute } from './router.jsx';

const PUBLIC = {
  '/signin': ['Sign in', SignIn],
  '/signup': ['Sign up', SignUp],
  '/forgot-password': ['Forgot password', ForgotPassword],
  '/verify-email': ['Verify email', VerifyEmail],
  '/reset-password': ['Reset password', ResetPassword],
};
const PRIVATE = {
  '/conflicts': ['Conflicts', ConflictsPage],
  '/items': ['Synced items', ItemsPage],
  '/sql': ['SQL workspace', LazyWorkspace],
  '/organizations': ['Organizations', OrganizationsPage],
  '/account': ['Account', AccountPage],
};

function LazyWorkspace() {
  const [Page, setPage] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    import('./workspace_page.jsx')
      .then((module) => setPage(() => module.WorkspacePage))
      .catch((e) => setError(e.message));
  }, []);
  if (error)
    return (
      <p class="notice error" role="alert">
        {error}
      </p>
    );
  return Page ? <Page /> : <p role="status">Loading the workspace…</p>;
}

function useSession() {
  const [session, setSession] = useState(currentSession);
  useEffect(() => onSessionChange(setSession), []);
  return session;
}

function App() {
  const route = useRoute();
  const session = useSession();
  const [conflicts, setConflicts] = useState(null);
  const [liveSeq, setLiveSeq] = useState(0);
  const main = useRef(null);
  const signedIn = Boolean(session);
  useEffect(() => {
    if (!signedIn) return undefined;
    return watchLive((state) => {
      setConflicts(state.conflicts);
      setLiveSeq(state.seq);
    });
  }, [signedIn]);
  let entry = PUBLIC[route.path] || PRIVATE[route.path];
  // Unknown routes and private pages without a session go to sign-in (also when the
  // session ends while a page is open); the sign-in and sign-up pages, opened while signed
  // in, go on (but not when their own form just signed in: they navigate themselves).
  useEffect(() => {
    if (!entry) navigate(signedIn ? '/conflicts' : '/signin', true);
    else if (PRIVATE[route.path] && !signedIn) navigate('/signin?next=' + route.path, true);
  }, [route.path, signedIn]);
  useEffect(() => {
    if (signedIn && (route.path === '/signin' || route.path === '/signup'))
      navigate(route.query.get('next') || '/conflicts', true);
  }, [route.path]);
  useEffect(() => {
    document.title = (entry ? entry[0] + ' · ' : '') + 'Howlerops console';
    // After a route change focus moves to the new page (so keyboard and screen reader
    // users start there), unless the page focused a field of its own (autofocus).
    if (main.current && !main.current.contains(document.activeElement)) main.current.focus();
  }, [route.path, route.query.toString()]);
  if (!entry || (PRIVATE[route.path] && !signedIn)) entry = PUBLIC['/signin'];
  const [, Page] = entry;
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">Howlerops</span>
        <nav aria-label="Main">
          {signedIn ? (
            <ul>
              <NavItem to="/conflicts" path={route.path}>
                Conflicts
                {conflicts !== null && [
                  <span class="count" data-testid="nav-conflicts" aria-hidden="true" key="n">
                    {conflicts}
                  </span>,
                  <span class="sr-only" key="t">, {conflicts} open</span>,
                ]}
              </NavItem>
              <NavItem to="/items" path={route.path}>Items</NavItem>
              <NavItem to="/sql" path={route.path}>SQL</NavItem>
              <NavItem to="/organizations" path={route.path}>Organizations</NavItem>
              <NavItem to="/account" path={route.path}>Account</NavItem>
              <li>
                <button type="button" class="link"
                  onClick={() => signOut().then(() => navigate('/signin', true))}>
                  Sign out {session.user && <span class="muted">({session.user.username})</span>}
                </button>
              </li>
            </ul>
          ) : (
            <ul>
              <NavItem to="/signin" path={route.path}>Sign in</NavItem>
              <NavItem to="/signup" path={route.path}>Sign up</NavItem>
            </ul>
          )}
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page query={route.query} next={route.query.get('next')} liveCount={`${conflicts}:${liveSeq}`} />
      </main>
    </>
  );
}

function NavItem({ to, path, children }) {
  return (
    <li>
      <Link to={to} aria-current={path === to ? 'page' : undefined}>
        {children}
      </Link>
    </li>
  );
}

render(<App />, document.getElementById('root'));
