/**
 * The logs list for a filter, newest first, loaded a page at a time (`skipTotal`: no
 * COUNT over a big log table). `loadMore` appends the next page; rows already shown
 * are skipped, since logs written meanwhile shift the pages. A bad filter keeps the
 * rows on screen and reports the API's message as `filterError`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LogModel } from 'pocketbase';
import { ClientResponseError, errorMessage, pb } from '../lib/api';

export const PER_PAGE = 50;

export function useLogList(filter: string) {
  const [items, setItems] = useState<LogModel[]>([]);
  const [loading, setLoading] = useState(false);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState('');
  const [filterError, setFilterError] = useState('');
  const [version, setVersion] = useState(0);
  // The page last requested, and which request is current (a new filter abandons older ones).
  const state = useRef({ page: 0, request: 0, busy: false });

  const fetchPage = useCallback(async (page: number, replace: boolean) => {
    const request = replace ? ++state.current.request : state.current.request;
    state.current.busy = true;
    setLoading(true);
    try {
      const res = await pb.logs.getList(page, PER_PAGE, { filter, sort: '-@rowid', skipTotal: true });
      if (request !== state.current.request) return;
      state.current.page = page;
      setHasMore(res.items.length === PER_PAGE);
      setItems((prev) => {
        if (replace) return res.items;
        const seen = new Set(prev.map((l) => l.id));
        return [...prev, ...res.items.filter((l) => !seen.has(l.id))];
      });
      setError('');
      setFilterError('');
    } catch (err) {
      if (request !== state.current.request) return;
      setHasMore(false);
      if (err instanceof ClientResponseError && err.status === 400) setFilterError(errorMessage(err));
      else setError(errorMessage(err));
    } finally {
      if (request === state.current.request) {
        state.current.busy = false;
        setLoading(false);
      }
    }
  }, [filter]);

  useEffect(() => { void fetchPage(1, true); }, [fetchPage, version]);

  const loadMore = useCallback(() => {
    if (state.current.busy) return;
    void fetchPage(state.current.page + 1, false);
  }, [fetchPage]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);

  return { items, loading, hasMore, error, filterError, loadMore, reload };
}
