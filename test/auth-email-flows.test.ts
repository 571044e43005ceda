/**
 * Verification, password reset and email change (API spec 5.8–5.10, 5.12) through
 * the SDK, with the mails delivered to a real SMTP server and the tokens read from
 * the mail bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type PocketBase from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure } from './support/sdk.js';
import { startSmtpCapture, tokenIn, type SmtpCapture } from './support/smtp-capture.js';

const PASSWORD = 'first-password-1';
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(ENGINES)('auth email flows on %s', (engine) => {
  let g: TestGalley;
  let smtp: SmtpCapture;
  const warnings: string[] = [];
  let n = 0;

  /** A new unverified users record with its own email. */
  const newUser = async (extra: Record<string, unknown> = {}) => {
    const email = `u${++n}-${engine}@example.com`;
    const record = await g.admin.collection('users').create({ email, password: PASSWORD, passwordConfirm: PASSWORD, ...extra });
    return { email, id: record.id as string };
  };
  const signIn = async (email: string, password = PASSWORD): Promise<PocketBase> => {
    const pb = g.client();
    await pb.collection('users').authWithPassword(email, password);
    return pb;
  };
  const post = (path: string, body: unknown, token?: string) =>
    g.fetch(`/api/collections/${path}`, { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    g = await startGalley(engine, { logWarning: (m) => warnings.push(m) });
    await g.admin.settings.update({
      meta: { appName: 'Acme', appURL: 'https://acme.test/', senderName: 'Acme Support', senderAddress: 'help@acme.test' },
      smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass },
    });
    await g.admin.collections.update('users', { // `name` is one of the default users fields
      verificationTemplate: { subject: 'Verify {RECORD:name} at {APP_NAME}', body: '<p>Hi {RECORD:name} ({RECORD:email}) {RECORD:tokenKey}</p><a href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}">Verify</a>' },
    });
    await g.admin.collections.create({ name: 'members', type: 'auth', fields: [] });
  });
  afterAll(async () => {
    await g?.close();
    await smtp?.close();
  });

  describe('verification', () => {
    it('mails a verification link rendered from the template, and confirming it verifies the record', async () => {
      const { email, id } = await newUser({ name: '<b>Ann</b>' });
      expect(await g.client().collection('users').requestVerification(email)).toBe(true);
      const mail = await smtp.next(email);
      expect(mail.from).toBe('help@acme.test');
      expect(mail.raw).toMatch(/^From: "?Acme Support"? <help@acme\.test>/m);
      expect(mail.raw).toMatch(/^Subject: Verify <b>Ann<\/b> at Acme/m);
      expect(mail.decoded).toContain(`Hi &lt;b&gt;Ann&lt;/b&gt; (${email}) {RECORD:tokenKey}`); // escaped; hidden fields stay unresolved
      expect(mail.decoded).toContain('https://acme.test/_/#/auth/confirm-verification/');
      const token = tokenIn(mail, 'confirm-verification');
      expect(claimsOf(token)).toMatchObject({ id, type: 'verification', email, collectionId: (await g.admin.collections.getOne('users')).id });

      expect(await g.client().collection('users').confirmVerification(token)).toBe(true);
      expect((await g.admin.collection('users').getOne(id)).verified).toBe(true);
      expect(await g.client().collection('users').confirmVerification(token)).toBe(true); // already verified: still fine

    });

    it('sends nothing to a record that is already verified', async () => {
      const { email } = await newUser({ verified: true });
      expect(await g.client().collection('users').requestVerification(email)).toBe(true);
      await pause(300);
      expect(smtp.count(email)).toBe(0);
    });

    it('answers 204 for unknown emails and within the resend window, without sending', async () => {
      const unknown = `nobody-${engine}@example.com`;
      expect((await post('users/request-verification', { email: unknown })).status).toBe(204);
      const { email } = await newUser();
      await g.client().collection('users').requestVerification(email);
      await smtp.next(email);
      expect((await post('users/request-verification', { email })).status).toBe(204);
      await pause(300);
      expect(smtp.count(email)).toBe(1);
      expect(smtp.count(unknown)).toBe(0);
    });

    it('refuses malformed emails, and superusers', async () => {
      const bad = await failure(g.client().collection('users').requestVerification('not-an-email'));
      expect(bad.status).toBe(400);
      expect(bad.response.data.email.code).toBe('validation_is_email');
      expect((await failure(g.client().collection('users').requestVerification(''))).response.data.email.code).toBe('validation_required');
      expect((await failure(g.client().collection('_superusers').requestVerification('admin@example.com'))).status).toBe(400);
      expect((await post('nope/request-verification', { email: 'a@b.co' })).status).toBe(404);
    });

    it('rejects invalid, tampered, expired, wrong-type and other-collection tokens under data.token', async () => {
      const { email, id } = await newUser();
      await g.client().collection('users').requestVerification(email);
      const token = tokenIn(await smtp.next(email), 'confirm-verification');
      const users = g.core.collections.get('users');
      const p = g.core.store.dialect.placeholder(1);
      const tokenKey = String((await g.core.store.get(`SELECT "tokenKey" FROM "users" WHERE "id" = ${p}`, [id]))!.tokenKey);
      const sign = (claims: Record<string, unknown>, secret = users.model.verificationToken!.secret) =>
        new SignJWT({ id, collectionId: users.id, type: 'verification', email, exp: Math.floor(Date.now() / 1000) + 600, ...claims })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(tokenKey + secret));

      const memberEmail = `member-${engine}@example.com`;
      await g.admin.collection('members').create({ email: memberEmail, password: PASSWORD, passwordConfirm: PASSWORD });
      await g.client().collection('members').requestVerification(memberEmail);
      const memberToken = tokenIn(await smtp.next(memberEmail), 'confirm-verification');

      const cases: [string, string][] = [
        ['garbage', 'validation_invalid_token'],
        [`${token.slice(0, -3)}abc`, 'validation_invalid_token'],
        [await sign({ exp: Math.floor(Date.now() / 1000) - 5 }), 'validation_invalid_token'],
        [await sign({ type: 'passwordReset' }), 'validation_invalid_token'],
        [await sign({}, users.model.passwordResetToken!.secret), 'validation_invalid_token'],
        [await sign({ email: 'someone-else@example.com' }), 'validation_invalid_token'],
        [memberToken, 'validation_token_collection_mismatch'],
        ['', 'validation_required'],
      ];
      for (const [bad, code] of cases) {
        const err = await failure(g.client().collection('users').confirmVerification(bad));
        expect(err.status, bad).toBe(400);
        expect(err.response.data.token.code, bad).toBe(code);
      }
      expect((await g.admin.collection('users').getOne(id)).verified).toBe(false);
      expect(await g.client().collection('users').confirmVerification(await sign({}))).toBe(true); // the control: a good signature works
    });
  });

  describe('password reset', () => {
    it('sets the new password and ends every earlier token', async () => {
      const { email, id } = await newUser();
      const before = await signIn(email);
      expect(await g.client().collection('users').requestPasswordReset(email)).toBe(true);
      const mail = await smtp.next(email);
      expect(mail.raw).toMatch(/^Subject: Reset your Acme password/m);
      const token = tokenIn(mail, 'confirm-password-reset');
      expect(claimsOf(token)).toMatchObject({ id, type: 'passwordReset', email });

      const short = await failure(g.client().collection('users').confirmPasswordReset(token, 'short', 'short'));
      expect(short.status).toBe(400);
      expect(Object.keys(short.response.data)).toEqual(['password']);
      const mismatch = await failure(g.client().collection('users').confirmPasswordReset(token, 'second-password-2', 'other-password-2'));
      expect(mismatch.response.data.passwordConfirm.code).toBe('validation_values_mismatch');

      expect(await g.client().collection('users').confirmPasswordReset(token, 'second-password-2', 'second-password-2')).toBe(true);
      await signIn(email, 'second-password-2');
      expect((await failure(signIn(email))).status).toBe(400);
      expect((await failure(before.collection('users').authRefresh())).status).toBe(401); // tokenKey rotated
      const reused = await failure(g.client().collection('users').confirmPasswordReset(token, 'third-password-3', 'third-password-3'));
      expect(reused.status).toBe(400);
      expect(reused.response.data.token.code).toBe('validation_invalid_token');
      expect((await g.admin.collection('users').getOne(id)).verified).toBe(true);
    });

    it('answers 204 for unknown emails and within the resend window, without sending', async () => {
      const unknown = `ghost-${engine}@example.com`;
      expect(await g.client().collection('users').requestPasswordReset(unknown)).toBe(true);
      const { email } = await newUser();
      await g.client().collection('users').requestPasswordReset(email);
      await smtp.next(email);
      expect(await g.client().collection('users').requestPasswordReset(email.toUpperCase())).toBe(true);
      await pause(300);
      expect(smtp.count(email)).toBe(1);
      expect(smtp.count(unknown)).toBe(0);
    });

    it('refuses a verification token and reports every invalid field', async () => {
      const { email } = await newUser();
      await g.client().collection('users').requestVerification(email);
      const verification = tokenIn(await smtp.next(email), 'confirm-verification');
      const err = await failure(g.client().collection('users').confirmPasswordReset(verification, 'long-enough-1', 'long-enough-1'));
      expect(err.response.data.token.code).toBe('validation_invalid_token');
      const all = await failure(g.client().collection('users').confirmPasswordReset('x', '', 'y'));
      expect(Object.keys(all.response.data).sort()).toEqual(['password', 'passwordConfirm', 'token']);
    });
  });

  describe('email change', () => {
    it('mails the new address and, with the password, sets the new email and verified', async () => {
      const { email, id } = await newUser();
      const pb = await signIn(email);
      const newEmail = `changed-${n}-${engine}@example.com`;
      expect(await pb.collection('users').requestEmailChange(newEmail)).toBe(true);
      const mail = await smtp.next(newEmail);
      expect(smtp.count(email)).toBe(0);
      const token = tokenIn(mail, 'confirm-email-change');
      expect(claimsOf(token)).toMatchObject({ id, type: 'emailChange', email, newEmail });

      const wrong = await failure(g.client().collection('users').confirmEmailChange(token, 'not-my-password'));
      expect(wrong.status).toBe(400);
      expect(wrong.response.data.password.code).toBe('validation_invalid_password');
      expect(await g.client().collection('users').confirmEmailChange(token, PASSWORD)).toBe(true);

      const record = await g.admin.collection('users').getOne(id);
      expect(record).toMatchObject({ email: newEmail, verified: true });
      await signIn(newEmail);
      expect((await failure(signIn(email))).status).toBe(400);
      expect((await failure(pb.collection('users').authRefresh())).status).toBe(401);
      expect((await failure(g.client().collection('users').confirmEmailChange(token, PASSWORD))).response.data.token.code).toBe('validation_invalid_token');
    });

    it('needs an auth record of that collection and a valid, unused new email', async () => {
      const { email } = await newUser();
      const taken = await newUser();
      const pb = await signIn(email);
      expect((await failure(g.client().collection('users').requestEmailChange('x@example.com'))).status).toBe(401);
      expect((await failure(g.admin.collection('users').requestEmailChange('x@example.com'))).status).toBe(403);
      expect((await failure(g.admin.collection('_superusers').requestEmailChange('x@example.com'))).status).toBe(400);
      for (const [value, code] of [['nope', 'validation_is_email'], ['', 'validation_required'], [taken.email, 'validation_email_exists'], [email, 'validation_not_in_invalid']]) {
        const err = await failure(pb.collection('users').requestEmailChange(value!));
        expect(err.status, value).toBe(400);
        expect(err.response.data.newEmail.code, value).toBe(code);
      }
      const bad = await failure(g.client().collection('users').confirmEmailChange('bad-token', ''));
      expect(Object.keys(bad.response.data).sort()).toEqual(['password', 'token']);
    });
  });

  describe('mail failures', () => {
    it('answer 204 and are logged, without secrets, when SMTP is disabled or refuses the login', async () => {
      const { email } = await newUser();
      await g.admin.settings.update({ smtp: { enabled: false } });
      warnings.length = 0;
      expect((await post('users/request-password-reset', { email })).status).toBe(204);
      for (let i = 0; i < 100 && warnings.length === 0; i++) await pause(20);
      expect(warnings.join('\n')).toMatch(/password reset email not sent: SMTP is disabled/);

      await g.admin.settings.update({ smtp: { enabled: true, password: 'wrong-smtp-password' } });
      const failuresBefore = smtp.authFailures;
      const other = await newUser();
      warnings.length = 0;
      expect((await post('users/request-verification', { email: other.email })).status).toBe(204);
      for (let i = 0; i < 200 && warnings.length === 0; i++) await pause(20);
      expect(smtp.authFailures).toBeGreaterThan(failuresBefore);
      expect(warnings.join('\n')).toMatch(/verification email not sent: SMTP delivery to 127\.0\.0\.1/);
      expect(warnings.join('\n')).not.toContain('wrong-smtp-password');
      expect(warnings.join('\n')).not.toMatch(/eyJ/);
      expect(smtp.count(email) + smtp.count(other.email)).toBe(0);
      await g.admin.settings.update({ smtp: { password: smtp.pass } });
    });
  });
});
