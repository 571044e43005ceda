/**
 * Keeps the superuser session fresh: one authRefresh when the dashboard loads (it also
 * notices a deleted account or rotated token) and another a minute before the token
 * expires. A refresh that fails with 401/403 signs out; after a network error it is retried.
 */
import { useEffect } from 'react';
import { ClientResponseError, pb } from './api';
import { jwtClaims } from './jwt';

const EARLY_MS = 60_000;
// setTimeout overflows above ~24.8 days; refresh at least that often.
const MAX_DELAY_MS = 2 ** 31 - 1;

const RETRY_MS = 15_000;

/** True when the session was refreshed or ended; false after a network error (worth retrying). */
async function refresh(): Promise<boolean> {
  try {
    await pb.collection('_superusers').authRefresh();
    return true;
  } catch (err) {
    const refused = err instanceof ClientResponseError && (err.status === 401 || err.status === 403);
    if (refused) pb.authStore.clear();
    return refused;
  }
}

export function useSessionRefresh(): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      if (!pb.authStore.isValid) return;
      const exp = jwtClaims(pb.authStore.token).exp;
      if (typeof exp !== 'number') return;
      const delay = Math.min(Math.max(exp * 1000 - Date.now() - EARLY_MS, 0), MAX_DELAY_MS);
      // A refresh that could not reach the server is tried again until the token runs out.
      const attempt = () => void refresh().then((done) => { if (!done && pb.authStore.isValid) timer = setTimeout(attempt, RETRY_MS); });
      timer = setTimeout(attempt, delay);
    };
    if (pb.authStore.isValid) void refresh();
    const unsubscribe = pb.authStore.onChange(schedule);
    schedule();
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, []);
}
