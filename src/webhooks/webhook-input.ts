/**
 * Validation of a webhook declaration from the API (create, or a partial update):
 * PocketBase-style field errors, and the target checked against SSRF rules (its host
 * resolved now; it is checked again at each delivery).
 */
import type { CollectionService } from '../core/collections/collection-service.js';
import { badRequest, fieldError, required, type ErrorData } from '../core/errors.js';
import { EVENTS, type Webhook, type WebhookEvent } from './webhook-model.js';
import { checkTarget, parseTarget, TargetRefused } from '../core/net/target-guard.js';

export type WebhookFields = Pick<Webhook, 'collectionId' | 'events' | 'url' | 'enabled'>;

const MAX_URL = 2000;
const invalid = (message: string) => fieldError('validation_invalid_value', message);

/** `current` absent: a creation (collection, events and url are required). */
export async function readWebhookInput(
  body: Record<string, unknown>, current: WebhookFields | undefined, collections: CollectionService, allowedPrivateTargets: readonly string[],
): Promise<WebhookFields> {
  const errors: ErrorData = {};
  const out: WebhookFields = current ? { ...current, events: [...current.events] } : { collectionId: '', events: [], url: '', enabled: true };

  if (body.collection !== undefined || !current) {
    const ref = body.collection;
    const collection = typeof ref === 'string' && ref !== '' ? collections.find(ref) : undefined;
    if (ref === undefined || ref === '' || ref === null) errors.collection = required();
    else if (!collection) errors.collection = invalid('Missing or invalid collection.');
    else if (collection.isView) errors.collection = invalid('View collections have no record events.');
    else out.collectionId = collection.id;
  }

  if (body.events !== undefined || !current) {
    const events = body.events;
    if (!Array.isArray(events) || events.length === 0) errors.events = required();
    else if (events.some((e) => !EVENTS.includes(e as WebhookEvent))) errors.events = invalid(`Events must be among ${EVENTS.join(', ')}.`);
    else out.events = EVENTS.filter((e) => events.includes(e)); // deduplicated, in a stable order
  }

  if (body.url !== undefined || !current) {
    if (typeof body.url !== 'string' || body.url.trim() === '') errors.url = required();
    else if (body.url.length > MAX_URL) errors.url = fieldError('validation_length_out_of_range', `Must be at most ${MAX_URL} characters.`);
    else {
      const parsed = parseTarget(body.url.trim());
      if (typeof parsed === 'string') errors.url = invalid(parsed);
      else {
        try {
          await checkTarget(parsed, allowedPrivateTargets);
          out.url = parsed.toString();
        } catch (err) {
          if (!(err instanceof TargetRefused)) throw err;
          errors.url = fieldError('validation_target_refused', `The target is not allowed: ${err.message}.`);
        }
      }
    }
  }

  if (body.enabled !== undefined) {
    if (typeof body.enabled !== 'boolean') errors.enabled = invalid('Must be a boolean.');
    else out.enabled = body.enabled;
  }

  if (Object.keys(errors).length) throw badRequest('An error occurred while submitting the form.', errors);
  return out;
}
