/**
 * The 2-minute resend window of the request-* email flows (API spec 5.8, 10.2), kept
 * in the shared `_params` table rather than in memory so it holds across instances.
 * Claiming is one atomic upsert: it succeeds only when no unexpired claim exists.
 */
import type { Store } from '../../store/store.js';

export const RESEND_WINDOW_MS = 2 * 60 * 1000;
const PREFIX = 'resend:';

/** True when the caller may send now (and nobody else may for the next window). */
export async function claimResendWindow(store: Store, key: string, windowMs = RESEND_WINDOW_MS): Promise<boolean> {
  const p = store.dialect.placeholder;
  const now = Date.now();
  // Millisecond counts padded to a fixed width, so text order is numeric order.
  const stamp = (ms: number) => String(ms).padStart(15, '0');
  await store.run(`DELETE FROM "_params" WHERE "id" LIKE '${PREFIX}%' AND "value" < ${p(1)}`, [stamp(now)]);
  const changed = await store.run(
    `INSERT INTO "_params" ("id", "value") VALUES (${p(1)}, ${p(2)}) ON CONFLICT ("id") DO UPDATE SET "value" = excluded."value" WHERE "_params"."value" < ${p(3)}`,
    [PREFIX + key, stamp(now + windowMs), stamp(now)],
  );
  return changed > 0;
}
