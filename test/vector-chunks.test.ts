/**
 * Chunks and hybrid search (docs/ai.md, "Chunks", "Hybrid search") on every vector
 * backing (SQLite, PostgreSQL 15's real[] fallback, pgvector through PGlite), against
 * the OpenAI-compatible test server (a text's vector is its bag of words): a long
 * source text is embedded by chunks whose offsets and pages come back in `@chunk`;
 * records are ranked by their nearest chunk, k distinct ones, never one the caller may
 * not list; hybrid search fuses the full-text ranking in; chunks follow their record
 * and its text, the field's schema, and backups restored on either engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPglite, type PgliteServer } from './support/pglite-server.js';
import { VECTOR_BACKENDS, distance, startVectorGalley } from './support/vector-backends.js';
import { startGalley, type TestGalley } from './support/galley.js';
import { fileOf } from './support/files.js';
import { expectErrorBody } from './support/errors.js';
import { startOpenAiServer, wordVector, type OpenAiServer } from './support/openai-server.js';
import { chunkText, type Chunk } from '../src/vectors/chunking.js';
import { chunkTableName } from '../src/vectors/chunk-table.js';
import { nearestChunks } from '../src/vectors/chunk-search.js';
import { systemAccess } from '../src/core/rules/rule-access.js';
import { GUEST, SUPERUSER_SYSTEM } from '../src/core/auth/request-auth.js';

const DIMS = 64;
const SIZE = 200;
const OVERLAP = 40;

interface Item { id: string; body?: string; '@distance': number | null; '@chunk'?: Chunk | null; '@score'?: number }

/** A page of distinct sentences: page p, sentence i mentions word `w<p>x<i>` so each is findable. */
const page = (p: number, n: number) => Array.from({ length: n }, (_, i) => `On page ${p} the line ${i} speaks of w${p}x${i} and nothing else.`).join(' ');

describe.each(VECTOR_BACKENDS)('chunks and hybrid search on %s', (backend) => {
  let g: TestGalley;
  let server: OpenAiServer;
  let docsId: string;
  let embId: string;

  const search = async (collection: string, body: Record<string, unknown>, token?: string) => {
    const res = await g.fetch(`/api/collections/${collection}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), token });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { items: Item[] }).items;
  };
  const settled = async (collection: string) => {
    await expect.poll(async () => {
      const res = await g.fetch(`/api/collections/${collection}/embeddings`, { token: g.admin.authStore.token });
      return ((await res.json()) as { fields: { pending: number }[] }).fields.every((f) => f.pending === 0);
    }, { timeout: 15_000 }).toBe(true);
    await g.core.jobs.idle();
  };
  const chunkRows = async (collectionId: string, fieldId: string, record?: string) => {
    const p = g.engine === 'sqlite' ? '?' : '$1';
    const where = record ? ` WHERE "record" = ${p}` : '';
    return g.core.store.all(`SELECT "record", "seq", "start", "end", "page", "text" FROM "${chunkTableName(collectionId, fieldId)}"${where} ORDER BY "record", "seq"`, record ? [record] : []);
  };
  const plain = (rows: Record<string, unknown>[]) => rows.map((r) => ({ text: String(r.text), start: Number(r.start), end: Number(r.end), page: r.page === null ? null : Number(r.page) }));

  beforeAll(async () => {
    server = await startOpenAiServer(DIMS);
    g = await startVectorGalley(backend);
    await g.admin.settings.update({ embeddings: { openaiUrl: server.url, openaiModel: 'galley-test', openaiBatchSize: 16 } });
    const c = await g.admin.collections.create({
      name: 'docs', type: 'base', listRule: 'public = true',
      fields: [
        { name: 'body', type: 'text', searchable: true }, { name: 'public', type: 'bool' },
        { name: 'emb', type: 'vector', dimensions: DIMS, embedder: 'openai', source: 'body', chunkSize: SIZE, chunkOverlap: OVERLAP },
      ],
    });
    docsId = c.id;
    embId = c.fields.find((f: { name: string }) => f.name === 'emb')!.id;
  }, 120_000);
  afterAll(async () => { await g?.close(); await server?.stop(); });

  it('embeds a long text by chunks: @chunk gives the nearest one with its offsets and page', async () => {
    const body = [page(1, 6), page(2, 6), page(3, 6)].join('\f');
    const rec = await g.admin.collection('docs').create({ body, public: true });
    await settled('docs');
    const expected = chunkText(body, SIZE, OVERLAP);
    expect(expected.length).toBeGreaterThan(3);
    expect(plain(await chunkRows(docsId, embId, rec.id))).toEqual(expected.map(({ text, start, end, page: pg }) => ({ text, start, end, page: pg })));
    // The record's own vector is its first chunk's.
    const stored = (await g.admin.collection('docs').getOne(rec.id)).emb as number[];
    expect(distance('cosine', stored, wordVector(expected[0]!.text, DIMS))).toBeLessThan(1e-5);

    const q = wordVector('page 3 line 4 speaks of w3x4', DIMS);
    const [hit] = await search('docs', { field: 'emb', vector: q, k: 1, fields: 'id,@distance,@chunk' }, undefined);
    const best = expected.map((c) => ({ c, d: distance('cosine', wordVector(c.text, DIMS), q)! })).sort((a, b) => a.d - b.d)[0]!;
    expect(hit!.id).toBe(rec.id);
    expect(hit!['@chunk']).toEqual({ text: best.c.text, start: best.c.start, end: best.c.end, page: 3 });
    expect(body.slice(hit!['@chunk']!.start, hit!['@chunk']!.end)).toBe(hit!['@chunk']!.text);
    expect(hit!['@chunk']!.text).toContain('w3x4');
    expect(hit!['@distance']).toBeCloseTo(best.d, 5);
  });

  it('ranks k distinct records by their nearest chunk, never a record the caller may not list', async () => {
    // A hidden record whose text is the query itself, and visible ones with several chunks each.
    const secret = await g.admin.collection('docs').create({ body: `${page(7, 8)} ranking alpha beta gamma`, public: false });
    const visible = [];
    for (let r = 0; r < 4; r++) visible.push((await g.admin.collection('docs').create({ body: `${page(10 + r, 8)} alpha`, public: true })).id);
    await settled('docs');
    const q = wordVector('ranking alpha beta gamma', DIMS);

    const asGuest = await search('docs', { field: 'emb', vector: q, k: 3, filter: 'body ~ "alpha"', fields: 'id,@chunk' });
    expect(asGuest).toHaveLength(3);
    expect(new Set(asGuest.map((i) => i.id)).size).toBe(3);
    for (const i of asGuest) {
      expect(visible).toContain(i.id);
      expect(i['@chunk']!.text).not.toContain('ranking'); // no chunk of the secret record
    }
    const asAdmin = await search('docs', { field: 'emb', vector: q, k: 3, filter: 'body ~ "alpha"' }, g.admin.authStore.token);
    expect(asAdmin[0]!.id).toBe(secret.id);
    expect(asAdmin[0]!['@chunk']!.text).toContain('ranking alpha beta gamma');
    expect(new Set(asAdmin.map((i) => i.id)).size).toBe(3);
    // The visible ones come in the same order as for the guest, after the secret one.
    expect(asAdmin.slice(1).map((i) => i.id)).toEqual(asGuest.slice(0, 2).map((i) => i.id));
  });

  it('nearestChunks (for answers) gives the k nearest chunks, several of one record, only of records the caller may list', async () => {
    const docs = g.core.collections.find('docs')!;
    const field = docs.field('emb')!;
    const q = wordVector('ranking alpha beta gamma on page 11 11 11 w11x7 w11x6', DIMS);
    const query = { field, vector: q, k: 4, filter: 'body ~ "alpha"' };
    const asGuest = await nearestChunks(g.core.store, docs, query, systemAccess(g.core.collections.registry, GUEST));
    expect(asGuest).toHaveLength(4);
    for (const hit of asGuest) {
      expect(hit.row.public).toBeTruthy();
      expect(hit.chunk.text).not.toContain('ranking');
      expect(String(hit.row.body).slice(hit.chunk.start, hit.chunk.end)).toBe(hit.chunk.text);
      expect(hit.recordId).toBe(hit.row.id);
    }
    // Sorted by distance, and the record of page 11 gives more than one of them.
    expect(asGuest.map((h) => h.distance)).toEqual([...asGuest.map((h) => h.distance)].sort((a, b) => a - b));
    expect(new Set(asGuest.map((h) => h.recordId)).size).toBeLessThan(4);
    // SQLite: the in-memory copy of the chunk vectors (given the data version) answers the same.
    if (g.engine === 'sqlite') expect(await nearestChunks(g.core.store, docs, query, systemAccess(g.core.collections.registry, GUEST), g.core.versions.localStamp([docs.id]))).toEqual(asGuest);
    // Without the rule, the hidden record's chunk takes a place (so the guest's answer above was filtered before ranking).
    const asSystem = await nearestChunks(g.core.store, docs, query, systemAccess(g.core.collections.registry, SUPERUSER_SYSTEM));
    expect(asSystem.map((h) => h.chunk.text).some((t) => t.includes('ranking alpha beta gamma'))).toBe(true);
  });

  it('gives no chunk text of a hidden source field to a non-superuser (offsets and page stay)', async () => {
    await g.admin.collections.create({
      name: 'private_notes', type: 'base', listRule: '',
      fields: [{ name: 'body', type: 'text', hidden: true }, { name: 'emb', type: 'vector', dimensions: DIMS, embedder: 'openai', source: 'body', chunkSize: SIZE, chunkOverlap: 0 }],
    });
    await g.admin.collection('private_notes').create({ body: page(40, 8) });
    await settled('private_notes');
    const q = wordVector('w40x2', DIMS);
    const [guest] = await search('private_notes', { field: 'emb', vector: q, k: 1 });
    expect(guest!['@chunk']).toMatchObject({ text: '', page: null });
    expect(guest!['@chunk']!.end).toBeGreaterThan(guest!['@chunk']!.start);
    expect(guest!.body).toBeUndefined();
    const [admin] = await search('private_notes', { field: 'emb', vector: q, k: 1 }, g.admin.authStore.token);
    expect(admin!['@chunk']).toEqual({ ...guest!['@chunk'], text: page(40, 8).slice(guest!['@chunk']!.start, guest!['@chunk']!.end) });
  });

  it('re-chunks a changed text, and deletes the chunks with the text or the record', async () => {
    const rec = await g.admin.collection('docs').create({ body: page(20, 10), public: true });
    await settled('docs');
    expect(plain(await chunkRows(docsId, embId, rec.id)).map((c) => c.text)).toEqual(chunkText(page(20, 10), SIZE, OVERLAP).map((c) => c.text));
    await g.admin.collection('docs').update(rec.id, { body: page(21, 12) });
    await settled('docs');
    expect(plain(await chunkRows(docsId, embId, rec.id)).map((c) => c.text)).toEqual(chunkText(page(21, 12), SIZE, OVERLAP).map((c) => c.text));
    await g.admin.collection('docs').update(rec.id, { body: '' });
    expect(await chunkRows(docsId, embId, rec.id)).toEqual([]);
    await g.admin.collection('docs').update(rec.id, { body: page(22, 9) });
    await settled('docs');
    expect((await chunkRows(docsId, embId, rec.id)).length).toBeGreaterThan(1);
    await g.admin.collection('docs').delete(rec.id);
    expect(await chunkRows(docsId, embId, rec.id)).toEqual([]);
  });

  it('keeps the chunk table with the field: new chunk options re-chunk, new dimensions clear it, removing the source drops it, and the collection takes it along', async () => {
    const c = await g.admin.collections.create({
      name: 'notes', type: 'base', listRule: '',
      fields: [{ name: 'body', type: 'text' }, { name: 'emb', type: 'vector', dimensions: DIMS, embedder: 'openai', source: 'body', chunkSize: 100, chunkOverlap: 0 }],
    });
    const fieldId = c.fields.find((f: { name: string }) => f.name === 'emb')!.id;
    const rec = await g.admin.collection('notes').create({ body: page(30, 6) });
    const texts = async () => (await chunkRows(c.id, fieldId, rec.id)).map((r) => String(r.text));
    // Schema changes start their backfill after the change commits: the chunks are awaited, not the progress.
    const poll = (expected: string[]) => expect.poll(texts, { timeout: 15_000 }).toEqual(expected);
    await poll(chunkText(page(30, 6), 100, 0).map((x) => x.text));
    const withOptions = (o: Record<string, unknown>) => c.fields.map((f: { name: string }) => (f.name === 'emb' ? { ...f, ...o } : f));
    await g.admin.collections.update(c.id, { fields: withOptions({ chunkSize: 300, chunkOverlap: 50 }) });
    await poll(chunkText(page(30, 6), 300, 50).map((x) => x.text));
    const tooSmall = await expectErrorBody(await g.fetch(`/api/collections/${c.id}`, {
      method: 'PATCH', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fields: withOptions({ chunkSize: 50 }) }),
    }), 400);
    expect(JSON.stringify(tooSmall.data)).toContain('chunkSize');
    await g.admin.collections.update(c.id, { fields: withOptions({ source: '', embedder: '' }) });
    await expect(chunkRows(c.id, fieldId)).rejects.toThrow();
    await g.admin.collections.update(c.id, { fields: withOptions({}) });
    await poll(chunkText(page(30, 6), 100, 0).map((x) => x.text));
    // New dimensions: the stored chunks no longer fit and are gone with the schema change.
    await g.admin.collections.update(c.id, { fields: withOptions({ dimensions: 32 }) });
    expect(await chunkRows(c.id, fieldId, rec.id)).toEqual([]);
    await g.admin.collections.delete(c.id);
    await expect(chunkRows(c.id, fieldId)).rejects.toThrow();
  });

  it('hybrid search fuses the full-text ranking in: an exact keyword the vectors rank last comes first', async () => {
    await g.admin.collections.create({
      name: 'products', type: 'base', listRule: '',
      fields: [{ name: 'title', type: 'text', searchable: true }, { name: 'emb', type: 'vector', dimensions: 4, distance: 'l2' }],
    });
    const make = (title: string, emb: number[]) => g.admin.collection('products').create({ title, emb });
    const near = [];
    for (let i = 0; i < 5; i++) near.push((await make(`plain item ${i}`, [i * 0.1, 0, 0, 0])).id);
    // Two mentions in a short title: the best full-text match on both engines (bm25, ts_rank_cd).
    const keyword = (await make('zanzibar lamp, zanzibar style', [9, 9, 9, 9])).id;
    const noVector = (await make('a spare part for the zanzibar lamp', [])).id;
    const vector = [0, 0, 0, 0];

    const byVector = await search('products', { field: 'emb', vector, k: 10 });
    expect(byVector.map((i) => i.id)).toEqual([...near, keyword]);
    const hybrid = await search('products', { field: 'emb', vector, text: 'zanzibar', mode: 'hybrid', k: 4 });
    // keyword: full-text 1st, vectors 6th; near[0], near[1]: vectors 1st, 2nd only; noVector: full-text 2nd only
    // (a tie with near[1]: the vector ranking's order first).
    expect(hybrid.map((i) => i.id)).toEqual([keyword, near[0], near[1], noVector]);
    expect(hybrid[0]!['@score']).toBeCloseTo(1 / 61 + 1 / 66, 10);
    expect(hybrid[0]!['@distance']).toBeCloseTo(18, 5);
    expect(hybrid[1]!['@score']).toBeCloseTo(1 / 61, 10);
    expect(hybrid[1]!['@distance']).toBe(0);
    expect(hybrid[3]!['@score']).toBeCloseTo(1 / 62, 10);
    expect(hybrid[3]!['@distance']).toBeNull(); // found by full-text search only
    // Any word of the text may match (a question's words are not all in the answer): the same ranking.
    const anyWord = await search('products', { field: 'emb', vector, text: 'which zanzibar unicorn', mode: 'hybrid', k: 4 });
    expect(anyWord.map((i) => i.id)).toEqual([keyword, near[0], near[1], noVector]);
    expect(hybrid[0]!['@chunk']).toBeUndefined(); // not a chunked field
    // Without a vector the text is embedded, as in a vector search; the chunked field fuses its chunk ranking.
    const docs = await search('docs', { field: 'emb', text: 'w3x4', mode: 'hybrid', k: 2, fields: 'id,body,@score,@distance,@chunk' });
    expect(docs[0]!.body).toContain('w3x4'); // the only full-text match
    expect(docs[0]!['@chunk']).toMatchObject({ page: expect.any(Number) });
    expect(docs[0]!['@score']).toBeGreaterThan(docs[1]!['@score']!);
  });

  it('refuses a bad mode, a hybrid search without a text or without searchable fields', async () => {
    const post = (collection: string, body: unknown) => g.fetch(`/api/collections/${collection}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const mode = await expectErrorBody(await post('products', { field: 'emb', vector: [0, 0, 0, 0], mode: 'both' }), 400);
    expect(mode.data).toMatchObject({ mode: { code: 'validation_invalid_value' } });
    const noText = await expectErrorBody(await post('products', { field: 'emb', vector: [0, 0, 0, 0], mode: 'hybrid' }), 400);
    expect(noText.data).toMatchObject({ text: { code: 'validation_required' } });
    await g.admin.collections.create({ name: 'plain', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text' }, { name: 'emb', type: 'vector', dimensions: 4 }] });
    const noFts = await expectErrorBody(await post('plain', { field: 'emb', vector: [0, 0, 0, 1], text: 'lamp', mode: 'hybrid' }), 400);
    expect(noFts.data).toMatchObject({ mode: { message: expect.stringContaining('no searchable fields') } });
  });

  if (backend === 'pgvector') {
    it('gives a chunk table an HNSW index with the field\'s option, and searches it under the rule (iterative scan)', async () => {
      const indexes = async (table: string) => (await g.core.store.all(`SELECT indexdef AS "d" FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%USING hnsw%'`, [table])).map((r) => String(r.d));
      const c = await g.admin.collections.create({
        name: 'hnsw_chunks', type: 'base', listRule: 'public = true',
        fields: [
          { name: 'body', type: 'text' }, { name: 'public', type: 'bool' },
          { name: 'emb', type: 'vector', dimensions: DIMS, distance: 'cosine', index: 'hnsw', embedder: 'openai', source: 'body', chunkSize: SIZE, chunkOverlap: OVERLAP },
        ],
      });
      const table = chunkTableName(c.id, c.fields.find((f: { name: string }) => f.name === 'emb')!.id);
      expect(await indexes(table)).toEqual([expect.stringContaining('vector_cosine_ops')]);
      const shown: string[] = [];
      for (let r = 0; r < 24; r++) {
        const rec = await g.admin.collection('hnsw_chunks').create({ body: `${page(40 + r, 6)} hnsw`, public: r % 3 === 0 });
        if (r % 3 === 0) shown.push(rec.id);
      }
      await settled('hnsw_chunks');
      const q = wordVector('On page 43 the line 2 speaks of w43x2', DIMS);
      // Records by their nearest chunk: k distinct ones, only those the guest may list, the best first.
      const items = await search('hnsw_chunks', { field: 'emb', vector: q, k: 5 });
      expect(items).toHaveLength(5);
      expect(new Set(items.map((i) => i.id)).size).toBe(5);
      for (const i of items) expect(shown).toContain(i.id);
      expect(items[0]!['@chunk']!.text).toContain('w43x2');
      // Chunks for answers: k of them, several per record allowed, only of listed records.
      const hnsw = g.core.collections.find('hnsw_chunks')!;
      const chunks = await nearestChunks(g.core.store, hnsw, { field: hnsw.field('emb')!, vector: q, k: 8, filter: '' }, systemAccess(g.core.collections.registry, GUEST));
      expect(chunks).toHaveLength(8);
      for (const h of chunks) expect(shown).toContain(h.recordId);
      // The index follows the options: another distance remakes it, no index drops it.
      const fields = () => g.admin.collections.getOne(c.id).then((m) => m.fields as { name: string }[]);
      await g.admin.collections.update(c.id, { fields: (await fields()).map((f) => (f.name === 'emb' ? { ...f, distance: 'l2' } : f)) });
      expect(await indexes(table)).toEqual([expect.stringContaining('vector_l2_ops')]);
      await g.admin.collections.update(c.id, { fields: (await fields()).map((f) => (f.name === 'emb' ? { ...f, index: '' } : f)) });
      expect(await indexes(table)).toEqual([]);
    });
  }
});

const RESTORES = [['sqlite', 'postgres'], ['postgres', 'sqlite'], ['sqlite', 'sqlite'], ['postgres', 'postgres']] as const;

describe.each(RESTORES)('chunks through a %s backup restored on %s', (engine, targetEngine) => {
  let source: TestGalley;
  let target: TestGalley;
  let server: OpenAiServer;

  beforeAll(async () => {
    server = await startOpenAiServer(DIMS);
    source = await startGalley(engine);
    target = await startGalley(targetEngine);
  }, 120_000);
  afterAll(async () => { await source?.close(); await target?.close(); await server?.stop(); });

  // Into the other engine the chunk tables are rebuilt empty and their records embedded again; on the same engine they come back as they were.
  it('gives the same nearest chunk on the target', async () => {
    await source.admin.settings.update({ embeddings: { openaiUrl: server.url, openaiModel: 'galley-test' } });
    await source.admin.collections.create({
      name: 'docs', type: 'base', listRule: '',
      fields: [{ name: 'body', type: 'text' }, { name: 'emb', type: 'vector', dimensions: DIMS, embedder: 'openai', source: 'body', chunkSize: SIZE, chunkOverlap: OVERLAP }],
    });
    const body = [page(1, 5), page(2, 5)].join('\f');
    const rec = await source.admin.collection('docs').create({ body });
    const q = wordVector('On page 2 the line 3 speaks of w2x3', DIMS);
    const chunkOf = async (g: TestGalley) => {
      const res = await g.fetch('/api/collections/docs/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ field: 'emb', vector: q, k: 1 }) });
      return ((await res.json()) as { items: Item[] }).items[0]?.['@chunk'];
    };
    await expect.poll(() => chunkOf(source), { timeout: 15_000 }).toMatchObject({ page: 2 });
    const before = await chunkOf(source);
    await source.admin.backups.create('chunks.zip');
    const token = await source.admin.files.getToken();
    const archive = Buffer.from(await (await fetch(source.admin.backups.getDownloadURL(token, 'chunks.zip'))).arrayBuffer());
    await target.admin.backups.upload({ file: fileOf(archive, 'chunks.zip', 'application/zip') });
    await target.admin.backups.restore('chunks.zip');
    target.admin.authStore.save(source.admin.authStore.token);
    expect((await target.admin.collection('docs').getOne(rec.id)).body).toBe(body);
    await expect.poll(() => chunkOf(target), { timeout: 15_000 }).toEqual(before);
  });
});

describe('chunks of a database first served without pgvector, then with it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'galley-pglite-chunks-'));
  let pglite: PgliteServer | undefined;
  let g: TestGalley | undefined;
  let server: OpenAiServer;
  afterAll(async () => {
    await g?.close();
    await pglite?.stop();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('converts the chunk table to vector(D) on start, keeping every chunk', async () => {
    server = await startOpenAiServer(DIMS);
    pglite = await startPglite({ pgvector: false, dataDir });
    g = await startGalley('postgres', { dbUrl: pglite.url, dbPoolSize: 1 });
    await g.admin.settings.update({ embeddings: { openaiUrl: server.url, openaiModel: 'galley-test' } });
    const c = await g.admin.collections.create({
      name: 'docs', type: 'base', listRule: '',
      fields: [{ name: 'body', type: 'text' }, { name: 'emb', type: 'vector', dimensions: DIMS, embedder: 'openai', source: 'body', chunkSize: SIZE, chunkOverlap: OVERLAP }],
    });
    const table = chunkTableName(c.id, c.fields.find((f: { name: string }) => f.name === 'emb')!.id);
    await g.admin.collection('docs').create({ body: [page(1, 5), page(2, 5)].join('\f') });
    const q = wordVector('On page 2 the line 3 speaks of w2x3', DIMS);
    const nearestChunk = async () => {
      const res = await g!.fetch('/api/collections/docs/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ field: 'emb', vector: q, k: 1 }) });
      return ((await res.json()) as { items: Item[] }).items[0];
    };
    await expect.poll(async () => (await nearestChunk())?.['@chunk'], { timeout: 15_000 }).toMatchObject({ page: 2 });
    const before = await nearestChunk();
    const columnType = async () => (await g!.core.store.get(`SELECT udt_name AS "t" FROM information_schema.columns WHERE table_name = $1 AND column_name = 'vector'`, [table]))?.t;
    expect(await columnType()).toBe('_float4');
    const calls = server.requests.length;
    await g.close();
    await pglite.stop();

    pglite = await startPglite({ pgvector: true, dataDir });
    g = await startGalley('postgres', { dbUrl: pglite.url, dbPoolSize: 1, superuser: false });
    expect(await columnType()).toBe('vector');
    const after = await nearestChunk();
    expect(after!['@chunk']).toEqual(before!['@chunk']);
    expect(after!['@distance']).toBeCloseTo(before!['@distance']!, 5);
    await g.core.jobs.idle();
    expect(server.requests.length).toBe(calls); // kept, not embedded again
  });
});
