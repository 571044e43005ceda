/** A file token for protected file fields (7.4), fetched only when a field needs one. */
import { useEffect, useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { pb } from '../lib/api';

export function useFileToken(collection: CollectionModel | null): string {
  const [token, setToken] = useState('');
  const needed = !!collection?.fields.some((f) => f.type === 'file' && f.protected);
  useEffect(() => {
    if (!needed) return;
    pb.files.getToken().then(setToken, () => setToken(''));
  }, [needed]);
  return token;
}
