/**
 * A webhook declaration: which collection and events, the target URL, whether it is
 * enabled. Rows of `_webhooks` to models and models to the API's JSON (never the secret).
 */
import type { Row } from '../store/store.js';
import { formatDateTime } from '../core/fields/datetime.js';

export const EVENTS = ['create', 'update', 'delete'] as const;
export type WebhookEvent = (typeof EVENTS)[number];

export interface Webhook {
  id: string;
  collectionId: string;
  events: WebhookEvent[];
  url: string;
  secret: string;
  enabled: boolean;
  created: number;
  updated: number;
}

export function webhookFromRow(row: Row): Webhook {
  return {
    id: String(row.id),
    collectionId: String(row.collectionId),
    events: JSON.parse(String(row.events)) as WebhookEvent[],
    url: String(row.url),
    secret: String(row.secret),
    enabled: row.enabled === true || Number(row.enabled) === 1,
    created: Number(row.created),
    updated: Number(row.updated),
  };
}

/** The API form: the collection by id and (when it still exists) name; no secret. */
export function publicWebhook(w: Webhook, collectionName: string | undefined): Record<string, unknown> {
  return {
    id: w.id,
    collectionId: w.collectionId,
    collection: collectionName ?? '',
    events: [...w.events],
    url: w.url,
    enabled: w.enabled,
    created: formatDateTime(new Date(w.created)),
    updated: formatDateTime(new Date(w.updated)),
  };
}
