/** Input casting and validation of every field type, through the SDK (API spec 4.3, 2.4). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure } from './support/errors.js';

const OPEN = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(ENGINES)('field values on %s', (engine) => {
  let g: TestGalley;

  /** Creates a record as a guest and returns it. */
  const create = (collection: string, body: Record<string, unknown>) => g.client().collection(collection).create(body);

  /** The field error map of a create that must fail with "Failed to create record.". */
  async function createErrors(collection: string, body: Record<string, unknown>): Promise<Record<string, any>> {
    const err = await failure(create(collection, body));
    expect(err.status).toBe(400);
    expect(err.response.message).toBe('Failed to create record.');
    return err.response.data;
  }

  beforeAll(async () => {
    g = await startGalley(engine);
    const make = (name: string, fields: Record<string, unknown>[], type = 'base') =>
      g.admin.collections.create({ name, type, ...OPEN, fields });
    await make('texts', [
      { name: 'code', type: 'text', min: 3, max: 5, pattern: '^[a-z0-9]+$' },
      { name: 'slug', type: 'text', autogeneratePattern: '[a-z]{8}' },
      { name: 'note', type: 'text' },
      { name: 'short', type: 'text', max: 3 },
    ]);
    await make('numbers', [
      { name: 'n', type: 'number' },
      { name: 'qty', type: 'number', onlyInt: true, min: 1, max: 10 },
    ]);
    await make('required_numbers', [{ name: 'n', type: 'number', required: true }]);
    await make('bools', [{ name: 'flag', type: 'bool' }]);
    await make('required_bools', [{ name: 'agree', type: 'bool', required: true }]);
    await make('contacts', [
      { name: 'mail', type: 'email' },
      { name: 'work_mail', type: 'email', onlyDomains: ['example.com'] },
      { name: 'private_mail', type: 'email', exceptDomains: ['spam.test'] },
      { name: 'site', type: 'url' },
      { name: 'docs_site', type: 'url', onlyDomains: ['docs.example.com'] },
      { name: 'safe_site', type: 'url', exceptDomains: ['evil.test'] },
    ]);
    await make('docs', [{ name: 'body', type: 'editor', maxSize: 20 }]);
    await make('events', [
      { name: 'at', type: 'date' },
      { name: 'in_2024', type: 'date', min: '2024-01-01 00:00:00.000Z', max: '2024-12-31 23:59:59.999Z' },
      { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
    ]);
    await make('choices', [
      { name: 'one', type: 'select', maxSelect: 1, values: ['a', 'b', 'c'] },
      { name: 'many', type: 'select', maxSelect: 2, values: ['a', 'b', 'c'] },
    ]);
    await make('blobs', [
      { name: 'data', type: 'json' },
      { name: 'small', type: 'json', maxSize: 20 },
    ]);
    const targets = await make('targets', [{ name: 'label', type: 'text' }]);
    await make('links', [
      { name: 'one', type: 'relation', collectionId: targets.id, maxSelect: 1 },
      { name: 'many', type: 'relation', collectionId: targets.id, maxSelect: 3 },
      { name: 'pair', type: 'relation', collectionId: targets.id, minSelect: 2, maxSelect: 4 },
    ]);
    await make('attachments', [
      { name: 'title', type: 'text' },
      { name: 'doc', type: 'file', maxSelect: 1 },
    ]);
    await make('places', [{ name: 'at', type: 'geoPoint' }]);
    await make('members', [{ name: 'nick', type: 'text' }], 'auth');
  });
  afterAll(() => g.close());

  describe('text', () => {
    it('enforces min, max and pattern with PocketBase codes', async () => {
      expect((await createErrors('texts', { code: 'ab' })).code).toEqual({
        code: 'validation_min_text_constraint', message: 'Must be at least 3 character(s).', params: { min: 3 },
      });
      expect((await createErrors('texts', { code: 'abcdef' })).code).toMatchObject({ code: 'validation_max_text_constraint', params: { max: 5 } });
      expect((await createErrors('texts', { code: 'AB-C' })).code.code).toBe('validation_invalid_format');
      expect((await create('texts', { code: 'abc12' })).code).toBe('abc12');
    });

    it('counts length in characters, not bytes', async () => {
      expect((await create('texts', { short: '日本語' })).short).toBe('日本語');
      expect((await createErrors('texts', { short: '日本語日' })).short.code).toBe('validation_max_text_constraint');
    });

    it('casts numbers and booleans to their text form', async () => {
      const rec = await create('texts', { code: 12345, note: true });
      expect(rec.code).toBe('12345');
      expect(rec.note).toBe('true');
    });

    it('fills an empty value from autogeneratePattern, keeps a given one', async () => {
      const a = await create('texts', {});
      const b = await create('texts', { slug: '' });
      expect(a.slug).toMatch(/^[a-z]{8}$/);
      expect(b.slug).toMatch(/^[a-z]{8}$/);
      expect(a.slug).not.toBe(b.slug);
      expect((await create('texts', { slug: 'mine' })).slug).toBe('mine');
    });

    it('supports the field:autogenerate modifier (prefix + generated value)', async () => {
      const rec = await create('texts', { 'slug:autogenerate': 'pre-' });
      expect(rec.slug).toMatch(/^pre-[a-z]{8}$/);
    });
  });

  describe('number', () => {
    it('casts numeric strings and booleans, non-numeric strings become 0', async () => {
      expect((await create('numbers', { n: '12.5' })).n).toBe(12.5);
      expect((await create('numbers', { n: '-3' })).n).toBe(-3);
      expect((await create('numbers', { n: true })).n).toBe(1);
      expect((await create('numbers', { n: 'abc' })).n).toBe(0);
      expect((await create('numbers', { n: '' })).n).toBe(0);
    });

    it('rejects NaN and infinities', async () => {
      expect((await createErrors('numbers', { n: 'NaN' })).n.code).toBe('validation_not_a_number');
      expect((await createErrors('numbers', { n: 'Infinity' })).n.code).toBe('validation_not_a_number');
    });

    it('enforces onlyInt, min and max', async () => {
      expect((await createErrors('numbers', { qty: 2.5 })).qty.code).toBe('validation_only_int_constraint');
      expect((await createErrors('numbers', { qty: -1 })).qty.code).toBe('validation_min_number_constraint');
      expect((await createErrors('numbers', { qty: 11 })).qty.code).toBe('validation_max_number_constraint');
      expect((await create('numbers', { qty: '10' })).qty).toBe(10);
      // zero is "empty": not checked against min unless required
      expect((await create('numbers', { qty: 0 })).qty).toBe(0);
    });

    it('required means non-zero', async () => {
      expect((await createErrors('required_numbers', { n: 0 })).n.code).toBe('validation_required');
      expect((await createErrors('required_numbers', { n: '0' })).n.code).toBe('validation_required');
      expect((await createErrors('required_numbers', {})).n.code).toBe('validation_required');
      expect((await create('required_numbers', { n: -0.5 })).n).toBe(-0.5);
    });
  });

  describe('bool', () => {
    it('casts common truthy and falsy spellings', async () => {
      for (const v of [true, 'true', '1', 1, 't', 'TRUE']) expect((await create('bools', { flag: v })).flag).toBe(true);
      for (const v of [false, 'false', '0', 0, '', 'nope']) expect((await create('bools', { flag: v })).flag).toBe(false);
    });

    it('required means true', async () => {
      expect((await createErrors('required_bools', { agree: false })).agree.code).toBe('validation_required');
      expect((await createErrors('required_bools', {})).agree.code).toBe('validation_required');
      expect((await create('required_bools', { agree: 'true' })).agree).toBe(true);
    });
  });

  describe('email and url', () => {
    it('validates the email format', async () => {
      expect((await createErrors('contacts', { mail: 'not-an-email' })).mail.code).toBe('validation_is_email');
      expect((await create('contacts', { mail: 'someone@example.org' })).mail).toBe('someone@example.org');
    });

    it('applies onlyDomains and exceptDomains to emails', async () => {
      expect((await createErrors('contacts', { work_mail: 'a@other.com' })).work_mail.code).toBe('validation_email_domain_not_allowed');
      expect((await create('contacts', { work_mail: 'a@example.com' })).work_mail).toBe('a@example.com');
      expect((await createErrors('contacts', { private_mail: 'a@spam.test' })).private_mail.code).toBe('validation_email_domain_not_allowed');
      expect((await create('contacts', { private_mail: 'a@fine.test' })).private_mail).toBe('a@fine.test');
    });

    it('validates the url format', async () => {
      expect((await createErrors('contacts', { site: 'not a url' })).site.code).toBe('validation_invalid_url');
      expect((await create('contacts', { site: 'https://example.com/a?b=c' })).site).toBe('https://example.com/a?b=c');
    });

    it('applies onlyDomains and exceptDomains to urls', async () => {
      expect((await createErrors('contacts', { docs_site: 'https://example.com/x' })).docs_site.code).toBe('validation_url_domain_not_allowed');
      expect((await create('contacts', { docs_site: 'https://docs.example.com/x' })).docs_site).toBe('https://docs.example.com/x');
      expect((await createErrors('contacts', { safe_site: 'http://evil.test/' })).safe_site.code).toBe('validation_url_domain_not_allowed');
    });

    it('reports every invalid field of one request at once', async () => {
      const data = await createErrors('contacts', { mail: 'x', site: 'y y' });
      expect(Object.keys(data).sort()).toEqual(['mail', 'site']);
    });
  });

  describe('editor', () => {
    it('enforces maxSize in bytes', async () => {
      expect((await create('docs', { body: '<p>twenty bytes!</p>' })).body).toBe('<p>twenty bytes!</p>');
      expect((await createErrors('docs', { body: '<p>twenty-one bytes</p>' })).body).toMatchObject({
        code: 'validation_content_size_limit', params: { maxSize: 20 },
      });
      // 7 characters but 21 bytes
      expect((await createErrors('docs', { body: '€€€€€€€' })).body.code).toBe('validation_content_size_limit');
    });
  });

  describe('date and autodate', () => {
    it('normalises accepted input forms to "YYYY-MM-DD HH:MM:SS.sssZ" UTC', async () => {
      const cases: [unknown, string][] = [
        ['2024-07-01 01:02:03.456Z', '2024-07-01 01:02:03.456Z'],
        ['2024-07-01T01:02:03Z', '2024-07-01 01:02:03.000Z'],
        ['2024-07-01T03:02:03+02:00', '2024-07-01 01:02:03.000Z'],
        ['2024-07-01 01:02:03', '2024-07-01 01:02:03.000Z'],
        ['2024-07-01', '2024-07-01 00:00:00.000Z'],
        [1719795723, '2024-07-01 01:02:03.000Z'],
        [new Date('2024-07-01T01:02:03.456Z'), '2024-07-01 01:02:03.456Z'],
        ['', ''],
        ['2024-02-29', '2024-02-29 00:00:00.000Z'],
        ['2000-02-29 23:59:59.999Z', '2000-02-29 23:59:59.999Z'],
        ['0001-01-01 00:00:00.000Z', '0001-01-01 00:00:00.000Z'],
        ['9999-12-31 23:59:59.999Z', '9999-12-31 23:59:59.999Z'],
      ];
      for (const [input, stored] of cases) {
        const rec = await create('events', { at: input });
        expect([input, rec.at]).toEqual([input, stored]);
        expect((await g.client().collection('events').getOne(rec.id)).at).toBe(stored);
      }
    });

    it('rejects values that are not dates', async () => {
      const invalid = [
        'not a date', '2024-13-45', 'yesterday', { year: 2024 }, [2024],
        '2024-02-30', '2023-02-29', '2024-04-31 10:00:00Z', '2024-01-01 24:00:00', '2024-01-01T23:60:00Z',
        1e20, -99999999999, '999999999999', '10000-01-01',
      ];
      for (const input of invalid) {
        const data = await createErrors('events', { at: input });
        expect([input, data.at?.code]).toEqual([input, 'validation_invalid_date']);
      }
    });

    it('enforces min and max', async () => {
      expect((await createErrors('events', { in_2024: '2023-12-31 23:59:59.999Z' })).in_2024.code).toBe('validation_min_greater_equal_than_required');
      expect((await createErrors('events', { in_2024: '2025-01-01' })).in_2024.code).toBe('validation_max_less_equal_than_required');
      expect((await create('events', { in_2024: '2024-01-01' })).in_2024).toBe('2024-01-01 00:00:00.000Z');
      expect((await create('events', { in_2024: '2024-12-31 23:59:59.999Z' })).in_2024).toBe('2024-12-31 23:59:59.999Z');
    });

    it('ignores client input for autodate fields, on create and on update', async () => {
      const before = new Date().toISOString().replace('T', ' ');
      const rec = await create('events', { created: '2000-01-01 00:00:00.000Z', updated: 'garbage' });
      expect(rec.created).toMatch(DATETIME);
      expect(rec.created >= before.slice(0, 19)).toBe(true);
      expect(rec.updated).toBe(rec.created);
      await new Promise((r) => setTimeout(r, 5));
      const upd = await g.client().collection('events').update(rec.id, { created: '2000-01-01 00:00:00.000Z', updated: '2000-01-01 00:00:00.000Z' });
      expect(upd.created).toBe(rec.created);
      expect(upd.updated > rec.updated).toBe(true);
    });
  });

  describe('select', () => {
    it('single select keeps the last submitted value', async () => {
      expect((await create('choices', { one: ['a', 'c'] })).one).toBe('c');
      expect((await create('choices', { one: 'b' })).one).toBe('b');
      expect((await create('choices', {})).one).toBe('');
    });

    it('multiple select stores a unique list and enforces maxSelect', async () => {
      expect((await create('choices', { many: ['b', 'a', 'b'] })).many).toEqual(['b', 'a']);
      expect((await create('choices', { many: 'c' })).many).toEqual(['c']);
      expect((await createErrors('choices', { many: ['a', 'b', 'c'] })).many).toMatchObject({
        code: 'validation_too_many_values', params: { maxSelect: 2 },
      });
    });

    it('rejects values outside the list', async () => {
      expect((await createErrors('choices', { one: 'z' })).one.code).toBe('validation_invalid_value');
      expect((await createErrors('choices', { many: ['a', 'z'] })).many.code).toBe('validation_invalid_value');
    });
  });

  describe('json', () => {
    it('stores strings holding valid JSON as that JSON, other strings as strings', async () => {
      const cases: [unknown, unknown][] = [
        ['{"a":1}', { a: 1 }],
        ['[1,"two"]', [1, 'two']],
        ['123', 123],
        ['true', true],
        ['"quoted"', 'quoted'],
        ['"123"', '123'],
        ['"true"', 'true'],
        ['"{\\"a\\":1}"', '{"a":1}'],
        ['plain text', 'plain text'],
        ['{broken', '{broken'],
        [{ nested: { deep: [null] } }, { nested: { deep: [null] } }],
        [[1, 2], [1, 2]],
        [false, false],
        [null, null],
      ];
      for (const [input, stored] of cases) {
        const rec = await create('blobs', { data: input });
        expect([input, rec.data]).toEqual([input, stored]);
        expect([input, (await g.client().collection('blobs').getOne(rec.id)).data]).toEqual([input, stored]);
      }
    });

    it('enforces maxSize on the serialised JSON', async () => {
      expect((await create('blobs', { small: { k: 'short' } })).small).toEqual({ k: 'short' });
      expect((await createErrors('blobs', { small: { k: 'this is far too long' } })).small).toMatchObject({
        code: 'validation_json_size_limit', params: { maxSize: 20 },
      });
    });
  });

  describe('relation', () => {
    let t1: string, t2: string, t3: string, t4: string;
    beforeAll(async () => {
      [t1, t2, t3, t4] = await Promise.all(['t1', 't2', 't3', 't4'].map(async (label) => (await create('targets', { label })).id));
    });

    it('refuses ids that do not exist', async () => {
      expect((await createErrors('links', { one: 'missingmissing1' })).one).toEqual({
        code: 'validation_missing_rel_records', message: 'Failed to find all relation records with the provided ids.',
      });
      expect((await createErrors('links', { many: [t1, 'missingmissing1'] })).many.code).toBe('validation_missing_rel_records');
    });

    it('single relation keeps the last id, multiple keeps the order', async () => {
      const rec = await create('links', { one: [t1, t2], many: [t3, t1, t3] });
      expect(rec.one).toBe(t2);
      expect(rec.many).toEqual([t3, t1]);
      expect((await create('links', { many: t4 })).many).toEqual([t4]);
    });

    it('enforces minSelect and maxSelect', async () => {
      expect((await createErrors('links', { many: [t1, t2, t3, t4] })).many).toMatchObject({
        code: 'validation_too_many_values', params: { maxSelect: 3 },
      });
      expect((await createErrors('links', { pair: [t1] })).pair).toMatchObject({
        code: 'validation_not_enough_values', params: { minSelect: 2 },
      });
      expect((await create('links', { pair: [t1, t2] })).pair).toEqual([t1, t2]);
      // minSelect applies only to non-empty values
      expect((await create('links', { pair: [] })).pair).toEqual([]);
    });
  });

  describe('file', () => {
    it('refuses a made-up file name', async () => {
      expect((await createErrors('attachments', { doc: 'made-up.txt' })).doc.code).toBe('validation_invalid_file');
      const rec = await create('attachments', { title: 'no file' });
      const err = await failure(g.client().collection('attachments').update(rec.id, { doc: 'made-up.txt' }));
      expect(err.status).toBe(400);
      expect(err.response.data.doc.code).toBe('validation_invalid_file');
    });

    it('stores an upload under a generated name (files-upload.test.ts covers the rest)', async () => {
      const rec = await create('attachments', { title: 'upload', doc: new File(['hello'], 'hello.txt', { type: 'text/plain' }) });
      expect(rec.doc).toMatch(/^hello_[a-z0-9]{10}\.txt$/);
    });

    it('ignores a file part sent under a field that is not a file field', async () => {
      const form = new FormData();
      form.append('title', new File(['x'], 'x.txt'));
      form.append('title', 'kept');
      const res = await g.fetch('/api/collections/attachments/records', { method: 'POST', body: form });
      expect(res.status).toBe(200);
      expect((await res.json()).title).toBe('kept');
    });
  });

  describe('geoPoint', () => {
    it('stores {lon, lat} and defaults to {0, 0}', async () => {
      expect((await create('places', { at: { lon: 23.5, lat: -42.25 } })).at).toEqual({ lon: 23.5, lat: -42.25 });
      expect((await create('places', { at: '{"lon":1,"lat":2}' })).at).toEqual({ lon: 1, lat: 2 });
      expect((await create('places', {})).at).toEqual({ lon: 0, lat: 0 });
    });

    it('rejects coordinates out of range', async () => {
      expect((await createErrors('places', { at: { lon: 0, lat: 91 } })).at.code).toBe('validation_invalid_latitude');
      expect((await createErrors('places', { at: { lon: -180.5, lat: 10 } })).at.code).toBe('validation_invalid_longitude');
      expect((await create('places', { at: { lon: 180, lat: -90 } })).at).toEqual({ lon: 180, lat: -90 });
    });
  });

  it('refuses NUL characters and lone surrogates in stored values, on both engines alike', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['texts', { note: 'a\u0000b' }, 'note'],
      ['docs', { body: '<p>\u0000</p>' }, 'body'],
      ['blobs', { data: { key: 'a\u0000' } }, 'data'],
      ['blobs', { data: { 'k\u0000': 1 } }, 'data'],
      ['links', { many: ['abc\u0000def'] }, 'many'],
      ['texts', { note: 'a\ud800b' }, 'note'],
      ['contacts', { mail: 'a\udc00@example.com' }, 'mail'],
      ['blobs', { data: ['ok', { deep: '\ud83d' }] }, 'data'],
    ];
    for (const [collection, body, field] of cases) {
      const data = await createErrors(collection, body);
      expect([collection, field, data[field]?.code]).toEqual([collection, field, 'validation_invalid_value']);
    }
    expect((await create('texts', { note: 'emoji 😀 fine' })).note).toBe('emoji 😀 fine');
    const rec = await create('texts', { note: 'fine' });
    const err = await failure(g.client().collection('texts').update(rec.id, { note: 'x\u0000' }));
    expect([err.status, err.response.data.note?.code]).toEqual([400, 'validation_invalid_value']);
  });

  describe('password (auth collections)', () => {
    it('is never returned, not even to superusers', async () => {
      const created = await g.admin.collection('members').create({
        email: 'pw@example.com', password: 'secret-password-1', passwordConfirm: 'secret-password-1', nick: 'pw',
      });
      const fetched = await g.admin.collection('members').getOne(created.id);
      const listed = (await g.admin.collection('members').getFullList()).find((r) => r.id === created.id);
      const projected = await g.admin.collection('members').getOne(created.id, { fields: 'id,password,tokenKey' });
      for (const rec of [created, fetched, listed!]) {
        expect(rec.nick).toBe('pw');
        expect(rec).not.toHaveProperty('password');
        expect(rec).not.toHaveProperty('tokenKey');
        expect(JSON.stringify(rec)).not.toContain('secret-password-1');
      }
      expect(projected).toEqual({ id: created.id });
    });

    it('enforces the minimum length of 8', async () => {
      const err = await failure(g.admin.collection('members').create({ email: 'short@example.com', password: 'short', passwordConfirm: 'short' }));
      expect(err.status).toBe(400);
      expect(err.response.data.password).toMatchObject({ code: 'validation_min_text_constraint', params: { min: 8 } });
    });
  });
});
