/** Which table columns are hidden, per collection, remembered in localStorage. */
import { useCallback, useState } from 'react';

const key = (collection: string) => `galley.records.hiddenColumns.${collection}`;

function read(collection: string): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(key(collection)) || '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function useHiddenColumns(collection: string) {
  const [state, setState] = useState(() => ({ collection, hidden: read(collection) }));
  // Re-read when the screen switches to another collection.
  const hidden = state.collection === collection ? state.hidden : read(collection);
  const toggle = useCallback((name: string) => {
    const next = hidden.includes(name) ? hidden.filter((n) => n !== name) : [...hidden, name];
    localStorage.setItem(key(collection), JSON.stringify(next));
    setState({ collection, hidden: next });
  }, [collection, hidden]);
  return { hidden, toggle };
}
