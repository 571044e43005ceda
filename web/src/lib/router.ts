/**
 * Hash routing (`/_/#/collections/posts`): the server serves one page at /_/, and every
 * screen is a hash path, so links in emails (`/_/#/auth/confirm-verification/TOKEN`)
 * and reloads need nothing from the server.
 */
import { useEffect, useState } from 'react';

export function currentPath(): string {
  return window.location.hash.replace(/^#/, '') || '/';
}

export function useHashPath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const onChange = () => setPath(currentPath());
    window.addEventListener('hashchange', onChange);
    onChange(); // a change made before this listener existed
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

export function navigate(path: string): void {
  window.location.hash = path;
}

/** Matches `/collections/:name` against a path; the params, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = path.split('?')[0]!.split('/');
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(a[i]!);
    else if (p[i] !== a[i]) return null;
  }
  return params;
}

/** Sends the browser elsewhere after rendering (never during a render). */
export function Redirect({ to }: { to: string }): null {
  useEffect(() => navigate(to), [to]);
  return null;
}
