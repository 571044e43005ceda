/**
 * Delivering one committed record change to the local realtime clients (API spec
 * 6.4): for each matching subscription, the list rule (`COLLECTION/*`) or view rule
 * (`COLLECTION/ID`) and the optional `filter` are checked for that client's auth
 * against the record as it was written, then the record is serialised for that
 * client with its `expand` and `fields`. Clients with the same subscription and auth
 * share one check and one message, so ten thousand guests cost one evaluation.
 */
import type { GalleyCore } from '../core/galley-core.js';
import type { RecordChange } from '../core/records/record-changes.js';
import type { RequestAuth } from '../core/auth/request-auth.js';
import type { AccessContext } from '../core/rules/rule-access.js';
import { ruleAccess } from '../core/rules/rule-access.js';
import { rowSatisfies } from '../core/rules/row-access.js';
import { serializeRecord } from '../core/records/serialize.js';
import { expandRecords } from '../core/records/expand.js';
import { applyFields } from '../server/fields-projection.js';
import type { RealtimeClient } from './realtime-client.js';
import type { Subscription } from './subscription.js';

/** Clients handled between two yields to the event loop. */
const CLIENTS_PER_SLICE = 250;

export async function deliverChange(core: GalleyCore, change: RecordChange, clients: Iterable<RealtimeClient>): Promise<void> {
  const messages = new Map<string, Promise<string | null>>();
  let handled = 0;
  for (const client of clients) {
    for (const sub of client.subscriptions) {
      if (!matches(sub, change)) continue;
      const key = `${sub.raw}\u0000${authKey(client.auth)}`;
      let message = messages.get(key);
      if (!message) {
        message = messageFor(core, change, sub, client.auth).catch(() => null);
        messages.set(key, message);
      }
      const data = await message;
      if (data === null) continue;
      const hook = core.hooks.onRealtimeMessageSend;
      if (hook.isEmpty()) client.send(sub.raw, data);
      else await hook.trigger({ app: core.app(), clientId: client.id, topic: sub.raw, data }, (e) => client.send(e.topic, e.data));
    }
    if (++handled % CLIENTS_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

function matches(sub: Subscription, change: RecordChange): boolean {
  const c = change.collection;
  if (sub.collection !== c.name && sub.collection !== c.id) return false;
  return sub.recordId === null || sub.recordId === change.row.id;
}

/** Who the client is, as far as the outcome of a rule and the serialised record can tell. */
function authKey(auth: RequestAuth): string {
  if (!auth.record) return auth.isSuperuser ? 'superuser' : 'guest';
  return `${auth.collection?.id}/${String(auth.record.id)}`;
}

/** The message data for one subscription and auth, or null when the client may not see the record. */
async function messageFor(core: GalleyCore, change: RecordChange, sub: Subscription, auth: RequestAuth): Promise<string | null> {
  const { collection, row } = change;
  let access;
  try {
    access = ruleAccess(collection, sub.recordId === null ? 'listRule' : 'viewRule', auth);
  } catch {
    return null; // a superusers-only rule
  }
  const filter = sub.query.filter ?? '';
  // The same restriction as list filters: only superusers may reach into @request/@collection.
  if (!auth.isSuperuser && /@(request|collection)\./.test(filter)) return null;
  const ctx: AccessContext = {
    auth,
    registry: core.collections.registry,
    request: {
      context: 'realtime', method: 'GET', headers: sub.headers, query: sub.query, body: {},
      auth: auth.record, authCollection: auth.collection ? { id: auth.collection.id, name: auth.collection.name } : null,
    },
  };
  if ((access.kind === 'rule' || filter.trim() !== '') && !(await rowSatisfies(core.store, collection, row, access, ctx, filter))) return null;

  let record: unknown = serializeRecord(collection, row, auth);
  const expand = sub.query.expand;
  if (expand) {
    try {
      await expandRecords(core.store, collection, [row], [record as Record<string, unknown>], expand, ctx);
    } catch {
      // An unusable expand is left out; the event itself still goes.
    }
  }
  if (sub.query.fields) {
    try {
      record = applyFields(record, sub.query.fields);
    } catch {
      // As with expand: a bad `fields` option does not cost the client the event.
    }
  }
  return JSON.stringify({ action: change.action, record });
}
