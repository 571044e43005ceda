/**
 * A separate Galley process for the cron cluster test: opens a GalleyCore (the built
 * dist) on the PostgreSQL URL given as argv[2], registers a per-second job that
 * records each run in the `cron_ticks` table, starts the crons and prints "ready".
 * Plain JavaScript so that it runs under node without a loader.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GalleyCore } from '../../dist/core/galley-core.js';

const core = await GalleyCore.open({ dir: mkdtempSync(join(tmpdir(), 'galley-cron-worker-')), db: process.argv[2] });
core.crons.register('tick', '* * * * * *', async ({ scheduledAt }) => {
  await core.store.run('INSERT INTO "cron_ticks" ("slot", "who") VALUES ($1, $2)', [scheduledAt.getTime(), core.crons.instanceId]);
});
await core.crons.start();
process.stdout.write(`ready ${core.crons.instanceId}\n`);
process.on('SIGTERM', () => void core.close().then(() => process.exit(0)));
setInterval(() => {}, 1 << 30); // stay alive until killed
