/** Every collection, sorted by name, for the collections panel (reloaded after a save or delete). */
import { useCallback, useEffect, useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { errorMessage, pb } from '../lib/api';

export function useCollections() {
  const [items, setItems] = useState<CollectionModel[]>([]);
  const [error, setError] = useState('');
  const reload = useCallback(() => pb.collections.getFullList({ sort: 'name' }).then(
    (list) => { setItems(list); setError(''); },
    (err) => setError(errorMessage(err)),
  ), []);
  useEffect(() => { void reload(); }, [reload]);
  return { items, error, reload };
}
