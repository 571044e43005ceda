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

const widthKey = (collection: string) => `galley.records.columnWidths.${collection}`;

function readWidths(collection: string): Record<string, number> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(widthKey(collection)) || '{}');
    if (!v || typeof v !== 'object') return {};
    return Object.fromEntries(Object.entries(v).filter(([, w]) => typeof w === 'number' && w > 0)) as Record<string, number>;
  } catch {
    return {};
  }
}

export const MIN_WIDTH = 60;
export const MAX_WIDTH = 800;

/** Column widths set by resizing, per collection, remembered in localStorage. */
export function useColumnWidths(collection: string) {
  const [state, setState] = useState(() => ({ collection, widths: readWidths(collection) }));
  const widths = state.collection === collection ? state.widths : readWidths(collection);
  const setWidth = useCallback((name: string, width: number) => {
    const next = { ...widths, [name]: Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width))) };
    localStorage.setItem(widthKey(collection), JSON.stringify(next));
    setState({ collection, widths: next });
  }, [collection, widths]);
  return { widths, setWidth };
}
