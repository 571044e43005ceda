/**
 * The built-in jobs every instance registers (listed by `GET /api/crons` after user
 * jobs). PocketBase's ids are kept where it has the same job, so its documentation
 * (e.g. removing or re-scheduling `__pbDBOptimize__`) maps over.
 */
import type { Store } from '../store/store.js';
import type { CollectionRegistry } from '../core/collections/registry.js';
import { ATTEMPT_WINDOW_MS, purgeExpiredOtps } from '../core/auth/otp-store.js';
import { purgeExpiredMfas } from '../core/auth/mfa-store.js';
import { purgeExpiredKeys } from '../core/idempotency/idempotency-keys.js';
import type { CronService } from './cron-service.js';

export const HOUSEKEEPING_JOBS = {
  dbOptimize: { id: '__pbDBOptimize__', expression: '0 0 * * *' },
  mfaCleanup: { id: '__pbMFACleanup__', expression: '0 * * * *' },
  otpCleanup: { id: '__pbOTPCleanup__', expression: '0 * * * *' },
  cronRunsCleanup: { id: '__galleyCronRunsCleanup__', expression: '*/10 * * * *' },
  idempotencyKeysCleanup: { id: '__galleyIdempotencyKeysCleanup__', expression: '30 * * * *' },
} as const;

/** For a collection without the option: keep rows up to the longest duration allowed. */
const DAY_SECONDS = 86400;

export function registerHousekeeping(crons: CronService, store: Store, collections: { registry: CollectionRegistry }): void {
  const { dbOptimize, mfaCleanup, otpCleanup, cronRunsCleanup, idempotencyKeysCleanup } = HOUSEKEEPING_JOBS;
  const authCollections = () => collections.registry.all().filter((c) => c.isAuth);

  // Refreshes the planner's statistics (PocketBase runs `PRAGMA optimize` daily too).
  crons.register(dbOptimize.id, dbOptimize.expression, async () => {
    await store.exec(store.dialect.name === 'sqlite' ? 'PRAGMA optimize' : 'ANALYZE');
  });

  // Sign-in flows purge their own collection's rows as they go; this catches the rest.
  crons.register(mfaCleanup.id, mfaCleanup.expression, async () => {
    const now = Date.now();
    for (const c of authCollections()) await purgeExpiredMfas(store, c.id, c.model.mfa?.duration ?? DAY_SECONDS, now);
  });

  crons.register(otpCleanup.id, otpCleanup.expression, async () => {
    const now = Date.now();
    for (const c of authCollections()) await purgeExpiredOtps(store, c.id, c.model.otp?.duration ?? DAY_SECONDS, now);
    await store.run(`DELETE FROM "_otpAttempts" WHERE "created" < ${store.dialect.placeholder(1)}`, [now - ATTEMPT_WINDOW_MS]);
  });

  crons.register(cronRunsCleanup.id, cronRunsCleanup.expression, async () => {
    await crons.pruneRuns();
  });

  // Idempotency keys answer retries for 24 hours (docs/idempotency.md).
  crons.register(idempotencyKeysCleanup.id, idempotencyKeysCleanup.expression, async () => {
    await purgeExpiredKeys(store);
  });
}
