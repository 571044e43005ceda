/** A collection's schema by name or id (the fields drive both table and form). */
import { useEffect, useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { errorMessage, pb } from '../lib/api';

export function useCollection(nameOrId: string): { collection: CollectionModel | null; error: string } {
  const [state, setState] = useState<{ key: string; collection: CollectionModel | null; error: string }>({ key: '', collection: null, error: '' });
  useEffect(() => {
    let live = true;
    pb.collections.getOne(nameOrId).then(
      (c) => { if (live) setState({ key: nameOrId, collection: c, error: '' }); },
      (err) => { if (live) setState({ key: nameOrId, collection: null, error: errorMessage(err) }); },
    );
    return () => { live = false; };
  }, [nameOrId]);
  return state.key === nameOrId ? state : { collection: null, error: '' };
}
