// Text extraction (issue 19 part 1, docs/documents.md): a `galley serve` on SQLite with
// a collection whose file field extracts into a text field, then
//   PDF:  --pdfs uploads of one --pages-page PDF (~30 lines a page), timed from the
//         first upload until every record is done → pages per second;
//   DOCX: --docxs uploads of a 60-paragraph DOCX → documents per second;
//   latency: one client GETs one record in a loop (one request at a time) while the
//         server is idle, and again while the PDFs are being extracted → p50/p99.
// Extraction runs in one worker thread (the default concurrency), so on 2 cores it
// has one to itself and requests the other. Under two minutes with the defaults.
//
//   node bench/extraction/extraction-bench.mjs [--pdfs=8] [--pages=100] [--docxs=60] [--cli=dist/cli/main.js]
//
// Needs a build: run `npx tsc -p tsconfig.build.json` first.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { arg, CLI, SUPERUSER, createCollection, freePort, sleep, superuserToken, waitHealthy } from '../lib/harness.mjs';

const PDFS = Number(arg('pdfs', 8));
const PAGES = Number(arg('pages', 100));
const DOCXS = Number(arg('docxs', 60));
const GALLEY = arg('cli', CLI);
const log = (m) => process.stderr.write(`[extraction-bench] ${m}\n`);

const WORDS = 'the quick brown fox jumps over a lazy dog while galley extracts every line of text from uploaded documents'.split(' ');
const line = (i) => Array.from({ length: 10 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');

async function makePdf(pages) {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595, 842]);
    for (let l = 0; l < 30; l++) page.drawText(`${p + 1}.${l + 1} ${line(p * 30 + l)}`, { x: 40, y: 800 - l * 25, size: 11, font });
  }
  return Buffer.from(await doc.save());
}

function makeDocx(paragraphs) {
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  const xml = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${W}"><w:body>` +
    Array.from({ length: paragraphs }, (_, i) => `<w:p><w:r><w:t>${line(i)} ${line(i + 1)}</w:t></w:r></w:p>`).join('') + '</w:body></w:document>';
  const z = new yazl.ZipFile();
  z.addBuffer(Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'), '[Content_Types].xml');
  z.addBuffer(Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'), '_rels/.rels');
  z.addBuffer(Buffer.from(xml), 'word/document.xml');
  z.end();
  const chunks = [];
  return new Promise((resolve) => { z.outputStream.on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))); });
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

async function upload(base, name, bytes) {
  const fd = new FormData();
  fd.append('title', name);
  fd.append('doc', new Blob([bytes]), name);
  const res = await fetch(`${base}/api/collections/docs/records`, { method: 'POST', body: fd });
  if (!res.ok) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

async function pendingCount(base) {
  const res = await fetch(`${base}/api/collections/docs/records?perPage=1&filter=${encodeURIComponent('docExtraction.status = "pending"')}`);
  return (await res.json()).totalItems;
}

/** GETs one record until `until()` is true (or `ms` passed); latencies in ms. */
async function getLoop(base, id, { ms, until = () => false }) {
  const times = [];
  const end = performance.now() + ms;
  while (performance.now() < end && !until()) {
    const t = performance.now();
    const res = await fetch(`${base}/api/collections/docs/records/${id}`);
    await res.arrayBuffer();
    times.push(performance.now() - t);
  }
  return times;
}

async function waitDone(base, started) {
  for (;;) {
    if ((await pendingCount(base)) === 0) return (performance.now() - started) / 1000;
    await sleep(100);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'galley-bench-extraction-'));
execFileSync(process.execPath, [GALLEY, 'superuser', 'create', SUPERUSER.email, SUPERUSER.password, '--dir', dir], { stdio: 'ignore' });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, [GALLEY, 'serve', '--http', `127.0.0.1:${port}`, '--dir', dir], { stdio: 'ignore' });
try {
  await waitHealthy(base, child);
  const token = await superuserToken(base);
  await createCollection(base, token, {
    name: 'docs', type: 'base', listRule: '', viewRule: '', createRule: '',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'body', type: 'text', max: 5_000_000 },
      { name: 'doc', type: 'file', maxSize: 50 * 1024 * 1024, extractTextTo: 'body' },
    ],
  });
  const pdf = await makePdf(PAGES);
  const docx = await makeDocx(60);
  log(`PDF ${PAGES} pages, ${(pdf.length / 1024).toFixed(0)} KiB; DOCX ${(docx.length / 1024).toFixed(1)} KiB`);
  // A record to read, and a warm-up: the first extraction starts the thread and loads pdf.js.
  const probe = await upload(base, 'probe.txt', Buffer.from('probe'));
  await upload(base, 'warm.pdf', await makePdf(2));
  await upload(base, 'warm.docx', docx);
  await waitDone(base, performance.now());

  await getLoop(base, probe, { ms: 2000 });
  const idle = await getLoop(base, probe, { ms: 8000 });
  log(`idle: ${idle.length} reads`);

  let started = performance.now();
  for (let i = 0; i < PDFS; i++) await upload(base, `report-${i}.pdf`, pdf);
  let finished = false;
  const busyLoop = getLoop(base, probe, { ms: 120_000, until: () => finished });
  const pdfSeconds = await waitDone(base, started);
  finished = true;
  const busy = await busyLoop;
  log(`PDF: ${PDFS * PAGES} pages in ${pdfSeconds.toFixed(2)} s; ${busy.length} reads meanwhile`);

  started = performance.now();
  for (let i = 0; i < DOCXS; i++) await upload(base, `letter-${i}.docx`, docx);
  const docxSeconds = await waitDone(base, started);
  log(`DOCX: ${DOCXS} documents in ${docxSeconds.toFixed(2)} s`);

  const check = await (await fetch(`${base}/api/collections/docs/records?perPage=1&filter=${encodeURIComponent('docExtraction.status = "failed"')}`)).json();
  const rows = [
    ['PDF pages per second (upload → done, end to end)', (PDFS * PAGES / pdfSeconds).toFixed(0)],
    ['DOCX documents per second (upload → done)', (DOCXS / docxSeconds).toFixed(1)],
    ['get-one p50 / p99, idle (ms)', `${pct(idle, 0.5).toFixed(2)} / ${pct(idle, 0.99).toFixed(2)}`],
    ['get-one p50 / p99, while PDFs are extracted (ms)', `${pct(busy, 0.5).toFixed(2)} / ${pct(busy, 0.99).toFixed(2)}`],
    ['failed extractions', String(check.totalItems)],
  ];
  console.log(`| measure | value |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}`);
} finally {
  child.kill('SIGTERM');
  await sleep(500);
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
