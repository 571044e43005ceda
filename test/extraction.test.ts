/**
 * Text extraction from uploaded files (docs/documents.md), on both engines through the
 * SDK: the file field options and the `<file>Extraction` system field in the
 * collections API; uploads of each format ending `done` with the expected text in the
 * target field (pending first); a multi-file field's texts under file-name headings;
 * filtering on the state; hostile files (zip bomb, billion laughs, encrypted and
 * malformed PDFs, a file that outruns the time limit) each ending `failed` with a
 * reason while other requests are served; a restart in the middle of the queue;
 * a newer upload never overwritten by an older result; OCR of an image.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type PocketBase from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { GalleyCore } from '../src/core/galley-core.js';
import { failure } from './support/errors.js';
import { eventually, Inbox } from './support/realtime.js';
import { fileOf } from './support/files.js';
import {
  billionLaughsDocx, docx, encryptedPdf, malformedPdf, odt, pdf, pptx, textImage, xlsx, zipBombDocx,
} from './support/documents.js';

interface Doc {
  id: string; title: string; body: string; doc: string; docExtraction: { status: string; error?: string; updated: string } | null;
  files: string[]; notes: string; filesExtraction: { status: string; error?: string } | null;
}

describe.each(ENGINES)('text extraction on %s', (engine) => {
  let g: TestGalley;
  let pb: PocketBase;

  const settle = async (id: string, field: 'docExtraction' | 'filesExtraction' = 'docExtraction', ms = 30_000): Promise<Doc> => {
    let doc!: Doc;
    await eventually(async () => {
      doc = await pb.collection('docs').getOne<Doc>(id);
      expect(doc[field]?.status).not.toBe('pending');
    }, ms);
    return doc;
  };
  const upload = (name: string, bytes: Buffer | string, title = name) => pb.collection('docs').create<Doc>({ title, doc: fileOf(bytes, name) });

  beforeAll(async () => {
    g = await startGalley(engine);
    pb = g.client();
    await g.admin.collections.create({
      name: 'docs', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'body', type: 'text', max: 200_000 },
        { name: 'doc', type: 'file', maxSelect: 1, maxSize: 20 * 1024 * 1024, extractTextTo: 'body' },
        { name: 'notes', type: 'editor' },
        { name: 'files', type: 'file', maxSelect: 5, maxSize: 20 * 1024 * 1024, extractTextTo: 'notes', extractOcr: true },
      ],
    });
  }, 60_000);
  afterAll(async () => { await g?.close(); });

  describe('the collections API', () => {
    it('adds a system json field <file>Extraction per extracting file field, and keeps the options', async () => {
      const c = await g.admin.collections.getOne('docs');
      const doc = c.fields.find((f) => f.name === 'doc')!;
      expect(doc).toMatchObject({ type: 'file', extractTextTo: 'body' });
      expect(c.fields.find((f) => f.name === 'docExtraction')).toMatchObject({ type: 'json', system: true });
      expect(c.fields.find((f) => f.name === 'filesExtraction')).toMatchObject({ type: 'json', system: true });
      expect(c.fields.find((f) => f.name === 'files')).toMatchObject({ extractTextTo: 'notes', extractOcr: true });
    });

    it('refuses a target that is missing, not text, or the field itself, with field errors', async () => {
      const base = [{ name: 'title', type: 'text' }, { name: 'count', type: 'number' }];
      const cases: [unknown, RegExp][] = [
        ['nope', /no field named "nope"/],
        ['count', /number field/],
        ['f', /not the file field itself/],
        [42, /Must be a string/],
      ];
      for (const [target, message] of cases) {
        const err = await failure(g.admin.collections.create({ name: 'bad_extract', fields: [...base, { name: 'f', type: 'file', extractTextTo: target }] }));
        expect(err.status, JSON.stringify(err.response)).toBe(400);
        expect(err.response.data.fields?.['3'], JSON.stringify(err.response)).toBeDefined();
        expect(err.response.data.fields['3'].extractTextTo.message).toMatch(message);
      }
      const ocr = await failure(g.admin.collections.create({ name: 'bad_extract', fields: [...base, { name: 'f', type: 'file', extractOcr: 'yes' }] }));
      expect(ocr.response.data.fields['3'].extractOcr.code).toBe('validation_invalid_value');
      expect(await g.admin.collections.getList(1, 50, { filter: 'name = "bad_extract"' })).toMatchObject({ totalItems: 0 });
    });

    it('follows a rename of the target and of the file field, and removes the state field with the option', async () => {
      await g.admin.collections.create({ name: 'renames', fields: [{ name: 'text', type: 'text' }, { name: 'f', type: 'file', extractTextTo: 'text' }] });
      let c = await g.admin.collections.getOne('renames');
      const stateId = c.fields.find((f) => f.name === 'fExtraction')!.id;
      c.fields.find((f) => f.name === 'text')!.name = 'content';
      c = await g.admin.collections.update('renames', { fields: c.fields });
      expect(c.fields.find((f) => f.name === 'f')!.extractTextTo).toBe('content');
      c.fields.find((f) => f.name === 'f')!.name = 'upload';
      c = await g.admin.collections.update('renames', { fields: c.fields.filter((f) => f.name !== 'fExtraction') });
      expect(c.fields.find((f) => f.name === 'uploadExtraction')).toMatchObject({ id: stateId, system: true });
      expect(c.fields.some((f) => f.name === 'fExtraction')).toBe(false);
      c.fields.find((f) => f.name === 'upload')!.extractTextTo = '';
      c = await g.admin.collections.update('renames', { fields: c.fields });
      expect(c.fields.map((f) => f.name)).not.toContain('uploadExtraction');
      await g.admin.collections.delete('renames');
    });
  });

  describe('uploads', () => {
    const cases: { name: string; make: () => Promise<Buffer> | Buffer | string; expected: string | RegExp }[] = [
      { name: 'report.pdf', make: () => pdf([['Quarterly report', 'Revenue grew'], ['Second page text']]), expected: 'Quarterly report\nRevenue grew\n\fSecond page text' },
      { name: 'letter.docx', make: () => docx(['Dear reader,', 'Galley extracts DOCX text.']), expected: 'Dear reader,\n\nGalley extracts DOCX text.' },
      { name: 'notes.odt', make: () => odt('Minutes', ['The ODT paragraph one.', 'And two.']), expected: 'Minutes\nThe ODT paragraph one.\nAnd two.' },
      { name: 'deck.pptx', make: () => pptx([['Opening slide', 'Agenda'], ['Closing thoughts']]), expected: '## Slide 1\nOpening slide\nAgenda\n\n## Slide 2\nClosing thoughts' },
      { name: 'sheet.xlsx', make: () => xlsx({ Prices: [['item', 'price'], ['Widget', 3.5], ['Bolt', 2]], Notes: [['ok']] }), expected: '## Prices\nitem\tprice\nWidget\t3.5\nBolt\t2\n\n## Notes\nok' },
      { name: 'table.csv', make: () => 'name;city\n"Ada, Countess";London\nAlan;Wilmslow\n', expected: 'name\tcity\nAda, Countess\tLondon\nAlan\tWilmslow' },
      { name: 'page.html', make: () => '<html><head><title>T</title><style>p{color:red}</style><script>alert(1)</script></head><body><nav><a href="/x">Home</a></nav><h1>Visible heading</h1><p>Body <b>text</b> here.</p></body></html>', expected: /^Home\n\nVisible heading\n\nBody text here\.$/ },
      { name: 'readme.md', make: () => '# Title\n\nSome *markdown* text.\n', expected: '# Title\n\nSome *markdown* text.' },
      { name: 'latin1.txt', make: () => Buffer.from('Café crème brûlée, déjà vu à Genève — naïve façade.', 'latin1'), expected: /^Café crème brûlée, déjà vu à Genève . naïve façade\.$/ },
    ];

    it.each(cases)('$name ends done with its text (pending first)', async ({ name, make, expected }) => {
      const created = await upload(name, await make());
      expect(created.docExtraction).toMatchObject({ status: 'pending' });
      const done = await settle(created.id);
      expect(done.docExtraction).toMatchObject({ status: 'done' });
      expect(done.docExtraction!.error).toBeUndefined();
      if (typeof expected === 'string') expect(done.body).toBe(expected);
      else expect(done.body).toMatch(expected);
    });

    it('joins a multi-file field under the file names as headings (into an editor field)', async () => {
      const created = await pb.collection('docs').create<Doc>({
        title: 'multi', files: [fileOf('Alpha text', 'a.txt'), fileOf(await docx(['Beta text']), 'b.docx')],
      });
      const done = await settle(created.id, 'filesExtraction');
      expect(done.filesExtraction).toMatchObject({ status: 'done' });
      const [a, b] = done.files;
      expect(done.notes).toBe(`<p># ${a}</p><p>Alpha text</p><p># ${b}</p><p>Beta text</p>`);
      expect(done.docExtraction).toBeNull();
    });

    it('ignores a client value for the state field and re-extracts only when the files change', async () => {
      const created = await pb.collection('docs').create<Doc>({ title: 'sneaky', doc: fileOf('Real text', 'x.txt'), docExtraction: { status: 'done' } });
      expect(created.docExtraction!.status).toBe('pending');
      const done = await settle(created.id);
      const updated = await pb.collection('docs').update<Doc>(created.id, { title: 'renamed', docExtraction: { status: 'failed', error: 'forged' } });
      expect(updated.docExtraction).toEqual(done.docExtraction);
      expect(updated.body).toBe('Real text');
      const replaced = await pb.collection('docs').update<Doc>(created.id, { doc: fileOf('New text', 'y.txt') });
      expect(replaced.docExtraction!.status).toBe('pending');
      expect((await settle(created.id)).body).toBe('New text');
      const removed = await pb.collection('docs').update<Doc>(created.id, { doc: null });
      expect(removed.docExtraction).toBeNull();
      expect(removed.body).toBe('');
    });

    it('writes through the normal write path: a realtime subscriber sees the extracted text', async () => {
      const inbox = new Inbox<{ action: string; record: Doc }>();
      const unsubscribe = await pb.collection('docs').subscribe<Doc>('*', inbox.push);
      try {
        const created = await upload('live.txt', 'Live text');
        await eventually(() => expect(inbox.items.some((e) => e.record.id === created.id && e.record.docExtraction?.status === 'done' && e.record.body === 'Live text')).toBe(true), 20_000);
        expect(inbox.items.find((e) => e.record.id === created.id)).toMatchObject({ action: 'create', record: { docExtraction: { status: 'pending' } } });
      } finally {
        await unsubscribe();
      }
    });

    it('filters on <file>Extraction.status', async () => {
      const bad = await upload('filter-bad.pdf', malformedPdf(), 'filter-bad');
      const good = await upload('filter-good.txt', 'fine', 'filter-good');
      await settle(bad.id);
      await settle(good.id);
      const failed = await pb.collection('docs').getFullList<Doc>({ filter: 'docExtraction.status = "failed" && title ~ "filter-"' });
      expect(failed.map((d) => d.title)).toEqual(['filter-bad']);
      const done = await pb.collection('docs').getFullList<Doc>({ filter: 'docExtraction.status = "done" && title ~ "filter-"' });
      expect(done.map((d) => d.title)).toEqual(['filter-good']);
    });
  });

  describe('hostile files', () => {
    const hostile: { name: string; make: () => Promise<Buffer> | Buffer; reason: RegExp }[] = [
      { name: 'bomb.docx', make: () => zipBombDocx(400 * 1024 * 1024), reason: /unpacks to more than \d+ bytes/ },
      { name: 'laughs.docx', make: () => billionLaughsDocx(), reason: /declares a DTD/ },
      { name: 'locked.pdf', make: () => encryptedPdf(), reason: /encrypted/ },
      { name: 'broken.pdf', make: () => malformedPdf(), reason: /not a readable PDF|damaged/ },
      { name: 'mystery.bin', make: () => Buffer.from([1, 2, 3]), reason: /unsupported file type/ },
    ];

    it.each(hostile)('$name ends failed with a reason, and other requests are served meanwhile', async ({ name, make, reason }) => {
      const bytes = await make();
      const created = await upload(name, bytes);
      // While it is being extracted, another request answers promptly.
      const started = performance.now();
      const other = await pb.collection('docs').getList(1, 5);
      expect(other.items.length).toBeGreaterThan(0);
      expect(performance.now() - started).toBeLessThan(1000);
      const done = await settle(created.id);
      expect(done.docExtraction).toMatchObject({ status: 'failed' });
      expect(done.docExtraction!.error).toContain(done.doc);
      expect(done.docExtraction!.error).toMatch(reason);
      expect(done.body).toBe('');
    }, 60_000);

    it('requests keep being answered promptly during a long extraction', async () => {
      const pages = Array.from({ length: 400 }, (_, i) => [`Page ${i + 1} of a long report`, 'with several lines', 'of text on it']);
      const created = await upload('slow.pdf', await pdf(pages));
      const during: number[] = [];
      for (;;) {
        const t = performance.now();
        const seen = await pb.collection('docs').getOne<Doc>(created.id);
        if (seen.docExtraction?.status !== 'pending') break;
        during.push(performance.now() - t);
      }
      // Requests kept being answered while the PDF was parsed, each promptly. (That the parse is
      // in a thread with its own limits is what the time and memory tests below show.)
      expect(during.length).toBeGreaterThanOrEqual(5);
      expect(Math.max(...during)).toBeLessThan(1000);
      const done = await pb.collection('docs').getOne<Doc>(created.id);
      expect(done.docExtraction!.status).toBe('done');
      expect(done.body.split('\f')).toHaveLength(400);
    }, 60_000);

    it('a file that outruns the time limit is killed and fails; the next file extracts fine', async () => {
      const before = g.core.extraction.options.timeoutMs;
      g.core.extraction.configure({ timeoutMs: 150 });
      try {
        const pages = Array.from({ length: 400 }, (_, i) => [`Page ${i + 1} of a long report`, 'with several lines', 'of text on it']);
        const created = await upload('long.pdf', await pdf(pages));
        const timings: number[] = [];
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          await pb.collection('docs').getOne(created.id);
          timings.push(performance.now() - t);
        }
        expect(Math.max(...timings)).toBeLessThan(500);
        const done = await settle(created.id);
        expect(done.docExtraction).toMatchObject({ status: 'failed' });
        expect(done.docExtraction!.error).toMatch(/timed out after 150 ms/);
      } finally {
        g.core.extraction.configure({ timeoutMs: before });
      }
      const next = await upload('after.txt', 'Still working');
      expect((await settle(next.id)).body).toBe('Still working');
    }, 60_000);

    it('a thread that runs out of memory fails the file with the reason', async () => {
      const before = g.core.extraction.options;
      // A small heap, and a CSV whose rows take far more than that as cells.
      g.core.extraction.configure({ memoryMb: 16, timeoutMs: 30_000 });
      try {
        const csv = Array.from({ length: 400_000 }, (_, i) => `${i},name ${i},city ${i},${i * 3}`).join('\n');
        const created = await upload('heavy.csv', csv);
        const done = await settle(created.id);
        expect(done.docExtraction).toMatchObject({ status: 'failed' });
        expect(done.docExtraction!.error).toMatch(/out of memory|thread/);
      } finally {
        g.core.extraction.configure(before);
      }
    }, 60_000);
  });

  describe('the queue', () => {
    it('keeps the newest upload: a result for replaced files is dropped', async () => {
      await g.core.jobs.stop();
      try {
        const created = await upload('first.txt', 'First version');
        await pb.collection('docs').update(created.id, { doc: fileOf('Second version', 'second.txt') });
        const jobs = (await g.core.jobs.jobs.list('extractText')).filter((j) => j.status === 'queued');
        expect(jobs).toHaveLength(1); // deduplicated by record and field
        g.core.jobs.start({ pollMs: 50 });
        expect((await settle(created.id)).body).toBe('Second version');
      } finally {
        g.core.jobs.start();
      }
    });

    it('drops the result of a job whose files were replaced while it ran', async () => {
      const inbox = new Inbox<{ action: string; record: Doc }>();
      const unsubscribe = await pb.collection('docs').subscribe<Doc>('*', inbox.push);
      try {
        const pages = Array.from({ length: 300 }, (_, i) => [`Old page ${i + 1}`, 'of the replaced upload']);
        const created = await upload('old.pdf', await pdf(pages));
        await eventually(async () => {
          const running = (await g.core.jobs.jobs.list('extractText')).filter((j) => j.status === 'running');
          expect(running.some((j) => (j.payload as { record: string }).record === created.id)).toBe(true);
        }, 10_000);
        await pb.collection('docs').update(created.id, { doc: fileOf('The newer upload', 'new.txt') });
        await eventually(async () => {
          const jobs = (await g.core.jobs.jobs.list('extractText')).filter((j) => (j.payload as { record: string }).record === created.id);
          expect(jobs.every((j) => j.status === 'done')).toBe(true);
        }, 30_000);
        const done = await settle(created.id);
        expect(done.body).toBe('The newer upload');
        const mine = inbox.items.filter((e) => e.record.id === created.id);
        // The old result never reached the record, not even for a moment.
        expect(mine.some((e) => e.record.body.includes('Old page'))).toBe(false);
      } finally {
        await unsubscribe();
      }
    }, 60_000);

    it('extracts the files records already had when the option is turned on', async () => {
      await g.admin.collections.create({ name: 'later', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'text', type: 'text' }, { name: 'f', type: 'file' }] });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await pb.collection('later').create({ f: fileOf(`Earlier upload ${i}`, `e${i}.txt`) })).id);
      const empty = await pb.collection('later').create({});
      const c = await g.admin.collections.getOne('later');
      c.fields.find((f) => f.name === 'f')!.extractTextTo = 'text';
      await g.admin.collections.update('later', { fields: c.fields });
      for (const [i, id] of ids.entries()) {
        await eventually(async () => {
          const r = await pb.collection('later').getOne<{ text: string; fExtraction: { status: string } | null }>(id);
          expect(r.fExtraction?.status).toBe('done');
          expect(r.text).toBe(`Earlier upload ${i}`);
        }, 20_000);
      }
      expect((await pb.collection('later').getOne<{ fExtraction: unknown }>(empty.id)).fExtraction).toBeNull();
      await g.admin.collections.delete('later');
    }, 60_000);

    it('resumes after a restart: pending uploads are extracted by the next start', async () => {
      await g.core.jobs.stop();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await upload(`restart-${i}.txt`, `Restart text ${i}`)).id);
      for (const id of ids) expect((await pb.collection('docs').getOne<Doc>(id)).docExtraction!.status).toBe('pending');
      // Another start of Galley on the same data (the first one's queue stays stopped): the jobs are rows.
      const second = await GalleyCore.open({ dir: g.dir, db: g.dbUrl });
      try {
        second.jobs.start({ pollMs: 50 });
        for (const [i, id] of ids.entries()) expect((await settle(id)).body).toBe(`Restart text ${i}`);
      } finally {
        await second.close();
      }
      g.core.jobs.start();
    }, 60_000);
  });

  it('reads the text of an image through OCR (extractOcr)', async () => {
    const image = await textImage(['Invoice 4711 for Galley', 'Total due 125 EUR']);
    const created = await pb.collection('docs').create<Doc>({ title: 'scan', files: [fileOf(image, 'scan.png')] });
    const done = await settle(created.id, 'filesExtraction', 60_000);
    expect(done.filesExtraction).toMatchObject({ status: 'done' });
    expect(done.notes).toMatch(/Invoice 4711 for Galley/);
    expect(done.notes).toMatch(/Total due 125 EUR/);
    // Without extractOcr the same image is not read.
    const plain = await upload('scan.png', image);
    expect((await settle(plain.id)).docExtraction!.error).toMatch(/OCR is off/);
  }, 90_000);
});
