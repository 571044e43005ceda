/** Deleting records that other records reference (API spec 2.7). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PocketBase from 'pocketbase';
import { ENGINES, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';
import { deleteRecord } from '../src/core/records/record-deleter.js';
import { SUPERUSER_SYSTEM } from '../src/core/auth/request-auth.js';
import { systemAccess } from '../src/core/rules/rule-access.js';

const OPEN = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };
const REQUIRED_REFERENCE = 'Failed to delete record. Make sure that the record is not part of a required relation reference.';

describe.each(ENGINES)('deleting referenced records on %s', (engine) => {
  let g: TestGalley;
  let pb: PocketBase;

  const make = async (name: string, fields: Record<string, unknown>[]) => (await g.admin.collections.create({ name, type: 'base', ...OPEN, fields })).id;
  const add = (collection: string, body: Record<string, unknown>) => pb.collection(collection).create(body);
  const exists = async (collection: string, id: string) => {
    const res = await g.fetch(`/api/collections/${collection}/records/${id}`);
    return res.status === 200;
  };
  const del = (collection: string, id: string) => g.fetch(`/api/collections/${collection}/records/${id}`, { method: 'DELETE' });

  beforeAll(async () => {
    g = await startGalley(engine);
    pb = g.client();
    const authors = await make('authors', [{ name: 'name', type: 'text' }]);
    await make('books', [
      { name: 'title', type: 'text' },
      { name: 'author', type: 'relation', collectionId: authors, maxSelect: 1 },
      { name: 'coauthors', type: 'relation', collectionId: authors, maxSelect: 5 },
    ]);
    await make('panels', [
      { name: 'experts', type: 'relation', collectionId: authors, minSelect: 2, maxSelect: 5 },
      { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ]);
    const chapters = await make('chapters', [
      { name: 'title', type: 'text' },
      { name: 'author', type: 'relation', collectionId: authors, maxSelect: 1, cascadeDelete: true },
    ]);
    await make('notes', [
      { name: 'text', type: 'text' },
      { name: 'chapter', type: 'relation', collectionId: chapters, maxSelect: 1, cascadeDelete: true },
    ]);
    const labels = await make('labels', [{ name: 'name', type: 'text' }]);
    await make('labelled', [
      { name: 'title', type: 'text' },
      { name: 'labels', type: 'relation', collectionId: labels, maxSelect: 5, cascadeDelete: true },
    ]);
    const owners = await make('owners', [{ name: 'name', type: 'text' }]);
    await make('pets', [
      { name: 'name', type: 'text' },
      { name: 'owner', type: 'relation', collectionId: owners, maxSelect: 1, required: true },
    ]);
    await make('teams', [
      { name: 'name', type: 'text' },
      { name: 'members', type: 'relation', collectionId: owners, maxSelect: 5, required: true },
    ]);
    const folders = await g.admin.collections.create({ name: 'folders', type: 'base', ...OPEN, fields: [{ name: 'name', type: 'text' }] });
    await g.admin.collections.update(folders.id, {
      fields: [
        ...folders.fields,
        { name: 'parent', type: 'relation', collectionId: folders.id, maxSelect: 1, cascadeDelete: true },
        { name: 'related', type: 'relation', collectionId: folders.id, maxSelect: 5 },
      ],
    });
  });
  afterAll(() => g.close());

  it('removes the id from multi-relations and clears optional single relations', async () => {
    const [a, b] = [await add('authors', { name: 'A' }), await add('authors', { name: 'B' })];
    const book1 = await add('books', { title: 'one', author: a.id, coauthors: [b.id, a.id] });
    const book2 = await add('books', { title: 'two', author: b.id, coauthors: [a.id] });
    const res = await del('authors', a.id);
    expect(res.status).toBe(204);
    expect(await exists('authors', a.id)).toBe(false);
    expect(await pb.collection('books').getOne(book1.id)).toMatchObject({ title: 'one', author: '', coauthors: [b.id] });
    expect(await pb.collection('books').getOne(book2.id)).toMatchObject({ title: 'two', author: b.id, coauthors: [] });
  });

  it('saves referencing records without re-validating them (minSelect) but bumps their onUpdate autodates', async () => {
    const [a, b, c] = [await add('authors', { name: 'x' }), await add('authors', { name: 'y' }), await add('authors', { name: 'z' })];
    const panel = await add('panels', { experts: [a.id, b.id, c.id] });
    await new Promise((r) => setTimeout(r, 5));
    expect((await del('authors', a.id)).status).toBe(204);
    const after = await pb.collection('panels').getOne(panel.id);
    expect(after.experts).toEqual([b.id, c.id]);
    expect(after.updated > panel.updated).toBe(true);
    expect(after.created).toBe(panel.created);
    // below minSelect, then empty: still allowed, the field is optional
    expect((await del('authors', b.id)).status).toBe(204);
    expect((await pb.collection('panels').getOne(panel.id)).experts).toEqual([c.id]);
    expect((await del('authors', c.id)).status).toBe(204);
    expect((await pb.collection('panels').getOne(panel.id)).experts).toEqual([]);
  });

  it('cascades deletes through two levels, leaving unrelated records alone', async () => {
    const [a, b] = [await add('authors', { name: 'cascading' }), await add('authors', { name: 'stays' })];
    const ch1 = await add('chapters', { title: 'c1', author: a.id });
    const ch2 = await add('chapters', { title: 'c2', author: a.id });
    const other = await add('chapters', { title: 'other', author: b.id });
    const n1 = await add('notes', { text: 'n1', chapter: ch1.id });
    const n2 = await add('notes', { text: 'n2', chapter: ch2.id });
    const n3 = await add('notes', { text: 'n3', chapter: other.id });
    expect((await del('authors', a.id)).status).toBe(204);
    for (const [c, id] of [['chapters', ch1.id], ['chapters', ch2.id], ['notes', n1.id], ['notes', n2.id]] as const)
      expect([c, id, await exists(c, id)]).toEqual([c, id, false]);
    expect(await exists('chapters', other.id)).toBe(true);
    expect(await exists('notes', n3.id)).toBe(true);
    expect(await exists('authors', b.id)).toBe(true);
  });

  it('cascades a multi-relation only when its last id goes', async () => {
    const [l1, l2] = [await add('labels', { name: 'l1' }), await add('labels', { name: 'l2' })];
    const both = await add('labelled', { title: 'both', labels: [l1.id, l2.id] });
    const only = await add('labelled', { title: 'only', labels: [l1.id] });
    expect((await del('labels', l1.id)).status).toBe(204);
    expect(await exists('labelled', only.id)).toBe(false);
    expect((await pb.collection('labelled').getOne(both.id)).labels).toEqual([l2.id]);
    expect((await del('labels', l2.id)).status).toBe(204);
    expect(await exists('labelled', both.id)).toBe(false);
  });

  it('refuses to delete a record a required non-cascading relation needs, and changes nothing', async () => {
    const [owner, other] = [await add('owners', { name: 'needed' }), await add('owners', { name: 'other' })];
    // processed before the failing reference: must be rolled back
    const team = await add('teams', { name: 't', members: [other.id, owner.id] });
    const pet = await add('pets', { name: 'rex', owner: owner.id });
    const body = await expectErrorBody(await del('owners', owner.id), 400);
    expect(body).toEqual({ status: 400, message: REQUIRED_REFERENCE, data: {} });
    expect(await exists('owners', owner.id)).toBe(true);
    expect((await pb.collection('pets').getOne(pet.id)).owner).toBe(owner.id);
    expect((await pb.collection('teams').getOne(team.id)).members).toEqual([other.id, owner.id]);

    // once the reference is gone, the delete goes through; the required multi-relation keeps its other id
    expect((await del('pets', pet.id)).status).toBe(204);
    expect((await del('owners', owner.id)).status).toBe(204);
    expect((await pb.collection('teams').getOne(team.id)).members).toEqual([other.id]);
    // ...but may not lose its last one
    const err = await failure(pb.collection('owners').delete(other.id));
    expect(err.status).toBe(400);
    expect(err.response.message).toBe(REQUIRED_REFERENCE);
  });

  it('handles self-relations: cascading parents, plain references and self-references', async () => {
    const root = await add('folders', { name: 'root' });
    const child = await add('folders', { name: 'child', parent: root.id });
    const grandchild = await add('folders', { name: 'grandchild', parent: child.id });
    const peer = await add('folders', { name: 'peer', related: [root.id, grandchild.id] });
    const selfRef = await add('folders', { name: 'self', related: [] });
    await pb.collection('folders').update(selfRef.id, { related: [selfRef.id, peer.id] });

    expect((await del('folders', root.id)).status).toBe(204);
    for (const id of [root.id, child.id, grandchild.id]) expect(await exists('folders', id)).toBe(false);
    expect((await pb.collection('folders').getOne(peer.id)).related).toEqual([]);

    expect((await del('folders', selfRef.id)).status).toBe(204);
    expect(await exists('folders', selfRef.id)).toBe(false);
    expect(await exists('folders', peer.id)).toBe(true);
  });

  it('loses no reference removal when two referenced records are deleted at once', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b, c] = [await add('authors', { name: 'a' }), await add('authors', { name: 'b' }), await add('authors', { name: 'c' })];
      const books = [];
      for (let i = 0; i < 10; i++) books.push(await add('books', { title: `shared ${round}.${i}`, coauthors: [a.id, b.id, c.id] }));
      const statuses = (await Promise.all([del('authors', a.id), del('authors', b.id)])).map((r) => r.status);
      expect(statuses).toEqual([204, 204]);
      for (const book of books) expect([round, (await pb.collection('books').getOne(book.id)).coauthors]).toEqual([round, [c.id]]);
    }
  });

  it('leaves no dangling reference when a delete races with writes that reference the record', async () => {
    for (let round = 0; round < 10; round++) {
      const owner = await add('owners', { name: `racing ${round}` });
      const outcomes = await Promise.allSettled([
        g.client().collection('pets').create({ name: `pet ${round}`, owner: owner.id }),
        g.client().collection('books').create({ title: `book ${round}` }), // unrelated write in between
        g.client().collection('owners').delete(owner.id),
      ]);
      const [pet, , deleted] = outcomes;
      const ownerLeft = await exists('owners', owner.id);
      if (pet!.status === 'fulfilled') {
        // the pet was stored: its owner must still be there, so the delete had to fail
        expect([round, ownerLeft, deleted!.status]).toEqual([round, true, 'rejected']);
      } else {
        expect([round, (pet as PromiseRejectedResult).reason.response.data.owner?.code]).toEqual([round, 'validation_missing_rel_records']);
        expect(ownerLeft).toBe(false);
      }
    }
  });

  it('never fails with a 500 or leaves a dangling id when updates of referencing records race a delete', async () => {
    for (let round = 0; round < 3; round++) {
      const [x, other] = [await add('authors', { name: `x${round}` }), await add('authors', { name: `o${round}` })];
      const books = [];
      for (let i = 0; i < 3; i++) books.push(await add('books', { title: `b${i}`, author: i === 0 ? other.id : x.id }));
      const responses = await Promise.all([
        ...books.map((b) => g.fetch(`/api/collections/books/records/${b.id}`, {
          method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ author: x.id, title: 'patched' }),
        })),
        del('authors', x.id),
      ]);
      const statuses = responses.map((r) => r.status);
      expect(statuses.at(-1)).toBe(204);
      for (const s of statuses.slice(0, -1)) expect([200, 400]).toContain(s);
      // a patch that lost the race (400) left its old author; none points at the deleted one
      for (const b of books) expect(['', other.id]).toContain((await pb.collection('books').getOne(b.id)).author);
    }
  });

  it('refuses to delete the last superuser', async () => {
    const me = g.admin.authStore.record!;
    const body = await expectErrorBody(await g.fetch(`/api/collections/_superusers/records/${me.id}`, { method: 'DELETE', token: g.admin.authStore.token }), 400);
    expect(body).toEqual({ status: 400, message: "You can't delete the only existing superuser.", data: {} });
    // still there and still able to sign in
    await g.client().collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);

    const second = await g.admin.collection('_superusers').create({ email: 'second@example.com', password: 'second-password', passwordConfirm: 'second-password' });
    await g.admin.collection('_superusers').delete(second.id);
    expect((await g.admin.collection('_superusers').getFullList()).map((r) => r.id)).toEqual([me.id]);
  });

  it('never leaves zero superusers when two are deleted at once', async () => {
    // Straight through the core: over HTTP the token of a deleted superuser would stop working mid-race.
    const deps = { store: g.core.store, collections: g.core.collections };
    const superusers = g.core.collections.get('_superusers');
    for (let round = 0; round < 5; round++) {
      const rows = await g.core.store.all('SELECT "id" FROM "_superusers"');
      expect(rows).toHaveLength(1);
      const extra = await g.admin.collection('_superusers').create({ email: `race${round}@example.com`, password: 'race-password', passwordConfirm: 'race-password' });
      const outcomes = await Promise.allSettled([rows[0]!.id as string, extra.id].map((id) => deleteRecord(deps, superusers, id, systemAccess(g.core.collections.registry, SUPERUSER_SYSTEM))));
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toMatchObject({ status: 400, message: "You can't delete the only existing superuser." });
      const left = await g.core.store.all('SELECT "id", "email" FROM "_superusers"');
      expect(left).toHaveLength(1);
      // sign the test client back in as whoever is left
      const email = left[0]!.email as string;
      if (email !== SUPERUSER_EMAIL) await g.admin.collection('_superusers').authWithPassword(email, 'race-password');
      else await g.admin.collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
    }
  });
});
