/** Every collection, sorted by name, for the collections panel (reloaded after a save or delete). */
import { useCallback, useEffect, useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { errorMessage, pb } from '../lib/api';

const load = () => pb.collections.getFullList({ sort: 'name' });
let prefetched: Promise<CollectionModel[]> | null = null;

/**
 * Starts loading the list while the app is still starting (main.tsx), when a superuser is
 * signed in and the first screen shows it: the request then runs beside React's first
 * render instead of after it. The first hook to mount takes it; later ones load afresh.
 */
export function prefetchCollections(path: string): void {
  if (!pb.authStore.isValid || !pb.authStore.isSuperuser) return;
  if (path.startsWith('/collections') || path.startsWith('/new-collection')) {
    prefetched = load();
    prefetched.catch(() => undefined); // reported by the hook that takes it
  }
}

export function useCollections() {
  const [items, setItems] = useState<CollectionModel[]>([]);
  const [error, setError] = useState('');
  const reload = useCallback(() => {
    const request = prefetched ?? load();
    prefetched = null;
    return request.then(
      (list) => { setItems(list); setError(''); },
      (err) => setError(errorMessage(err)),
    );
  }, []);
  useEffect(() => { void reload(); }, [reload]);
  return { items, error, reload };
}
