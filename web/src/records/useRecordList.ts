/**
 * Loads one page of a collection's records with sort and filter. A failing filter
 * (the API's 400) is reported as `filterError` while the last good rows stay on screen,
 * so typing a half-finished filter never blanks the table.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ListResult, RecordModel } from 'pocketbase';
import { errorMessage, pb } from '../lib/api';

export const PER_PAGE = 30;

export interface ListQuery { page: number; sort: string; filter: string; expand?: string }

/** `ready` false holds the request back (until the schema, which names the relations to expand, is known). */
export function useRecordList(collection: string, query: ListQuery, ready = true) {
  const [result, setResult] = useState<ListResult<RecordModel> | null>(null);
  const [filterError, setFilterError] = useState('');
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const seq = useRef(0); // only the newest request may update the screen

  const load = useCallback(async () => {
    if (!ready) return;
    const mine = ++seq.current;
    setLoading(true);
    try {
      const res = await pb.collection(collection).getList(query.page, PER_PAGE, {
        sort: query.sort || undefined,
        filter: query.filter.trim() || undefined,
        expand: query.expand || undefined,
      });
      if (mine !== seq.current) return;
      setResult(res);
      setFilterError('');
      setError('');
    } catch (err) {
      if (mine !== seq.current) return;
      // A 400 here is about the filter or sort the user typed; anything else is a real failure.
      const status = (err as { status?: number }).status;
      if (status === 400) setFilterError(errorMessage(err));
      else setError(errorMessage(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [collection, query.page, query.sort, query.filter, query.expand, ready]);

  useEffect(() => { void load(); }, [load]);

  return { result, filterError, error, loading, reload: load };
}

/** The value after it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
