/**
 * Sign-in protection (docs/authentication.md) with its default settings, through the
 * SDK on both engines: many right-password sign-ins from one IP all pass; failed
 * attempts lock one identity at one IP (the same user elsewhere still signs in), a
 * spray over many identities locks the IP; OTP and MFA failures count the same way;
 * mails beyond the per-address and per-IP limits are not sent while the answers stay
 * the same; and on PostgreSQL two instances share the counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PocketBase, { type ClientResponseError } from 'pocketbase';
import { ENGINES, SUPERUSER_EMAIL, SUPERUSER_PASSWORD, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody, failure } from './support/errors.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';
import { GalleyCore } from '../src/core/galley-core.js';
import { buildApp } from '../src/server/app.js';

const PASSWORD = 'right-password-1';
const LOCKED = 'Too many failed sign-in attempts, please try again later.';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SDK request options that make the request come from `ip` (X-Forwarded-For is a trusted proxy header here). */
const from = (ip: string) => ({ headers: { 'X-Forwarded-For': ip } });

async function expectLocked(p: Promise<unknown>): Promise<void> {
  const err: ClientResponseError = await failure(p);
  expect(err.status).toBe(429);
  expect(err.response).toEqual({ status: 429, message: LOCKED, data: {} });
}

describe.each(ENGINES)('sign-in protection on %s', (engine) => {
  let g: TestGalley;
  let smtp: SmtpCapture;
  const warnings: string[] = [];
  let n = 0;

  const newUser = async () => {
    const email = `u${++n}-${engine}@example.com`;
    await g.admin.collection('users').create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
    return email;
  };
  const signIn = (email: string, password: string, ip: string) => g.client().collection('users').authWithPassword(email, password, from(ip));
  const protection = (values: Record<string, unknown>) => g.admin.settings.update({ authProtection: values });

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    g = await startGalley(engine, { logWarning: (m) => warnings.push(m) });
    await g.admin.settings.update({
      trustedProxy: { headers: ['X-Forwarded-For'] },
      smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass },
    });
    await g.admin.collections.update('users', { otp: { enabled: true } });
  });
  afterAll(async () => {
    await g?.close();
    await smtp?.close();
  });

  it('is on by default, with its limits in the settings', async () => {
    expect((await g.admin.settings.getAll()).authProtection).toEqual({
      enabled: true, failureWindow: 900, maxFailuresPerIdentityIP: 10, maxFailuresPerIdentity: 100, maxFailuresPerIP: 50,
      mailWindow: 600, maxMailsPerAddress: 5, maxMailsPerIP: 30,
    });
  });

  it('lets 50 right-password sign-ins from one IP through within a minute', async () => {
    const emails = [await newUser(), await newUser()];
    const started = Date.now();
    for (let i = 0; i < 50; i++) {
      const auth = await signIn(emails[i % 2]!, PASSWORD, '127.0.0.1');
      expect(auth.record.email).toBe(emails[i % 2]);
    }
    expect(Date.now() - started).toBeLessThan(60_000);
    // The superusers' sign-in too (the harness signed in once already).
    for (let i = 0; i < 12; i++) await g.client().collection('_superusers').authWithPassword(SUPERUSER_EMAIL, SUPERUSER_PASSWORD);
  });

  it("refuses an attacker's 11th wrong password for one identity, then even the right one from that IP; the user still signs in elsewhere", async () => {
    const email = await newUser();
    for (let i = 0; i < 10; i++) expect((await failure(signIn(email, `wrong-${i}`, '10.1.0.1'))).status).toBe(400);
    await expectLocked(signIn(email, 'wrong-10', '10.1.0.1'));
    await expectLocked(signIn(email, PASSWORD, '10.1.0.1'));
    // The raw answer is PocketBase's error body.
    const raw = await g.fetch('/api/collections/users/auth-with-password', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.1.0.1' }, body: JSON.stringify({ identity: email, password: PASSWORD }),
    });
    expect((await expectErrorBody(raw, 429)).message).toBe(LOCKED);
    // Not an identity lock: the owner signs in from another IP, and other identities from the attacker's IP.
    expect((await signIn(email, PASSWORD, '10.1.0.2')).record.email).toBe(email);
    expect((await signIn(await newUser(), PASSWORD, '10.1.0.1')).token).toBeTruthy();
  });

  it('locks an identity for everybody only after its overall limit of attempts that were let through', async () => {
    await protection({ maxFailuresPerIdentity: 15 });
    try {
      const email = await newUser();
      for (let i = 0; i < 10; i++) expect((await failure(signIn(email, 'wrong-password', '10.10.0.1'))).status).toBe(400);
      // Refused attempts from the locked IP do not count against the identity...
      for (let i = 0; i < 10; i++) await expectLocked(signIn(email, 'wrong-password', '10.10.0.1'));
      for (let i = 0; i < 4; i++) expect((await failure(signIn(email, 'wrong-password', '10.10.0.2'))).status).toBe(400);
      // ...so after 14 real guesses the owner still signs in, which clears the overall count.
      expect((await signIn(email, PASSWORD, '10.10.0.3')).record.email).toBe(email);
      // A guess spread over many IPs: the 16th attempt is refused from anywhere, the right password too.
      for (let i = 0; i < 15; i++) expect((await failure(signIn(email, 'wrong-password', `10.10.1.${i + 1}`))).status).toBe(400);
      await expectLocked(signIn(email, PASSWORD, '10.10.2.1'));
    } finally {
      await protection({ maxFailuresPerIdentity: 100 });
    }
  });

  it('counts failures per identity and IP until a sign-in succeeds, which clears them', async () => {
    const email = await newUser();
    for (let i = 0; i < 9; i++) expect((await failure(signIn(email, 'wrong-password', '10.2.0.1'))).status).toBe(400);
    await signIn(email, PASSWORD, '10.2.0.1');
    for (let i = 0; i < 10; i++) expect((await failure(signIn(email, 'wrong-password', '10.2.0.1'))).status).toBe(400);
    await expectLocked(signIn(email, PASSWORD, '10.2.0.1'));
  });

  it('refuses a spray over many identities from one IP after 50 failures, unknown identities included', async () => {
    const known = [await newUser(), await newUser(), await newUser()];
    for (let i = 0; i < 50; i++) {
      const identity = i < 30 ? known[i % 3]! : `nobody${i}-${engine}@example.com`;
      expect((await failure(signIn(identity, `spray-${i}`, '10.3.0.1'))).status).toBe(400);
    }
    await expectLocked(signIn(`nobody-else-${engine}@example.com`, 'spray', '10.3.0.1'));
    await expectLocked(signIn(await newUser(), PASSWORD, '10.3.0.1'));
    // The sprayed users are not locked elsewhere.
    expect((await signIn(known[0]!, PASSWORD, '10.3.0.2')).record.email).toBe(known[0]);
  });

  it('counts failed OTP attempts the same way', async () => {
    await protection({ maxFailuresPerIP: 3 });
    try {
      const otp = (id: string) => g.client().collection('users').authWithOTP(id, '12345678', from('10.4.0.1'));
      for (let i = 0; i < 3; i++) expect((await failure(otp(`unknownotp${i}`))).status).toBe(400);
      await expectLocked(otp('unknownotp9'));
      await expectLocked(signIn(await newUser(), PASSWORD, '10.4.0.1'));
    } finally {
      await protection({ maxFailuresPerIP: 50 });
    }
  });

  it('counts failed MFA steps as failures, and a first MFA step that passed as none', async () => {
    await g.admin.collections.update('users', { mfa: { enabled: true } });
    await protection({ maxFailuresPerIdentityIP: 3 });
    try {
      const email = await newUser();
      // First steps with the right password: each answers 401 {mfaId} and counts nothing.
      for (let i = 0; i < 5; i++) expect((await failure(signIn(email, PASSWORD, '10.5.0.1'))).status).toBe(401);
      const step = () => g.client().collection('users').authWithPassword(email, PASSWORD, { ...from('10.5.0.1'), query: { mfaId: 'nosuchmfasess00' } });
      for (let i = 0; i < 3; i++) expect((await failure(step())).status).toBe(400);
      await expectLocked(step());
      expect((await failure(signIn(email, PASSWORD, '10.5.0.2'))).status).toBe(401);
    } finally {
      await protection({ maxFailuresPerIdentityIP: 10 });
      await g.admin.collections.update('users', { mfa: { enabled: false } });
    }
  });

  it('stops mailing an address after 5 mails in the window, answering exactly as before', async () => {
    const email = await newUser();
    const answers: unknown[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await g.fetch('/api/collections/users/request-otp', {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.6.0.${i + 1}` }, body: JSON.stringify({ email }),
      });
      const body = await res.json();
      answers.push([res.status, Object.keys(body), typeof body.otpId === 'string' && /^[a-z0-9]{15}$/.test(body.otpId)]);
    }
    expect(answers).toEqual(Array(8).fill([200, ['otpId'], true]));
    await smtp.next(email, 4);
    await pause(500);
    expect(smtp.count(email)).toBe(5);
    // A password reset for the same address is an answered 204 that mails nothing either.
    const reset = await g.fetch('/api/collections/users/request-password-reset', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.6.1.1' }, body: JSON.stringify({ email }),
    });
    expect(reset.status).toBe(204);
    await pause(500);
    expect(smtp.count(email)).toBe(5);
    expect(warnings.some((w) => w.includes('mail limit'))).toBe(true);
    expect(warnings.join('\n')).not.toContain(email);
  });

  it('stops mailing from one IP after its limit, other IPs unaffected', async () => {
    await protection({ maxMailsPerIP: 3 });
    try {
      const emails = [await newUser(), await newUser(), await newUser(), await newUser(), await newUser()];
      for (const email of emails) await g.client().collection('users').requestOTP(email, from('10.7.0.1'));
      await pause(800);
      // The mails go out in the background, in no set order: three of the five.
      expect(emails.map((e) => smtp.count(e)).sort()).toEqual([0, 0, 1, 1, 1]);
      await g.client().collection('users').requestPasswordReset(emails[4]!, from('10.7.0.2'));
      await smtp.next(emails[4]!);
    } finally {
      await protection({ maxMailsPerIP: 30 });
    }
  });

  it('can be switched off, and validates its settings', async () => {
    const err = await failure(protection({ failureWindow: 0, maxFailuresPerIP: 'x', maxMailsPerAddress: 1.5, mailWindow: 30 * 86400 }));
    expect(err.status).toBe(400);
    const codes = Object.fromEntries(Object.entries(err.response.data.authProtection as Record<string, { code: string }>).map(([k, e]) => [k, e.code]));
    expect(codes).toEqual({
      failureWindow: 'validation_min_greater_equal_than_required', maxFailuresPerIP: 'validation_invalid_value',
      maxMailsPerAddress: 'validation_min_greater_equal_than_required', mailWindow: 'validation_max_less_equal_than_required',
    });
    expect((await g.admin.settings.getAll()).authProtection.failureWindow).toBe(900); // nothing was saved
    await protection({ enabled: false });
    try {
      const email = await newUser();
      for (let i = 0; i < 12; i++) expect((await failure(signIn(email, 'wrong-password', '10.8.0.1'))).status).toBe(400);
      expect((await signIn(email, PASSWORD, '10.8.0.1')).record.email).toBe(email);
    } finally {
      await protection({ enabled: true });
    }
  });
});

describe('sign-in protection across two instances on one PostgreSQL database', () => {
  let a: TestGalley;
  let b: { url: string; close(): Promise<void> };
  const client = (url: string) => {
    const pb = new PocketBase(url);
    pb.autoCancellation(false);
    return pb;
  };
  const signIn = (url: string, email: string, password: string, ip: string) => client(url).collection('users').authWithPassword(email, password, from(ip));

  beforeAll(async () => {
    a = await startGalley('postgres');
    await a.admin.settings.update({ trustedProxy: { headers: ['X-Forwarded-For'] } });
    const core = await GalleyCore.open({ dir: a.dir, db: a.dbUrl }, 100);
    const app = await buildApp(core);
    await app.listen({ host: '127.0.0.1', port: 0 });
    b = { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, close: async () => { await app.close(); await core.close(); } };
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it("shares an identity's failures: 5 wrong passwords on each instance, the 11th is refused on both", async () => {
    const email = 'shared@example.com';
    await a.admin.collection('users').create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
    for (let i = 0; i < 5; i++) {
      expect((await failure(signIn(a.url, email, 'wrong-password', '10.9.0.1'))).status).toBe(400);
      expect((await failure(signIn(b.url, email, 'wrong-password', '10.9.0.1'))).status).toBe(400);
    }
    await expectLocked(signIn(a.url, email, PASSWORD, '10.9.0.1'));
    await expectLocked(signIn(b.url, email, PASSWORD, '10.9.0.1'));
    expect((await signIn(b.url, email, PASSWORD, '10.9.0.2')).record.email).toBe(email);
  });

  it('shares the spray count of an IP', async () => {
    for (let i = 0; i < 50; i++) {
      const url = i % 2 ? b.url : a.url;
      expect((await failure(signIn(url, `sprayed${i}@example.com`, 'guess', '10.9.1.1'))).status).toBe(400);
    }
    await expectLocked(signIn(a.url, 'sprayed-last@example.com', 'guess', '10.9.1.1'));
    await expectLocked(signIn(b.url, 'sprayed-last@example.com', 'guess', '10.9.1.1'));
  });
});
