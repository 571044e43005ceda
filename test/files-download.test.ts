/** File downloads on both engines (API spec 7.2-7.4): access, protected files, headers, ranges, thumbnails. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from './support/sdk.js';
import { expectErrorBody } from './support/errors.js';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { centreColour, dimensions, fileOf, form, image } from './support/files.js';
import { Semaphore, SemaphoreTimeout } from '../src/files/semaphore.js';

describe.each(ENGINES)('file downloads on %s', (engine) => {
  let g: TestGalley;
  let rec: Record<string, any>;
  let png: Buffer;
  let priv: Record<string, any>;
  let ownerToken: string;
  let otherToken: string;
  const text = 'hello range world';

  beforeAll(async () => {
    g = await startGalley(engine);
    await g.admin.collections.create({
      name: 'pics', type: 'base', listRule: null, viewRule: null, createRule: '', updateRule: '', deleteRule: '',
      fields: [
        { name: 'img', type: 'file', maxSelect: 1, thumbs: ['50x50', '60x40t', '60x40b', '60x40', '40x40f', '0x30', '30x0', '64x64', '32x32'] },
        { name: 'other', type: 'file', maxSelect: 5 },
      ],
    });
    png = await image('png', 100, 200);
    rec = await g.client().collection('pics').create(form({
      img: fileOf(png, 'tall.png'),
      other: [fileOf(text, 'note.txt'), fileOf(await image('webp', 40, 20), 'w.webp'), fileOf(await image('gif', 40, 20), 'anim.gif'),
        fileOf('<svg xmlns="http://www.w3.org/2000/svg"/>', 'v.svg'), fileOf('%PDF-1.4\n%%EOF', 'doc.pdf')],
    }));
    const users = await g.admin.collections.getOne('users');
    await g.admin.collections.create({
      name: 'private', type: 'base', viewRule: 'owner = @request.auth.id', createRule: '',
      fields: [{ name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 }, { name: 'doc', type: 'file', maxSelect: 1, protected: true }],
    });
    const owner = await g.admin.collection('users').create({ email: 'owner@example.com', password: 'password-123', passwordConfirm: 'password-123' });
    await g.admin.collection('users').create({ email: 'other@example.com', password: 'password-123', passwordConfirm: 'password-123' });
    const ownerPb = g.client();
    await ownerPb.collection('users').authWithPassword('owner@example.com', 'password-123');
    ownerToken = ownerPb.authStore.token;
    const otherPb = g.client();
    await otherPb.collection('users').authWithPassword('other@example.com', 'password-123');
    otherToken = otherPb.authStore.token;
    priv = await g.admin.collection('private').create(form({ owner: owner.id, doc: fileOf('secret stuff', 'secret.txt') }));
  });
  afterAll(() => g.close());

  const url = (record: Record<string, any>, name: string, opts: Record<string, unknown> = {}) => g.client().files.getURL(record, name, opts);
  const other = (prefix: string) => rec.other.find((n: string) => n.startsWith(prefix)) as string;

  it('serves unprotected files to anyone, even with a locked view rule', async () => {
    const res = await fetch(url(rec, rec.img));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it('serves the files of view collections from the record they come from', async () => {
    await g.admin.collections.create({ name: 'pic_view', type: 'view', listRule: '', viewRule: '', viewQuery: 'SELECT id, img, other FROM pics' });
    const viewRecord = await g.client().collection('pic_view').getOne(rec.id);
    expect(viewRecord.img).toBe(rec.img);
    const res = await fetch(g.client().files.getURL(viewRecord, viewRecord.img));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    const thumb = await fetch(g.client().files.getURL(viewRecord, viewRecord.img, { thumb: '50x50' }));
    expect(await dimensions(await thumb.arrayBuffer())).toMatchObject({ width: 50, height: 50 });
    expect(await (await fetch(g.client().files.getURL(viewRecord, other('note')))).text()).toBe(text);
    expect((await g.fetch(`/api/files/pic_view/${rec.id}/nope_abcdefghij.png`)).status).toBe(404);
  });

  it('answers 404 with data {} for unknown collections, records and names', async () => {
    for (const path of [`/api/files/nope/${rec.id}/${rec.img}`, `/api/files/pics/missing1234567/${rec.img}`, `/api/files/pics/${rec.id}/nope_abcdefghij.png`,
      `/api/files/private/${priv.id}/${rec.img}`]) {
      const body = await expectErrorBody(await g.fetch(path), 404);
      expect(body.data).toEqual({});
    }
  });

  it('never serves anything outside the storage root', async () => {
    const attempts = [
      `/api/files/pics/${rec.id}/..%2F..%2F..%2Fdata.db`, `/api/files/pics/${rec.id}/%2e%2e`, `/api/files/pics/..%2F..%2F/${rec.img}`,
      `/api/files/..%2F..%2F/${rec.id}/${rec.img}`, `/api/files/pics/${rec.id}/..%5C..%5Cdata.db`, `/api/files/pics/${rec.id}/%00`,
      `/api/files/pics/${rec.id}/${rec.img}%2F..%2F..%2F..%2Fdata.db`, `/api/files/pics/${rec.id}/thumbs_${rec.img}%2F100x100_${rec.img}`,
    ];
    for (const path of attempts) {
      const res = await g.fetch(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    }
    const storage = g.core.files.storage();
    await expect(storage.read('../data.db')).rejects.toThrow();
    await expect(storage.stat(`pics/../../x`)).rejects.toThrow();
    await expect(storage.deletePrefix('../')).rejects.toThrow();
  });

  it('sets inline/attachment, content types, the CSP and caching headers', async () => {
    const img = await fetch(url(rec, rec.img));
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('content-disposition')).toBe(`inline; filename=${rec.img}`);
    expect(img.headers.get('content-security-policy')).toBe("default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox");
    expect(img.headers.get('cache-control')).toBe('max-age=2592000, stale-while-revalidate=86400');
    expect(img.headers.get('x-frame-options')).toBeNull();
    const forced = await fetch(url(rec, rec.img, { download: true }));
    expect(forced.headers.get('content-disposition')).toBe(`attachment; filename=${rec.img}`);
    const txt = await fetch(url(rec, other('note')));
    expect(txt.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(txt.headers.get('content-type')).toMatch(/^text\/plain/);
    const svg = await fetch(url(rec, other('v')));
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('content-disposition')).toMatch(/^attachment; /);
    const pdf = await fetch(url(rec, other('doc')));
    expect(pdf.headers.get('content-disposition')).toMatch(/^inline; /);
    const head = await fetch(url(rec, rec.img), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(png.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('honours Range requests', async () => {
    const u = url(rec, other('note'));
    const part = await fetch(u, { headers: { range: 'bytes=6-10' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 6-10/${text.length}`);
    expect(await part.text()).toBe('range');
    const suffix = await fetch(u, { headers: { range: 'bytes=-5' } });
    expect(await suffix.text()).toBe('world');
    const open = await fetch(u, { headers: { range: 'bytes=12-' } });
    expect(await open.text()).toBe('world');
    const bad = await fetch(u, { headers: { range: 'bytes=500-600' } });
    expect(bad.headers.get('content-range')).toBe(`bytes */${text.length}`);
    expect(await expectErrorBody(bad, 416)).toEqual({ status: 416, message: 'The requested range is not satisfiable.', data: {} });
    const multi = await fetch(u, { headers: { range: 'bytes=0-1,3-4' } });
    expect(multi.status).toBe(200);
  });

  it('answers conditional requests with 304', async () => {
    const u = url(rec, rec.img);
    const first = await fetch(u);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"/);
    expect((await fetch(u, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(u, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    expect((await fetch(u, { headers: { 'if-modified-since': first.headers.get('last-modified')! } })).status).toBe(304);
    expect((await fetch(u, { headers: { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' } })).status).toBe(200);
  });

  it('makes every thumb format with the right size and crop', async () => {
    const cases: [string, number, number][] = [
      ['100x100', 100, 100], ['50x50', 50, 50], ['60x40', 60, 40], ['60x40t', 60, 40], ['60x40b', 60, 40], ['40x40f', 20, 40], ['0x30', 15, 30], ['30x0', 30, 60],
    ];
    for (const [thumb, w, h] of cases) {
      const res = await fetch(url(rec, rec.img, { thumb }));
      expect(res.status, thumb).toBe(200);
      const bytes = await res.arrayBuffer();
      expect(await dimensions(bytes), thumb).toMatchObject({ width: w, height: h, format: 'png' });
      if (thumb === '60x40t') expect((await centreColour(bytes))[0]).toBeGreaterThan(200); // red top
      if (thumb === '60x40b') expect((await centreColour(bytes))[2]).toBeGreaterThan(200); // blue bottom
    }
    const keys = await g.core.files.storage().list(`${rec.collectionId}/${rec.id}/thumbs_${rec.img}/`);
    expect(keys).toContain(`${rec.collectionId}/${rec.id}/thumbs_${rec.img}/60x40t_${rec.img}`);
  });

  it('serves the original for unlisted sizes, bad formats and non-images', async () => {
    for (const thumb of ['70x50', '0x0', 'abc', '100x100x']) {
      const res = await fetch(url(rec, rec.img, { thumb }));
      expect(await dimensions(await res.arrayBuffer()), thumb).toMatchObject({ width: 100, height: 200 });
    }
    const txt = await fetch(url(rec, other('note'), { thumb: '100x100' }));
    expect(await txt.text()).toBe(text);
  });

  it('writes webp thumbs as PNG and keeps gif as gif', async () => {
    const webp = await fetch(url(rec, other('w'), { thumb: '100x100' }));
    expect(await dimensions(await webp.arrayBuffer())).toMatchObject({ width: 100, height: 100, format: 'png' });
    const gif = await fetch(url(rec, other('anim'), { thumb: '100x100' }));
    expect(await dimensions(await gif.arrayBuffer())).toMatchObject({ width: 100, height: 100, format: 'gif' });
  });

  it('generates a new thumb once for many concurrent requests', async () => {
    const before = g.core.files.thumbs.generated;
    const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(url(rec, rec.img, { thumb: '64x64' }))));
    for (const res of responses) expect(await dimensions(await res.arrayBuffer())).toMatchObject({ width: 64, height: 64 });
    expect(g.core.files.thumbs.generated - before).toBe(1);
    await fetch(url(rec, rec.img, { thumb: '64x64' }));
    expect(g.core.files.thumbs.generated - before).toBe(1);
  });

  it('issues file tokens only to authenticated callers', async () => {
    expect((await g.fetch('/api/files/token', { method: 'POST' })).status).toBe(401);
    const pb = g.client();
    pb.authStore.save(ownerToken);
    const token = await pb.files.getToken();
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ type: 'file', collectionId: (await g.admin.collections.getOne('users')).id });
    expect(claims.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(170);
    expect(claims.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(180);
  });

  it('serves protected files only with a file token that passes the view rule', async () => {
    const tokenOf = async (auth: string) => { const pb = g.client(); pb.authStore.save(auth); return pb.files.getToken(); };
    expect((await fetch(url(priv, priv.doc))).status).toBe(404);
    expect((await fetch(url(priv, priv.doc, { token: 'garbage' }))).status).toBe(404);
    expect((await fetch(url(priv, priv.doc, { token: await tokenOf(otherToken) }))).status).toBe(404);
    const ok = await fetch(url(priv, priv.doc, { token: await tokenOf(ownerToken) }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('secret stuff');
    expect((await fetch(url(priv, priv.doc, { token: await g.admin.files.getToken() }))).status).toBe(200);
    // The Authorization header does not open protected files, and an auth token is no file token.
    expect((await g.fetch(`/api/files/private/${priv.id}/${priv.doc}`, { token: ownerToken })).status).toBe(404);
    expect((await fetch(url(priv, priv.doc, { token: ownerToken }))).status).toBe(404);
  });

  it('never accepts a file token as an Authorization token', async () => {
    const pb = g.client();
    pb.authStore.save(ownerToken);
    const fileToken = await pb.files.getToken();
    const me = JSON.parse(Buffer.from(ownerToken.split('.')[1]!, 'base64url').toString()).id;
    expect((await g.fetch(`/api/collections/users/records/${me}`, { token: ownerToken })).status).toBe(200);
    expect((await g.fetch(`/api/collections/users/records/${me}`, { token: fileToken })).status).toBe(404);
    expect((await g.fetch('/api/files/token', { method: 'POST', token: fileToken })).status).toBe(401);
    const err = await failure(g.client().collection('users').authRefresh({ headers: { Authorization: fileToken } }));
    expect(err.status).toBe(401);
  });
});

describe('the thumbnail semaphore', () => {
  it('runs at most `size` jobs at once and times out waiters', async () => {
    const sem = new Semaphore(2);
    let active = 0;
    let peak = 0;
    const job = () => sem.run(async () => { active++; peak = Math.max(peak, active); await new Promise((r) => setTimeout(r, 20)); active--; }, 5000);
    await Promise.all(Array.from({ length: 8 }, job));
    expect(peak).toBe(2);
    const blocker = sem.run(() => new Promise((r) => setTimeout(r, 200)), 1000);
    const blocker2 = sem.run(() => new Promise((r) => setTimeout(r, 200)), 1000);
    await expect(sem.run(async () => 1, 20)).rejects.toBeInstanceOf(SemaphoreTimeout);
    await Promise.all([blocker, blocker2]);
    expect(await sem.run(async () => 7, 20)).toBe(7);
  });
});
