/**
 * Injection attempts through every input that reaches a query — ids in the path,
 * collection names, `fields`, `expand`, body values and `@request.*` values used by
 * rules — on both engines: nothing leaks past a rule, nothing is modified, no 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type PocketBase from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';

const PAYLOADS = [
  "' OR '1'='1", '" OR "1"="1', "x'); DROP TABLE notes; --", '1; DELETE FROM notes', "') OR 1=1 --",
  '\\', "\\' OR 1=1 --", '%', '_', '*/ OR 1=1 /*', '$1', '?', '"; SELECT * FROM _collections; --', 'id) OR (1=1',
];

describe.each(ENGINES)('SQL injection on %s', (engine) => {
  let g: TestGalley;
  let alice: PocketBase;
  const password = 'alice-password-1';
  let aliceId = '';
  let before: unknown;

  const snapshot = async () => ({
    notes: (await g.admin.collection('notes').getFullList({ sort: 'title' })).map((n) => [n.id, n.title, n.owner]),
    collections: (await g.admin.collections.getFullList()).map((c) => [c.name, c.fields.length]).sort(),
  });

  beforeAll(async () => {
    g = await startGalley(engine);
    aliceId = (await g.admin.collection('users').create({ email: 'alice@example.com', password, passwordConfirm: password })).id;
    const bobId = (await g.admin.collection('users').create({ email: 'bob@example.com', password, passwordConfirm: password })).id;
    await g.admin.collections.create({
      name: 'notes', type: 'base',
      listRule: 'owner = @request.auth.id', viewRule: 'owner = @request.auth.id',
      createRule: 'owner = @request.auth.id', updateRule: 'owner = @request.auth.id && @request.query.token != "nope"',
      deleteRule: 'owner = @request.auth.id',
      fields: [{ name: 'title', type: 'text' }, { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 }],
    });
    for (const [title, owner] of [['mine', aliceId], ['secret', bobId], ['also secret', bobId]])
      await g.admin.collection('notes').create({ title, owner });
    alice = g.client();
    await alice.collection('users').authWithPassword('alice@example.com', password);
    before = await snapshot();
  });
  afterAll(() => g.close());

  it('ids in the path are values, never SQL', async () => {
    for (const p of PAYLOADS) {
      const res = await g.fetch(`/api/collections/notes/records/${encodeURIComponent(p)}`, { token: alice.authStore.token });
      expect(res.status).toBe(404);
      const del = await g.fetch(`/api/collections/notes/records/${encodeURIComponent(p)}`, { method: 'DELETE', token: alice.authStore.token });
      expect(del.status).toBe(404);
    }
  });

  it('collection names in the path are looked up, never spliced', async () => {
    for (const p of PAYLOADS) {
      const res = await g.fetch(`/api/collections/${encodeURIComponent(p)}/records`);
      expect(res.status).toBe(404);
    }
  });

  it('fields and expand take names only', async () => {
    for (const p of PAYLOADS) {
      const fields = await g.fetch(`/api/collections/notes/records?fields=${encodeURIComponent(p)}`, { token: alice.authStore.token });
      expect([200, 400]).toContain(fields.status);
      const expand = await g.fetch(`/api/collections/notes/records?expand=${encodeURIComponent(p)}`, { token: alice.authStore.token });
      expect(expand.status).toBe(200);
      const body = await expand.json();
      expect(body.items.map((n: { title: string }) => n.title)).toEqual(['mine']);
    }
  });

  it('filters cannot widen what the list rule allows', async () => {
    for (const filter of ['owner != ""', 'title ~ "secret" || 1 = 1', "owner = '' || owner != ''", 'id != "x") OR (1=1', ...PAYLOADS.map((p) => `title = ${JSON.stringify(p)}`)]) {
      const res = await g.fetch(`/api/collections/notes/records?filter=${encodeURIComponent(filter)}`, { token: alice.authStore.token });
      expect([200, 400]).toContain(res.status);
      if (res.status === 200) {
        const titles = (await res.json()).items.map((n: { title: string }) => n.title);
        expect(titles.every((t: string) => t === 'mine')).toBe(true);
      }
    }
  });

  it('body values and @request values used by rules are bound, not spliced', async () => {
    const mine = (await alice.collection('notes').getFullList())[0]!;
    for (const p of PAYLOADS) {
      const res = await g.fetch(`/api/collections/notes/records/${mine.id}?token=${encodeURIComponent(p)}`, {
        method: 'PATCH', token: alice.authStore.token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'mine' }),
      });
      expect(res.status).toBe(200);
      const create = await g.fetch('/api/collections/notes/records', {
        method: 'POST', token: alice.authStore.token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: p, owner: p }),
      });
      expect(create.status).toBe(400);
    }
  });

  it('leaves every record and collection as it was', async () => {
    expect(await snapshot()).toEqual(before);
  });
});
