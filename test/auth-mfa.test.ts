/**
 * MFA (API spec 5.6, 4.2, 4.6) through the SDK on both engines: password then OTP
 * (codes read from a real SMTP capture), the raw 401 `{"mfaId"}` body, the same
 * method twice, another record's mfaId, expired and unknown sessions, `mfa.rule`,
 * collections without MFA, and that refresh and impersonation never ask for MFA.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';

const PASSWORD = 'mfa-password-1';
const TEMPLATE = { subject: 'Code', body: '<p>code=[{OTP}] id=[{OTP_ID}]</p>' };
const SAME_METHOD = 'A different authentication method is required.';
const EXPIRED = 'Invalid or expired MFA session.';

describe.each(ENGINES)('MFA on %s', (engine) => {
  let g: TestGalley;
  let smtp: SmtpCapture;
  let n = 0;

  const newUser = async (collection = 'users', extra: Record<string, unknown> = {}) => {
    const email = `mfa${++n}-${engine}@example.com`;
    const record = await g.admin.collection(collection).create({ email, password: PASSWORD, passwordConfirm: PASSWORD, ...extra });
    return { email, id: record.id as string };
  };
  /** The mfaId of a first (password) step, which must fail with 401. */
  const firstStep = async (email: string, collection = 'users') => {
    const err = await failure(g.client().collection(collection).authWithPassword(email, PASSWORD));
    expect(err.status).toBe(401);
    const mfaId = err.response.mfaId as string;
    expect(mfaId).toMatch(/^[a-z0-9]{15}$/);
    return mfaId;
  };
  /** Requests an OTP and reads the code from the mail that follows. */
  const requestCode = async (email: string, collection = 'users') => {
    const before = smtp.count(email);
    const { otpId } = await g.client().collection(collection).requestOTP(email);
    const m = /code=\[(\d+)\] id=\[([a-z0-9]+)\]/.exec((await smtp.next(email, before)).decoded);
    if (!m) throw new Error('no code in the mail');
    expect(m[2]).toBe(otpId);
    return { otpId, code: m[1]! };
  };
  const mfaRows = (id: string) => g.core.store.all(`SELECT * FROM "_mfas" WHERE "id" = ${g.core.store.dialect.placeholder(1)}`, [id]);

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    g = await startGalley(engine);
    await g.admin.settings.update({
      meta: { appName: 'Acme', appURL: 'https://acme.test/', senderName: 'Acme', senderAddress: 'help@acme.test' },
      smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass },
    });
    await g.admin.collections.update('users', { otp: { enabled: true, emailTemplate: TEMPLATE }, mfa: { enabled: true } });
    await g.admin.collections.create({
      name: 'tiered', type: 'auth', fields: [{ name: 'tier', type: 'text' }],
      otp: { enabled: true, emailTemplate: TEMPLATE }, mfa: { enabled: true, rule: "tier = 'high'" },
    });
    await g.admin.collections.create({ name: 'plain', type: 'auth', fields: [], otp: { enabled: true, emailTemplate: TEMPLATE } });
  });
  afterAll(async () => {
    await g?.close();
    await smtp?.close();
  });

  it('accepts mfa with password + otp and refuses it with a single auth method', async () => {
    expect((await g.admin.collections.getOne('users')).mfa).toMatchObject({ enabled: true, duration: 600, rule: '' });
    const err = await failure(g.admin.collections.create({ name: 'lonely', type: 'auth', fields: [], mfa: { enabled: true } }));
    expect(err.status).toBe(400);
    expect(err.response.data.mfa.enabled.code).toBe('validation_mfa_not_enough_auths');
  });

  it('answers a first step with 401 {"mfaId"} and stores the pending session', async () => {
    const { email, id } = await newUser();
    const res = await g.fetch('/api/collections/users/auth-with-password', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: email, password: PASSWORD }),
    });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['mfaId']);
    expect(body.mfaId).toMatch(/^[a-z0-9]{15}$/);
    const [row] = await mfaRows(body.mfaId);
    expect(row).toMatchObject({ collectionId: (await g.admin.collections.getOne('users')).id, recordId: id, method: 'password' });
  });

  it('signs in with password then OTP and uses the session once', async () => {
    const { email, id } = await newUser();
    const mfaId = await firstStep(email);
    const { otpId, code } = await requestCode(email);
    const pb = g.client();
    const auth = await pb.collection('users').authWithOTP(otpId, code, { mfaId });
    expect(auth.record.id).toBe(id);
    expect(pb.authStore.isValid).toBe(true);
    expect((await pb.collection('users').getOne(id)).id).toBe(id);
    expect(await mfaRows(mfaId)).toHaveLength(0);
    // Refresh never asks for MFA.
    expect((await pb.collection('users').authRefresh()).record.id).toBe(id);
    // The session is gone: a further step with it fails.
    const again = await failure(g.client().collection('users').authWithPassword(email, PASSWORD, { mfaId }));
    expect(again.status).toBe(400);
    expect(again.message).toBe(EXPIRED);
  });

  it('accepts the mfaId in the body too, OTP first then password', async () => {
    const { email, id } = await newUser();
    const { otpId, code } = await requestCode(email);
    const err = await failure(g.client().collection('users').authWithOTP(otpId, code));
    expect(err.status).toBe(401);
    const mfaId = err.response.mfaId as string;
    expect((await mfaRows(mfaId))[0]).toMatchObject({ method: 'otp', recordId: id });
    const res = await g.fetch('/api/collections/users/auth-with-password', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: email, password: PASSWORD, mfaId }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.record.id).toBe(id);
    expect(typeof body.token).toBe('string');
  });

  it('requires a different method for the second step', async () => {
    const { email } = await newUser();
    const mfaId = await firstStep(email);
    const err = await failure(g.client().collection('users').authWithPassword(email, PASSWORD, { mfaId }));
    expect(err.status).toBe(400);
    expect(err.message).toBe(SAME_METHOD);
    const res = await g.fetch(`/api/collections/users/auth-with-password?mfaId=${mfaId}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: email, password: PASSWORD }),
    });
    expect((await expectErrorBody(res, 400)).message).toBe(SAME_METHOD);
    expect(await mfaRows(mfaId)).toHaveLength(1); // still usable with another method
  });

  it("refuses another record's mfaId and leaves it in place", async () => {
    const ann = await newUser();
    const bob = await newUser();
    const annMfa = await firstStep(ann.email);
    const { otpId, code } = await requestCode(bob.email);
    const err = await failure(g.client().collection('users').authWithOTP(otpId, code, { mfaId: annMfa }));
    expect(err.status).toBe(400);
    expect(err.message).toBe('Invalid MFA session.');
    expect(await mfaRows(annMfa)).toHaveLength(1);
  });

  it('refuses expired and unknown sessions', async () => {
    const { email } = await newUser();
    const mfaId = await firstStep(email);
    const p = g.core.store.dialect.placeholder;
    await g.core.store.run(`UPDATE "_mfas" SET "created" = "created" - ${p(1)} WHERE "id" = ${p(2)}`, [601 * 1000, mfaId]);
    const { otpId, code } = await requestCode(email);
    const err = await failure(g.client().collection('users').authWithOTP(otpId, code, { mfaId }));
    expect(err.status).toBe(400);
    expect(err.message).toBe(EXPIRED);
    expect(await mfaRows(mfaId)).toHaveLength(0);

    const fresh = await requestCode(email);
    const unknown = await failure(g.client().collection('users').authWithOTP(fresh.otpId, fresh.code, { mfaId: 'aaaaaaaaaaaaaaa' }));
    expect(unknown.status).toBe(400);
    expect(unknown.message).toBe(EXPIRED);
  });

  it('applies only to records matching mfa.rule', async () => {
    const low = await newUser('tiered', { tier: 'low' });
    const auth = await g.client().collection('tiered').authWithPassword(low.email, PASSWORD);
    expect(auth.record.id).toBe(low.id);
    const high = await newUser('tiered', { tier: 'high' });
    const mfaId = await firstStep(high.email, 'tiered');
    const { otpId, code } = await requestCode(high.email, 'tiered');
    expect((await g.client().collection('tiered').authWithOTP(otpId, code, { mfaId })).record.id).toBe(high.id);
  });

  it('changes nothing without mfa, and impersonation never asks for it', async () => {
    const plain = await newUser('plain');
    expect((await g.client().collection('plain').authWithPassword(plain.email, PASSWORD)).record.id).toBe(plain.id);
    const { otpId, code } = await requestCode(plain.email, 'plain');
    expect((await g.client().collection('plain').authWithOTP(otpId, code)).record.id).toBe(plain.id);

    const { id } = await newUser();
    const impersonated = await g.admin.collection('users').impersonate(id, 3600);
    expect(impersonated.authStore.record?.id).toBe(id);
    expect((await impersonated.collection('users').authRefresh()).record.id).toBe(id);
  });
});
