/**
 * OTP sign-in (API spec 5.7, 4.6, 10.2) through the SDK on both engines, with the
 * codes delivered to a real SMTP server and read from the mails: sign-in and
 * verification, wrong/expired/foreign codes, the per-record attempt cap, enumeration
 * protection, disabled collections, body validation, and that no code ever shows up
 * in a response or a log line.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type PocketBase from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from './support/smtp-capture.js';
import { captureConsole } from './support/console-capture.js';

const PASSWORD = 'first-password-1';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TEMPLATE = { subject: 'Your {APP_NAME} code', body: '<p>Hi {RECORD:name}, code=[{OTP}] id=[{OTP_ID}]</p>' };

describe.each(ENGINES)('OTP sign-in on %s', (engine) => {
  let g: TestGalley;
  let smtp: SmtpCapture;
  const logs: string[] = [];
  const responses: string[] = [];
  const codes: string[] = [];
  let n = 0;

  /** An SDK client whose every response body is kept for the leak check. */
  const client = (): PocketBase => {
    const pb = g.client();
    pb.afterSend = (_res, data) => {
      responses.push(JSON.stringify(data));
      return data;
    };
    return pb;
  };
  const post = async (path: string, body: unknown) => {
    const res = await g.fetch(`/api/collections/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.clone().text();
    responses.push(text);
    return res;
  };
  const newUser = async (collection = 'users', extra: Record<string, unknown> = {}) => {
    const email = `otp${++n}-${engine}@example.com`;
    const record = await g.admin.collection(collection).create({ email, password: PASSWORD, passwordConfirm: PASSWORD, ...extra });
    return { email, id: record.id as string };
  };
  /** The code and otpId in an OTP mail rendered from TEMPLATE. */
  const codeIn = (mail: CapturedMail) => {
    const m = /code=\[(\d+)\] id=\[([a-z0-9]+)\]/.exec(mail.decoded);
    if (!m) throw new Error(`no code in the mail:\n${mail.decoded}`);
    codes.push(m[1]!);
    return { code: m[1]!, otpId: m[2]! };
  };
  /** Requests an OTP for the email and reads the code from the mail that follows. */
  const requestCode = async (email: string, collection = 'users') => {
    const before = smtp.count(email);
    const { otpId } = await client().collection(collection).requestOTP(email);
    const mail = codeIn(await smtp.next(email, before));
    expect(mail.otpId).toBe(otpId);
    return { otpId, code: mail.code };
  };
  const wrong = (code: string) => (code[0] === '9' ? '0' : '9') + code.slice(1);
  const otpRows = (id: string) => g.core.store.all(`SELECT * FROM "_otps" WHERE "id" = ${g.core.store.dialect.placeholder(1)}`, [id]);

  beforeAll(async () => {
    captureConsole(logs);
    smtp = await startSmtpCapture();
    g = await startGalley(engine, { logWarning: (m) => logs.push(m), logError: (e) => logs.push(e instanceof Error ? `${e.message}\n${e.stack}` : String(e)) });
    await g.admin.settings.update({
      meta: { appName: 'Acme', appURL: 'https://acme.test/', senderName: 'Acme', senderAddress: 'help@acme.test' },
      smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass },
    });
    await g.admin.collections.update('users', { otp: { enabled: true, emailTemplate: TEMPLATE } });
    await g.admin.collections.create({ name: 'members', type: 'auth', fields: [], otp: { enabled: true, length: 6, emailTemplate: TEMPLATE } });
    await g.admin.collections.create({ name: 'closed', type: 'auth', fields: [] });
    await g.admin.collections.create({ name: 'locked', type: 'auth', fields: [], authRule: null, otp: { enabled: true, emailTemplate: TEMPLATE } });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await g?.close();
    await smtp?.close();
  });

  it('accepts enabling OTP by PATCH, with PocketBase defaults for the rest', async () => {
    const users = await g.admin.collections.getOne('users');
    expect(users.otp).toMatchObject({ enabled: true, duration: 180, length: 8 });
    expect((await g.admin.collections.getOne('closed')).otp.enabled).toBe(false);
  });

  it('signs in with the mailed code, marks the record verified and uses the code once', async () => {
    const { email, id } = await newUser('users', { name: 'Ann' });
    const { otpId } = await client().collection('users').requestOTP(email);
    expect(otpId).toMatch(/^[a-z0-9]{15}$/);
    const mail = await smtp.next(email);
    expect(mail.raw).toMatch(/^Subject: Your Acme code/m);
    expect(mail.decoded).toContain('Hi Ann,');
    const { code, otpId: mailedId } = codeIn(mail);
    expect(mailedId).toBe(otpId);
    expect(code).toMatch(/^\d{8}$/);

    const [stored] = await otpRows(otpId);
    expect(stored).toMatchObject({ collectionId: (await g.admin.collections.getOne('users')).id, recordId: id, sentTo: email });
    expect(String(stored!.hash)).toMatch(/^\$argon2id\$/);
    expect(String(stored!.hash)).not.toContain(code);

    const pb = client();
    const auth = await pb.collection('users').authWithOTP(otpId, code);
    expect(auth.record.id).toBe(id);
    expect(auth.record.email).toBe(email);
    expect(auth.record.verified).toBe(true);
    expect(pb.authStore.isValid).toBe(true);
    expect((await pb.collection('users').getOne(id)).id).toBe(id); // the token works
    expect((await g.admin.collection('users').getOne(id)).verified).toBe(true);
    expect(await otpRows(otpId)).toHaveLength(0);
    // Anti pre-hijacking: the password the unverified record was created with is gone.
    expect((await failure(client().collection('users').authWithPassword(email, PASSWORD))).status).toBe(400);
    expect((await pb.collection('users').authRefresh()).record.id).toBe(id); // the OTP session stays valid

    const again = await failure(client().collection('users').authWithOTP(otpId, code));
    expect(again.status).toBe(400);
    expect(again.message).toBe('Invalid or expired OTP.');
  });

  it('refuses a wrong code with 400, and the right one still works', async () => {
    const { email, id } = await newUser();
    const { otpId, code } = await requestCode(email);
    const res = await post('users/auth-with-otp', { otpId, password: wrong(code) });
    const body = await expectErrorBody(res, 400);
    expect(body.message).toBe('Invalid or expired OTP.');
    expect(body.data).toEqual({});
    expect((await client().collection('users').authWithOTP(otpId, code)).record.id).toBe(id);
  });

  it('answers 429 after five attempts per record within 180 s, even for the right code or a new OTP', async () => {
    const { email } = await newUser();
    const { otpId, code } = await requestCode(email);
    for (let i = 0; i < 5; i++) expect((await failure(client().collection('users').authWithOTP(otpId, wrong(code)))).status).toBe(400);
    const capped = await failure(client().collection('users').authWithOTP(otpId, code));
    expect(capped.status).toBe(429);
    expect(capped.message).toBe('Too many attempts, please try again later with a new OTP.');
    const fresh = await requestCode(email);
    expect((await failure(client().collection('users').authWithOTP(fresh.otpId, fresh.code))).status).toBe(429);
    // The count is in the database, where every instance sees it.
    const p = g.core.store.dialect.placeholder;
    const rows = await g.core.store.get(`SELECT COUNT(*) AS "n" FROM "_otpAttempts" WHERE "recordId" = ${p(1)}`, [String((await otpRows(fresh.otpId))[0]!.recordId)]);
    expect(Number(rows!.n)).toBeGreaterThanOrEqual(7);
    // Other records are not affected.
    const other = await newUser();
    const ok = await requestCode(other.email);
    expect((await client().collection('users').authWithOTP(ok.otpId, ok.code)).record.id).toBe(other.id);
  });

  it('refuses a code older than otp.duration (backdated in the database) and removes it', async () => {
    await g.admin.collections.update('users', { otp: { duration: 10 } });
    try {
      const backdate = (otpId: string, ms: number) =>
        g.core.store.run(`UPDATE "_otps" SET "created" = "created" - ${g.core.store.dialect.placeholder(1)} WHERE "id" = ${g.core.store.dialect.placeholder(2)}`, [ms, otpId]);
      const { email, id } = await newUser();
      const old = await requestCode(email);
      await backdate(old.otpId, 11_000);
      const expired = await failure(client().collection('users').authWithOTP(old.otpId, old.code));
      expect(expired.status).toBe(400);
      expect(expired.message).toBe('Invalid or expired OTP.');
      expect(await otpRows(old.otpId)).toHaveLength(0);

      const recent = await requestCode(email); // the control: 5 s old is within 10 s
      await backdate(recent.otpId, 5_000);
      expect((await client().collection('users').authWithOTP(recent.otpId, recent.code)).record.id).toBe(id);
    } finally {
      await g.admin.collections.update('users', { otp: { duration: 180 } });
    }
  });

  it('answers unknown emails with a random otpId and sends nothing', async () => {
    const unknown = `nobody-otp-${engine}@example.com`;
    const res = await post('users/request-otp', { email: unknown });
    expect(res.status).toBe(200);
    const { otpId } = await res.json();
    expect(otpId).toMatch(/^[a-z0-9]{15}$/);
    const second = await client().collection('users').requestOTP(unknown);
    expect(second.otpId).not.toBe(otpId);
    await pause(400);
    expect(smtp.count(unknown)).toBe(0);
    expect(await otpRows(otpId)).toHaveLength(0);
    expect((await failure(client().collection('users').authWithOTP(otpId, '12345678'))).status).toBe(400);
  });

  it('answers 403 when OTP is disabled on the collection', async () => {
    const { email } = await newUser('closed');
    const res = await post('closed/request-otp', { email });
    expect((await expectErrorBody(res, 403)).message).toMatch(/OTP/);
    expect((await failure(client().collection('closed').authWithOTP('abcdefghijklmno', '12345678'))).status).toBe(403);
    await pause(300);
    expect(smtp.count(email)).toBe(0);
    expect((await post('nope/request-otp', { email })).status).toBe(404);
  });

  it('honours otp.length and refuses an OTP of another collection', async () => {
    const member = await newUser('members');
    const { otpId, code } = await requestCode(member.email, 'members');
    expect(code).toMatch(/^\d{6}$/);
    expect((await failure(client().collection('users').authWithOTP(otpId, code))).status).toBe(400);
    expect((await client().collection('members').authWithOTP(otpId, code)).record.id).toBe(member.id);
  });

  it('applies the authRule after a correct code', async () => {
    const { email } = await newUser('locked');
    const { otpId, code } = await requestCode(email, 'locked');
    expect((await failure(client().collection('locked').authWithOTP(otpId, code))).status).toBe(403);
  });

  it('does not verify a record whose email changed after the code was sent', async () => {
    const { email, id } = await newUser();
    const { otpId, code } = await requestCode(email);
    await g.admin.collection('users').update(id, { email: `changed-${email}` });
    const auth = await client().collection('users').authWithOTP(otpId, code);
    expect(auth.record.id).toBe(id);
    expect(auth.record.verified).toBe(false);
  });

  it('reports malformed bodies as field errors, never a 500', async () => {
    const missing = await expectErrorBody(await post('users/request-otp', {}), 400);
    expect(missing.data.email.code).toBe('validation_required');
    expect((await expectErrorBody(await post('users/request-otp', { email: 'not-an-email' }), 400)).data.email.code).toBe('validation_is_email');
    expect((await expectErrorBody(await post('users/request-otp', { email: 42 }), 400)).data.email.code).toBe('validation_required');

    const empty = await expectErrorBody(await post('users/auth-with-otp', {}), 400);
    expect(Object.keys(empty.data).sort()).toEqual(['otpId', 'password']);
    expect(empty.data.otpId.code).toBe('validation_required');
    const long = await expectErrorBody(await post('users/auth-with-otp', { otpId: 'x'.repeat(256), password: '1'.repeat(72) }), 400);
    expect(long.data.otpId.code).toBe('validation_length_out_of_range');
    expect(long.data.password.code).toBe('validation_length_out_of_range');
    const types = await expectErrorBody(await post('users/auth-with-otp', { otpId: ['a'], password: 12345678 }), 400);
    expect(Object.keys(types.data).sort()).toEqual(['otpId', 'password']);
    const nul = await expectErrorBody(await post('users/auth-with-otp', { otpId: 'abc\u0000def', password: '12345678' }), 400);
    expect(nul.message).toBe('Invalid or expired OTP.');
    const res = await g.fetch('/api/collections/users/auth-with-otp', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"otpId":' });
    expect(res.status).toBe(400);
  });

  it('never puts a code in a response or a log line', async () => {
    expect(codes.length).toBeGreaterThanOrEqual(10);
    expect(responses.length).toBeGreaterThan(20);
    for (const code of codes) {
      for (const body of responses) expect(body.includes(code), `code in response ${body}`).toBe(false);
      for (const line of logs) expect(line.includes(code), `code in log ${line}`).toBe(false);
    }
  });
});
