/**
 * Record lifecycle hooks through createApp(), on both engines: ordering around the
 * statement, changes made in a before hook, aborting with an API error, rollback when
 * a handler fails after the statement (the after-commit hooks are then never reached),
 * writes through e.app inside the same transaction, collection filters, update/delete.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, type GalleyApp } from '../src/index.js';
import { ENGINES } from './support/galley.js';
import { startApp, type TestApp } from './support/app.js';
import { failure } from './support/sdk.js';

describe.each(ENGINES)('record hooks on %s', (engine) => {
  let t: TestApp;
  const calls: string[] = [];

  const register = (app: GalleyApp) => {
    app.onRecordCreate('posts', async (e) => {
      calls.push(`first before ${String(e.record.title)}`);
      if (e.record.title === 'spam') throw new ApiError(400, 'No spam, please.', { title: { code: 'validation_spam', message: 'Looks like spam.' } });
      // Changed before the statement: stored, and validated again.
      e.record.slug = String(e.record.title).toLowerCase().replace(/\s+/g, '-');
      if (e.record.title === 'too long slug') e.record.slug = 'x'.repeat(100);
      await e.next();
      calls.push('first after');
      if (e.record.title === 'fail after insert') throw new Error('boom after the insert');
    });
    app.onRecordCreate(['posts'], async (e) => {
      calls.push('second before');
      // Written through e.app: inside the same transaction as the post.
      await e.app.records.create('audit', { message: `creating ${String(e.record.title)}` });
      await e.next();
      calls.push('second after');
    });
    app.onRecordAfterCreateSuccess('posts', (e) => { calls.push(`success ${String(e.record.slug)}`); });
    app.onRecordAfterCreateError('posts', (e) => { calls.push(`error ${(e.error as Error).message}`); });
    app.onRecordCreate('other', async (e) => { calls.push('other before'); await e.next(); });
    app.onRecordUpdate('posts', async (e) => {
      calls.push(`update ${String(e.original?.title)} -> ${String(e.record.title)}`);
      if (e.record.title === 'locked') throw new ApiError(403, 'This post is locked.');
      await e.next();
    });
    app.onRecordAfterUpdateSuccess('posts', (e) => { calls.push(`updated ${String(e.record.title)}`); });
    app.onRecordDelete('posts', async (e) => {
      calls.push(`delete ${String(e.record.title)}`);
      if (e.record.title === 'keep me') throw new ApiError(400, 'This post cannot be deleted.');
      await e.next();
    });
    app.onRecordAfterDeleteSuccess('posts', (e) => { calls.push(`deleted ${String(e.record.title)}`); });
  };

  beforeAll(async () => {
    t = await startApp(engine, register);
    const rules = { listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '' };
    await t.admin.collections.create({ name: 'posts', type: 'base', ...rules, fields: [{ name: 'title', type: 'text' }, { name: 'slug', type: 'text', max: 50 }] });
    await t.admin.collections.create({ name: 'audit', type: 'base', ...rules, fields: [{ name: 'message', type: 'text' }] });
    await t.admin.collections.create({ name: 'other', type: 'base', ...rules, fields: [{ name: 'title', type: 'text' }] });
  });
  afterAll(() => t?.close());
  beforeEach(() => { calls.length = 0; });

  const count = async (collection: string, filter = '') => (await t.admin.collection(collection).getList(1, 1, { filter })).totalItems;

  it('runs handlers in order around the insert, then the success hook after the commit', async () => {
    const post = await t.client().collection('posts').create({ title: 'Hello World' });
    expect(post.slug).toBe('hello-world'); // changed in a before hook, returned and stored
    expect((await t.admin.collection('posts').getOne(post.id)).slug).toBe('hello-world');
    expect(calls).toEqual(['first before Hello World', 'second before', 'second after', 'first after', 'success hello-world']);
    expect(await count('audit', 'message = "creating Hello World"')).toBe(1);
  });

  it('only runs handlers bound to the collection', async () => {
    await t.client().collection('other').create({ title: 'x' });
    expect(calls).toEqual(['other before']);
  });

  it('aborts with the API error a handler throws: nothing stored, the error hook told', async () => {
    const err = await failure(t.client().collection('posts').create({ title: 'spam' }));
    expect(err.status).toBe(400);
    expect(err.message).toBe('No spam, please.');
    expect(err.response.data).toEqual({ title: { code: 'validation_spam', message: 'Looks like spam.' } });
    expect(await count('posts', 'title = "spam"')).toBe(0);
    expect(calls).toEqual(['first before spam', 'error No spam, please.']);
  });

  it('validates what a before hook changed', async () => {
    const err = await failure(t.client().collection('posts').create({ title: 'too long slug' }));
    expect(err.status).toBe(400);
    expect(err.response.data.slug.code).toBe('validation_max_text_constraint');
    expect(await count('posts', 'title = "too long slug"')).toBe(0);
  });

  it('rolls the insert back (and the writes made through e.app) when a handler fails after it', async () => {
    const before = await count('audit');
    const err = await failure(t.client().collection('posts').create({ title: 'fail after insert' }));
    expect(err.status).toBe(500);
    expect(await count('posts', 'title = "fail after insert"')).toBe(0);
    expect(await count('audit')).toBe(before);
    expect(calls).toContain('first after');
    expect(calls.some((c) => c.startsWith('success'))).toBe(false); // the after-commit hook was not reached
  });

  it('gives update handlers the stored record and lets them refuse', async () => {
    const post = await t.admin.collection('posts').create({ title: 'draft' });
    calls.length = 0;
    await t.client().collection('posts').update(post.id, { title: 'final' });
    expect(calls).toEqual(['update draft -> final', 'updated final']);
    const err = await failure(t.client().collection('posts').update(post.id, { title: 'locked' }));
    expect(err.status).toBe(403);
    expect((await t.admin.collection('posts').getOne(post.id)).title).toBe('final');
  });

  it('runs delete handlers, which can keep the record', async () => {
    const keep = await t.admin.collection('posts').create({ title: 'keep me' });
    const drop = await t.admin.collection('posts').create({ title: 'drop me' });
    calls.length = 0;
    expect((await failure(t.client().collection('posts').delete(keep.id))).status).toBe(400);
    await t.client().collection('posts').delete(drop.id);
    expect(calls).toEqual(['delete keep me', 'delete drop me', 'deleted drop me']);
    expect(await count('posts', `id = "${keep.id}"`)).toBe(1);
  });

  it('runs the same hooks for writes made by server-side code and batches, after their commit', async () => {
    await t.app.app.records.create('posts', { title: 'From Code' });
    expect(calls).toEqual(['first before From Code', 'second before', 'second after', 'first after', 'success from-code']);
    calls.length = 0;
    await t.app.app.transaction(async (app) => {
      await app.records.create('posts', { title: 'In Tx' });
      expect(calls.some((c) => c.startsWith('success'))).toBe(false); // not committed yet
    });
    expect(calls.at(-1)).toBe('success in-tx');
  });
});
