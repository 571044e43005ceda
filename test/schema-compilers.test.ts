/**
 * Fastify's schema compilers are loaded on first use (server/lazy-schema-compilers.ts):
 * a route with a JSON schema that an embedding program adds to buildApp()'s server
 * still validates its input and serializes its output through them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { GalleyCore } from '../src/core/galley-core.js';
import { buildApp } from '../src/server/app.js';
import { ENGINES, createPgDatabase } from './support/galley.js';

describe.each(ENGINES)('route schemas added by an embedding program (%s)', (engine) => {
  let core: GalleyCore;
  let app: FastifyInstance;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'galley-schemas-'));
    core = await GalleyCore.open({ dir, db: engine === 'postgres' ? await createPgDatabase() : '' });
    app = await buildApp(core);
    app.post('/api/echo', {
      schema: {
        body: { type: 'object', required: ['n'], properties: { n: { type: 'integer', minimum: 1 } } },
        response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } },
      },
    }, async (request) => ({ n: (request.body as { n: number }).n, secret: 'not in the response schema' }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await core?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown) => fetch(`${url}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('serializes through the response schema (properties outside it are dropped)', async () => {
    const res = await post({ n: 3 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ n: 3 });
  });

  it('refuses a body the schema does not allow with a 400 in PocketBase form', async () => {
    const res = await post({ n: 0 });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ status: 400, data: {} });
    expect(typeof body.message).toBe('string');
  });
});
