// The SQLite floor: the least a server on Galley's own stack (Fastify +
// better-sqlite3) can do to answer PocketBase's record routes for one fixed
// collection. No rules, no schema lookups, no field pipeline. Galley's numbers
// are read against this one.
//
//   node bench/floor/sqlite-server.mjs --port=8090 --db=/tmp/x/data.db --rows=100000 --ids=/tmp/x/ids.txt
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import * as f from './common.mjs';

const opt = f.options();
const db = new Database(opt.db || 'floor.db');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const columns = f.postColumns(opt.rules);
db.exec(`CREATE TABLE IF NOT EXISTS posts (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL DEFAULT '',
  n NUMERIC NOT NULL DEFAULT 0,${opt.rules ? `
  owner TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '',` : ''}
  created TEXT NOT NULL DEFAULT '',
  updated TEXT NOT NULL DEFAULT ''
)`);
if (opt.rules) db.exec('CREATE INDEX IF NOT EXISTS idx_posts_owner ON posts (owner)');

// Prepared once; each request only binds and steps.
const getOne = db.prepare(`SELECT ${columns} FROM posts WHERE id = ?`);
const page = db.prepare(`SELECT ${columns} FROM posts ORDER BY rowid LIMIT ? OFFSET ?`);
const count = db.prepare('SELECT COUNT(*) AS c FROM posts').pluck();
const insert = db.prepare(`INSERT INTO posts (${columns}) VALUES (${columns.map((c) => `@${c}`)})`);

const login = opt.login > 0 ? await f.loginKit() : undefined;
let getUser;
if (login) {
  // Login mode: users instead of posts; the ids file gets their emails.
  db.exec(`CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password TEXT NOT NULL, tokenKey TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT '', updated TEXT NOT NULL DEFAULT ''
  )`);
  if (db.prepare('SELECT COUNT(*) FROM users').pluck().get() === 0) {
    const add = db.prepare('INSERT INTO users (id, email, password, tokenKey, created, updated) VALUES (@id, @email, @password, @tokenKey, @created, @updated)');
    const users = await login.users(opt.login);
    db.transaction(() => users.forEach((u) => add.run(u)))();
  }
  getUser = db.prepare('SELECT id, email, password, tokenKey, created, updated FROM users WHERE email = ?');
  f.writeIds(opt.ids, db.prepare('SELECT email FROM users ORDER BY rowid').pluck().all());
} else {
  if (count.get() === 0 && opt.rows > 0) {
    const seed = db.transaction((rows) => {
      for (let i = 0; i < rows; i++) insert.run(f.newRow({ title: `post ${i}`, n: i, ...(opt.rules ? f.seededRelations(i) : {}) }, opt.rules));
    });
    seed(opt.rows);
  }
  f.writeIds(opt.ids, db.prepare('SELECT id FROM posts ORDER BY rowid').pluck().all());
}

const app = Fastify({ logger: false });

if (login) {
  app.post('/api/collections/users/auth-with-password', async (req, reply) =>
    login.respond(typeof req.body?.identity === 'string' ? getUser.get(req.body.identity) : undefined, req.body, reply));
}

app.get('/api/health', async () => f.health);

app.get('/api/collections/posts/records/:id', async (req, reply) => {
  const row = getOne.get(req.params.id);
  if (!row) return reply.code(404).send(f.notFound);
  return f.toRecord(row);
});

app.get('/api/collections/posts/records', async (req) => {
  const { page: p, perPage } = f.paging(req.query);
  return f.listEnvelope(p, perPage, count.get(), page.all(perPage, (p - 1) * perPage));
});

app.post('/api/collections/posts/records', async (req) => {
  const row = f.newRow(req.body, opt.rules);
  insert.run(row);
  return f.toRecord(row);
});

f.closeOnSignal(async () => {
  await app.close();
  db.close();
});

await app.listen({ host: '127.0.0.1', port: opt.port });
console.log(`floor-sqlite listening on 127.0.0.1:${opt.port}`);
