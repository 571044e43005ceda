/** Request body formats and their failures (API spec 1.2, 1.3, 9.1, 10.2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';

const MiB = 1024 * 1024;
const RECORDS = '/api/collections/bodies/records';

describe.each(ENGINES)('request bodies on %s', (engine) => {
  let g: TestGalley;

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({
      name: 'bodies', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'code', type: 'text' },
        { name: 'count', type: 'number' },
        { name: 'flag', type: 'bool' },
        { name: 'data', type: 'json' },
        { name: 'tags', type: 'select', maxSelect: 3, values: ['a', 'b', 'c'] },
        { name: 'at', type: 'geoPoint' },
      ],
    });
  });
  afterAll(() => g.close());

  const post = (body: BodyInit | undefined, headers: Record<string, string> = {}, path = RECORDS) =>
    g.fetch(path, { method: 'POST', body, headers });

  async function created(res: Response): Promise<Record<string, any>> {
    const text = await res.text();
    expect([res.status, text]).toEqual([200, expect.any(String)]);
    return JSON.parse(text);
  }

  async function count(): Promise<number> {
    return (await g.admin.collection('bodies').getList(1, 1)).totalItems;
  }

  describe('JSON', () => {
    it('accepts application/json with a charset', async () => {
      const rec = await created(await post('{"title":"charset","count":2}', { 'content-type': 'application/json; charset=utf-8' }));
      expect(rec).toMatchObject({ title: 'charset', count: 2 });
    });

    it('answers malformed JSON with a 400 error body', async () => {
      const before = await count();
      for (const body of ['{"title":', '{title: "x"}', '{"a":1}}', '\u0000']) {
        const err = await expectErrorBody(await post(body, { 'content-type': 'application/json' }), 400);
        expect(err.data).toEqual({});
      }
      expect(await count()).toBe(before);
    });

    it('survives values nested far deeper than any serialiser recursion', async () => {
      const deep = (depth: number, leaf = '1') => '['.repeat(depth) + leaf + ']'.repeat(depth);
      const send = (json: string) => post(json, { 'content-type': 'application/json' });
      const depth = 100_000;
      const json = await expectErrorBody(await send(`{"data":${deep(depth)}}`), 400);
      expect(json.data.data.code).toBe('validation_invalid_json');
      expect((await created(await send(`{"title":${deep(depth, '"x"')}}`))).title).toBe('x');
      expect((await created(await send(`{"tags":${deep(depth, '"a"')}}`))).tags).toEqual(['a']);
      expect((await created(await send(`{"count":${deep(depth)},"count+":${deep(depth)}}`))).count).toBe(0);
      const geo = await expectErrorBody(await send(`{"at":{"lon":${deep(depth)},"lat":1}}`), 400);
      expect(Object.keys(geo.data)).toEqual(['at']);
      // a merely deep value is fine
      expect((await created(await send(`{"data":${deep(500)}}`))).data).toEqual(JSON.parse(deep(500)));
    });

    it('refuses a body that is not a JSON object', async () => {
      for (const body of ['[{"title":"x"}]', '"title"', '42', 'true']) {
        const err = await expectErrorBody(await post(body, { 'content-type': 'application/json' }), 400);
        expect([body, err.data]).toEqual([body, {}]);
      }
    });
  });

  describe('multipart/form-data', () => {
    it('infers booleans and canonical numbers, keeps everything else a string', async () => {
      const form = new FormData();
      form.set('flag', 'true');
      form.set('count', '-1.5');
      form.set('code', '012');
      form.set('title', '12.50');
      const rec = await created(await post(form));
      expect(rec).toMatchObject({ flag: true, count: -1.5, code: '012', title: '12.50' });

      const form2 = new FormData();
      for (const [k, v] of [['flag', 'false'], ['count', '12'], ['code', '1e3'], ['title', '1.']]) form2.set(k, v!);
      expect(await created(await post(form2))).toMatchObject({ flag: false, count: 12, code: '1e3', title: '1.' });

      // digits beyond float precision would change value if made a number
      const form3 = new FormData();
      form3.set('code', '12345678901234567890');
      form3.set('title', '0.10');
      expect(await created(await post(form3))).toMatchObject({ code: '12345678901234567890', title: '0.10' });
    });

    it('shows inference through a json field', async () => {
      const cases: [string, unknown][] = [['true', true], ['12', 12], ['-0.25', -0.25], ['012', '012'], ['hello', 'hello']];
      for (const [raw, stored] of cases) {
        const form = new FormData();
        form.set('data', raw);
        expect([raw, (await created(await post(form))).data]).toEqual([raw, stored]);
      }
    });

    it('turns repeated keys into arrays (values inferred one by one)', async () => {
      const form = new FormData();
      form.append('tags', 'a');
      form.append('tags', 'c');
      form.append('data', '1');
      form.append('data', 'two');
      form.append('data', 'false');
      expect(await created(await post(form))).toMatchObject({ tags: ['a', 'c'], data: [1, 'two', false] });
    });

    it('merges every @jsonPayload part, without inference', async () => {
      const form = new FormData();
      form.append('title', 'payloads');
      form.append('@jsonPayload', JSON.stringify({ data: { nested: ['x'] } }));
      form.append('@jsonPayload', JSON.stringify({ tags: ['b', 'c'], code: 'true' }));
      const rec = await created(await post(form));
      expect(rec).toMatchObject({ title: 'payloads', data: { nested: ['x'] }, tags: ['b', 'c'], code: 'true' });
    });

    it('takes the SDK form of an object body that contains a Blob', async () => {
      const rec = await g.client().collection('bodies').create({
        title: 'from sdk', flag: true, data: { k: [1, 2] }, tags: ['c', 'a'], notAField: new Blob(['ignored']),
      });
      expect(rec).toMatchObject({ title: 'from sdk', flag: true, data: { k: [1, 2] }, tags: ['c', 'a'] });
    });

    it('answers an invalid @jsonPayload with a 400', async () => {
      for (const payload of ['{not json', '[1,2]', '"str"']) {
        const form = new FormData();
        form.append('@jsonPayload', payload);
        const err = await expectErrorBody(await post(form), 400);
        expect(err.data).toEqual({});
      }
    });

    it('answers a malformed multipart body with a 400', async () => {
      await expectErrorBody(await post('--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nunterminated', { 'content-type': 'multipart/form-data; boundary=x' }), 400);
      await expectErrorBody(await post('title=x', { 'content-type': 'multipart/form-data' }), 400);
    });
  });

  describe('urlencoded', () => {
    it('applies the same inference and array rules', async () => {
      const body = 'flag=true&count=12&code=012&title=12.50&tags=a&tags=b&data=1&data=x';
      const rec = await created(await post(body, { 'content-type': 'application/x-www-form-urlencoded' }));
      expect(rec).toMatchObject({ flag: true, count: 12, code: '012', title: '12.50', tags: ['a', 'b'], data: [1, 'x'] });
    });

    it('is accepted by auth-with-password too', async () => {
      const body = new URLSearchParams({ identity: SUPERUSER_EMAIL, password: SUPERUSER_PASSWORD });
      const res = await post(body, {}, '/api/collections/_superusers/auth-with-password');
      expect(res.status).toBe(200);
      expect((await res.json()).record.email).toBe(SUPERUSER_EMAIL);
    });
  });

  describe('empty and unsupported bodies', () => {
    it('treats an empty body as {} whatever the content type', async () => {
      const types = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];
      for (const headers of [{}, ...types.map((type): Record<string, string> => ({ 'content-type': type }))]) {
        const rec = await created(await post(undefined, headers));
        expect(rec).toMatchObject({ title: '', count: 0, flag: false, data: null, tags: [] });
      }
      const rec = await g.client().collection('bodies').create({ title: 'keep', count: 3 });
      const res = await g.fetch(`${RECORDS}/${rec.id}`, { method: 'PATCH' });
      expect((await created(res))).toMatchObject({ title: 'keep', count: 3 });
    });

    it('refuses a non-empty body of an unsupported content type', async () => {
      const before = await count();
      for (const type of ['text/plain', 'application/octet-stream', 'image/png']) {
        const err = await expectErrorBody(await post('title=x', { 'content-type': type }), 400);
        expect(err.data).toEqual({});
      }
      expect(await count()).toBe(before);
    });
  });

  describe('size limit', () => {
    const TOO_LARGE = { status: 413, message: 'Request entity too large.', data: {} };

    it('answers a JSON body over 32 MiB with a 413 error body', async () => {
      const body = JSON.stringify({ title: 'x'.repeat(32 * MiB) });
      expect(await expectErrorBody(await post(body, { 'content-type': 'application/json' }), 413)).toEqual(TOO_LARGE);
    });

    it('answers a urlencoded body over 32 MiB with a 413', async () => {
      const body = `title=${'x'.repeat(32 * MiB)}`;
      expect(await expectErrorBody(await post(body, { 'content-type': 'application/x-www-form-urlencoded' }), 413)).toEqual(TOO_LARGE);
    });

    it('answers a multipart body over 32 MiB with a 413, also when no single part is that large', async () => {
      const oneFile = new FormData();
      oneFile.append('title', 'big');
      oneFile.append('notAField', new Blob([new Uint8Array(33 * MiB)]), 'big.bin');
      expect(await expectErrorBody(await post(oneFile), 413)).toEqual(TOO_LARGE);

      const manyParts = new FormData();
      for (let i = 0; i < 3; i++) manyParts.append(`part${i}`, 'x'.repeat(12 * MiB));
      expect(await expectErrorBody(await post(manyParts), 413)).toEqual(TOO_LARGE);
    });

    it('still accepts a body just under the limit', async () => {
      const body = JSON.stringify({ title: 'fits', padding: 'x'.repeat(31 * MiB) });
      expect((await created(await post(body, { 'content-type': 'application/json' }))).title).toBe('fits');
    });
  });
});
