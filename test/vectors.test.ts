/**
 * The vector field and nearest-neighbour search (docs/ai.md), on every backing:
 * SQLite BLOBs, PostgreSQL 15's real[] fallback and pgvector (PGlite over the wire).
 * Values are validated and come back as stored (float32); the search ranks only the
 * records the list rule and the filter let through, so a caller gets exactly k of the
 * records they may see and never one they may not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';
import { distance, startVectorGalley, VECTOR_BACKENDS } from './support/vector-backends.js';
import { detectStoreFeatures, fallbackWarning } from '../src/vectors/pgvector-setup.js';

interface Doc { id: string; title: string; emb: number[]; owner: string; group: number; '@distance': number | null }
type Metric = 'cosine' | 'l2' | 'dot';

/** A deterministic pseudo-random generator, so every backing gets the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

describe.each(VECTOR_BACKENDS)('vectors on %s', (backend) => {
  let g: TestGalley;
  const users: Record<string, { id: string; token: string }> = {};
  const next = rng(42);
  const randomVector = (d: number) => Array.from({ length: d }, () => Math.round(next() * 1000) / 1000);
  const docs: Doc[] = [];

  const search = async (collection: string, body: Record<string, unknown>, token?: string, query = '') => {
    const res = await g.fetch(`/api/collections/${collection}/search${query}`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, ...(token ? { token } : {}),
    });
    return res;
  };
  const hits = async (collection: string, body: Record<string, unknown>, token?: string) => {
    const res = await search(collection, body, token);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Doc[] }).items;
  };

  beforeAll(async () => {
    g = await startVectorGalley(backend);
    await g.admin.collections.create({ name: 'people', type: 'auth', listRule: '', viewRule: '', fields: [] });
    for (const name of ['ann', 'bob']) {
      const rec = await g.admin.collection('people').create({ email: `${name}@example.com`, password: 'password123', passwordConfirm: 'password123' });
      const pb = g.client();
      const auth = await pb.collection('people').authWithPassword(`${name}@example.com`, 'password123');
      users[name] = { id: rec.id, token: auth.token };
    }
    for (const metric of ['cosine', 'l2', 'dot'] as Metric[]) {
      await g.admin.collections.create({
        name: `docs_${metric}`, type: 'base',
        listRule: 'owner = @request.auth.id || group = 0', viewRule: 'owner = @request.auth.id',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'emb', type: 'vector', dimensions: 8, distance: metric },
          { name: 'owner', type: 'relation', collectionId: 'people', maxSelect: 1 },
          { name: 'group', type: 'number' },
        ],
      });
    }
    // 60 records: ann owns 0-29 (group 1), bob owns 30-49 (group 2), 50-59 are public (group 0, no owner).
    for (let i = 0; i < 60; i++) {
      const doc = { title: `d${i}`, emb: randomVector(8), owner: i < 30 ? users.ann!.id : i < 50 ? users.bob!.id : '', group: i < 30 ? 1 : i < 50 ? 2 : 0 };
      for (const metric of ['cosine', 'l2', 'dot']) {
        const rec = await g.admin.collection(`docs_${metric}`).create<Doc>(doc);
        if (metric === 'cosine') docs.push(rec);
      }
    }
  }, 240_000);
  afterAll(() => g?.close());

  /** The titles a brute force ranks first among the given docs, with their distances. */
  const bruteForce = (metric: Metric, query: number[], pool: Doc[], k: number) =>
    pool.map((d, i) => ({ title: d.title, i, dist: distance(metric, d.emb, query)! }))
      .sort((a, b) => a.dist - b.dist || a.i - b.i).slice(0, k);

  describe('the field', () => {
    it('stores float32 values and gives them back as numbers (the shortest decimal of each float32)', async () => {
      expect(docs[0]!.emb).toHaveLength(8);
      const c = await g.admin.collections.create({ name: 'values', type: 'base', fields: [{ name: 'title', type: 'text' }, { name: 'emb', type: 'vector', dimensions: 8 }] });
      const rec = await g.admin.collection('values').create<Doc>({ title: 'exact', emb: [0.1, -2.5, 3, 1e-7, 123456.789, 0, 1, -1] });
      expect(rec.emb).toEqual([0.1, -2.5, 3, 1e-7, 123456.79, 0, 1, -1]);
      expect((await g.admin.collection('values').getOne<Doc>(rec.id)).emb).toEqual([0.1, -2.5, 3, 1e-7, 123456.79, 0, 1, -1]);
      // A multipart form sends the array as JSON text.
      const form = new FormData();
      form.append('title', 'form');
      form.append('emb', JSON.stringify([1, 2, 3, 4, 5, 6, 7, 8]));
      const viaForm = await g.admin.collection('values').create<Doc>(form);
      expect(viaForm.emb).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const cleared = await g.admin.collection('values').update<Doc>(viaForm.id, { emb: null });
      expect(cleared.emb).toEqual([]);
      const none = await g.admin.collection('values').create<Doc>({ title: 'none' });
      expect(none.emb).toEqual([]);
      await g.admin.collections.delete(c.id);
    });

    it('refuses values of the wrong length, non-numbers and numbers outside float32 with a field error', async () => {
      for (const emb of [[1, 2, 3], Array(9).fill(1), [1, 2, 3, 4, 5, 6, 7, 'x'], [1, 2, 3, 4, 5, 6, 7, 1e39], { a: 1 }, 'not json', [1, 2, 3, 4, 5, 6, 7, null]]) {
        const err = await failure(g.admin.collection('docs_cosine').create({ title: 'bad', emb }));
        expect(err.status, JSON.stringify(emb)).toBe(400);
        expect(err.response.data.emb.code).toBe('validation_invalid_vector');
      }
      const total = await g.admin.collection('docs_cosine').getList(1, 1, { filter: 'title = "bad"' });
      expect(total.totalItems).toBe(0);
    });

    it('is required when the definition says so', async () => {
      const c = await g.admin.collections.create({ name: 'req_vec', type: 'base', fields: [{ name: 'v', type: 'vector', dimensions: 2, required: true }] });
      const err = await failure(g.admin.collection('req_vec').create({}));
      expect(err.response.data.v.code).toBe('validation_required');
      expect((await g.admin.collection('req_vec').create<{ v: number[] }>({ v: [1, 2] })).v).toEqual([1, 2]);
      await g.admin.collections.delete(c.id);
    });

    it('checks its options: dimensions 1-4096, distance cosine|l2|dot, index "" or hnsw', async () => {
      for (const [opts, key] of [
        [{ dimensions: 0 }, 'dimensions'], [{ dimensions: 4097 }, 'dimensions'], [{ dimensions: 2.5 }, 'dimensions'], [{ dimensions: '3' }, 'dimensions'],
        [{ dimensions: 3, distance: 'manhattan' }, 'distance'], [{ dimensions: 3, index: 'ivfflat' }, 'index'],
      ] as [Record<string, unknown>, string][]) {
        const err = await failure(g.admin.collections.create({ name: 'bad_vec', type: 'base', fields: [{ name: 'v', type: 'vector', ...opts }] }));
        expect(err.status).toBe(400);
        const fieldErrors = Object.values(err.response.data.fields as Record<string, Record<string, { code: string }>>);
        expect(fieldErrors.map((e) => e[key]?.code), JSON.stringify(opts)).toContain('validation_invalid_value');
      }
      const ok = await g.admin.collections.create({ name: 'big_vec', type: 'base', fields: [{ name: 'v', type: 'vector', dimensions: 4096 }] });
      expect(ok.fields.find((f: { name: string }) => f.name === 'v')).toMatchObject({ type: 'vector', dimensions: 4096, distance: 'cosine', index: '' });
      const v = Array.from({ length: 4096 }, (_, i) => i / 4096);
      const rec = await g.admin.collection('big_vec').create<{ v: number[] }>({ v });
      expect(rec.v).toHaveLength(4096);
      await g.admin.collections.delete(ok.id);
    });

    it('clears stored values when the dimensions change, and keeps them on other changes', async () => {
      const c = await g.admin.collections.create({ name: 'resize', type: 'base', fields: [{ name: 't', type: 'text' }, { name: 'v', type: 'vector', dimensions: 2 }] });
      const rec = await g.admin.collection('resize').create<{ id: string; v: number[] }>({ t: 'x', v: [1, 2] });
      const fields = (await g.admin.collections.getOne(c.id)).fields as { name: string }[];
      const change = (opts: Record<string, unknown>) => fields.map((f) => (f.name === 'v' ? { ...f, name: 'w', ...opts } : f));
      await g.admin.collections.update(c.id, { fields: change({ distance: 'l2' }) });
      expect((await g.admin.collection('resize').getOne<{ w: number[] }>(rec.id)).w).toEqual([1, 2]);
      await g.admin.collections.update(c.id, { fields: change({ dimensions: 3 }) });
      expect((await g.admin.collection('resize').getOne<{ w: number[] }>(rec.id)).w).toEqual([]);
      expect((await g.admin.collection('resize').update<{ w: number[] }>(rec.id, { w: [1, 2, 3] })).w).toEqual([1, 2, 3]);
      await g.admin.collections.delete(c.id);
    });
  });

  describe('search', () => {
    it.each(['cosine', 'l2', 'dot'] as Metric[])('ranks by %s distance exactly as a brute force does, with @distance on each item', async (metric) => {
      for (let q = 0; q < 5; q++) {
        const query = randomVector(8);
        const items = await hits(`docs_${metric}`, { field: 'emb', vector: query, k: 7 }, g.admin.authStore.token);
        const expected = bruteForce(metric, query, docs, 7);
        expect(items.map((d) => d.title)).toEqual(expected.map((e) => e.title));
        items.forEach((d, i) => expect(d['@distance']).toBeCloseTo(expected[i]!.dist, 5));
      }
    });

    it('applies the list rule before ranking: a user gets exactly k of the records they may see, none other', async () => {
      const visibleTo = (who: 'ann' | 'bob' | 'guest') => docs.filter((d) => d.group === 0 || (who !== 'guest' && d.owner === users[who]!.id));
      for (const who of ['ann', 'bob', 'guest'] as const) {
        for (let q = 0; q < 4; q++) {
          const query = randomVector(8);
          const items = await hits('docs_l2', { field: 'emb', vector: query, k: 8 }, who === 'guest' ? undefined : users[who]!.token);
          expect(items).toHaveLength(8);
          expect(items.map((d) => d.title)).toEqual(bruteForce('l2', query, visibleTo(who), 8).map((e) => e.title));
        }
      }
      // Fewer visible than k: all of them, nothing else.
      const guestItems = await hits('docs_l2', { field: 'emb', vector: randomVector(8), k: 50 });
      expect(guestItems.map((d) => d.title).sort()).toEqual(visibleTo('guest').map((d) => d.title).sort());
    });

    it('sees every committed write at the next search (created, changed, deleted vectors)', async () => {
      const c = await g.admin.collections.create({ name: 'fresh', type: 'base', listRule: '', fields: [{ name: 't', type: 'text' }, { name: 'v', type: 'vector', dimensions: 3, distance: 'l2' }] });
      const top = async () => ((await hits('fresh', { field: 'v', vector: [5, 5, 5], k: 2 })) as unknown as { t: string }[]).map((i) => i.t);
      const a = await g.admin.collection('fresh').create({ t: 'a', v: [1, 1, 1] });
      await g.admin.collection('fresh').create({ t: 'b', v: [0, 0, 0] });
      expect(await top()).toEqual(['a', 'b']);
      const cc = await g.admin.collection('fresh').create({ t: 'c', v: [5, 5, 4] });
      expect(await top()).toEqual(['c', 'a']);
      await g.admin.collection('fresh').update(a.id, { v: [5, 5, 5] });
      expect(await top()).toEqual(['a', 'c']);
      await g.admin.collection('fresh').delete(cc.id);
      expect(await top()).toEqual(['a', 'b']);
      await g.admin.collections.delete(c.id);
    });

    it('applies the filter before ranking too', async () => {
      const query = randomVector(8);
      const items = await hits('docs_cosine', { field: 'emb', vector: query, k: 5, filter: 'group = 2' }, users.bob!.token);
      expect(items.map((d) => d.title)).toEqual(bruteForce('cosine', query, docs.filter((d) => d.group === 2), 5).map((e) => e.title));
      const ann = await hits('docs_cosine', { field: 'emb', vector: query, k: 5, filter: 'group = 2' }, users.ann!.token);
      expect(ann).toEqual([]); // ann may not see group 2
    });

    it('a superuser searches every record; a rule of null keeps everyone else out', async () => {
      const query = randomVector(8);
      expect((await hits('docs_dot', { field: 'emb', vector: query, k: 3 }, g.admin.authStore.token)).map((d) => d.title))
        .toEqual(bruteForce('dot', query, docs, 3).map((e) => e.title));
      const c = await g.admin.collections.create({ name: 'locked', type: 'base', listRule: null, fields: [{ name: 'v', type: 'vector', dimensions: 2 }] });
      await expectErrorBody(await search('locked', { field: 'v', vector: [1, 0] }, users.ann!.token), 403);
      await g.admin.collections.delete(c.id);
    });

    it('expands relations and projects fields (body or query), @distance included', async () => {
      const query = randomVector(8);
      const res = await search('docs_l2', { field: 'emb', vector: query, k: 2, expand: 'owner', fields: 'title,@distance,expand.owner.email' }, users.ann!.token);
      const body = (await res.json()) as { items: Record<string, any>[] };
      expect(Object.keys(body.items[0]!).sort()).toEqual(['@distance', 'expand', 'title'].filter((k) => k !== 'expand' || body.items[0]!.expand).sort());
      const withOwner = body.items.find((i) => i.expand);
      if (withOwner) expect(withOwner.expand.owner).toEqual({ email: 'ann@example.com' });
      const viaQuery = (await (await search('docs_l2', { field: 'emb', vector: query, k: 2 }, users.ann!.token, '?fields=id,@distance')).json()) as { items: Record<string, unknown>[] };
      expect(viaQuery.items.map((i) => Object.keys(i).sort())).toEqual([['@distance', 'id'], ['@distance', 'id']]);
      // A projection that keeps the vector gets it whole; the others never had it computed.
      const kept = (await (await search('docs_cosine', { field: 'emb', vector: query, k: 3, fields: 'id,emb' }, g.admin.authStore.token)).json()) as { items: Doc[] };
      for (const item of kept.items) expect(item.emb).toEqual(docs.find((d) => d.id === item.id)!.emb);
      const starred = (await (await search('docs_l2', { field: 'emb', vector: query, k: 1 }, g.admin.authStore.token, '?fields=*')).json()) as { items: Doc[] };
      expect(starred.items[0]!.emb).toHaveLength(8);
    });

    it('skips records without a vector and sorts a zero vector last under cosine', async () => {
      const c = await g.admin.collections.create({ name: 'sparse', type: 'base', listRule: '', fields: [{ name: 't', type: 'text' }, { name: 'v', type: 'vector', dimensions: 2 }] });
      for (const [t, v] of [['none', null], ['zero', [0, 0]], ['near', [1, 0.1]], ['far', [-1, 0]]] as const) await g.admin.collection('sparse').create({ t, v });
      const items = (await hits('sparse', { field: 'v', vector: [1, 0], k: 10 })) as unknown as { t: string; '@distance': number | null }[];
      expect(items.map((i) => i.t)).toEqual(['near', 'far', 'zero']);
      expect(items[2]!['@distance']).toBeNull();
      await g.admin.collections.delete(c.id);
    });

    it('answers bad requests with a 400 naming the problem', async () => {
      const bad = async (body: unknown, key: string) => {
        const res = await g.fetch('/api/collections/docs_cosine/search', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        const err = await expectErrorBody(res, 400);
        if (key) expect(Object.keys(err.data), JSON.stringify(body)).toContain(key);
      };
      const v = randomVector(8);
      await bad({ vector: v }, 'field');
      await bad({ field: 'nope', vector: v }, 'field');
      await bad({ field: 'title', vector: v }, 'field');
      await bad({ field: 'emb' }, 'vector');
      await bad({ field: 'emb', vector: [1, 2] }, 'vector');
      await bad({ field: 'emb', vector: 'x' }, 'vector');
      await bad({ field: 'emb', vector: v, text: 'both' }, 'vector');
      await bad({ field: 'emb', text: 'no embedder' }, 'text');
      for (const k of [0, 1001, 2.5, '3']) await bad({ field: 'emb', vector: v, k }, 'k');
      await bad({ field: 'emb', vector: v, filter: 'title ==== 1' }, '');
      await bad({ field: 'emb', vector: v, filter: 42 }, 'filter');
      await bad([1, 2], '');
      const missing = await g.fetch('/api/collections/nope/search', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      await expectErrorBody(missing, 404);
    });

    it('refuses vector fields in filters and rules with a 400 (they are searched, not filtered)', async () => {
      for (const filter of ['emb = "x"', 'emb != ""', 'emb ~ "1"', 'emb > 0', 'emb = null']) {
        const res = await g.fetch(`/api/collections/docs_cosine/records?filter=${encodeURIComponent(filter)}`, { token: g.admin.authStore.token });
        expect((await expectErrorBody(res, 400)).message, filter).toMatch(/vector field/);
        const searched = await search('docs_cosine', { field: 'emb', vector: randomVector(8), filter }, g.admin.authStore.token);
        expect((await expectErrorBody(searched, 400)).message).toMatch(/vector field/);
      }
      const err = await failure(g.admin.collections.create({ name: 'vec_rule', type: 'base', listRule: 'v != ""', fields: [{ name: 'v', type: 'vector', dimensions: 2 }] }));
      expect(err.status).toBe(400);
      expect(err.response.data.listRule).toBeDefined();
    });

    it('does not let a client search a hidden vector field', async () => {
      const c = await g.admin.collections.create({ name: 'hid', type: 'base', listRule: '', fields: [{ name: 'v', type: 'vector', dimensions: 2, hidden: true }] });
      await g.admin.collection('hid').create({ v: [1, 0] });
      await expectErrorBody(await search('hid', { field: 'v', vector: [1, 0] }), 400);
      expect(await hits('hid', { field: 'v', vector: [1, 0] }, g.admin.authStore.token)).toHaveLength(1);
      await g.admin.collections.delete(c.id);
    });
  });

  if (backend === 'pgvector') {
    it('stores pgvector vector(D) columns, and an hnsw index keeps filtered searches at k (iterative scan)', async () => {
      const col = await g.core.store.get(`SELECT format_type(atttypid, atttypmod) AS "t" FROM pg_attribute WHERE attrelid = '"docs_cosine"'::regclass AND attname = 'emb'`);
      expect(col?.t).toBe('vector(8)');
      const c = await g.admin.collections.create({
        name: 'hnsw_docs', type: 'base', listRule: 'group = 1',
        fields: [{ name: 'emb', type: 'vector', dimensions: 8, distance: 'l2', index: 'hnsw' }, { name: 'group', type: 'number' }],
      });
      const idx = await g.core.store.all(`SELECT indexdef FROM pg_indexes WHERE tablename = 'hnsw_docs' AND indexdef LIKE '%USING hnsw%'`);
      expect(idx).toHaveLength(1);
      for (let i = 0; i < 200; i++) await g.admin.collection('hnsw_docs').create({ emb: randomVector(8), group: i % 10 === 0 ? 1 : 2 });
      const items = await hits('hnsw_docs', { field: 'emb', vector: randomVector(8), k: 15 });
      expect(items).toHaveLength(15);
      expect(items.every((d) => d.group === 1)).toBe(true);
      const ds = items.map((d) => d['@distance']!);
      expect([...ds].sort((a, b) => a - b)).toEqual(ds);
      // Dropping the option drops the index.
      const fresh = await g.admin.collections.getOne(c.id);
      await g.admin.collections.update(c.id, { fields: fresh.fields.map((f: { name: string }) => (f.name === 'emb' ? { ...f, index: '' } : f)) });
      expect(await g.core.store.all(`SELECT indexdef FROM pg_indexes WHERE tablename = 'hnsw_docs' AND indexdef LIKE '%USING hnsw%'`)).toHaveLength(0);
    });
  }
  if (backend === 'postgres-real[]') {
    it('falls back to real[] columns without pgvector, and says so on start', async () => {
      const col = await g.core.store.get(`SELECT format_type(atttypid, atttypmod) AS "t" FROM pg_attribute WHERE attrelid = '"docs_cosine"'::regclass AND attname = 'emb'`);
      expect(col?.t).toBe('real[]');
      const check = await detectStoreFeatures(g.core.store);
      expect(check.features.pgvector).toBe(false);
      expect(check.fallbackReason).toMatch(/pgvector extension is not installed/);
      expect(fallbackWarning(check, ['docs_cosine'])).toMatch(/vector fields \(in docs_cosine\) are stored as real\[\] .*docs\/ai\.md/);
      expect(fallbackWarning(check, [])).toBeUndefined();
    });
  }
  if (backend === 'pgvector') {
    it('finds pgvector and gives no warning', async () => {
      const check = await detectStoreFeatures(g.core.store);
      expect(check).toEqual({ features: { pgvector: true } });
      expect(fallbackWarning(check, ['docs_cosine'])).toBeUndefined();
    });
  }
});
