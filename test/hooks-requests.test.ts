/**
 * Request, mail, realtime and server hooks through createApp(), on both engines:
 * records routes (body changed before, response changed after, refusals), the auth
 * response, every email (changed or cancelled, real SMTP), realtime messages, and
 * onServe/onTerminate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type GalleyApp } from '../src/index.js';
import { ENGINES } from './support/galley.js';
import { startApp, type TestApp } from './support/app.js';
import { failure } from './support/sdk.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';
import { Inbox } from './support/realtime.js';

describe.each(ENGINES)('request hooks on %s', (engine) => {
  let t: TestApp;
  let smtp: SmtpCapture;
  const served: string[] = [];
  const downloads: string[] = [];

  const register = (app: GalleyApp) => {
    app.onServe((e) => { served.push(e.url); });
    app.onRecordCreateRequest('notes', async (e) => {
      // The signed-in user becomes the owner, whatever the body said.
      if (!e.auth.record) throw new ApiError(401, 'Sign in to write notes.');
      if (!e.auth.isSuperuser) e.body = { ...e.body, owner: e.auth.record.id };
      await e.next();
      e.record = { ...e.record, greeting: `hello ${String(e.record?.title)}` };
    });
    app.onRecordViewRequest('notes', async (e) => {
      await e.next();
      if (e.record) e.record.viewedBy = e.auth.record?.email ?? 'guest';
    });
    app.onRecordsListRequest('notes', async (e) => {
      if (e.request.query.secret === 'yes') throw new ApiError(403, 'No secrets here.');
      await e.next();
      e.result!.items = e.result!.items.map((item) => ({ ...item, listed: true }));
    });
    app.onRecordDeleteRequest('notes', (e) => {
      if (!e.auth.isSuperuser) throw new ApiError(403, 'Only superusers delete notes.');
      return e.next();
    });
    app.onRecordAuthRequest('users', async (e) => {
      e.response = { ...e.response, welcome: `welcome ${String(e.record.email)}` };
      if (e.record.email === 'banned@example.com') return; // no next(): refused
      await e.next();
    });
    app.onMailerSend(async (e) => {
      if (e.message.subject.includes('cancel me')) return;
      e.message.subject = `[hooked] ${e.message.subject}`;
      await e.next();
    });
    app.onRecordUpdateRequest('notes', async (e) => {
      if (e.body?.title === 'forbidden') throw new ApiError(400, 'Not that title.', { title: { code: 'validation_forbidden_title', message: 'Pick another title.' } });
      e.body = { ...e.body, title: String(e.body?.title ?? '').trim() };
      await e.next();
    });
    app.onFileTokenRequest(async (e) => {
      if (e.auth.record?.email === 'nofiles@example.com') throw new ApiError(403, 'No file tokens for you.');
      await e.next();
    });
    app.onFileDownloadRequest('docs', async (e) => {
      downloads.push(`${e.field}/${e.filename}/${e.thumb}`);
      if (e.record.title === 'hidden') return; // no next(): a 404
      await e.next();
    });
    app.onRealtimeConnectRequest(async (e) => {
      if (e.request.headers['x-block'] === 'yes') throw new ApiError(403, 'No realtime for you.');
      await e.next();
    });
    app.onRealtimeSubscribeRequest(async (e) => {
      // Topics outside notes are dropped.
      e.subscriptions = e.subscriptions.filter((t) => t.startsWith('notes'));
      await e.next();
    });
    app.onRealtimeMessageSend(async (e) => {
      e.data = JSON.stringify({ ...JSON.parse(e.data), stamped: true });
      await e.next();
    });
  };

  beforeAll(async () => {
    t = await startApp(engine, register);
    smtp = await startSmtpCapture();
    await t.admin.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass } });
    const users = await t.admin.collections.getOne('users');
    await t.admin.collections.create({
      name: 'notes', type: 'base', listRule: '', viewRule: '', createRule: '', updateRule: '', deleteRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'owner', type: 'relation', collectionId: users.id, maxSelect: 1 }],
    });
    await t.admin.collections.create({
      name: 'docs', type: 'base', listRule: '', viewRule: '', createRule: '',
      fields: [{ name: 'title', type: 'text' }, { name: 'file', type: 'file', maxSelect: 1 }],
    });
    for (const email of ['user@example.com', 'banned@example.com'])
      await t.admin.collection('users').create({ email, password: 'user-password-1', passwordConfirm: 'user-password-1' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('ran onServe with the URL', () => {
    expect(served).toEqual([t.url]);
  });

  it('changes the body before a create and the response after it', async () => {
    const pb = t.client();
    const auth = await pb.collection('users').authWithPassword('user@example.com', 'user-password-1');
    expect((auth as unknown as { welcome: string }).welcome).toBe('welcome user@example.com');
    const note = await pb.collection('notes').create({ title: 'mine', owner: 'someone-else' });
    expect(note.owner).toBe(auth.record.id);
    expect(note.greeting).toBe('hello mine');
    expect((await t.admin.collection('notes').getOne(note.id)).owner).toBe(auth.record.id);
    expect((await failure(t.client().collection('notes').create({ title: 'guest' }))).status).toBe(401);
  });

  it('changes view and list responses, and refuses through thrown errors', async () => {
    const note = await t.admin.collection('notes').create({ title: 'public' });
    expect((await t.client().collection('notes').getOne(note.id)).viewedBy).toBe('guest');
    const list = await t.client().collection('notes').getList(1, 50);
    expect(list.items.every((i) => i.listed === true)).toBe(true);
    expect((await failure(t.client().collection('notes').getList(1, 1, { secret: 'yes' }))).status).toBe(403);
    expect((await failure(t.client().collection('notes').delete(note.id))).status).toBe(403);
    await t.admin.collection('notes').delete(note.id);
  });

  it('refuses a sign-in whose handler does not continue', async () => {
    const err = await failure(t.client().collection('users').authWithPassword('banned@example.com', 'user-password-1'));
    expect(err.status).toBe(403);
  });

  it('changes or cancels any email', async () => {
    await t.app.app.sendMail({ to: 'a@example.com', subject: 'Report', html: '<p>hi</p>' });
    expect((await smtp.next('a@example.com')).decoded).toContain('Subject: [hooked] Report');
    await t.app.app.sendMail({ to: 'b@example.com', subject: 'please cancel me', html: '<p>x</p>' });
    await t.client().collection('users').requestPasswordReset('user@example.com');
    expect((await smtp.next('user@example.com')).decoded).toContain('[hooked]');
    expect(smtp.count('b@example.com')).toBe(0);
  });

  it('changes realtime messages', async () => {
    const pb = t.client();
    const inbox = new Inbox<{ action: string; record: Record<string, unknown>; stamped?: boolean }>();
    await pb.collection('notes').subscribe('*', inbox.push);
    await t.admin.collection('notes').create({ title: 'live' });
    const [event] = await inbox.toHave(1);
    expect(event).toMatchObject({ action: 'create', stamped: true });
    await pb.realtime.unsubscribe();
  });
  it('changes the body of an update and refuses with field errors', async () => {
    const note = await t.admin.collection('notes').create({ title: 'before' });
    expect((await t.client().collection('notes').update(note.id, { title: '  spaced  ' })).title).toBe('spaced');
    const err = await failure(t.client().collection('notes').update(note.id, { title: 'forbidden' }));
    expect(err.response.data.title.code).toBe('validation_forbidden_title');
  });

  it('guards file tokens and downloads', async () => {
    const form = new FormData();
    form.append('title', 'shown');
    form.append('file', new File(['file body'], 'a.txt', { type: 'text/plain' }));
    const shown = await t.client().collection('docs').create(form);
    const form2 = new FormData();
    form2.append('title', 'hidden');
    form2.append('file', new File(['secret body'], 'b.txt', { type: 'text/plain' }));
    const hidden = await t.client().collection('docs').create(form2);
    expect(await (await fetch(`${t.url}/api/files/docs/${shown.id}/${shown.file}`)).text()).toBe('file body');
    expect((await fetch(`${t.url}/api/files/docs/${hidden.id}/${hidden.file}`)).status).toBe(404);
    expect(downloads).toEqual([`file/${shown.file}/`, `file/${hidden.file}/`]);

    const user = t.client();
    await user.collection('users').authWithPassword('user@example.com', 'user-password-1');
    expect(await user.files.getToken()).toMatch(/^ey/);
    await t.admin.collection('users').create({ email: 'nofiles@example.com', password: 'user-password-1', passwordConfirm: 'user-password-1' });
    const refused = t.client();
    await refused.collection('users').authWithPassword('nofiles@example.com', 'user-password-1');
    expect((await failure(refused.files.getToken())).status).toBe(403);
  });

  it('refuses realtime connections and filters subscriptions', async () => {
    expect((await fetch(`${t.url}/api/realtime`, { headers: { 'x-block': 'yes' } })).status).toBe(403);
    const pb = t.client();
    const inbox = new Inbox();
    await pb.realtime.subscribe('docs/*', inbox.push);
    await t.admin.collection('docs').create({ title: 'not delivered' });
    await inbox.staysAt(0);
    await pb.realtime.unsubscribe();
  });
});

describe.each(ENGINES)('server hooks on %s', (engine) => {
  it('runs onTerminate when the app stops', async () => {
    const calls: string[] = [];
    const t = await startApp(engine, (app) => {
      app.onServe(() => { calls.push('serve'); });
      app.onTerminate(async (e) => {
        // The app still works while terminating.
        calls.push(`terminate ${(await e.app.records.list('users')).totalItems}`);
      });
    });
    await t.close();
    expect(calls).toEqual(['serve', 'terminate 0']);
  });
});
