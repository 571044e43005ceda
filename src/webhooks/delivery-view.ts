/** A delivery as the API shows it: status, attempts (each with its answer or error), the payload. */
import { formatDateTime } from '../core/fields/datetime.js';
import type { DeliveryRow } from './delivery-repo.js';

const time = (ms: number) => formatDateTime(new Date(ms));

export function publicDelivery(d: DeliveryRow): Record<string, unknown> {
  return {
    id: d.id,
    webhookId: d.webhookId,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    nextAttempt: d.status === 'pending' ? time(d.nextAttempt) : '',
    lastStatus: d.lastStatus,
    lastError: d.lastError ?? '',
    log: d.log.map((a) => ({ at: time(a.at), status: a.status, error: a.error ?? '', durationMs: a.ms })),
    payload: JSON.parse(d.payload) as unknown,
    created: time(d.created),
    updated: time(d.updated),
  };
}
