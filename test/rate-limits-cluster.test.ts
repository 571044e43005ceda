/**
 * Rate limits and sign-in protection hold for the cluster, not per instance: three
 * Galley instances on one PostgreSQL database, requests sent to them in turn
 * (round-robin, one after another and all at once), admit the configured limit
 * within 10% (issue 18, point 2). With per-instance counters they admit three times it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PocketBase from 'pocketbase';
import { GalleyCore } from '../src/core/galley-core.js';
import { buildApp } from '../src/server/app.js';
import { startGalley, type TestGalley } from './support/galley.js';
import { failure } from './support/errors.js';

const LIMIT = 20;
const within10Percent = (allowed: number) => expect(Math.abs(allowed - LIMIT), `${allowed} allowed for a limit of ${LIMIT}`).toBeLessThanOrEqual(LIMIT * 0.1);

describe('rate limits across three instances on one PostgreSQL database', () => {
  let a: TestGalley;
  const others: { url: string; close(): Promise<void> }[] = [];
  let urls: string[];
  const client = (url: string) => {
    const pb = new PocketBase(url);
    pb.autoCancellation(false);
    return pb;
  };
  /** Headers that make a request come from `ip` (X-Forwarded-For is trusted here). */
  const from = (ip: string) => ({ 'X-Forwarded-For': ip });

  beforeAll(async () => {
    a = await startGalley('postgres');
    await a.admin.settings.update({
      trustedProxy: { headers: ['X-Forwarded-For'] },
      rateLimits: {
        enabled: true,
        rules: [
          { label: 'GET /api/health', audience: '', duration: 10, maxRequests: LIMIT },
          { label: '*:list', audience: '', duration: 10, maxRequests: LIMIT },
        ],
      },
      authProtection: { maxFailuresPerIdentityIP: LIMIT },
    });
    await a.admin.collections.create({ name: 'posts', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text' }] });
    // Started after the settings and the collection, so they read both at open.
    for (let i = 0; i < 2; i++) {
      const core = await GalleyCore.open({ dir: a.dir, db: a.dbUrl }, 100);
      const app = await buildApp(core);
      await app.listen({ host: '127.0.0.1', port: 0 });
      others.push({ url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, close: async () => { await app.close(); await core.close(); } });
    }
    urls = [a.url, ...others.map((o) => o.url)];
  });
  afterAll(async () => {
    for (const o of others) await o.close();
    await a?.close();
  });

  it(`a path rule of ${LIMIT} per 10 s admits ${LIMIT} ± 10% of 60 requests sent to the instances in turn`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await fetch(`${urls[i % 3]}/api/health`, { headers: from('10.1.0.1') })).status);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    within10Percent(statuses.filter((s) => s === 200).length);
    // Every instance refuses now, with PocketBase's body.
    for (const url of urls) {
      const res = await fetch(`${url}/api/health`, { headers: from('10.1.0.1') });
      expect(res.status).toBe(429);
      expect(await res.json()).toEqual({ status: 429, message: 'Too Many Requests.', data: {} });
    }
    // Another client IP has its own window.
    expect((await fetch(`${urls[1]}/api/health`, { headers: from('10.1.0.2') })).status).toBe(200);
  });

  it(`a collection rule of ${LIMIT} per 10 s admits ${LIMIT} ± 10% of 90 concurrent SDK lists spread over the instances`, async () => {
    const results = await Promise.allSettled(Array.from({ length: 90 }, (_, i) =>
      client(urls[i % 3]!).collection('posts').getList(1, 1, { headers: from('10.1.1.1') })));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as { status: number }).status);
    expect(refused.filter((s) => s !== 429)).toEqual([]);
    within10Percent(results.filter((r) => r.status === 'fulfilled').length);
  });

  it(`sign-in protection: ${LIMIT} failures per identity and IP are counted once for the cluster`, async () => {
    const email = 'guessed@example.com';
    await a.admin.collection('users').create({ email, password: 'right-password-1', passwordConfirm: 'right-password-1' });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const err = await failure(client(urls[i % 3]!).collection('users').authWithPassword(email, 'wrong-password', { headers: from('10.1.2.1') }));
      statuses.push(err.status);
    }
    expect(statuses.filter((s) => s !== 400 && s !== 429)).toEqual([]);
    within10Percent(statuses.filter((s) => s === 400).length);
    // Locked on every instance, even with the right password.
    for (const url of urls) expect((await failure(client(url).collection('users').authWithPassword(email, 'right-password-1', { headers: from('10.1.2.1') }))).status).toBe(429);
  });
});
