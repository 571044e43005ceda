// Seeds a running server through its public API and writes the created ids,
// one per line, for the get-one scenario.
//
//   node bench/seed.mjs --url=http://127.0.0.1:8090 --rows=100000 --ids=ids.txt \
//        [--email=bench@example.com --password=benchpassword123] [--concurrency=64]
//
// With --email/--password it first signs in as that superuser and creates the
// `posts` collection (PocketBase v0.23+ API) unless it exists. Without them it
// only POSTs records, which is all the floor servers need.
//
// There is no bulk endpoint, so rows go one POST each, with `concurrency`
// requests in flight over keep-alive connections.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    rows: { type: 'string', default: process.env.BENCH_ROWS ?? '100000' },
    ids: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    concurrency: { type: 'string', default: '64' },
  },
});
if (!opt.url || !opt.ids) {
  console.error('usage: seed.mjs --url=URL --ids=FILE [--rows=N] [--email=E --password=P] [--concurrency=C]');
  process.exit(2);
}
const base = opt.url.replace(/\/$/, '');
const rows = Number(opt.rows);
const concurrency = Number(opt.concurrency);

const POSTS_COLLECTION = {
  name: 'posts',
  type: 'base',
  listRule: '',
  viewRule: '',
  createRule: '',
  fields: [
    { name: 'title', type: 'text' },
    { name: 'n', type: 'number' },
    { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
    { name: 'updated', type: 'autodate', onCreate: true, onUpdate: true },
  ],
};

// node:http with a keep-alive agent rather than fetch: on Node 20, fetch costs
// the seeding client several times the CPU per request, and that CPU is taken
// from the server being seeded.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function call(method, path, body, headers = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) {
    headers = { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) };
  }
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers, agent, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, json, text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

function fail(what, res) {
  throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
}

async function setUp() {
  const auth = await call('POST', '/api/collections/_superusers/auth-with-password', {
    identity: opt.email,
    password: opt.password,
  });
  if (auth.status !== 200 || !auth.json?.token) fail('superuser auth', auth);
  const headers = { Authorization: auth.json.token };

  const existing = await call('GET', '/api/collections/posts', undefined, headers);
  if (existing.status === 404) {
    const created = await call('POST', '/api/collections', POSTS_COLLECTION, headers);
    if (created.status !== 200) fail('create collection', created);
  } else if (existing.status !== 200) {
    fail('look up collection', existing);
  }
}

async function seed() {
  const ids = new Array(rows);
  const started = Date.now();
  let next = 0;
  let done = 0;
  async function worker() {
    while (next < rows) {
      const i = next++;
      const res = await call('POST', '/api/collections/posts/records', { title: `post ${i}`, n: i });
      if (res.status !== 200 || typeof res.json?.id !== 'string') fail(`create record ${i}`, res);
      ids[i] = res.json.id;
      if (++done % Math.max(1, Math.floor(rows / 10)) === 0) {
        console.error(`seeded ${done}/${rows} (${Math.round(done / ((Date.now() - started) / 1000))} rows/s)`);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, rows) }, worker));
  writeFileSync(opt.ids, ids.join('\n') + '\n');
  console.error(`seeded ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

try {
  if (opt.email) await setUp();
  await seed();
  agent.destroy();
} catch (err) {
  // One line: run.sh quotes the log's last line as the failure reason.
  console.error(`seed failed: ${err.message.replace(/\s+/g, ' ')}`);
  process.exit(1);
}
