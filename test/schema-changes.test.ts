/**
 * Changing collections that hold data (API spec 4.2-4.5), on both engines: every
 * change keeps the data of the fields that stay; refused changes change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionModel, RecordModel } from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure, fieldNames } from './support/sdk.js';

const DATA_KEYS = ['id', 'title', 'n', 'flag', 'tag', 'meta', 'when', 'owner', 'spot'];

const pick = (rec: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, rec[k]]));

describe.each(ENGINES)('schema changes on %s', (engine) => {
  let g: TestGalley;
  let personId: string;

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({ name: 'people', type: 'base', fields: [{ name: 'name', type: 'text' }] });
    personId = (await g.admin.collection('people').create({ name: 'Ann' })).id;
  });
  afterAll(() => g.close());

  /** A collection with one field of most types and three records. */
  async function seed(name: string, extra: Record<string, unknown>[] = []): Promise<{ collection: CollectionModel; records: RecordModel[] }> {
    const collection = await g.admin.collections.create({
      name, type: 'base',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'n', type: 'number' },
        { name: 'flag', type: 'bool' },
        { name: 'tag', type: 'select', values: ['a', 'b', 'c'], maxSelect: 1 },
        { name: 'meta', type: 'json' },
        { name: 'when', type: 'date' },
        { name: 'owner', type: 'relation', collectionId: 'people', maxSelect: 1 },
        { name: 'spot', type: 'geoPoint' },
        ...extra,
      ],
    });
    const records = [];
    for (const body of [
      { title: 'one', n: 1, flag: true, tag: 'a', meta: { x: [1, 'y'] }, when: '2024-01-02 03:04:05.678Z', owner: personId, spot: { lon: 1.5, lat: -2 } },
      { title: 'two', n: 2.5, tag: 'b', meta: [1, 2] },
      { title: '', n: -3 },
    ]) records.push(await g.admin.collection(name).create(body));
    return { collection, records };
  }

  /** The records of a collection by id. */
  async function byId(name: string): Promise<Record<string, RecordModel>> {
    return Object.fromEntries((await g.admin.collection(name).getFullList()).map((r) => [r.id, r]));
  }

  /** Every seeded record still has the same values for the given keys. */
  async function expectKept(name: string, records: RecordModel[], keys = DATA_KEYS) {
    const now = await byId(name);
    expect(Object.keys(now).sort()).toEqual(records.map((r) => r.id).sort());
    for (const r of records) expect(pick(now[r.id]!, keys)).toEqual(pick(r, keys));
  }

  type Field = Record<string, unknown>;
  const withFields = (c: CollectionModel, change: (fields: Field[]) => Field[]) => ({ fields: change(structuredClone(c.fields) as Field[]) });

  describe('fields', () => {
    it('adds a field: existing records keep their data and get the empty value', async () => {
      const { collection, records } = await seed('add_field');
      const updated = await g.admin.collections.update('add_field', withFields(collection, (f) => [
        ...f, { name: 'extra', type: 'number' }, { name: 'label', type: 'text', required: true }, { name: 'many', type: 'select', values: ['x', 'y'], maxSelect: 2 },
      ]));
      expect(fieldNames(updated)).toEqual([...fieldNames(collection), 'extra', 'label', 'many']);
      await expectKept('add_field', records);
      for (const r of Object.values(await byId('add_field'))) expect(pick(r, ['extra', 'label', 'many'])).toEqual({ extra: 0, label: '', many: [] });
      const fresh = await g.admin.collection('add_field').create({ title: 'new', extra: 4, label: 'L', many: ['x', 'y'] });
      expect(fresh).toMatchObject({ extra: 4, label: 'L', many: ['x', 'y'] });
    });

    it('renames a field: the values move with it, and indexes follow the rename', async () => {
      const { collection, records } = await seed('rename_field');
      await g.admin.collections.update('rename_field', { indexes: ['CREATE UNIQUE INDEX `idx_rename_title` ON `rename_field` (`title`) WHERE `title` != \'\''] });
      const updated = await g.admin.collections.update('rename_field', withFields(collection, (fs) => fs.map((f) => (f.name === 'title' ? { ...f, name: 'heading' } : f))));
      expect(updated.fields.find((f) => f.name === 'heading')!.id).toBe(collection.fields.find((f) => f.name === 'title')!.id);
      expect(updated.indexes).toEqual(['CREATE UNIQUE INDEX `idx_rename_title` ON `rename_field` (`heading`) WHERE `heading` != \'\'']);
      const now = await byId('rename_field');
      for (const r of records) {
        expect(now[r.id]!.heading).toBe(r.title);
        expect(now[r.id]).not.toHaveProperty('title');
      }
      await expectKept('rename_field', records, DATA_KEYS.filter((k) => k !== 'title'));
      // the unique index still holds under the new name
      const dup = await failure(g.admin.collection('rename_field').create({ heading: 'one' }));
      expect(dup.response.data).toEqual({ heading: { code: 'validation_not_unique', message: expect.any(String) } });
    });

    it('swaps the names of two fields without mixing up their values', async () => {
      const { collection, records } = await seed('swap_fields', [{ name: 'other', type: 'text' }]);
      await g.admin.collection('swap_fields').update(records[0]!.id, { other: 'O' });
      await g.admin.collections.update('swap_fields', withFields(collection, (fs) =>
        fs.map((f) => (f.name === 'title' ? { ...f, name: 'other' } : f.name === 'other' ? { ...f, name: 'title' } : f))));
      const first = (await byId('swap_fields'))[records[0]!.id]!;
      expect(pick(first, ['title', 'other'])).toEqual({ title: 'O', other: 'one' });
    });

    it('removes a field: the others keep their data; re-adding the name starts empty', async () => {
      const { collection, records } = await seed('remove_field');
      const updated = await g.admin.collections.update('remove_field', withFields(collection, (fs) => fs.filter((f) => f.name !== 'n')));
      expect(fieldNames(updated)).not.toContain('n');
      for (const r of Object.values(await byId('remove_field'))) expect(r).not.toHaveProperty('n');
      await expectKept('remove_field', records, DATA_KEYS.filter((k) => k !== 'n'));
      await g.admin.collections.update('remove_field', { fields: [...updated.fields, { name: 'n', type: 'number' }] });
      for (const r of Object.values(await byId('remove_field'))) expect(r.n).toBe(0);
    });

    it('changes field options and keeps the stored values', async () => {
      const { collection, records } = await seed('change_options');
      const updated = await g.admin.collections.update('change_options', withFields(collection, (fs) => fs.map((f) => {
        if (f.name === 'title') return { ...f, max: 2, required: true, presentable: true };
        if (f.name === 'n') return { ...f, min: -10, max: 10, onlyInt: true };
        if (f.name === 'tag') return { ...f, values: ['a', 'b', 'c', 'd'] };
        return f;
      })));
      expect(updated.fields.find((f) => f.name === 'title')).toMatchObject({ max: 2, required: true, presentable: true });
      expect(updated.fields.find((f) => f.name === 'n')).toMatchObject({ min: -10, max: 10, onlyInt: true });
      await expectKept('change_options', records);
      // the new options apply to writes
      const err = await failure(g.admin.collection('change_options').create({ title: 'long', n: 1.5, tag: 'd' }));
      expect(err.response.data).toMatchObject({ title: { code: 'validation_max_text_constraint' }, n: { code: 'validation_only_int_constraint' } });
      expect(err.response.data).not.toHaveProperty('tag');
    });

    it('refuses a field type change and changes nothing', async () => {
      const { collection, records } = await seed('type_change');
      const i = collection.fields.findIndex((f) => f.name === 'title');
      const err = await failure(g.admin.collections.update('type_change', withFields(collection, (fs) => fs.map((f) => (f.name === 'title' ? { ...f, type: 'number' } : f)))));
      expect(err.status).toBe(400);
      expect(err.response.data).toEqual({ fields: { [i]: { type: { code: 'validation_field_type_change', message: expect.any(String) } } } });
      expect(await g.admin.collections.getOne('type_change')).toEqual(collection);
      await expectKept('type_change', records);
    });

    it('refuses to point an existing relation field at another collection', async () => {
      const { collection, records } = await seed('relation_target');
      const i = collection.fields.findIndex((f) => f.name === 'owner');
      const err = await failure(g.admin.collections.update('relation_target', withFields(collection, (fs) => fs.map((f) => (f.name === 'owner' ? { ...f, collectionId: 'users' } : f)))));
      expect(err.status).toBe(400);
      expect(err.response.data).toEqual({ fields: { [i]: { collectionId: { code: 'validation_field_relation_change', message: expect.any(String) } } } });
      expect(await g.admin.collections.getOne('relation_target')).toEqual(collection);
      await expectKept('relation_target', records);
    });
  });

  it('applies concurrent changes one after the other: definition and table stay in step', async () => {
    const { collection, records } = await seed('concurrent');
    const results = await Promise.all([
      g.admin.collections.update('concurrent', { fields: [...collection.fields, { name: 'a', type: 'text' }] }),
      g.admin.collections.update('concurrent', { fields: [...collection.fields, { name: 'b', type: 'text' }] }),
    ]);
    const last = fieldNames(results[1]!);
    expect(fieldNames(await g.admin.collections.getOne('concurrent'))).toEqual(last);
    // the table has exactly the columns of the definition: both names can be (re-)added now
    const both = await g.admin.collections.update('concurrent', { fields: [...collection.fields, { name: 'a', type: 'text' }, { name: 'b', type: 'text' }] });
    expect(fieldNames(both)).toEqual([...fieldNames(collection), 'a', 'b']);
    const rec = await g.admin.collection('concurrent').create({ a: 'x', b: 'y' });
    expect(pick(rec, ['a', 'b'])).toEqual({ a: 'x', b: 'y' });
    await expectKept('concurrent', [...records, rec]);
  });

  describe('maxSelect changes convert stored values', () => {
    it('select: single → multiple wraps values, multiple → single keeps the last', async () => {
      const { collection, records } = await seed('select_card');
      const setMax = (max: number) => (c: CollectionModel) => withFields(c, (fs) => fs.map((f) => (f.name === 'tag' ? { ...f, maxSelect: max } : f)));
      const multi = await g.admin.collections.update('select_card', setMax(3)(collection));
      let now = await byId('select_card');
      expect(records.map((r) => now[r.id]!.tag)).toEqual([['a'], ['b'], []]);
      await expectKept('select_card', records, DATA_KEYS.filter((k) => k !== 'tag'));

      await g.admin.collection('select_card').update(records[0]!.id, { tag: ['c', 'a'] });
      await g.admin.collections.update('select_card', setMax(1)(multi));
      now = await byId('select_card');
      expect(records.map((r) => now[r.id]!.tag)).toEqual(['a', 'b', '']);
      await expectKept('select_card', records, DATA_KEYS.filter((k) => k !== 'tag'));
      // and the field is single again for writes
      expect((await g.admin.collection('select_card').update(records[1]!.id, { tag: 'c' })).tag).toBe('c');
    });

    it('relation: single → multiple wraps ids, multiple → single keeps the last', async () => {
      const { collection, records } = await seed('relation_card');
      const other = (await g.admin.collection('people').create({ name: 'Bob' })).id;
      const setMax = (max: number) => (c: CollectionModel) => withFields(c, (fs) => fs.map((f) => (f.name === 'owner' ? { ...f, maxSelect: max } : f)));
      const multi = await g.admin.collections.update('relation_card', setMax(5)(collection));
      let now = await byId('relation_card');
      expect(records.map((r) => now[r.id]!.owner)).toEqual([[personId], [], []]);

      await g.admin.collection('relation_card').update(records[1]!.id, { owner: [personId, other] });
      await g.admin.collections.update('relation_card', setMax(1)(multi));
      now = await byId('relation_card');
      expect(records.map((r) => now[r.id]!.owner)).toEqual([personId, other, '']);
      await expectKept('relation_card', records, DATA_KEYS.filter((k) => k !== 'owner'));
    });
  });

  describe('indexes', () => {
    it('echoes index definitions unchanged and drops them again, keeping data', async () => {
      const { records } = await seed('idx_echo');
      const indexes = [
        'CREATE INDEX `idx_echo_title` ON `idx_echo` (`title`)',
        'create unique index idx_echo_multi on idx_echo (title collate nocase, n desc) where title != \'\'',
        'CREATE INDEX IF NOT EXISTS "idx_echo_flag" ON "idx_echo" ("flag" ASC, [tag])',
      ];
      const updated = await g.admin.collections.update('idx_echo', { indexes });
      expect(updated.indexes).toEqual(indexes);
      expect((await g.admin.collections.getOne('idx_echo')).indexes).toEqual(indexes);
      expect(await indexNames('idx_echo')).toEqual(expect.arrayContaining(['idx_echo_title', 'idx_echo_multi', 'idx_echo_flag']));
      await expectKept('idx_echo', records);

      const dropped = await g.admin.collections.update('idx_echo', { indexes: [indexes[0]] });
      expect(dropped.indexes).toEqual([indexes[0]]);
      const left = await indexNames('idx_echo');
      expect(left).toContain('idx_echo_title');
      expect(left).not.toContain('idx_echo_multi');
      expect(left).not.toContain('idx_echo_flag');
      await expectKept('idx_echo', records);
    });

    it('answers validation_not_unique on the field when a record breaks a unique index', async () => {
      await g.admin.collections.create({
        name: 'uniq', type: 'base', fields: [{ name: 'slug', type: 'text' }, { name: 'a', type: 'text' }, { name: 'b', type: 'text' }],
        indexes: ['CREATE UNIQUE INDEX `idx_uniq_slug` ON `uniq` (`slug`)', 'CREATE UNIQUE INDEX `idx_uniq_ab` ON `uniq` (`a`, `b`)'],
      });
      const first = await g.admin.collection('uniq').create({ slug: 'x', a: '1', b: '1' });
      const dup = await failure(g.admin.collection('uniq').create({ slug: 'x', a: '2', b: '2' }));
      expect(dup.status).toBe(400);
      expect(dup.response.message).toBe('Failed to create record.');
      expect(dup.response.data).toEqual({ slug: { code: 'validation_not_unique', message: 'Value must be unique.' } });
      const pair = await failure(g.admin.collection('uniq').create({ slug: 'y', a: '1', b: '1' }));
      expect(pair.response.data).toEqual({
        a: { code: 'validation_not_unique', message: 'Value must be unique.' },
        b: { code: 'validation_not_unique', message: 'Value must be unique.' },
      });
      const other = await g.admin.collection('uniq').create({ slug: 'z' });
      const upd = await failure(g.admin.collection('uniq').update(other.id, { slug: 'x' }));
      expect(upd.response.data).toEqual({ slug: { code: 'validation_not_unique', message: 'Value must be unique.' } });
      expect((await g.admin.collection('uniq').getFullList()).map((r) => r.slug).sort()).toEqual(['x', 'z']);
      expect((await g.admin.collection('uniq').getOne(first.id)).slug).toBe('x');
    });

    it('a COLLATE NOCASE unique index makes "A@x.com" and "a@x.com" collide', async () => {
      await g.admin.collections.create({
        name: 'nocase', type: 'base', fields: [{ name: 'mail', type: 'email' }],
        indexes: ['CREATE UNIQUE INDEX `idx_nocase_mail` ON `nocase` (`mail` COLLATE NOCASE)'],
      });
      await g.admin.collection('nocase').create({ mail: 'A@x.com' });
      const err = await failure(g.admin.collection('nocase').create({ mail: 'a@x.com' }));
      expect(err.status).toBe(400);
      expect(err.response.data).toEqual({ mail: { code: 'validation_not_unique', message: 'Value must be unique.' } });
      expect((await g.admin.collection('nocase').getFullList()).map((r) => r.mail)).toEqual(['A@x.com']);
    });

    it('refuses a new UNIQUE index over duplicate values, naming the field, and changes nothing', async () => {
      const { collection, records } = await seed('dup_values');
      records.push(await g.admin.collection('dup_values').create({ title: 'one' }));
      const before = await byId('dup_values');
      const err = await failure(g.admin.collections.update('dup_values', {
        fields: [...collection.fields, { name: 'added', type: 'text' }],
        indexes: ['CREATE INDEX `idx_dup_n` ON `dup_values` (`n`)', 'CREATE UNIQUE INDEX `idx_dup_title` ON `dup_values` (`title`)'],
      }));
      expect(err.status).toBe(400);
      expect(err.response.message).toContain('title');
      expect(err.response.data).toEqual({ indexes: { 1: { code: 'validation_not_unique', message: expect.stringContaining('"title"') } } });
      // the old definition is still served, the table unchanged, the data intact
      expect(await g.admin.collections.getOne('dup_values')).toEqual(collection);
      expect(await byId('dup_values')).toEqual(before);
      await expectKept('dup_values', records);
      expect(await indexNames('dup_values')).not.toContain('idx_dup_n');
      // and writing still works with the old definition (no "added" column, no index)
      const again = await g.admin.collection('dup_values').create({ title: 'one', added: 'ignored' });
      expect(again).not.toHaveProperty('added');
    });

    it('refuses a COLLATE NOCASE unique index over values differing only in case', async () => {
      await g.admin.collections.create({ name: 'nocase_late', type: 'base', fields: [{ name: 'mail', type: 'email' }] });
      await g.admin.collection('nocase_late').create({ mail: 'B@x.com' });
      await g.admin.collection('nocase_late').create({ mail: 'b@x.com' });
      const err = await failure(g.admin.collections.update('nocase_late', { indexes: ['CREATE UNIQUE INDEX `idx_nl_mail` ON `nocase_late` (`mail` COLLATE NOCASE)'] }));
      expect(err.status).toBe(400);
      expect(err.response.data.indexes['0'].code).toBe('validation_not_unique');
      expect((await g.admin.collections.getOne('nocase_late')).indexes).toEqual([]);
    });
  });

  describe('collections', () => {
    it('renames a collection: records, ids, relations and indexes follow', async () => {
      const { collection, records } = await seed('old_name');
      await g.admin.collections.update('old_name', { indexes: ['CREATE INDEX `idx_old_name_n` ON `old_name` (`n`)'] });
      await g.admin.collections.create({ name: 'pointer', type: 'base', fields: [{ name: 'target', type: 'relation', collectionId: 'old_name' }] });
      const ptr = await g.admin.collection('pointer').create({ target: records[0]!.id });

      const renamed = await g.admin.collections.update('old_name', { name: 'new_name' });
      expect(renamed.id).toBe(collection.id);
      expect(renamed.name).toBe('new_name');
      expect(renamed.indexes).toEqual(['CREATE INDEX `idx_old_name_n` ON `new_name` (`n`)']);
      expect((await failure(g.admin.collections.getOne('old_name'))).status).toBe(404);
      expect((await g.fetch('/api/collections/old_name/records', { token: g.admin.authStore.token })).status).toBe(404);
      await expectKept('new_name', records);
      expect((await g.admin.collection('new_name').getOne(records[0]!.id)).collectionName).toBe('new_name');
      expect((await g.admin.collection('pointer').getOne(ptr.id)).target).toBe(records[0]!.id);
      // a relation to it can still be written (ids are checked in the renamed table)
      expect((await g.admin.collection('pointer').create({ target: records[1]!.id })).target).toBe(records[1]!.id);
      // the old name is free again
      expect((await g.admin.collections.create({ name: 'old_name', type: 'base' })).name).toBe('old_name');
    });

    it('renames a collection to a different case of the same name', async () => {
      const { records } = await seed('casey');
      const renamed = await g.admin.collections.update('casey', { name: 'Casey' });
      expect(renamed.name).toBe('Casey');
      await expectKept('Casey', records);
      expect((await g.admin.collections.getOne('casey')).name).toBe('Casey');
    });

    it('refuses names PostgreSQL would cut short (63 bytes) on PostgreSQL only', async () => {
      const long = 'l'.repeat(70);
      const create = (suffix: string) => g.admin.collections.create({ name: `${long}${suffix}`, type: 'base', fields: [{ name: `${long}_field`, type: 'text' }] });
      if (engine === 'postgres') {
        const err = await failure(create('1'));
        expect(err.status).toBe(400);
        expect(err.response.data.name.code).toBe('validation_length_too_long');
        expect(err.response.data.fields['1'].name.code).toBe('validation_length_too_long');
      } else {
        await create('1');
        await create('2');
        expect((await g.admin.collection(`${long}2`).create({ [`${long}_field`]: 'v' }))[`${long}_field`]).toBe('v');
      }
    });

    it('deletes a collection with 204, then answers 404', async () => {
      await seed('doomed');
      const res = await g.fetch('/api/collections/doomed', { method: 'DELETE', token: g.admin.authStore.token });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect((await failure(g.admin.collections.getOne('doomed'))).status).toBe(404);
      expect((await g.fetch('/api/collections/doomed/records', { token: g.admin.authStore.token })).status).toBe(404);
      expect((await g.fetch('/api/collections/doomed', { method: 'DELETE', token: g.admin.authStore.token })).status).toBe(404);
      // the table is really gone: a new collection of that name starts empty
      await g.admin.collections.create({ name: 'doomed', type: 'base' });
      expect((await g.admin.collection('doomed').getList(1, 1)).totalItems).toBe(0);
    });

    it('refuses to delete a collection another one relates to, until the relation is gone', async () => {
      await g.admin.collections.create({ name: 'target_c', type: 'base' });
      const holder = await g.admin.collections.create({ name: 'holder_c', type: 'base', fields: [{ name: 'ref', type: 'relation', collectionId: 'target_c' }] });
      const err = await failure(g.admin.collections.delete('target_c'));
      expect(err.status).toBe(400);
      expect(err.response.message).toContain('holder_c');
      expect(err.response.data).toEqual({});
      expect((await g.admin.collections.getOne('target_c')).name).toBe('target_c');
      await g.admin.collections.update('holder_c', { fields: holder.fields.filter((f) => f.name !== 'ref') });
      await g.admin.collections.delete('target_c');
      expect((await failure(g.admin.collections.getOne('target_c'))).status).toBe(404);
    });

    it('truncates with 204: records gone, collection kept, references handled', async () => {
      const { records } = await seed('trunc');
      await g.admin.collections.create({
        name: 'trunc_refs', type: 'base', fields: [
          { name: 'label', type: 'text' },
          { name: 'cascading', type: 'relation', collectionId: 'trunc', cascadeDelete: true },
          { name: 'plain', type: 'relation', collectionId: 'trunc', maxSelect: 3 },
        ],
      });
      const gone = await g.admin.collection('trunc_refs').create({ label: 'gone', cascading: records[0]!.id });
      const kept = await g.admin.collection('trunc_refs').create({ label: 'kept', plain: [records[1]!.id, records[2]!.id] });

      const res = await g.fetch('/api/collections/trunc/truncate', { method: 'DELETE', token: g.admin.authStore.token });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect((await g.admin.collection('trunc').getList(1, 10)).totalItems).toBe(0);
      expect(fieldNames(await g.admin.collections.getOne('trunc'))).toContain('title');
      const refs = await byId('trunc_refs');
      expect(Object.keys(refs)).toEqual([kept.id]);
      expect(refs[kept.id]!.plain).toEqual([]);
      expect(refs).not.toHaveProperty(gone.id);
      // truncating again is fine, and the SDK call resolves
      expect(await g.admin.collections.truncate('trunc')).toBe(true);
    });
  });

  describe('import', () => {
    it('creates and updates collections in one go, keeping data', async () => {
      const { collection, records } = await seed('imp_a');
      const ok = await g.admin.collections.import([
        { ...collection, listRule: '', fields: [...collection.fields, { name: 'imported', type: 'bool' }] },
        { name: 'imp_b', type: 'base', fields: [{ name: 'a_ref', type: 'relation', collectionId: collection.id }, { name: 'c_ref', type: 'relation', collectionId: 'imp_c' }] },
        { name: 'imp_c', type: 'auth', fields: [{ name: 'nick', type: 'text' }] },
      ] as unknown as CollectionModel[], false);
      expect(ok).toBe(true);
      const a = await g.admin.collections.getOne('imp_a');
      expect(a.listRule).toBe('');
      expect(fieldNames(a)).toEqual([...fieldNames(collection), 'imported']);
      await expectKept('imp_a', records);
      const b = await g.admin.collections.getOne('imp_b');
      const c = await g.admin.collections.getOne('imp_c');
      expect(b.fields.find((f) => f.name === 'c_ref')!.collectionId).toBe(c.id);
      expect(fieldNames(c)).toEqual(['id', 'password', 'tokenKey', 'email', 'emailVisibility', 'verified', 'nick']);
      expect((await g.admin.collection('imp_b').create({ a_ref: records[0]!.id })).a_ref).toBe(records[0]!.id);
    });

    it('applies nothing when one of the collections is invalid', async () => {
      const { collection, records } = await seed('imp_x');
      const err = await failure(g.admin.collections.import([
        { ...collection, fields: [...collection.fields, { name: 'would_be_added', type: 'text' }] },
        { name: 'imp_new_ok', type: 'base' },
        { name: 'imp_new_bad', type: 'base', fields: [{ name: 'bad name', type: 'text' }, { name: 'x', type: 'nonsense' }] },
      ] as unknown as CollectionModel[], false));
      expect(err.status).toBe(400);
      expect(err.response.data.collections['2'].fields['1'].name.code).toBe('validation_match_invalid');
      expect(err.response.data.collections['2'].fields['2'].type.code).toBe('validation_in_invalid');
      expect(Object.keys(err.response.data.collections)).toEqual(['2']);
      expect(await g.admin.collections.getOne('imp_x')).toEqual(collection);
      expect((await failure(g.admin.collections.getOne('imp_new_ok'))).status).toBe(404);
      expect((await failure(g.admin.collections.getOne('imp_new_bad'))).status).toBe(404);
      await expectKept('imp_x', records);
    });

    it('applies nothing when a schema change fails in the database (unique index over duplicates)', async () => {
      const { collection, records } = await seed('imp_y');
      records.push(await g.admin.collection('imp_y').create({ title: 'one' }));
      const err = await failure(g.admin.collections.import([
        { name: 'imp_y_new', type: 'base' },
        { ...collection, fields: [...collection.fields, { name: 'added', type: 'text' }], indexes: ['CREATE UNIQUE INDEX `idx_imp_y` ON `imp_y` (`title`)'] },
      ] as unknown as CollectionModel[], false));
      expect(err.status).toBe(400);
      expect(JSON.stringify(err.response)).toContain('title');
      expect((await failure(g.admin.collections.getOne('imp_y_new'))).status).toBe(404);
      expect(await g.admin.collections.getOne('imp_y')).toEqual(collection);
      await expectKept('imp_y', records);
      // both engines really rolled back: the new collection's name can still be created
      await g.admin.collections.create({ name: 'imp_y_new', type: 'base' });
    });

    it('deleteMissing removes the collections not in the list', async () => {
      await g.admin.collections.create({ name: 'imp_keep', type: 'base' });
      await seed('imp_drop');
      const all = await g.admin.collections.getFullList();
      const list = all.filter((c) => c.name !== 'imp_drop');
      await g.admin.collections.import(list, true);
      expect((await failure(g.admin.collections.getOne('imp_drop'))).status).toBe(404);
      const after = (await g.admin.collections.getFullList()).map((c) => c.name).sort();
      expect(after).toEqual(list.map((c) => c.name).sort());
      // its table is gone too
      await g.admin.collections.create({ name: 'imp_drop', type: 'base' });
      expect((await g.admin.collection('imp_drop').getList(1, 1)).totalItems).toBe(0);
    });

    it('deleteMissing cannot remove a collection that a kept one relates to', async () => {
      await g.admin.collections.create({ name: 'imp_target', type: 'base' });
      await g.admin.collections.create({ name: 'imp_holder', type: 'base', fields: [{ name: 'ref', type: 'relation', collectionId: 'imp_target' }] });
      const all = await g.admin.collections.getFullList();
      const list = all.filter((c) => c.name !== 'imp_target');
      const err = await failure(g.admin.collections.import(list, true));
      expect(err.status).toBe(400);
      const at = String(list.findIndex((c) => c.name === 'imp_holder'));
      expect(err.response.data.collections[at].fields['1'].collectionId.code).toBe('validation_field_relation_missing_collection');
      expect((await g.admin.collections.getOne('imp_target')).name).toBe('imp_target');
      expect((await g.admin.collections.getFullList()).length).toBe(all.length);
    });

    it('deleteMissing cannot delete system collections (and then deletes nothing)', async () => {
      const all = await g.admin.collections.getFullList();
      const list = all.filter((c) => c.name !== '_superusers' && c.name !== 'people');
      const err = await failure(g.admin.collections.import(list, true));
      expect(err.status).toBe(400);
      expect(err.response.data.collections).toHaveProperty('deleteMissing');
      expect((await g.admin.collections.getOne('_superusers')).id).toBe('pbc_3142635823');
      expect((await g.admin.collection('people').getOne(personId)).name).toBe('Ann');
      expect((await g.admin.collections.getFullList()).length).toBe(all.length);
    });

    it('refuses an empty or malformed import with a 400', async () => {
      const token = g.admin.authStore.token;
      for (const body of [{}, { collections: [] }, { collections: 'x' }, { collections: [null, 5] }, { collections: [{ name: 'bad_fields', fields: 'x' }] }]) {
        const res = await g.fetch('/api/collections/import', { method: 'PUT', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(res.status).toBe(400);
        expect((await res.json()).data).toHaveProperty('collections');
      }
    });
  });

  /** Index names on the collection's table, read from the engine's catalogue. */
  async function indexNames(table: string): Promise<string[]> {
    const rows = engine === 'sqlite'
      ? await g.core.store.all(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`, [table])
      : await g.core.store.all(`SELECT indexname AS name FROM pg_indexes WHERE tablename = $1`, [table]);
    return rows.map((r) => r.name as string);
  }
});
