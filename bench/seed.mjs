// Seeds a running server through its public API and writes the created ids,
// one per line, for the get-one scenario.
//
//   node bench/seed.mjs --url=http://127.0.0.1:8090 --rows=100000 --ids=ids.txt \
//        [--email=bench@example.com --password=benchpassword123] [--concurrency=64]
//        [--rules --token=token.txt] [--login=100]
//
// With --email/--password it first signs in as that superuser and creates the
// `posts` collection (PocketBase v0.23+ API) unless it exists. Without them it
// only POSTs records, which is all the floor servers need.
//
// --rules (with --email/--password, for the galley-rules-* targets) seeds the
// API-rule scenarios instead: a `users` record, signed in, its token written to
// --token; an `authors` collection (public list/view) with 100 records; and
// `posts` with two single relations, `owner` (to users, indexed) and `author`
// (to authors). Posts are spread evenly over OWNERS users (the signed-in one among
// them), as in an app where each user sees their own records, with a random author.
//
// --login=N (with --email/--password, for the galley-login-* targets) seeds the
// login scenarios instead of posts: rate limiting and sign-in protection switched
// off through `PATCH /api/settings` (protection is on by default and would answer
// most of the wrong-password and unknown-identity sign-ins, all from one IP, with
// 429; right passwords it never counts), then N `users` records
// (login0@example.com ... with the password LOGIN_PASSWORD), their emails
// written to --ids for wrk/login*.lua.
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
    rules: { type: 'boolean', default: false },
    token: { type: 'string' },
    login: { type: 'string', default: '0' },
  },
});
if (!opt.url || !opt.ids) {
  console.error('usage: seed.mjs --url=URL --ids=FILE [--rows=N] [--email=E --password=P] [--concurrency=C]');
  process.exit(2);
}
if (opt.rules && (!opt.email || !opt.token)) {
  console.error('seed.mjs: --rules needs --email, --password and --token');
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

const AUTHORS = 100;
const USER = { email: 'owner@example.com', password: 'ownerpassword123' };

const AUTHORS_COLLECTION = {
  name: 'authors',
  type: 'base',
  listRule: '',
  viewRule: '',
  fields: [{ name: 'name', type: 'text' }],
};

const rulesPostsCollection = (authorsId) => ({
  ...POSTS_COLLECTION,
  fields: [
    ...POSTS_COLLECTION.fields.slice(0, 2),
    { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
    { name: 'author', type: 'relation', collectionId: authorsId, maxSelect: 1 },
    ...POSTS_COLLECTION.fields.slice(2),
  ],
  indexes: ['CREATE INDEX idx_posts_owner ON posts (owner)'],
});

// Filled by setUpRules: extra fields of each seeded post.
/** The posts' owners; the first is the signed-in user whose token the owner-rule list sends. */
let owners;
const OWNERS = 100;
let authorIds;

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

// The rules targets: a user (token to --token), authors, posts with relations.
async function setUpRules() {
  const auth = await call('POST', '/api/collections/_superusers/auth-with-password', {
    identity: opt.email,
    password: opt.password,
  });
  if (auth.status !== 200 || !auth.json?.token) fail('superuser auth', auth);
  const headers = { Authorization: auth.json.token };

  const user = await call('POST', '/api/collections/users/records', { ...USER, passwordConfirm: USER.password }, headers);
  if (user.status !== 200) fail('create user', user);
  owners = [user.json.id];
  for (let i = 1; i < OWNERS; i++) {
    const other = await call('POST', '/api/collections/users/records',
      { email: `owner${i}@example.com`, password: USER.password, passwordConfirm: USER.password }, headers);
    if (other.status !== 200) fail(`create user ${i}`, other);
    owners.push(other.json.id);
  }
  const signIn = await call('POST', '/api/collections/users/auth-with-password', { identity: USER.email, password: USER.password });
  if (signIn.status !== 200 || !signIn.json?.token) fail('user auth', signIn);
  writeFileSync(opt.token, signIn.json.token + '\n');

  const authors = await call('POST', '/api/collections', AUTHORS_COLLECTION, headers);
  if (authors.status !== 200) fail('create authors collection', authors);
  authorIds = [];
  for (let i = 0; i < AUTHORS; i++) {
    const res = await call('POST', '/api/collections/authors/records', { name: `author ${i}` }, headers);
    if (res.status !== 200) fail(`create author ${i}`, res);
    authorIds.push(res.json.id);
  }
  const posts = await call('POST', '/api/collections', rulesPostsCollection(authors.json.id), headers);
  if (posts.status !== 200) fail('create posts collection', posts);
}

// The login targets: rate limiting and sign-in protection off, N users, their emails to --ids.
const LOGIN_PASSWORD = 'loginpassword123'; // wrk/login.lua and floor/common.mjs
async function seedLogin(n) {
  const auth = await call('POST', '/api/collections/_superusers/auth-with-password', {
    identity: opt.email,
    password: opt.password,
  });
  if (auth.status !== 200 || !auth.json?.token) fail('superuser auth', auth);
  const headers = { Authorization: auth.json.token };
  const settings = await call('PATCH', '/api/settings', { rateLimits: { enabled: false }, authProtection: { enabled: false } }, headers);
  if (settings.status !== 200 || settings.json?.rateLimits?.enabled !== false || settings.json?.authProtection?.enabled !== false)
    fail('switch rate limiting and sign-in protection off', settings);

  const started = Date.now();
  const emails = Array.from({ length: n }, (_, i) => `login${i}@example.com`);
  let next = 0;
  async function worker() {
    while (next < n) {
      const email = emails[next++];
      const res = await call('POST', '/api/collections/users/records',
        { email, password: LOGIN_PASSWORD, passwordConfirm: LOGIN_PASSWORD }, headers);
      if (res.status !== 200) fail(`create user ${email}`, res);
    }
  }
  await Promise.all(Array.from({ length: Math.min(8, n) }, worker));
  const check = await call('POST', '/api/collections/users/auth-with-password', { identity: emails[0], password: LOGIN_PASSWORD });
  if (check.status !== 200 || !check.json?.token) fail('user sign-in', check);
  writeFileSync(opt.ids, emails.join('\n') + '\n');
  console.error(`seeded ${n} users in ${((Date.now() - started) / 1000).toFixed(1)}s, rate limiting and sign-in protection off`);
}

async function seed() {
  const ids = new Array(rows);
  const started = Date.now();
  let next = 0;
  let done = 0;
  async function worker() {
    while (next < rows) {
      const i = next++;
      const res = await call('POST', '/api/collections/posts/records', {
        title: `post ${i}`,
        n: i,
        ...(owners && { owner: owners[i % owners.length], author: authorIds[Math.floor(Math.random() * authorIds.length)] }),
      });
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
  if (Number(opt.login) > 0) {
    if (!opt.email) throw new Error('--login needs --email and --password');
    await seedLogin(Number(opt.login));
  } else {
    if (opt.rules) await setUpRules();
    else if (opt.email) await setUp();
    await seed();
  }
  agent.destroy();
} catch (err) {
  // One line: run.sh quotes the log's last line as the failure reason.
  console.error(`seed failed: ${err.message.replace(/\s+/g, ' ')}`);
  process.exit(1);
}
