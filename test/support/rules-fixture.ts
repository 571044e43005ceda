/**
 * The data set of the API-rule tests (teams, staff auth records with tokens, notes,
 * memberships, projects on a real Galley) and helpers for raw HTTP calls that name the
 * records returned. Rules are set per test with setRules.
 */
import { expect } from 'vitest';
import { startGalley, type Engine, type TestGalley } from './galley.js';

export const PASSWORD = 'staff-password-1';
export const NOT_FOUND = { status: 404, message: "The requested resource wasn't found.", data: {} };
export const CREATE_FAILED = { status: 400, message: 'Failed to create record.', data: {} };
export const SUPERUSERS_ONLY = { status: 403, message: 'Only superusers can perform this action.', data: {} };

type Body = Record<string, unknown>;
export interface CallResult { status: number; body: any }

export async function startRulesFixture(engine: Engine) {
  const g: TestGalley = await startGalley(engine);
  /** The superuser's token. */
  const admin = g.admin.authStore.token;
  /** Tokens of the staff records s1, s2, s3 (s1: admin of team Red, s2: editor of Blue, s3: viewer without team). */
  const tok: Record<string, string> = {};
  const id: Record<string, string> = {};
  const key: Record<string, string> = {};
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => id[k] ?? `?${k}`);

  async function call(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<CallResult> {
    const init: RequestInit & { token?: string } = { method, token, headers: { ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await g.fetch(path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const records = (c: string) => `/api/collections/${c}/records`;

  /** The keys of the records a caller lists (all pages in one), after checking the totals. */
  async function listed(collection: string, token?: string, query = '', headers: Record<string, string> = {}): Promise<string[]> {
    const r = await call('GET', `${records(collection)}?perPage=500&sort=@rowid${query ? `&${query}` : ''}`, token, undefined, headers);
    if (r.status !== 200) return [`HTTP ${r.status}`];
    expect([r.body.totalItems, r.body.totalPages]).toEqual([r.body.items.length, r.body.items.length ? 1 : 0]);
    return r.body.items.map((i: { id: string }) => key[i.id] ?? i.id);
  }
  const setRules = (collection: string, rules: Record<string, string | null>) =>
    g.admin.collections.update(collection, Object.fromEntries(Object.entries(rules).map(([k, v]) => [k, v === null ? null : fill(v)])));
  async function add(k: string, collection: string, data: Record<string, unknown>) {
    const rec = await g.admin.collection(collection).create(data);
    id[k] = rec.id;
    key[rec.id] = k;
  }
  const create = (collection: string, token: string | undefined, data: Body) => call('POST', records(collection), token, data);
  const patch = (collection: string, k: string, token: string | undefined, data: Body) =>
    call('PATCH', `${records(collection)}/${id[k]}`, token, data);

  const c = g.admin.collections;
  const teams = await c.create({ name: 'teams', type: 'base', listRule: '', viewRule: '', fields: [{ name: 'name', type: 'text' }] });
  const staff = await c.create({
    name: 'staff', type: 'auth', listRule: '', viewRule: '',
    fields: [
      { name: 'name', type: 'text' },
      { name: 'role', type: 'select', maxSelect: 1, values: ['admin', 'editor', 'viewer'] },
      { name: 'team', type: 'relation', collectionId: teams.id, maxSelect: 1 },
    ],
  });
  await c.create({
    name: 'notes', type: 'base',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'owner', type: 'relation', collectionId: staff.id, maxSelect: 1 },
      { name: 'team', type: 'relation', collectionId: teams.id, maxSelect: 1 },
      { name: 'members', type: 'relation', collectionId: staff.id, maxSelect: 5 },
      { name: 'tags', type: 'select', maxSelect: 5, values: ['a', 'b', 'c', 'urgent', 'forbidden'] },
      { name: 'status', type: 'select', maxSelect: 1, values: ['draft', 'published'] },
      { name: 'locked', type: 'bool' },
      { name: 'priority', type: 'number' },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'meta', type: 'json' },
    ],
  });
  await c.create({
    name: 'memberships', type: 'base', listRule: null, viewRule: null,
    fields: [
      { name: 'user', type: 'relation', collectionId: staff.id, maxSelect: 1 },
      { name: 'team', type: 'relation', collectionId: teams.id, maxSelect: 1 },
      { name: 'role', type: 'text' },
    ],
  });
  await c.create({ name: 'projects', type: 'base', fields: [{ name: 'name', type: 'text' }, { name: 'team', type: 'relation', collectionId: teams.id, maxSelect: 1 }] });
  await c.create({ name: 'nobody', type: 'base', fields: [{ name: 'name', type: 'text' }] });

  await add('red', 'teams', { name: 'Red' });
  await add('blue', 'teams', { name: 'Blue' });
  const person = (name: string, role: string, team = '') =>
    ({ email: `${name}@example.com`, password: PASSWORD, passwordConfirm: PASSWORD, name, role, team: team && id[team] });
  await add('s1', 'staff', person('s1', 'admin', 'red'));
  await add('s2', 'staff', person('s2', 'editor', 'blue'));
  await add('s3', 'staff', person('s3', 'viewer'));
  for (const s of ['s1', 's2', 's3']) {
    const pb = g.client();
    await pb.collection('staff').authWithPassword(`${s}@example.com`, PASSWORD);
    tok[s] = pb.authStore.token;
  }
  await add('n1', 'notes', { title: 'one', owner: id.s1, team: id.red, members: [id.s1, id.s2], tags: ['a'], status: 'draft', priority: 5, secret: 'k1', meta: { a: [1, 'x'] } });
  await add('n2', 'notes', { title: 'two', owner: id.s2, team: id.blue, members: [id.s2], status: 'published', locked: true, priority: 1, secret: 'k2' });
  await add('n3', 'notes', { title: 'three', owner: id.s1, members: [], priority: 9 });
  await add('m1', 'memberships', { user: id.s1, team: id.red, role: 'lead' });
  await add('m2', 'memberships', { user: id.s2, team: id.blue, role: 'member' });
  await add('pRed', 'projects', { name: 'red project', team: id.red });
  await add('pBlue', 'projects', { name: 'blue project', team: id.blue });
  await add('pNone', 'projects', { name: 'no team' });

  return { g, admin, tok, id, key, fill, call, records, listed, setRules, add, create, patch };
}

export type RulesFixture = Awaited<ReturnType<typeof startRulesFixture>>;
