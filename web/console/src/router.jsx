// Client-side routes under /app/ (the server answers /app/index.html for any of them).
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/app';

export function currentRoute() {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/';
  return { path: path === '' ? '/' : path, query: new URLSearchParams(location.search) };
}

const listeners = new Set();

export function navigate(path, replace = false) {
  const url = BASE + path;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((fn) => fn());
}

window.addEventListener('popstate', () => listeners.forEach((fn) => fn()));

export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const fn = () => setRoute(currentRoute());
    listeners.add(fn);
    return () => listeners.delete(fn);
  }, []);
  return route;
}

// An <a> that routes in the page; modified clicks (new tab) keep the browser's behaviour.
export function Link({ to, children, ...rest }) {
  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={BASE + to} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
