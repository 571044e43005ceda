/**
 * The body of a delivery: `{type, timestamp, data: {collection, record}}`, with the
 * record's values as a superuser sees them (hidden fields included) but never a
 * password hash or an auth record's tokenKey.
 */
import type { Collection } from '../core/collections/collection.js';
import type { LifecycleAction } from '../core/records/record-lifecycle.js';

const TYPES: Record<LifecycleAction, string> = { create: 'record.created', update: 'record.updated', delete: 'record.deleted' };

export function webhookPayload(action: LifecycleAction, collection: Collection, values: Record<string, unknown>, now = new Date()): string {
  const record: Record<string, unknown> = { collectionId: collection.id, collectionName: collection.name };
  for (const f of collection.fields) {
    const name = f.model.name;
    if (f.model.type === 'password' || (collection.isAuth && name === 'tokenKey')) continue;
    record[name] = values[name];
  }
  return JSON.stringify({ type: TYPES[action], timestamp: now.toISOString(), data: { collection: collection.name, record } });
}
