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
});
