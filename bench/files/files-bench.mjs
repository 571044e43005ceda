// File benchmark: GET of an original image vs its cached 100x100 thumbnail through
// Galley (SQLite, local storage), each next to a bare static-file floor server
// streaming the same bytes, in the same run. wrk on 127.0.0.1, bounded in time;
// every process started here is ended by its PID.
//
//   node bench/files/files-bench.mjs [--seconds=10] [--connections=50]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

import { arg, CLI, createCollection, createSuperuser, freePort, superuserToken, waitHealthy, wrk as wrkRun } from '../lib/harness.mjs';
const SECONDS = Number(arg('seconds', 10));
const CONNECTIONS = Number(arg('connections', 50));
const work = mkdtempSync(join(tmpdir(), 'galley-files-bench-'));
const started = [];

function start(args) {
  // Server on core 0, wrk on core 1 (as in bench/run.sh).
  const child = spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: 'ignore' });
  started.push(child);
  return child;
}

const wrk = (url) => wrkRun(url, { script: 'bench/wrk/report.lua', seconds: SECONDS, connections: CONNECTIONS });

try {
  // A typical phone photo size.
  const photo = await sharp({ create: { width: 1920, height: 1080, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .composite([{ input: Buffer.from('<svg width="1920" height="1080"><circle cx="960" cy="540" r="400" fill="orange"/></svg>') }])
    .jpeg({ quality: 85 }).toBuffer();
  const dir = join(work, 'galley');
  createSuperuser(dir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const galley = start([CLI, 'serve', `--http=127.0.0.1:${port}`, '--dir', dir]);
  await waitHealthy(base, galley);
  await createCollection(base, await superuserToken(base), { name: 'photos', type: 'base', listRule: '', viewRule: '', createRule: '', fields: [{ name: 'image', type: 'file', maxSelect: 1, maxSize: 10_000_000 }] });
  const form = new FormData();
  form.append('image', new File([photo], 'photo.jpg', { type: 'image/jpeg' }));
  const record = await (await fetch(`${base}/api/collections/photos/records`, { method: 'POST', body: form })).json();
  const original = `${base}/api/files/photos/${record.id}/${record.image}`;
  const thumbUrl = `${original}?thumb=100x100`;
  const thumb = Buffer.from(await (await fetch(thumbUrl)).arrayBuffer()); // generated and stored here
  writeFileSync(join(work, 'photo.jpg'), photo);
  writeFileSync(join(work, 'thumb.jpg'), thumb);

  const results = [];
  results.push({ name: 'galley original', bytes: photo.length, ...wrk(original) });
  results.push({ name: 'galley cached thumb 100x100', bytes: thumb.length, ...wrk(thumbUrl) });
  galley.kill('SIGTERM');
  for (const [name, file, bytes] of [['floor original', 'photo.jpg', photo.length], ['floor thumb', 'thumb.jpg', thumb.length]]) {
    const floorPort = await freePort();
    const floor = start(['bench/files/floor-static-server.mjs', `--port=${floorPort}`, `--file=${join(work, file)}`, '--type=image/jpeg']);
    await waitHealthy(`http://127.0.0.1:${floorPort}`, floor);
    results.push({ name, bytes, ...wrk(`http://127.0.0.1:${floorPort}/file`) });
    floor.kill('SIGTERM');
  }
  console.log(`| target | bytes | req/s | p50 ms | p99 ms | errors |`);
  console.log(`| --- | --- | --- | --- | --- | --- |`);
  for (const r of results) console.log(`| ${r.name} | ${r.bytes} | ${r.rps.toFixed(0)} | ${r.p50_ms.toFixed(2)} | ${r.p99_ms.toFixed(2)} | ${r.non2xx + r.socket_errors} |`);
} finally {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
