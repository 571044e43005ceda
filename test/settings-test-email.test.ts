/** `POST /api/settings/test/email` (API spec 8.3) against a real SMTP server, on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.js';
import { failure, userToken } from './support/sdk.js';

describe.each(ENGINES)('test email on %s', (engine) => {
  let g: TestGalley;
  let smtp: SmtpCapture;

  beforeAll(async () => {
    g = await startGalley(engine);
    smtp = await startSmtpCapture();
    await g.admin.settings.update({
      meta: { appName: 'Acme', senderName: 'Acme', senderAddress: 'noreply@example.com' },
      smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass },
    });
  });
  afterAll(async () => {
    await g?.close();
    await smtp?.close();
  });

  it.each(['verification', 'password-reset', 'email-change', 'otp', 'login-alert'])('sends the %s template', async (template) => {
    const to = `${template}@example.com`;
    expect(await g.admin.settings.testEmail('users', to, template)).toBe(true);
    const mail = await smtp.next(to);
    expect(mail.decoded).toContain('Acme');
    if (template === 'otp') expect(mail.decoded).toContain('123456');
  });

  it('defaults to the superusers collection', async () => {
    const res = await g.fetch('/api/settings/test/email', {
      method: 'POST', token: g.admin.authStore.token, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'su@example.com', template: 'password-reset' }),
    });
    expect(res.status).toBe(204);
    expect((await smtp.next('su@example.com')).decoded).toContain('Acme');
  });

  it('validates the request and is for superusers only', async () => {
    let err = await failure(g.admin.settings.testEmail('users', 'not-an-email', 'nope'));
    expect(err.status).toBe(400);
    expect(err.response.data.email.code).toBe('validation_is_email');
    expect(err.response.data.template.code).toBe('validation_in_invalid');
    err = await failure(g.admin.settings.testEmail('posts', 'a@example.com', 'otp'));
    expect(err.response.data.collection.code).toBe('validation_invalid_collection');
    const token = await userToken(g);
    const res = await g.fetch('/api/settings/test/email', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
  });

  it('reports a sending failure', async () => {
    await g.admin.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port: 1, username: '', password: '' } });
    const err = await failure(g.admin.settings.testEmail('users', 'a@example.com', 'verification'));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/Failed to send the test email/);
    await g.admin.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, username: smtp.user, password: smtp.pass } });
  });
});
