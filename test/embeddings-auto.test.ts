/**
 * Automatic embeddings (docs/ai.md) on both engines, against an OpenAI-compatible
 * server on 127.0.0.1: a vector field with a `source` and an `embedder` gets the
 * vector of its source text off the request path (the job queue), again only when the
 * text changes, in batches; existing records are backfilled when the source is set;
 * a failing endpoint leaves records pending, retried, and the progress says so; work
 * left queued by one instance is done by the next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgDatabase, ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { GalleyCore } from '../src/core/galley-core.js';
import { createRecord } from '../src/core/records/record-writer.js';
import { findRecordById } from '../src/core/records/record-reader.js';
import { rowToValues } from '../src/core/records/serialize.js';
import { systemAccess } from '../src/core/rules/rule-access.js';
import { SUPERUSER_SYSTEM } from '../src/core/auth/request-auth.js';
import { expectErrorBody, failure } from './support/errors.js';
import { startOpenAiServer, wordVector, type OpenAiServer } from './support/openai-server.js';

interface Doc { id: string; body: string; tag: string; emb: number[] }

const near = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-6);

describe.each(ENGINES)('automatic embeddings on %s', (engine) => {
  let g: TestGalley;
  let server: OpenAiServer;
  const progress = async (collection: string) => {
    const res = await g.fetch(`/api/collections/${collection}/embeddings`, { token: g.admin.authStore.token });
    expect(res.status).toBe(200);
    return ((await res.json()) as { fields: Record<string, unknown>[] }).fields;
  };
  const emb = async (id: string, collection = 'docs') => (await g.admin.collection(collection).getOne<Doc>(id)).emb;

  beforeAll(async () => {
    server = await startOpenAiServer();
    g = await startGalley(engine);
    await g.admin.settings.update({ embeddings: { openaiUrl: server.url, openaiModel: 'galley-test', openaiBatchSize: 3 } });
    await g.admin.collections.create({
      name: 'docs', type: 'base', listRule: '',
      fields: [{ name: 'body', type: 'text' }, { name: 'tag', type: 'text' }, { name: 'emb', type: 'vector', dimensions: 8, embedder: 'openai', source: 'body' }],
    });
  });
  afterAll(async () => { await g.close(); await server.stop(); });

  it('embeds the source text after the write, searchable by text, and reports the progress', async () => {
    const rec = await g.admin.collection('docs').create<Doc>({ body: 'green tea and black tea', tag: 'a' });
    await expect.poll(() => emb(rec.id)).toSatisfy((v: number[]) => near(v, wordVector('green tea and black tea', 8)));
    const res = await g.fetch('/api/collections/docs/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ field: 'emb', text: 'tea', k: 1 }) });
    expect(((await res.json()) as { items: Doc[] }).items[0]!.id).toBe(rec.id);
    expect(await progress('docs')).toEqual([{ field: 'emb', source: 'body', embedder: 'openai', total: 1, done: 1, pending: 0, failed: 0, failures: [] }]);
    await expectErrorBody(await g.fetch('/api/collections/docs/embeddings'), 401);
  });

  it('embeds again only when the text changes; clients do not write the vector; an empty text clears it', async () => {
    const rec = await g.admin.collection('docs').create<Doc>({ body: 'running shoes', tag: 'x' });
    await expect.poll(() => emb(rec.id)).toSatisfy((v: number[]) => near(v, wordVector('running shoes', 8)));
    await g.core.jobs.idle();
    const before = server.requests.length;
    await g.admin.collection('docs').update(rec.id, { tag: 'y', emb: [1, 1, 1, 1, 1, 1, 1, 1] });
    await g.core.jobs.idle();
    expect(server.requests.length).toBe(before); // same text: no call
    expect(near(await emb(rec.id), wordVector('running shoes', 8))).toBe(true); // the client's vector was ignored
    await g.admin.collection('docs').update(rec.id, { body: 'trail running' });
    await expect.poll(() => emb(rec.id)).toSatisfy((v: number[]) => near(v, wordVector('trail running', 8)));
    await g.admin.collection('docs').update(rec.id, { body: '' });
    expect(await emb(rec.id)).toEqual([]);
    await g.core.jobs.idle();
    expect(await emb(rec.id)).toEqual([]);
    await g.admin.collection('docs').delete(rec.id);
    expect((await progress('docs'))[0]).toMatchObject({ total: 1, done: 1 });
  });

  it('backfills existing records in batches when a source is set', async () => {
    const c = await g.admin.collections.create({ name: 'later', type: 'base', fields: [{ name: 'body', type: 'text' }, { name: 'emb', type: 'vector', dimensions: 8 }] });
    const texts = ['one fish', 'two fish', 'red fish', 'blue fish', 'old fish', 'new fish', 'this one'];
    const ids = [];
    for (const body of texts) ids.push((await g.admin.collection('later').create<Doc>({ body })).id);
    await g.admin.collection('later').create({ body: '' });
    const before = server.requests.length;
    const fields = (await g.admin.collections.getOne(c.id)).fields.map((f: Record<string, unknown>) => (f.name === 'emb' ? { ...f, embedder: 'openai', source: 'body' } : f));
    await g.admin.collections.update(c.id, { fields });
    await expect.poll(() => progress('later')).toEqual([{ field: 'emb', source: 'body', embedder: 'openai', total: 7, done: 7, pending: 0, failed: 0, failures: [] }]);
    for (const [i, id] of ids.entries()) expect(near(await emb(id, 'later'), wordVector(texts[i]!, 8))).toBe(true);
    expect(server.requests.slice(before).map((r) => r.input.length)).toEqual([3, 3, 1]);
  });

  it('lists the records that failed and why in the progress', async () => {
    // The endpoint answers 4 numbers for a field of 8: those vectors cannot be stored.
    await g.admin.settings.update({ embeddings: { openaiDimensions: 4 } });
    try {
      const rec = await g.admin.collection('docs').create<Doc>({ body: 'four numbers only' });
      await expect.poll(async () => (await progress('docs'))[0]!.failed, { timeout: 20_000, interval: 250 }).toBeGreaterThan(0);
      const { failures } = (await progress('docs'))[0] as { failures: { record: string; error: string; updated: string }[] };
      expect(failures).toEqual([{ record: rec.id, error: expect.stringMatching(/does not fit the field \(Must have exactly 8 numbers \(got 4\)\.\)/), updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
      await g.admin.collection('docs').delete(rec.id);
      expect((await progress('docs'))[0]).toMatchObject({ failed: 0, failures: [] });
    } finally {
      await g.admin.settings.update({ embeddings: { openaiDimensions: 0 } });
    }
  }, 30_000);

  it('leaves records pending while the endpoint fails, retries, then embeds them', async () => {
    await g.admin.settings.update({ embeddings: { openaiModel: 'fail-500' } });
    const rec = await g.admin.collection('docs').create<Doc>({ body: 'retry me please' });
    await expect.poll(() => server.requests.some((r) => r.model === 'fail-500' && r.input.includes('retry me please'))).toBe(true);
    expect((await progress('docs'))[0]).toMatchObject({ pending: 1 });
    expect(await emb(rec.id)).toEqual([]);
    await g.admin.settings.update({ embeddings: { openaiModel: 'galley-test' } });
    await expect.poll(() => emb(rec.id), { timeout: 20_000, interval: 250 }).toSatisfy((v: number[]) => near(v, wordVector('retry me please', 8)));
    expect((await progress('docs'))[0]).toMatchObject({ pending: 0, failed: 0 });
  }, 30_000);

  it('checks the source option', async () => {
    for (const [opts, message] of [
      [{ embedder: 'openai', source: 'nope' }, /no field named/], [{ embedder: 'openai', source: 'n' }, /number field/], [{ source: 'body' }, /needs an embedder/],
    ] as [Record<string, unknown>, RegExp][]) {
      const err = await failure(g.admin.collections.create({ name: 'bad_src', type: 'base', fields: [{ name: 'body', type: 'text' }, { name: 'n', type: 'number' }, { name: 'v', type: 'vector', dimensions: 8, ...opts }] }));
      const fieldErrors = Object.values(err.response.data.fields as Record<string, Record<string, { message: string }>>);
      expect(fieldErrors.map((e) => e.source?.message).join(' '), JSON.stringify(opts)).toMatch(message);
    }
  });
});

describe.each(ENGINES)('automatic embeddings across a restart on %s', (engine) => {
  it('a text saved while no instance ran jobs is embedded by the next instance', async () => {
    const server = await startOpenAiServer();
    const dir = mkdtempSync(join(tmpdir(), 'galley-embed-restart-'));
    const db = engine === 'postgres' ? await createPgDatabase() : '';
    try {
      // An instance that never starts its job queue (as a CLI command): the work stays queued.
      const first = await GalleyCore.open({ dir, db });
      await first.settings.update({ embeddings: { openaiUrl: server.url, openaiModel: 'galley-test' } });
      await first.collections.create({
        name: 'docs', type: 'base',
        fields: [{ name: 'body', type: 'text' }, { name: 'emb', type: 'vector', dimensions: 8, embedder: 'openai', source: 'body' }],
      });
      const docs = first.collections.get('docs');
      const row = await createRecord(first.recordDeps, docs, { body: 'kept for later' }, systemAccess(first.collections.registry, SUPERUSER_SYSTEM));
      await first.close();
      expect(server.requests).toEqual([]);

      const second = await GalleyCore.open({ dir, db });
      try {
        second.jobs.start({ pollMs: 50 });
        const read = async () => rowToValues(second.collections.get('docs'), (await findRecordById(second.store, second.collections.get('docs'), String(row.id)))!).emb as number[];
        await expect.poll(read, { timeout: 10_000 }).toSatisfy((v: number[]) => near(v, wordVector('kept for later', 8)));
        expect((await second.embeddings.progress(second.collections.get('docs').model))[0]).toMatchObject({ done: 1, pending: 0 });
      } finally {
        await second.close();
      }
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
