/**
 * Multi-factor sign-in (API spec 5.6). When the collection has `mfa.enabled` and the
 * record matches `mfa.rule`, a first successful auth method does not sign in: it
 * stores a pending `_mfas` session and answers 401 `{"mfaId"}` (MfaRequiredError).
 * A second sign-in with a different method and that mfaId completes it; the session
 * is deleted by whoever uses it, so it completes once, even when raced.
 */
import type { Collection } from '../collections/collection.js';
import { newRecordId } from '../collections/ids.js';
import { ApiError, badRequest } from '../errors.js';
import type { Store } from '../../store/store.js';
import { deleteMfa, findMfa, insertMfa, purgeExpiredMfas } from './mfa-store.js';

export const MFA_EXPIRED = 'Invalid or expired MFA session.';
export const MFA_OTHER_RECORD = 'Invalid MFA session.';
export const MFA_SAME_METHOD = 'A different authentication method is required.';

/** Whether an error is a refused second MFA step (counted as a failed sign-in attempt by protection/). */
export function isMfaFailure(err: unknown): boolean {
  return err instanceof ApiError && err.status === 400 && (err.message === MFA_EXPIRED || err.message === MFA_OTHER_RECORD || err.message === MFA_SAME_METHOD);
}

/** The 401 of a first MFA step; its body is `{"mfaId"}` instead of the standard error shape. */
export class MfaRequiredError extends ApiError {
  constructor(readonly mfaId: string) {
    super(401);
  }

  override toJSON(): Record<string, unknown> {
    return { mfaId: this.mfaId };
  }
}

export interface MfaStep {
  /** The auth method that just succeeded (`password`, `otp`, `oauth2`). */
  method: string;
  /** The mfaId the client sent ('' on a first step). */
  mfaId: string;
  /** Whether the record signing in satisfies a non-empty `mfa.rule`. */
  matchesRule: (rule: string) => Promise<boolean>;
}

/** The mfaId of a request: the `?mfaId=` query parameter (what the SDK sends), else the body's. */
export function mfaIdFrom(query: unknown, body: Record<string, unknown>): string {
  const q = (query as Record<string, unknown> | undefined)?.mfaId;
  if (typeof q === 'string' && q !== '') return q;
  return typeof body.mfaId === 'string' ? body.mfaId : '';
}

/** Returns when the sign-in may proceed; otherwise throws MfaRequiredError (first step) or a 400. */
export async function enforceMfa(store: Store, collection: Collection, recordId: string, step: MfaStep): Promise<void> {
  const mfa = collection.model.mfa;
  if (!mfa?.enabled) return;
  if (mfa.rule !== '' && !(await step.matchesRule(mfa.rule))) return;
  const now = Date.now();

  if (step.mfaId === '') {
    await purgeExpiredMfas(store, collection.id, mfa.duration, now);
    const id = newRecordId();
    await insertMfa(store, { id, collectionId: collection.id, recordId, method: step.method, created: now });
    throw new MfaRequiredError(id);
  }

  const session = await findMfa(store, step.mfaId);
  if (!session) throw badRequest(MFA_EXPIRED);
  if (now - session.created > mfa.duration * 1000) {
    await deleteMfa(store, session.id);
    throw badRequest(MFA_EXPIRED);
  }
  if (session.recordId !== recordId || session.collectionId !== collection.id) throw badRequest(MFA_OTHER_RECORD);
  if (session.method === step.method) throw badRequest(MFA_SAME_METHOD);
  if (!(await deleteMfa(store, session.id))) throw badRequest(MFA_EXPIRED);
}
