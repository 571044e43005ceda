/** Small helpers the playground's panels share: a record's display label and its dashboard link. */
import type { CollectionModel } from 'pocketbase';
import { recordPath } from '../records/model';

/** A record's name for a list: a presentable or name-like field, else its first non-empty short text, else the id. */
export function recordTitle(item: Record<string, unknown>, collection: CollectionModel | undefined): string {
  const fields = collection?.fields ?? [];
  const preferred = [...fields.filter((f) => f.presentable), ...fields.filter((f) => ['title', 'name', 'email'].includes(f.name))];
  for (const f of preferred) if (typeof item[f.name] === 'string' && item[f.name]) return String(item[f.name]);
  for (const f of fields) {
    const v = item[f.name];
    if (f.type === 'text' && f.name !== 'id' && typeof v === 'string' && v) return v.length > 80 ? `${v.slice(0, 80)}…` : v;
  }
  return String(item.id ?? '');
}

export function recordHref(collection: string, id: string): string {
  return `#${recordPath(collection, id)}`;
}
