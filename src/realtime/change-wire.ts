/**
 * Record changes as messages between instances. Values travel in API form, never with
 * secrets: password hashes are blanked and the tokenKey is replaced by a fingerprint
 * (enough for the receiving instance to see that a client's auth was revoked).
 */
import type { CollectionRegistry } from '../core/collections/registry.js';
import type { RecordAction, RecordChange } from '../core/records/record-changes.js';
import { rowToValues } from '../core/records/serialize.js';
import { valuesToRow } from '../core/records/record-writer.js';
import { tokenKeyFingerprint } from './realtime-client.js';

/** A change ready for delivery, with the fingerprint of an auth record's tokenKey. */
export interface Deliverable {
  change: RecordChange;
  fingerprint: string;
}

interface WireChange {
  t: 'change';
  a: RecordAction;
  c: string;
  r: Record<string, unknown>;
  k: string;
}

export function localDeliverable(change: RecordChange): Deliverable {
  return { change, fingerprint: change.collection.isAuth ? tokenKeyFingerprint(change.row.tokenKey) : '' };
}

export function encodeChange({ change, fingerprint }: Deliverable): string {
  const values = rowToValues(change.collection, change.row);
  for (const f of change.collection.fields) if (f.model.type === 'password') values[f.model.name] = '';
  if (change.collection.isAuth) values.tokenKey = '';
  const wire: WireChange = { t: 'change', a: change.action, c: change.collection.id, r: values, k: fingerprint };
  return JSON.stringify(wire);
}

/** The change, or undefined when this instance does not know the collection (yet). */
export function decodeChange(message: { a?: unknown; c?: unknown; r?: unknown; k?: unknown }, registry: CollectionRegistry): Deliverable | undefined {
  const collection = typeof message.c === 'string' ? registry.find(message.c) : undefined;
  if (!collection || typeof message.r !== 'object' || message.r === null) return undefined;
  const action = message.a;
  if (action !== 'create' && action !== 'update' && action !== 'delete') return undefined;
  const values = message.r as Record<string, unknown>;
  // Fields this instance knows but the sender did not (a schema change in flight) start empty.
  for (const f of collection.fields) if (!(f.model.name in values)) values[f.model.name] = f.type.empty(f.model);
  return { change: { action, collection, row: valuesToRow(collection, values) }, fingerprint: String(message.k ?? '') };
}
