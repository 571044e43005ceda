/**
 * Helpers shared by the records screens: which fields a form or table shows, how a
 * value reads as plain text, and PocketBase's UTC date form.
 */
import type { CollectionField, CollectionModel, RecordModel } from 'pocketbase';

export type { CollectionField, CollectionModel, RecordModel };

/** Fields never shown or edited: tokenKey is server-managed and secret. */
export function isHiddenSystemField(f: CollectionField): boolean {
  return f.type === 'password' || (f.system && f.name === 'tokenKey');
}

export function isMultiple(f: CollectionField): boolean {
  return (f.type === 'select' || f.type === 'relation' || f.type === 'file') && Number(f.maxSelect ?? 1) > 1;
}

/** Columns the table may show (all but secrets). */
export function tableFields(c: CollectionModel): CollectionField[] {
  return c.fields.filter((f) => !isHiddenSystemField(f));
}

/** A stored value as one line of text: everything from the database is shown as text. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(textOf).join(', ');
  return JSON.stringify(value);
}

/** `2024-05-06 07:08:09.000Z` → `2024-05-06T07:08:09` for a datetime-local input (read as UTC). */
export function toInputDate(stored: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)/.exec(stored);
  return m ? `${m[1]}T${m[2]!.length === 5 ? `${m[2]}:00` : m[2]}` : '';
}

/** The datetime-local value (taken as UTC) → PocketBase's `YYYY-MM-DD HH:MM:SS.sssZ`. */
export function fromInputDate(input: string): string {
  if (!input) return '';
  const [date, time = '00:00'] = input.split('T');
  const [hms, ms = '000'] = time.split('.');
  const full = hms!.length === 5 ? `${hms}:00` : hms;
  return `${date} ${full}.${ms.padEnd(3, '0').slice(0, 3)}Z`;
}

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|ico|svg)$/i;
export function isImageName(name: string): boolean {
  return IMAGE.test(name);
}

/** Thumbnails exist only for these (7.3); other images load as they are. */
export function thumbable(name: string): boolean {
  return /\.(png|jpe?g|gif|webp)$/i.test(name);
}

export function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  return typeof value === 'string' && value ? [value] : [];
}

export function recordsPath(collection: string): string {
  return `/collections/${encodeURIComponent(collection)}/records`;
}

export function recordPath(collection: string, id: string): string {
  return `${recordsPath(collection)}/${encodeURIComponent(id)}`;
}
