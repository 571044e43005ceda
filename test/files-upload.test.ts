/** File uploads through the SDK on both engines (API spec 2.4, 2.5, 7.1): naming, limits, modifiers, cleanup. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from './support/sdk.js';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { STORED_NAME, fileOf, form, image, storedKeys } from './support/files.js';
import { extractExtension, snakeCase, storedFileName } from '../src/files/file-names.js';

describe('stored file names (7.1)', () => {
  it('snake-cases the base, adds 10 random chars and keeps the extension case', () => {
    expect(storedFileName('My Photo!.PNG')).toMatch(/^my_photo_[a-z0-9]{10}\.PNG$/);
    expect(storedFileName('report.v2.pdf')).toMatch(/^report_[a-z0-9]{10}\.v2\.pdf$/);
    expect(storedFileName('archive.tar.gz')).toMatch(/^archive_[a-z0-9]{10}\.tar\.gz$/);
    expect(storedFileName('a.txt')).toMatch(/^a[a-z0-9]{10}_[a-z0-9]{10}\.txt$/);
    expect(storedFileName('MyPhotoUIAction')).toMatch(/^my_photo_ui_action_[a-z0-9]{10}$/);
    expect(storedFileName('noext', '.png')).toMatch(/^noext_[a-z0-9]{10}\.png$/);
    expect(storedFileName('x'.repeat(300) + '.png')).toMatch(new RegExp(`^x{100}_[a-z0-9]{10}\\.png$`));
    expect(storedFileName('../../etc/passwd')).not.toContain('/');
    expect(storedFileName('..\\..\\x.txt')).toMatch(/^[a-z0-9]{10}_[a-z0-9]{10}\.x\.txt$/);
    expect(storedFileName('évé.jpg')).toMatch(/^v[a-z0-9]{10}_[a-z0-9]{10}\.jpg$/);
    expect(storedFileName('x.' + 'e'.repeat(40))).toMatch(/_[a-z0-9]{10}e{20}$/);
    expect(extractExtension('a.b.c.d')).toBe('.c.d');
    expect(snakeCase('Hello  World--X')).toBe('hello_world_x');
  });
});

describe.each(ENGINES)('file uploads on %s', (engine) => {
  let g: TestGalley;
  let albumsId: string;

  beforeAll(async () => {
    g = await startGalley(engine);
    const albums = await g.admin.collections.create({
      name: 'albums', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [
        { name: 'title', type: 'text', max: 10 },
        { name: 'cover', type: 'file', maxSelect: 1, mimeTypes: ['image/png', 'image/jpeg'] },
        { name: 'docs', type: 'file', maxSelect: 3, maxSize: 2000 },
        { name: 'extra', type: 'file', maxSelect: 2 },
        { name: 'big', type: 'file', maxSelect: 1, maxSize: 40 * 1024 * 1024 },
      ],
    });
    albumsId = albums.id;
    await g.admin.collections.create({
      name: 'tracks', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [
        { name: 'album', type: 'relation', collectionId: albums.id, maxSelect: 1, cascadeDelete: true },
        { name: 'audio', type: 'file', maxSelect: 1 },
      ],
    });
  });
  afterAll(() => g.close());

  const albums = () => g.client().collection('albums');

  it('stores an upload under its PocketBase name and serves it back', async () => {
    const png = await image('png', 20, 10);
    const rec = await albums().create(form({ title: 'One', cover: fileOf(png, 'My Photo!.png', 'image/png') }));
    expect(rec.cover).toMatch(/^my_photo_[a-z0-9]{10}\.png$/);
    expect(await storedKeys(g, albumsId, rec.id)).toEqual([`${albumsId}/${rec.id}/${rec.cover}`]);
    const res = await fetch(g.client().files.getURL(rec, rec.cover));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it('accepts several files, text included, and names files without extension from their content', async () => {
    const rec = await albums().create(form({
      docs: [fileOf('hello', 'notes.txt', 'text/plain'), fileOf(await image('jpeg', 4, 4), 'scan', ''), fileOf('a,b', 'data.csv', 'text/csv')],
    }));
    expect(rec.docs).toHaveLength(3);
    expect(rec.docs[0]).toMatch(/^notes_[a-z0-9]{10}\.txt$/);
    expect(rec.docs[1]).toMatch(/^scan_[a-z0-9]{10}\.jpg$/);
    expect(rec.docs[2]).toMatch(/^data_[a-z0-9]{10}\.csv$/);
    for (const n of rec.docs) expect(n).toMatch(STORED_NAME);
  });

  it('checks mime types against the content, not the declared type or name', async () => {
    const err = await failure(albums().create(form({ cover: fileOf('not an image', 'fake.png', 'image/png') })));
    expect(err.status).toBe(400);
    expect(err.response.data.cover.code).toBe('validation_invalid_mime_type');
    const gif = await failure(albums().create(form({ cover: fileOf(await image('gif', 4, 4), 'pic.png', 'image/png') })));
    expect(gif.response.data.cover.code).toBe('validation_invalid_mime_type');
    const ok = await albums().create(form({ cover: fileOf(await image('jpeg', 4, 4), 'photo.bin', 'application/octet-stream') }));
    expect(ok.cover).toMatch(/^photo_[a-z0-9]{10}\.bin$/);
  });

  it('enforces maxSize (and 5 MiB when maxSize is 0) and maxSelect', async () => {
    const big = await failure(albums().create(form({ docs: fileOf('x'.repeat(2001), 'big.txt', 'text/plain') })));
    expect(big.status).toBe(400);
    expect(big.response.data.docs).toMatchObject({ code: 'validation_file_size_limit', params: { maxSize: 2000 } });
    const huge = await failure(albums().create(form({ extra: fileOf(Buffer.alloc(5 * 1024 * 1024 + 1, 1), 'huge.bin') })));
    expect(huge.response.data.extra.code).toBe('validation_file_size_limit');
    const many = await failure(albums().create(form({ extra: [fileOf('1', 'a.txt'), fileOf('2', 'b.txt'), fileOf('3', 'c.txt')] })));
    expect(many.response.data.extra).toMatchObject({ code: 'validation_too_many_files', params: { maxSelect: 2 } });
    // Anchored at '/': a random 10-char suffix may itself contain "big".
    expect(await storedKeys(g, albumsId).then((keys) => keys.filter((k) => /\/(big|huge)_|\/[abc][a-z0-9]{10}_/.test(k)))).toEqual([]);
  });

  it('raises the body limit by the file fields\' maxSize × maxSelect', async () => {
    const rec = await albums().create(form({ big: fileOf(Buffer.alloc(33 * 1024 * 1024, 7), 'large.bin') }));
    expect(rec.big).toMatch(/^large_/);
    const res = await g.fetch('/api/collections/albums/records', { method: 'POST', body: form({ big: fileOf(Buffer.alloc(150 * 1024 * 1024), 'x.bin') }) });
    expect(res.status).toBe(413);
  });

  it('refuses plain names that are not the record\'s files', async () => {
    const err = await failure(albums().create({ docs: ['invented_abcdefghij.txt'] }));
    expect(err.response.data.docs.code).toBe('validation_invalid_file');
  });

  it('applies field+, +field and field- and keeps plain names sent with new uploads', async () => {
    const rec = await albums().create(form({ docs: fileOf('1', 'one.txt') }));
    const [one] = rec.docs;
    const appended = await albums().update(rec.id, form({ 'docs+': fileOf('2', 'two.txt') }));
    expect(appended.docs[0]).toBe(one);
    expect(appended.docs[1]).toMatch(/^two_/);
    const prepended = await albums().update(rec.id, form({ '+docs': fileOf('0', 'zero.txt') }));
    expect(prepended.docs).toHaveLength(3);
    expect(prepended.docs[0]).toMatch(/^zero_/);
    const two = appended.docs[1];
    const removed = await albums().update(rec.id, { 'docs-': [one] });
    expect(removed.docs).toEqual([prepended.docs[0], two]);
    const keys = await storedKeys(g, albumsId, rec.id);
    expect(keys.some((k) => k.endsWith(one))).toBe(false);
    expect(keys).toHaveLength(2);
    // A file part under `docs` replaces the value, except names also sent as plain values.
    const replaced = await albums().update(rec.id, form({ docs: [two, fileOf('3', 'three.txt')] }));
    expect(replaced.docs[0]).toBe(two);
    expect(replaced.docs[1]).toMatch(/^three_/);
    expect((await storedKeys(g, albumsId, rec.id)).sort()).toEqual(replaced.docs.map((n: string) => `${albumsId}/${rec.id}/${n}`).sort());
  });

  it('replaces a single file and deletes the old one (and its thumbs) after the commit', async () => {
    const rec = await albums().create(form({ cover: fileOf(await image('png', 8, 8), 'a1.png') }));
    expect((await fetch(g.client().files.getURL(rec, rec.cover, { thumb: '100x100' }))).status).toBe(200);
    expect(await storedKeys(g, albumsId, rec.id)).toHaveLength(2);
    const updated = await albums().update(rec.id, form({ cover: fileOf(await image('jpeg', 8, 8), 'bee.jpg') }));
    expect(updated.cover).toMatch(/^bee_/);
    expect(await storedKeys(g, albumsId, rec.id)).toEqual([`${albumsId}/${rec.id}/${updated.cover}`]);
    const cleared = await albums().update(rec.id, { cover: '' });
    expect(cleared.cover).toBe('');
    expect(await storedKeys(g, albumsId, rec.id)).toEqual([]);
  });

  it('leaves no orphan when the write fails on another field', async () => {
    const before = await storedKeys(g, albumsId);
    const err = await failure(albums().create(form({ title: 'far too long a title', docs: fileOf('1', 'orphan.txt') })));
    expect(err.response.data.title.code).toBe('validation_max_text_constraint');
    const rec = await albums().create(form({ docs: fileOf('1', 'kept.txt') }));
    const upd = await failure(albums().update(rec.id, form({ title: 'far too long a title', 'docs+': fileOf('2', 'orphan2.txt') })));
    expect(upd.status).toBe(400);
    // a failure at the database itself (a duplicate id) after the files were put
    const dup = await failure(albums().create(form({ id: rec.id, docs: fileOf('1', 'orphan3.txt') })));
    expect(dup.status).toBe(400);
    const after = await storedKeys(g, albumsId);
    expect(after.filter((k) => !before.includes(k))).toEqual([`${albumsId}/${rec.id}/${rec.docs[0]}`]);
  });

  it('deletes a record\'s files on delete, cascades included', async () => {
    const album = await albums().create(form({ docs: fileOf('1', 'd.txt') }));
    const track = await g.client().collection('tracks').create(form({ album: album.id, audio: fileOf('mp3ish', 'song.txt') }));
    const tracksId = track.collectionId;
    expect(await storedKeys(g, tracksId, track.id)).toHaveLength(1);
    await albums().delete(album.id);
    expect(await storedKeys(g, albumsId, album.id)).toEqual([]);
    expect(await storedKeys(g, tracksId, track.id)).toEqual([]);
  });

  it('removes the files of a deleted file field and of a deleted collection', async () => {
    const tmp = await g.admin.collections.create({
      name: 'tmpfiles', type: 'base', createRule: '',
      fields: [{ name: 'a', type: 'file', maxSelect: 1 }, { name: 'b', type: 'file', maxSelect: 1 }],
    });
    const rec = await g.client().collection('tmpfiles').create(form({ a: fileOf('a', 'a1.txt'), b: fileOf('b', 'b1.txt') }));
    expect(await storedKeys(g, tmp.id)).toHaveLength(2);
    await g.admin.collections.update(tmp.id, { fields: tmp.fields.filter((f: { name: string }) => f.name !== 'b') });
    expect(await storedKeys(g, tmp.id)).toEqual([`${tmp.id}/${rec.id}/${rec.a}`]);
    await g.admin.collections.delete(tmp.id);
    expect(await storedKeys(g, tmp.id)).toEqual([]);
  });

  it('ignores file parts under non-file fields and lets uploads through @jsonPayload bodies', async () => {
    const fd = form({ title: fileOf('x', 'x.txt') as File });
    fd.append('@jsonPayload', JSON.stringify({ title: 'json' }));
    fd.append('docs', fileOf('1', 'j.txt'));
    const rec = await albums().create(fd);
    expect(rec.title).toBe('json');
    expect(rec.docs).toHaveLength(1);
  });

  it('keeps the s3 secret out of the settings API', async () => {
    const res = await g.admin.settings.update({ s3: { enabled: false, bucket: 'b', region: 'r', endpoint: 'http://127.0.0.1:1', accessKey: 'k', secret: 'very-secret' } });
    expect(res.s3).toEqual({ enabled: false, bucket: 'b', region: 'r', endpoint: 'http://127.0.0.1:1', accessKey: 'k', forcePathStyle: false });
    expect(JSON.stringify(await g.admin.settings.getAll())).not.toContain('very-secret');
    const bad = await failure(g.admin.settings.update({ s3: { enabled: true, bucket: '', secret: '' } }));
    expect(bad.response.data.s3.bucket.code).toBe('validation_required');
    expect((await g.core.settings.get()).s3.secret).toBe('very-secret');
    await g.admin.settings.update({ s3: { bucket: '', region: '', endpoint: '', accessKey: '', secret: '' } });
  });
});
