// The PostgreSQL floor: same routes as sqlite-server.mjs, on a pg Pool with
// named prepared statements (parsed once per connection, then only bound).
//
//   node bench/floor/postgres-server.mjs --port=8090 --db=postgres://bench@127.0.0.1:5432/floor --rows=100000 --ids=/tmp/x/ids.txt
import Fastify from 'fastify';
import pg from 'pg';
import * as f from './common.mjs';

// numeric and COUNT(*)'s bigint arrive as strings by default; PocketBase
// returns both as JSON numbers.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number.parseFloat);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

const opt = f.options();
const pool = new pg.Pool({ connectionString: opt.db || process.env.DATABASE_URL, max: 10 });

// _rowid gives a stable insertion order to page by, the role SQLite's rowid
// plays; its index keeps "ORDER BY _rowid LIMIT 30 OFFSET k" an index scan.
const columns = f.postColumns(opt.rules);
await pool.query(`CREATE TABLE IF NOT EXISTS posts (
  _rowid bigint GENERATED ALWAYS AS IDENTITY,
  id text PRIMARY KEY,
  title text NOT NULL DEFAULT '',
  n numeric NOT NULL DEFAULT 0,${opt.rules ? `
  owner text NOT NULL DEFAULT '',
  author text NOT NULL DEFAULT '',` : ''}
  created text NOT NULL DEFAULT '',
  updated text NOT NULL DEFAULT ''
)`);
await pool.query('CREATE UNIQUE INDEX IF NOT EXISTS posts__rowid_idx ON posts (_rowid)');
if (opt.rules) await pool.query('CREATE INDEX IF NOT EXISTS idx_posts_owner ON posts (owner)');

const q = {
  getOne: `SELECT ${columns} FROM posts WHERE id = $1`,
  page: `SELECT ${columns} FROM posts ORDER BY _rowid LIMIT $1 OFFSET $2`,
  count: 'SELECT COUNT(*) AS c FROM posts',
  insert: `INSERT INTO posts (${columns}) VALUES (${columns.map((_, i) => `$${i + 1}`)})`,
};
const run = (name, values = []) => pool.query({ name, text: q[name], values });

const login = opt.login > 0 ? await f.loginKit() : undefined;
if (login) {
  // Login mode: users instead of posts; the ids file gets their emails.
  await pool.query(`CREATE TABLE IF NOT EXISTS users (
    _rowid bigint GENERATED ALWAYS AS IDENTITY,
    id text PRIMARY KEY, email text NOT NULL UNIQUE, password text NOT NULL, "tokenKey" text NOT NULL,
    created text NOT NULL DEFAULT '', updated text NOT NULL DEFAULT ''
  )`);
  if ((await pool.query('SELECT COUNT(*) AS c FROM users')).rows[0].c === 0) {
    const users = await login.users(opt.login);
    await pool.query(
      `INSERT INTO users (id, email, password, "tokenKey", created, updated)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      ['id', 'email', 'password', 'tokenKey', 'created', 'updated'].map((k) => users.map((u) => u[k])),
    );
  }
  q.getUser = 'SELECT id, email, password, "tokenKey", created, updated FROM users WHERE email = $1';
  f.writeIds(opt.ids, (await pool.query('SELECT email FROM users ORDER BY _rowid')).rows.map((r) => r.email));
} else if ((await run('count')).rows[0].c === 0 && opt.rows > 0) {
  // Batches of 10k through unnest(): one round trip per batch, not per row.
  for (let done = 0; done < opt.rows; ) {
    const batch = [];
    for (let i = 0; i < 10000 && done < opt.rows; i++, done++) {
      batch.push(f.newRow({ title: `post ${done}`, n: done, ...(opt.rules ? f.seededRelations(done) : {}) }, opt.rules));
    }
    const types = { id: 'text', title: 'text', n: 'numeric', owner: 'text', author: 'text', created: 'text', updated: 'text' };
    await pool.query(
      `INSERT INTO posts (${columns}) SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${types[c]}[]`)})`,
      columns.map((k) => batch.map((r) => r[k])),
    );
  }
}
if (!login) f.writeIds(opt.ids, (await pool.query('SELECT id FROM posts ORDER BY _rowid')).rows.map((r) => r.id));

const app = Fastify({ logger: false });

app.get('/api/health', async () => f.health);

if (login) {
  app.post('/api/collections/users/auth-with-password', async (req, reply) => {
    const identity = typeof req.body?.identity === 'string' ? req.body.identity : '';
    const row = identity ? (await run('getUser', [identity])).rows[0] : undefined;
    return login.respond(row, req.body, reply);
  });
}

app.get('/api/collections/posts/records/:id', async (req, reply) => {
  const { rows } = await run('getOne', [req.params.id]);
  if (rows.length === 0) return reply.code(404).send(f.notFound);
  return f.toRecord(rows[0]);
});

app.get('/api/collections/posts/records', async (req) => {
  const { page, perPage } = f.paging(req.query);
  // Two statements on two pool connections at once, as a server would.
  const [total, items] = await Promise.all([run('count'), run('page', [perPage, (page - 1) * perPage])]);
  return f.listEnvelope(page, perPage, total.rows[0].c, items.rows);
});

app.post('/api/collections/posts/records', async (req) => {
  const row = f.newRow(req.body, opt.rules);
  await run('insert', columns.map((c) => row[c]));
  return f.toRecord(row);
});

f.closeOnSignal(async () => {
  await app.close();
  await pool.end();
});

await app.listen({ host: '127.0.0.1', port: opt.port });
console.log(`floor-postgres listening on 127.0.0.1:${opt.port}`);
