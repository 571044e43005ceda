/**
 * The auth record behind a token is reused between requests only while nothing was
 * committed since it was read (src/core/auth/resolve-auth.ts). These tests warm that
 * reuse with repeated requests, then change the record — through the API, and behind
 * Galley's back as another process would (a CLI, a script) — and check that the very
 * next request sees the change, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';

const PASSWORD = 'member-password-1';

describe.each(ENGINES)('auth record reuse on %s', (engine) => {
  let g: TestGalley;

  /** Runs one statement on a connection of its own, not Galley's. */
  async function writeFromOutside(sql: string, params: unknown[]): Promise<void> {
    if (engine === 'sqlite') {
      const db = new Database(join(g.dir, 'data.db'));
      try {
        db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
      } finally {
        db.close();
      }
      return;
    }
    const client = new pg.Client({ connectionString: g.dbUrl });
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
  }

  /** A new member, signed in: their id, token and SDK client. */
  async function member(name: string) {
    const rec = await g.admin.collection('members').create({ email: `${name}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD, name });
    const pb = g.client();
    await pb.collection('members').authWithPassword(`${name}@example.com`, PASSWORD);
    return { id: rec.id, token: pb.authStore.token, pb };
  }

  /** The ids a token lists from a collection only members see (status on failure). */
  const seen = async (token: string) => {
    const res = await g.fetch('/api/collections/notes/records', { token });
    if (res.status !== 200) return `HTTP ${res.status}`;
    return ((await res.json()) as { items: { owner: string }[] }).items.map((n) => n.owner);
  };

  beforeAll(async () => {
    g = await startGalley(engine);
    const members = await g.admin.collections.create({
      name: 'members', type: 'auth', updateRule: 'id = @request.auth.id', fields: [{ name: 'name', type: 'text' }],
    });
    await g.admin.collections.create({
      name: 'notes', type: 'base', listRule: 'owner = @request.auth.id',
      fields: [{ name: 'owner', type: 'relation', collectionId: members.id, maxSelect: 1 }],
    });
  });
  afterAll(() => g.close());

  const warm = async (token: string, expected: unknown) => {
    for (let i = 0; i < 3; i++) expect(await seen(token)).toEqual(expected);
  };

  it('a tokenKey changed by another process ends the session on the next request', async () => {
    const m = await member('outside');
    await g.admin.collection('notes').create({ owner: m.id });
    await warm(m.token, [m.id]);
    await writeFromOutside('UPDATE "members" SET "tokenKey" = $1 WHERE "id" = $2', ['rotated-elsewhere-0123456789', m.id]);
    expect(await seen(m.token)).toEqual([]);
    const refresh = await g.fetch('/api/collections/members/auth-refresh', { method: 'POST', token: m.token });
    expect(refresh.status).toBe(401);
  });

  it('a record deleted by another process is a guest on the next request', async () => {
    const m = await member('deleted');
    await g.admin.collection('notes').create({ owner: m.id });
    await warm(m.token, [m.id]);
    await writeFromOutside('DELETE FROM "notes" WHERE "owner" = $1', [m.id]);
    await writeFromOutside('DELETE FROM "members" WHERE "id" = $1', [m.id]);
    expect((await g.fetch('/api/collections/members/auth-refresh', { method: 'POST', token: m.token })).status).toBe(401);
  });

  it('other values changed behind Galley are what the next request gets', async () => {
    const m = await member('renamed');
    for (let i = 0; i < 3; i++) expect((await m.pb.collection('members').authRefresh()).record.name).toBe('renamed');
    await writeFromOutside('UPDATE "members" SET "name" = $1 WHERE "id" = $2', ['changed outside', m.id]);
    expect((await m.pb.collection('members').authRefresh()).record.name).toBe('changed outside');
  });

  it('a password change through the API ends the old token at once, other sessions go on', async () => {
    const a = await member('changer');
    const b = await member('bystander');
    await g.admin.collection('notes').create({ owner: a.id });
    await g.admin.collection('notes').create({ owner: b.id });
    await warm(a.token, [a.id]);
    await warm(b.token, [b.id]);
    await a.pb.collection('members').update(a.id, { oldPassword: PASSWORD, password: 'member-password-2', passwordConfirm: 'member-password-2' });
    expect(await seen(a.token)).toEqual([]);
    expect(await seen(b.token)).toEqual([b.id]);
  });
});
